/**
 * Advantage actor-critic on a vector of environments: A2C with n-step advantages (Mnih et al., 2016),
 * the TD actor-critic (psi = delta_t, one-step advantages), GAE(lambda) (Schulman et al., 2016), and
 * the advantage Q(s, a) - V(s) from two learned networks ("qv"), for categorical and Gaussian policies.
 * Reads top to bottom: collect n steps from every copy (one time-major segment), evaluate the critic
 * on it, compute the advantages with the library's estimator (`gae`, `nStepAdvantages`, `tdErrors`,
 * `advantagePsi`, or yours), step the actor (the one update step, src/update/step.ts), fit the
 * critic(s), log.
 *
 * The three ways the lecture builds the critic are three settings: "qv" learns both Q and V (two
 * networks); "nstep" replaces Q by a sampled n-step return and learns V only; "gae" forms the advantage
 * directly from V's TD errors.
 *
 * ```ts
 * const result = await a2c({ env: "CartPole-v1", advantage: "gae", lambda: 0.95, targetReturn: 475 });
 * const same = await a2c({ advantage: gae });   // the library's estimator passed as a function: the same run
 * ```
 *
 * psi_t carries no factor gamma^t (see src/estimators/gradient.ts), as in every common implementation.
 * The defaults are tuned for CartPole-v1. Measured over seeds 0-19 (env steps until the mean return of
 * the last 100 episodes reaches 475): 16 copies and actor lr 0.002 give a median of 110,000 steps
 * (largest 185,000); the earlier 32 copies and lr 0.003 gave 160,000 over seeds 0-9, one seed not
 * reaching it within 400,000.
 */
import { psiOf } from "../estimators/gradient";
import { MlpActionValue, MlpValue } from "../critics/mlp";
import { gae, tdErrors } from "../estimators/returns";
import type { PsiEstimator } from "../estimators/segment";
import type { Activation } from "../nn/mlp";
import { type Batch, nextValuesOf } from "../rollout/batch";
import { type OptimizerName, OPTIMIZERS, makeOptimizer, setLearningRate } from "../update/optimizers";
import type { Gaussian } from "../policies/networks";
import { Collector, type RowSampler } from "../rollout/collector";
import { Rng } from "../rng";
import { initTf } from "../tf";
import { type RunParts, cannotCapture, captureState, restoreState } from "./checkpoint";
import { checkKeys, fail, finite, intAtLeast, keysOf, nonNegative, oneOf, optionalFinite, positive, sizes, unit } from "./config";
import { ObservationNormalizer, RewardScaler } from "./normalize";
import { type Callbacks, Recorder, type TrainResult } from "./recorder";
import { type TrainablePolicy, makePolicy, setupEnv } from "./setup";
import { entropyOf } from "../update/loss";
import { OptimizerTarget, checkDiverged, policyStep } from "../update/step";
import { ESTIMATORS, namesOf } from "./builtins";
import { checkCriticLoss, standardize } from "./update";

/** The built-in advantages: the library's estimators, by name (src/algorithms/builtins.ts). */
export const A2C_ADVANTAGES = ESTIMATORS.a2c;
export type A2CAdvantageName = keyof typeof ESTIMATORS.a2c;

