/** DeepRM-v0: job scheduling on a multi-resource cluster (Mao et al., HotNets 2016). */
export { DEEPRM_DEFAULTS, DEEPRM_KWARGS, H as DEEPRM_HEADER, SHORT_JOB_PROBABILITY, SINCE_ARRIVAL_CAP, deepRMConfig, jobDistribution } from "./config";
export type { DeepRMArgs, DeepRMConfig, IntRange, JobDistribution, StateLayout } from "./config";
export { JOB_SET_SPLITS, checkJobs, drawJobSet, jobSetRng, readJobs } from "./jobs";
export type { Job, JobSetSplit } from "./jobs";
export { allocate, advance, deepRMKernel, earliestFit, fitsAt, isDone, jobSetChoice } from "./kernel";
export type { DeepRMKernel, DeepRMResetOptions, JobSetChoice } from "./kernel";
export { backlogColumn, clusterColumn, decodeObservation, emptyView, observe, slotColumn } from "./observation";
export type { ObservationView } from "./observation";
export { buildState, checkDeepRMState, stateLabels } from "./state";
export type { JobSpec, StateSpec } from "./state";
export { DeepRM, slowdownStats } from "./env";
export type { FinishedJob, SlowdownStats } from "./env";
export { jobColor, renderDeepRM } from "./render";
export { DEEPRM_MAX_EPISODE_STEPS, DEEPRM_MAX_REGISTERED_JOB_SET_LENGTH } from "./registration";
