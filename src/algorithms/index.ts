/** Training algorithms: REINFORCE (every baseline), actor-critic with Q critics, A2C / TD actor-critic / GAE, A3C. */
export { A2C_ADVANTAGES, a2c, resolveA2CConfig } from "./a2c";
export type { A2CConfig } from "./a2c";
export { a3c, resolveA3CConfig } from "./a3c";
export type { A3CConfig, A3CUpdate } from "./a3c";
export { ACTOR_CRITIC_PSI, actorCritic, resolveActorCriticConfig } from "./actor-critic";
export type { ActorCriticConfig } from "./actor-critic";
export { GROUP_BASELINES, REINFORCE_BASELINES, REINFORCE_PSI, reinforce, resolveReinforceConfig } from "./reinforce";
export type { GroupsReport, ReinforceBaseline, ReinforceCallbacks, ReinforceConfig, ReinforceGroups } from "./reinforce";
export { reinforceEpisodic } from "./reinforce-episodic";
export type { ReinforceEpisodicOptions, ReinforceEpisodicResult } from "./reinforce-episodic";
export { ALGORITHMS, algorithm, resolveConfig } from "./registry";
export type { AlgorithmConfigs, AlgorithmName, AlgorithmSpec } from "./registry";
export { runSeeds } from "./run-seeds";
export type { SeedRun, SeedRuns } from "./run-seeds";
export type { Callbacks, IterationStats, TrainResult } from "./recorder";
export type { TrainablePolicy } from "./setup";
export { DIVERGENCE_BOUND } from "../update/step";
export { STALL_ITERATIONS } from "./episodes";
