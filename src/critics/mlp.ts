/** Network critics (TF.js MLPs, src/nn/mlp.ts): one Adam (or RMSProp) step on the mean squared error per `fit`. */
import { type Activation, Mlp } from "../nn/mlp";
import { type OptimizerName, makeOptimizer } from "../update/optimizers";
import { tf } from "../tf";
import { type ActionValueCritic, type ValueCritic, checkIndex, checkLr, checkTargets } from "./critic";

/** One optimiser step on `loss` over the network's variables; refreshes its snapshot; returns the loss before the step. */
function optimiserStep(optimizer: tf.Optimizer, net: Mlp, loss: () => tf.Scalar): number {
  const value = tf.tidy(() => optimizer.minimize(loss, true, net.vars) as tf.Scalar);
  const out = value.dataSync()[0];
  value.dispose();
  net.markUpdated();
  return out;
}

function flatten(observations: ArrayLike<number>[], width: number): Float32Array {
  const flat = new Float32Array(observations.length * width);
  observations.forEach((o, i) => flat.set(o, i * width));
  return flat;
}

/** MLP V(s). */
export class MlpValue implements ValueCritic<ArrayLike<number>> {
  readonly net: Mlp;
  readonly optimizer: tf.Optimizer;
  constructor(readonly config: { obsSize: number; hiddenSizes?: number[]; activation?: Activation; lr: number; optimizer?: OptimizerName; seed?: number }) {
    checkLr("MlpValue", config?.lr);
    this.net = new Mlp({ inputSize: config.obsSize, hiddenSizes: config.hiddenSizes ?? [64, 64], outputSize: 1, activation: config.activation, outputGain: 1, seed: config.seed });
    this.optimizer = makeOptimizer(config.optimizer ?? "adam", config.lr);
  }
  value(obs: ArrayLike<number>): number {
    return this.net.forward(obs)[0];
  }
  /** Values of a flat batch of observations [n * obsSize] (one `Mlp.forward` each, no TF.js). */
  valuesOf(observations: ArrayLike<number>, n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.net.forward(observations, i * this.config.obsSize)[0];
    return out;
  }
  fit(observations: ArrayLike<number>[], targets: ArrayLike<number>): number {
    checkTargets("MlpValue.fit", observations.length, targets);
    return this.fitRows(flatten(observations, this.config.obsSize), targets);
  }
  /** One Adam step on observations [N * obsSize] and targets [N]; returns the loss before the step. */
  fitRows(observations: Float32Array, targets: ArrayLike<number>): number {
    const n = targets.length;
    const y = targets instanceof Float32Array ? targets : Float32Array.from(targets);
    return optimiserStep(this.optimizer, this.net, () => {
      const x = tf.tensor2d(observations.subarray(0, n * this.config.obsSize), [n, this.config.obsSize]);
      return tf.mean(tf.square(tf.sub(tf.reshape(this.net.apply(x), [-1]), tf.tensor1d(y)))) as tf.Scalar;
    });
  }
  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
  }
}

/** MLP Q(s, .): one output per action. */
export class MlpActionValue implements ActionValueCritic<ArrayLike<number>> {
  readonly net: Mlp;
  readonly optimizer: tf.Optimizer;
  readonly nActions: number;
  constructor(readonly config: { obsSize: number; nActions: number; hiddenSizes?: number[]; activation?: Activation; lr: number; optimizer?: OptimizerName; seed?: number }) {
    checkLr("MlpActionValue", config?.lr);
    this.nActions = config.nActions;
    this.net = new Mlp({ inputSize: config.obsSize, hiddenSizes: config.hiddenSizes ?? [64, 64], outputSize: config.nActions, activation: config.activation, outputGain: 1, seed: config.seed });
    this.optimizer = makeOptimizer(config.optimizer ?? "adam", config.lr);
  }
  q(obs: ArrayLike<number>, a: number): number {
    return this.net.forward(obs)[checkIndex("MlpActionValue.q", "action", a, this.nActions)];
  }
  qRows(observations: ArrayLike<number>, n: number): Float64Array {
    const out = new Float64Array(n * this.nActions);
    for (let i = 0; i < n; i++) out.set(this.net.forward(observations, i * this.config.obsSize), i * this.nActions);
    return out;
  }
  fit(observations: ArrayLike<number>[], actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    checkTargets("MlpActionValue.fit", observations.length, targets);
    return this.fitRows(flatten(observations, this.config.obsSize), actions, targets);
  }
  fitRows(observations: Float32Array, actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    const n = targets.length;
    return optimiserStep(this.optimizer, this.net, () => {
      const x = tf.tensor2d(observations.subarray(0, n * this.config.obsSize), [n, this.config.obsSize]);
      const mask = tf.oneHot(tf.tensor1d(Int32Array.from(actions), "int32"), this.nActions);
      return tf.mean(tf.square(tf.sub(tf.sum(tf.mul(this.net.apply(x), mask), 1), tf.tensor1d(Float32Array.from(targets))))) as tf.Scalar;
    });
  }
  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
  }
}