export interface A2CConfig {
  /** Registered environment id (default "CartPole-v1") and its arguments. */
  env?: string;
  envKwargs?: Record<string, unknown>;
  /** Cut episodes after this many steps (marked truncated); default: the environment's registered limit. */
  maxEpisodeSteps?: number;
  /** Copies stepped together (default 16). */
  numEnvs?: number;
  /** Steps per copy between updates (default 32); also the n of "nstep" advantages. */
  nSteps?: number;
  /**
   * "nstep": A2C's n-step advantage (`nStepAdvantages`); "td": psi = delta_t (`tdErrors`, the TD
   * actor-critic); "gae": GAE(lambda) (`gae`, the default); "qv": Q(s_t, a_t) - V(s_t) from two
   * networks (`advantagePsi`; turns `qCritic` on); or any estimator with the library's signature
   * `(segment) => psi`, which reads the segment's values, nextValues, lambda, n (and q with `qCritic`).
   * The critic V is fitted to psi + V(s_t) (the n-step return, the one-step target, the lambda-return),
   * and, when a Q critic is learned too (`qCritic`), to the lambda-return of GAE.
   */
  advantage?: A2CAdvantageName | PsiEstimator;
  /**
   * Also learn an action-value network Q(s, a) (discrete actions: one output per action), fitted to the
   * one-step target r_{t+1} + gamma V(s_{t+1}) (0 after a terminal state), and give its Q(s_t, a_t) to
   * the estimator as `segment.q`. Q(s, a) - V(s) then estimates A(s, a) as the expected TD error
   * E[r + gamma V(s') | s, a] - V(s), learned by regression. Default: true with advantage "qv", else false.
   */
  qCritic?: boolean;
  /** lambda of GAE (default 0.95; passed to a function estimator too; ignored by "nstep" and "td"). */
  lambda?: number;
  gamma?: number;
  /** Hidden layers of the actor and of the critic (default [64, 64]), activation (default "tanh"). */
  hiddenSizes?: number[];
  activation?: Activation;
  /** Learning rates of the actor (default 0.002) and the critic (default 0.003). */
  lr?: number;
  valueLr?: number;
  /**
   * The actor's and the critics' optimiser (src/update/optimizers.ts): "adam" (default), "rmsprop"
   * (PyTorch's RMSprop with alpha 0.99, as Stable-Baselines3's A2C uses it) or "rmspropDeepRM".
   */
  optimizer?: OptimizerName;
  /** Critic optimiser steps per update on the same batch (default 5). */
  valueIters?: number;
  /** Entropy bonus (default 0.0) and global-norm gradient clipping (default 0.5). */
  entropyCoef?: number;
  maxGradNorm?: number;
  /** Decay both learning rates linearly to 0 over totalSteps (default false). */
  anneal?: boolean;
  /** Standardise the advantages of each batch (default true). */
  normalize?: boolean;
  /** "categorical" (discrete actions) or "gaussian" (continuous); default: whichever the environment needs. */
  policy?: "categorical" | "gaussian";
  /** Initial log-std of a Gaussian policy (continuous actions; default -0.5). */
  logStdInit?: number;
  /**
   * Gaussian policy: learn log sigma(s) as a second output of the actor network instead of one
   * state-independent vector (default false).
   */
  stateDependentStd?: boolean;
  /**
   * Gaussian policy: gSDE exploration (Raffin et al., 2021; see src/policies/networks.ts): the noise is
   * z(s)^T E with z(s) the actor's last hidden layer and E a matrix of normals drawn per copy at the
   * start of every segment and held for its nSteps steps; logStdInit initialises its log-stds
   * (default false).
   */
  sde?: boolean;
  /**
   * Normalise observations by their running mean and standard deviation (default false), for the
   * actor and the critic; the returned policy has the normalisation folded into its first layer, so it
   * acts on raw observations. See src/algorithms/normalize.ts.
   */
  normalizeObservations?: boolean;
  /**
   * Divide the rewards the critic and the advantages see by the running standard deviation of the
   * discounted return (default false); recorded returns stay unscaled. See src/algorithms/normalize.ts.
   */
  scaleRewards?: boolean;
  /** Budget in environment steps (default 200,000). */
  totalSteps?: number;
  /** Stop once the mean return of the last 100 episodes reaches it (optional). */
  targetReturn?: number;
  seed?: number;
}

const KEYS = keysOf<A2CConfig>({ env: true, envKwargs: true, maxEpisodeSteps: true, numEnvs: true, nSteps: true, advantage: true, qCritic: true, lambda: true, gamma: true, hiddenSizes: true, activation: true, lr: true, valueLr: true, optimizer: true, valueIters: true, entropyCoef: true, maxGradNorm: true, anneal: true, normalize: true, policy: true, logStdInit: true, stateDependentStd: true, sde: true, normalizeObservations: true, scaleRewards: true, totalSteps: true, targetReturn: true, seed: true });

/** The config with every default filled in, checked (unknown keys, types, ranges). */
export function resolveA2CConfig(c: A2CConfig = {}) {
  checkKeys("a2c", c, KEYS);
  return resolveA2CFields("a2c", c);
}

