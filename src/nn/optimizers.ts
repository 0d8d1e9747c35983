/** The optimisers the actor-critics can use, by name. */
import { tf } from "../tf";

export type OptimizerName = "adam" | "rmsprop";
export const OPTIMIZERS: readonly OptimizerName[] = ["adam", "rmsprop"];

/**
 * "adam": TF.js' Adam (beta1 0.9, beta2 0.999, epsilon 1e-7). "rmsprop": RMSProp as PyTorch's
 * `RMSprop(alpha=0.99, eps=1e-5)`, which Stable-Baselines3's A2C uses with `use_rms_prop` (its
 * default): g / (sqrt(v) + 1e-5) there; TF.js puts epsilon inside the root, g / sqrt(v + epsilon), so
 * epsilon 1e-10 here (the same where sqrt(v) >> 1e-5). No momentum.
 */
export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  return name === "rmsprop" ? tf.train.rmsprop(lr, 0.99, 0, 1e-10) : tf.train.adam(lr);
}
