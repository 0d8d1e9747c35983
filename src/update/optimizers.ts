/**
 * The optimisers, by name: the one place that builds one (the algorithms, the MLP critics and DeepRM's
 * imitation all call `makeOptimizer`; A3C's shared-memory Adam, src/update/shared-adam.ts, uses the
 * constants of "adam"). A new variant is one entry of `OPTIMIZER_VARIANTS`: every config's `optimizer`
 * field, its error message and `npm run train -- --help` read the names from it.
 */
import { tf } from "../tf";

interface Variant {
  /** What the constants are and where they come from. */
  doc: string;
  make: (lr: number) => tf.Optimizer;
}

/** The named optimisers. No momentum anywhere. */
export const OPTIMIZER_VARIANTS = {
  adam: { doc: "TF.js' Adam: beta1 0.9, beta2 0.999, epsilon 1e-7 (the backend's default)", make: (lr) => tf.train.adam(lr) },
  /**
   * PyTorch's `RMSprop(alpha=0.99, eps=1e-5)`, which Stable-Baselines3's A2C uses (`use_rms_prop`):
   * g / (sqrt(v) + 1e-5) there; TF.js puts epsilon inside the root, g / sqrt(v + epsilon), so epsilon
   * 1e-10 here (the same where sqrt(v) >> 1e-5).
   */
  rmsprop: { doc: "RMSProp as Stable-Baselines3's A2C: decay 0.99, epsilon 1e-10 inside the root (PyTorch's eps 1e-5 outside it)", make: (lr) => tf.train.rmsprop(lr, 0.99, 0, 1e-10) },
  /** The DeepRM paper's reference code (Mao et al., 2016, deeprm/pg_network.py): rho 0.9, epsilon 1e-9. */
  rmspropDeepRM: { doc: "RMSProp as the DeepRM paper's code: decay 0.9, epsilon 1e-9", make: (lr) => tf.train.rmsprop(lr, 0.9, 0, 1e-9) },
} satisfies Record<string, Variant>;

export type OptimizerName = keyof typeof OPTIMIZER_VARIANTS;
export const OPTIMIZERS = Object.keys(OPTIMIZER_VARIANTS) as OptimizerName[];

/** A new optimiser of the named variant with learning rate `lr`. */
export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  const variant = (OPTIMIZER_VARIANTS as Record<string, Variant>)[name];
  if (!variant) throw new RangeError(`makeOptimizer: unknown optimiser ${JSON.stringify(name)}; expected one of ${OPTIMIZERS.map((n) => JSON.stringify(n)).join(", ")}.`);
  return variant.make(lr);
}

/** Change an optimiser's learning rate (Adam and RMSProp keep it in a field that TF.js' types mark protected). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}