/** Every field of an A2C config with its default, checked, with errors naming `A` (a3c shares them). */
export function resolveA2CFields(A: string, c: A2CConfig) {
  const advantage = typeof c.advantage === "function" ? c.advantage : oneOf(A, "advantage", c.advantage ?? "gae", namesOf(ESTIMATORS.a2c));
  flag(A, "qCritic", c.qCritic);
  if (advantage === "qv" && c.qCritic === false) fail(A, "qCritic", 'true (or left out) with advantage "qv", which reads Q(s_t, a_t)', c.qCritic);
  return {
    env: c.env ?? "CartPole-v1",
    envKwargs: c.envKwargs,
    maxEpisodeSteps: c.maxEpisodeSteps === undefined ? undefined : intAtLeast(A, "maxEpisodeSteps", c.maxEpisodeSteps, 1),
    numEnvs: intAtLeast(A, "numEnvs", c.numEnvs ?? 16, 1),
    nSteps: intAtLeast(A, "nSteps", c.nSteps ?? 32, 1),
    advantage,
    qCritic: c.qCritic ?? advantage === "qv",
    lambda: advantage === "nstep" ? 1 : advantage === "td" ? 0 : unit(A, "lambda", c.lambda ?? 0.95),
    gamma: unit(A, "gamma", c.gamma ?? 0.99),
    hiddenSizes: sizes(A, "hiddenSizes", c.hiddenSizes ?? [64, 64]),
    activation: oneOf(A, "activation", c.activation ?? "tanh", ["tanh", "relu", "elu"] as const),
    lr: positive(A, "lr", c.lr ?? 0.002),
    valueLr: positive(A, "valueLr", c.valueLr ?? 0.003),
    optimizer: oneOf(A, "optimizer", c.optimizer ?? "adam", OPTIMIZERS),
    valueIters: intAtLeast(A, "valueIters", c.valueIters ?? 5, 1),
    entropyCoef: nonNegative(A, "entropyCoef", c.entropyCoef ?? 0),
    maxGradNorm: nonNegative(A, "maxGradNorm", c.maxGradNorm ?? 0.5),
    normalize: c.normalize ?? true,
    anneal: c.anneal ?? false,
    policy: c.policy === undefined ? undefined : oneOf(A, "policy", c.policy, ["categorical", "gaussian"] as const),
    logStdInit: finite(A, "logStdInit", c.logStdInit ?? -0.5),
    stateDependentStd: flag(A, "stateDependentStd", c.stateDependentStd),
    sde: flag(A, "sde", c.sde),
    normalizeObservations: flag(A, "normalizeObservations", c.normalizeObservations),
    scaleRewards: flag(A, "scaleRewards", c.scaleRewards),
    totalSteps: intAtLeast(A, "totalSteps", c.totalSteps ?? 200_000, 1),
    targetReturn: optionalFinite(A, "targetReturn", c.targetReturn),
    seed: intAtLeast(A, "seed", c.seed ?? 0, 0),
  };
}
export type ResolvedA2CConfig = ReturnType<typeof resolveA2CFields>;

/** An optional boolean field (default false). */
function flag(algo: string, field: string, v: unknown): boolean {
  if (v !== undefined && typeof v !== "boolean") fail(algo, field, "true or false", v);
  return v === true;
}

/** The critic(s) of a run: V, and Q(s, .) with `qCritic`. */
export interface A2CCritics {
  v: MlpValue;
  q: MlpActionValue | null;
  nActions: number;
}

/**
 * Fill a collected segment with the critics' values (V(s_t), V(s_{t+1}), and Q(s_t, a_t) with a Q
 * critic), then compute psi with the estimator, V's targets (psi + V(s_t), or the lambda-return of GAE
 * with a Q critic), Q's targets (r_{t+1} + gamma V(s_{t+1}), with a Q critic) and the actor's weights (psi,
 * standardised if asked). Shared by a2c and the workers of a3c.
 */
export function advantagesOf(batch: Batch, c: ResolvedA2CConfig, critics: A2CCritics, advantageFn: PsiEstimator, algo: string) {
  const values = (observations: Float32Array, n: number) => critics.v.valuesOf(observations, n);
  // the critic's values, then the advantages (0 after a terminal state, V(s_T) after a truncation or at the segment's end)
  batch.values = values(batch.observations, batch.rows);
  batch.nextValues = nextValuesOf(batch, batch.values, values);
  batch.lambda = c.lambda;
  batch.n = c.nSteps;
  if (critics.q) {
    const q = critics.q.qRows(batch.observations, batch.rows);
    batch.q = Float64Array.from({ length: batch.rows }, (_, k) => q[k * critics.nActions + batch.actions[k]]);
  }
  const advantages = psiOf(algo, batch, advantageFn);
  const v = batch.values;
  // V's targets: psi + V(s_t) (the n-step, one-step or lambda-return); with a Q critic, the lambda-return of GAE
  const targets = Float32Array.from(critics.q ? gae(batch) : advantages, (a, k) => a + v[k]);
  // Q(s_t, a_t)'s targets: r_{t+1} + gamma V(s_{t+1}) = delta_t + V(s_t), with V before its update
  const qTargets = critics.q ? Float32Array.from(tdErrors(batch), (d, k) => d + v[k]) : null;
  const weights = c.normalize ? standardize([advantages])[0] : advantages;
  return { advantages, targets, qTargets, weights };
}

