/** Training algorithms: REINFORCE (every baseline), actor-critic with Q critics, A2C / TD actor-critic / GAE. */
export { a2c } from "./a2c";
export type { A2CConfig } from "./a2c";
export { actorCritic } from "./actor-critic";
export type { ActorCriticConfig } from "./actor-critic";
export { REINFORCE_BASELINES, reinforce } from "./reinforce";
export type { ReinforceConfig } from "./reinforce";
export { reinforceEpisodic } from "./reinforce-episodic";
export type { ReinforceEpisodicOptions, ReinforceEpisodicResult } from "./reinforce-episodic";
export { ALGORITHMS, algorithm } from "./registry";
export type { AlgorithmName } from "./registry";
export { runSeeds } from "./run-seeds";
export type { SeedRun, SeedRuns } from "./run-seeds";
export type { Callbacks, IterationStats, TrainResult, TrainablePolicy } from "./core";
