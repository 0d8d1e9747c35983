/**
 * Exact ground truth on tabular MDPs: values, visitation, J(theta) and its gradient, closed forms
 * and trajectory enumeration. Public as the namespace `exact`.
 */
export {
  actionValues,
  advantages,
  asMdp,
  checkPolicy,
  evaluate,
  finiteDifferenceGradient,
  objective,
  optimalValues,
  policyGradient,
  sharedPolicy,
  softmaxPolicy,
  stateValues,
  visitation,
} from "./solve";
export type { Evaluation, MdpLike } from "./solve";
export { expectedGradient, expectedPsi } from "./expected";
export type { PsiModel } from "./expected";
export { LU, SingularMatrixError } from "./linalg";
export { SHORT_CORRIDOR_J_STAR, SHORT_CORRIDOR_P_STAR, shortCorridorJ, shortCorridorSymbolic } from "./short-corridor";
export type { ShortCorridorSymbolic } from "./short-corridor";
export { enumerateTrajectories, returnDistribution } from "./trajectories";
export type { Enumeration, ExactTrajectory } from "./trajectories";
export { gradientError, policyFiniteDifferences, policyObjective, policyTable, singleTransitionObjective, theoremGradient } from "./theorem";
export type { ActionValues, GradientComparison, ObservationOption, ReadablePolicy, SingleTransitionView } from "./theorem";
export { actionValueError, fitActionValues, leastSquares } from "./least-squares";
export type { LeastSquaresResult, LinearFit } from "./least-squares";