/** The actor and critic(s) of a run, and what it normalises; disposes what it made if a later step fails. */
export function buildA2C(algo: string, c: ResolvedA2CConfig, numEnvs: number) {
  const setup = setupEnv(c.env, c.envKwargs, numEnvs, c.maxEpisodeSteps);
  let policy: TrainablePolicy | null = null;
  let critic: MlpValue | null = null;
  try {
    if (c.stateDependentStd && setup.discrete) throw new RangeError(`${algo}: config.stateDependentStd is for Gaussian policies, but ${c.env} has discrete actions.`);
    if (c.sde && setup.discrete) throw new RangeError(`${algo}: config.sde (gSDE exploration) is for Gaussian policies, but ${c.env} has discrete actions.`);
    if (c.sde && c.stateDependentStd) throw new RangeError(`${algo}: config.sde and config.stateDependentStd are two ways to make sigma depend on the state; set one of them.`);
    if (c.normalizeObservations && setup.tabular) throw new RangeError(`${algo}: config.normalizeObservations needs numeric observations, but ${c.env}'s are state indices.`);
    if (c.qCritic && !setup.discrete) {
      throw new RangeError(`${algo}: config.qCritic (or advantage "qv") needs discrete actions (a Q network with one output per action), but ${c.env} has continuous ones; use advantage "gae", "nstep" or "td".`);
    }
    policy = makePolicy(algo, setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed, logStdInit: c.logStdInit, stateDependentStd: c.stateDependentStd, sde: c.sde, continuous: c.policy === undefined ? undefined : c.policy === "gaussian" });
    if (c.stateDependentStd) {
      // the log-std head's bias starts at logStdInit (its weights start near 0, like every output layer's)
      const p = policy.getParams();
      p.fill(c.logStdInit, p.length - setup.actionSize);
      policy.setParams(p);
    }
    critic = new MlpValue({ obsSize: setup.env.obsDim, hiddenSizes: c.hiddenSizes, activation: c.activation, lr: c.valueLr, optimizer: c.optimizer, seed: c.seed + 1 });
    const q = c.qCritic ? new MlpActionValue({ obsSize: setup.env.obsDim, nActions: setup.nActions, hiddenSizes: c.hiddenSizes, activation: c.activation, lr: c.valueLr, optimizer: c.optimizer, seed: c.seed + 2 }) : null;
    const critics: A2CCritics = { v: critic, q, nActions: setup.nActions };
    const obsNorm = c.normalizeObservations ? new ObservationNormalizer(setup.env.obsDim) : null;
    // gSDE: one exploration matrix per copy, drawn by `resampleNoise` at the start of every segment
    const gaussian = policy as Gaussian;
    let noise: Float64Array = new Float64Array(0);
    const resampleNoise = (rng: Rng) => {
      if (c.sde) noise = gaussian.explorationNoise(numEnvs, rng);
    };
    const base: RowSampler = c.sde ? { sampleRows: (o, rows, _rng, out) => gaussian.sampleRowsWithNoise(o, rows, noise, out) } : policy;
    // the policy acts on normalised observations; the batch keeps what the environment gave
    const actor: RowSampler = obsNorm ? { sampleRows: (o, rows, rng, out) => base.sampleRows(obsNorm.apply(o, rows), rows, rng, out) } : base;
    return { setup, policy, critics, obsNorm, actor, resampleNoise, rewardScaler: c.scaleRewards ? new RewardScaler(numEnvs, c.gamma) : null };
  } catch (e) {
    policy?.dispose();
    critic?.dispose();
    setup.env.close();
    throw e;
  }
}

/**
 * Normalise a segment's observations (its rows, and the final and last observations it bootstraps
 * from) with the statistics the policy acted with; returns the raw rows, to update the statistics after
 * the update.
 */
export function normalizeSegment(batch: Batch, obsNorm: ObservationNormalizer): Float32Array {
  const raw = Float32Array.from(batch.observations.subarray(0, batch.rows * batch.obsSize));
  obsNorm.applyInPlace(batch.observations, batch.rows);
  obsNorm.applyInPlace(batch.lastObservations, batch.copies);
  obsNorm.applyInPlace(batch.finalObservations, batch.ends.length);
  return raw;
}

/** The trained policy with the observation normalisation folded into its first layer (acts on raw observations). */
export function foldNormalization(policy: TrainablePolicy, obsNorm: ObservationNormalizer): void {
  const net = (policy as { net?: { sizes: number[] } }).net;
  if (!net) return;
  policy.setParams(obsNorm.foldInto(policy.getParams(), net.sizes[1]));
}

