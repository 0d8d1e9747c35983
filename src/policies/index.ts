/** Policies: tabular and linear softmax (closed-form scores), MLP categorical and Gaussian (TF.js). */
export { categoricalEntropy, drawIndex, softmaxInto } from "./policy";
export type { CategoricalPolicy, Policy, SavedPolicy, TfPolicy } from "./policy";
export { LinearSoftmax, TabularSoftmax } from "./softmax";
export { Gaussian, MlpCategorical } from "./networks";
export type { GaussianConfig, MlpCategoricalConfig } from "./networks";
export { loadPolicy, policyFromJSON, savePolicy } from "./io";
