/** Training algorithms: REINFORCE (every baseline), actor-critic with Q critics, A2C / TD actor-critic / GAE. */
export { a2c, resolveA2CConfig } from "./a2c";
export type { A2CConfig } from "./a2c";
export { actorCritic, resolveActorCriticConfig } from "./actor-critic";
export type { ActorCriticConfig } from "./actor-critic";
export { REINFORCE_BASELINES, reinforce, resolveReinforceConfig } from "./reinforce";
export type { ReinforceConfig } from "./reinforce";
export { ALGORITHMS, algorithm, resolveConfig } from "./registry";
export type { AlgorithmConfigs, AlgorithmName, AlgorithmSpec } from "./registry";
export { runSeeds } from "./run-seeds";
export type { SeedRun, SeedRuns } from "./run-seeds";
export type { Callbacks, IterationStats, TrainResult, TrainablePolicy } from "./core";