export async function a2c(config: A2CConfig = {}, callbacks: Callbacks = {}): Promise<TrainResult<TrainablePolicy>> {
  // ---- setup
  const c = resolveA2CConfig(config);
  await initTf({ quiet: true });
  const { setup, policy, critics, obsNorm, actor, resampleNoise, rewardScaler } = buildA2C("a2c", c, c.numEnvs);
  const { v: critic, q: qCritic } = critics;
  const actorTarget = new OptimizerTarget(makeOptimizer(c.optimizer, c.lr), policy);
  const advantageFn = typeof c.advantage === "function" ? c.advantage : A2C_ADVANTAGES[c.advantage];
  const rng = new Rng(c.seed).stream(7);
  const collector = new Collector(setup.env, { seed: c.seed });
  const recorder = new Recorder();
  const parts: RunParts = {
    params: { actor: policy, critic: critic.net, ...(qCritic ? { q: qCritic.net } : {}) },
    optimizers: { actor: actorTarget.optimizer, critic: critic.optimizer, ...(qCritic ? { q: qCritic.optimizer } : {}) },
    rngs: { actions: rng },
    moments: obsNorm ? { observations: obsNorm.moments } : {},
    collector,
    recorder,
  };
  try {
    if (c.scaleRewards && callbacks.checkpoint?.resume) throw new RangeError("a2c: checkpoints do not cover scaleRewards's running statistics yet, so a run with it cannot be continued.");
    const capture = (iteration: number) => (c.scaleRewards ? cannotCapture("a2c with scaleRewards")() : captureState("a2c", iteration, parts));
    const resumed = callbacks.checkpoint?.resume ? await restoreState("a2c", callbacks.checkpoint.resume, parts) : 0;
    for (let iteration = resumed + 1; collector.steps < c.totalSteps && recorder.solvedAtSteps === null; iteration++) {
      // ---- learning rates (linearly annealed to 0 if asked)
      if (c.anneal) {
        const frac = Math.max(1 - collector.steps / c.totalSteps, 0.01);
        actorTarget.setLearningRate(c.lr * frac);
        setLearningRate(critic.optimizer, c.valueLr * frac);
        if (qCritic) setLearningRate(qCritic.optimizer, c.valueLr * frac);
      }

      // ---- collect n steps from every copy (normalised and scaled if asked)
      resampleNoise(rng);
      const batch = collector.segment(actor, rng, c.nSteps, c.gamma);
      recorder.record(batch);
      const raw = obsNorm ? normalizeSegment(batch, obsNorm) : null;
      rewardScaler?.scale(batch);

      // ---- the critics' values, psi (the advantages), the critics' targets
      const { targets, qTargets, weights } = advantagesOf(batch, c, critics, advantageFn, "a2c");

      // ---- step: the actor (surrogate with psi = advantage, entropy bonus); then the critic(s)
      const step = policyStep(actorTarget, policy, batch, weights, { algo: "a2c", what: "actor", iteration, maxGradNorm: c.maxGradNorm, setting: "lr", lr: c.lr, entropyCoef: c.entropyCoef });
      let criticLoss = NaN;
      for (let k = 0; k < c.valueIters; k++) criticLoss = critic.fitRows(batch.observations, targets);
      checkCriticLoss("a2c", iteration, criticLoss, "valueLr", c.valueLr);
      checkDiverged("a2c", "critic", iteration, critic.net.maxAbs(), "valueLr", c.valueLr);
      if (qCritic && qTargets) {
        let qLoss = NaN;
        for (let k = 0; k < c.valueIters; k++) qLoss = qCritic.fitRows(batch.observations, batch.actions, qTargets);
        checkCriticLoss("a2c", iteration, qLoss, "valueLr", c.valueLr);
        checkDiverged("a2c", "Q critic", iteration, qCritic.net.maxAbs(), "valueLr", c.valueLr);
      }
      if (obsNorm && raw) obsNorm.moments.update(raw, batch.rows);

      // ---- log
      const losses = { policyLoss: step.loss, criticLoss, entropy: entropyOf(policy, batch), gradNorm: step.gradNorm };
      const stats = recorder.finish(iteration, collector.steps, losses, c.targetReturn);
      await callbacks.onIteration?.(stats);
      if (await callbacks.checkpoint?.after?.(iteration, () => capture(iteration))) break;
    }
    if (obsNorm) foldNormalization(policy, obsNorm);
  } catch (e) {
    policy.dispose();
    throw e;
  } finally {
    actorTarget.dispose();
    critic.dispose();
    qCritic?.dispose();
    setup.env.close();
  }
  return recorder.result(policy, c);
}
