/** Neural networks shared by policies and critics: the MLP (TF.js for gradients, WebAssembly or plain TypeScript for acting). */
export { ACTIVATIONS, FUSED_BACKENDS, Mlp, checkMlpConfig, variableOf } from "./mlp";
export type { Activation, MlpConfig } from "./mlp";
