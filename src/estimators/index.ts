/** The psi_t estimators (pure functions on a segment of experience, or one trajectory) and the policy-gradient estimator. */
export { advantagePsi, checkGamma, discountedReturns, gae, nStepAdvantages, nStepReturns, qPsi, rewardToGo, tdErrors, totalReturn } from "./returns";
export type { ValueArgs } from "./returns";
export { discountWeighted, estimateGradient, psiOf, surrogateGradient, trajectoryGradient } from "./gradient";
export { surrogateLoss } from "../update/loss";
export type { PsiFn } from "./gradient";
export { BatchScores, groupMeans, measureEstimates, measureEstimator } from "./measure";
export type { Measurement } from "./measure";
