/**
 * DeepRM (Mao, Alizadeh, Menache, Kandula, HotNets 2016), reproduced: the environment (DeepRM-v0),
 * the baseline schedulers, imitation pre-training on SJF, training with REINFORCE and the time-dependent
 * baseline, and the evaluation on held-out job sets.
 * Notebooks reach it as `pg.deeprm`.
 */
export * from "../envs/deeprm/index";
export { Packer, RandomScheduler, SCHEDULER_NAMES, SJF, TETRIS_KNOB, TetrisStar, schedulers } from "./schedulers";
export type { Scheduler, SchedulerName } from "./schedulers";
export { evaluateSchedulers, runJobSet } from "./evaluate";
export type { Actor, EvaluateOptions, EvaluationResult, LoadResult, SlowdownSummary } from "./evaluate";
export { collectDemonstrations, imitate, imitationScore } from "./imitation";
export type { Demonstrations, DemonstrationOptions, ImitationEpoch, ImitationOptions } from "./imitation";
export { DEEPRM_TRAINING_LOADS, deepRMNetwork, deepRMReinforceConfig, rolloutSlowdowns, trainDeepRM } from "./train";
export type { DeepRMCurveRow, DeepRMTrainOptions, DeepRMTrainResult } from "./train";
export { imitationStudy, savedRun, shippedDir, shippedRun } from "./shipped";
export type { SavedRun, TrainingRecord } from "./shipped";
export { stateHeatmap } from "./figures";
export { PAPER_FIGURE_4 } from "./paper";
