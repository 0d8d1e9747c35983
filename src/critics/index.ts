/**
 * Critics: state-value V(s) and action-value Q(s, a) estimates, tabular, linear or MLP (TF.js), and
 * their training on batches of experience by Monte Carlo, TD(0), n-step, SARSA or Q-learning targets.
 */
export type { ActionValueCritic, ValueCritic } from "./critic";
export { TabularActionValue, TabularValue } from "./tabular";
export { LinearActionValue, LinearValue } from "./linear";
export { MlpActionValue, MlpValue } from "./mlp";
export { trainActionValue, trainValue } from "./train";
