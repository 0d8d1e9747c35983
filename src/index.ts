/**
 * policy-gradient-lab: the public API, the members of `pg`. Notebooks import it with
 * `import { pg } from "./pglab";`, scripts outside the clone with `import { pg } from "policy-gradient-lab"`.
 *
 * Each name is listed on purpose: what the notebooks, the README and a user's own script need
 * (training, environments, policies, critics, estimators, statistics, plots, exact answers, grading).
 * Helpers the library uses internally (row indexing of batches, TF.js variable lookup, argument
 * checks, the environments' vectorised kernels, per-algorithm config resolvers behind
 * `resolveConfig`, ...) are not members; tests import them from their files in src/.
 */
export { Rng } from "./rng";
export { BACKENDS, initTf, tf } from "./tf";
export type { BackendName, TfInfo } from "./tf";
export { budget, isQuick } from "./config";
export { confidenceBand, mean, meanConfidence, standardError, tQuantile975, variance } from "./stats";
export * as plot from "./plot/index";
export * as exact from "./exact/index";
export * as deeprm from "./deeprm/index";
export * as grading from "./grading/index";

// Environments: Gymnasium's API, classic control, the lecture's tabular problems, vector envs.
export {
  Bandit,
  BaseEnv,
  Box,
  CartPole,
  DeepRM,
  Discrete,
  GridWorld,
  Pendulum,
  ShortCorridor,
  TabularEnv,
  TimeLimit,
  VectorEnv,
  checkEnv,
  make,
  makeVector,
  randomMdp,
  recordEpisode,
  register,
  registeredIds,
  shortCorridorMdp,
} from "./envs/index";
export type {
  ActOf,
  BanditArgs,
  Cell,
  DeepRMArgs,
  DeepRMConfig,
  DeepRMResetOptions,
  Env,
  EnvSpec,
  Episode,
  GridWorldArgs,
  Info,
  MadeEnvs,
  ObsOf,
  RandomMdpArgs,
  Registration,
  ResetArgs,
  ResetResult,
  Space,
  StepResult,
  TabularEnvOptions,
  TabularMDP,
  VectorEnvOptions,
} from "./envs/index";

// Networks and policies.
export { ACTIVATIONS, Mlp } from "./nn/index";
export type { Activation, MlpConfig } from "./nn/index";
export { Gaussian, LinearSoftmax, MlpCategorical, TabularSoftmax, loadPolicy, policyFromJSON, savePolicy } from "./policies/index";
export type { CategoricalPolicy, GaussianConfig, MlpCategoricalConfig, Policy, SavedPolicy, TfPolicy } from "./policies/index";

// Experience: segments of rows, the collector the algorithms use, whole episodes.
export { Collector, nextValuesOf, sampleBatch, sampleEpisodes, spanBatch, spans } from "./rollout/index";
export type { Actor, Batch, PsiEstimator, RowSampler, SampleOptions, Segment, Span, VectorLike } from "./rollout/index";

// psi_t estimators, the gradient estimator, and measuring estimators' variance.
export {
  BatchScores,
  advantagePsi,
  discountWeighted,
  discountedReturns,
  estimateGradient,
  gae,
  groupMeans,
  measureEstimates,
  measureEstimator,
  nStepAdvantages,
  nStepReturns,
  qPsi,
  rewardToGo,
  surrogateGradient,
  surrogateLoss,
  tdErrors,
  totalReturn,
  trajectoryGradient,
} from "./estimators/index";
export type { Measurement, PsiFn, ValueArgs } from "./estimators/index";

// Baselines and critics.
export {
  ConstantBaseline,
  MovingAverageBaseline,
  batchMeanBaseline,
  constantBaseline,
  movingAverageBaseline,
  noBaseline,
  timeDependentBaseline,
  valueBaseline,
  williamsOptimalBaseline,
} from "./baselines/index";
export type { Baseline } from "./baselines/index";
export { LinearActionValue, LinearValue, MlpActionValue, MlpValue, TabularActionValue, TabularValue, trainActionValue, trainValue } from "./critics/index";
export type { ActionValueCritic, ValueCritic } from "./critics/index";

// Training: the algorithms, their option lists, config checking, several seeds at once.
export {
  A2C_ADVANTAGES,
  ACTOR_CRITIC_PSI,
  ALGORITHMS,
  DIVERGENCE_BOUND,
  GROUP_BASELINES,
  REINFORCE_BASELINES,
  REINFORCE_PSI,
  a2c,
  a3c,
  actorCritic,
  reinforce,
  reinforceEpisodic,
  resolveConfig,
  runSeeds,
} from "./algorithms/index";
export type {
  A2CConfig,
  A3CConfig,
  A3CUpdate,
  ActorCriticConfig,
  AlgorithmConfigs,
  AlgorithmName,
  AlgorithmSpec,
  Callbacks,
  GroupsReport,
  IterationStats,
  ReinforceBaseline,
  ReinforceCallbacks,
  ReinforceConfig,
  ReinforceEpisodicOptions,
  ReinforceEpisodicResult,
  ReinforceGroups,
  SeedRun,
  SeedRuns,
  TrainablePolicy,
  TrainResult,
} from "./algorithms/index";
