/**
 * policy-gradient-lab: the public API. Notebooks import it with `import { pg } from "./pglab";`;
 * scripts and tests import from this file.
 */
export { Rng } from "./rng";
export { BACKENDS, forcedBackend, initTf, tf } from "./tf";
export type { BackendName, TfInfo } from "./tf";
export { budget, isQuick } from "./config";
export { confidenceBand, mean, meanConfidence, standardError, tQuantile975, variance } from "./stats";
export * as plot from "./plot/index";
export * from "./envs/index";
export * as exact from "./exact/index";
export * from "./nn/index";
export * from "./policies/index";
export * from "./rollout/index";
export * from "./estimators/index";
export * from "./baselines/index";
export * from "./critics/index";
export * from "./algorithms/index";
export * as deeprm from "./deeprm/index";
export * as grading from "./grading/index";
