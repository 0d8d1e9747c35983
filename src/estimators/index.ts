/** The psi_t estimators (pure functions on one trajectory) and the policy-gradient estimator. */
export { advantagePsi, checkGamma, discountedReturns, gae, nStepAdvantages, nStepReturns, qPsi, rewardToGo, tdErrors, totalReturn } from "./returns";
export type { ValueArgs } from "./returns";
export { discountWeighted, estimateGradient, stepBatch, surrogateGradient, surrogateLoss, trajectoryGradient } from "./gradient";
export type { PsiFn, StepBatch } from "./gradient";
export { sampleEpisodes } from "./rollout";
