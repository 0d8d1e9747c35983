/**
 * Neural-network policies (TF.js), which act through a forward pass without TF.js on a snapshot of
 * their weights (`Mlp.forward`: WebAssembly SIMD, or plain TypeScript) and compute gradients in one
 * batched TF.js call (the surrogate loss).
 *
 * `MlpCategorical`: softmax over the MLP's outputs, for discrete actions (e.g. one hidden layer of 20
 * for DeepRM, 64-64 for CartPole).
 *
 * `Gaussian`: a normal distribution N(mu(s), sigma^2) per action dimension for continuous actions;
 * mu is the MLP's output; log sigma is one learned vector (state-independent, the default) or a
 * second head of the network (`stateDependentStd: true`).
 * Clipping: environments such as Pendulum clip the sampled action to their bounds. The policy's
 * log-probability and its gradient are those of the *unclipped* sample, which is right: clipping is
 * part of the environment's dynamics, so the score-function estimator stays unbiased for the clipped
 * problem. Its cost is variance: samples beyond the bound all act alike, yet their scores differ.
 */
import type { Rng } from "../rng";
import { tf } from "../tf";
import { type Activation, Mlp, checkMlpConfig, variableOf } from "../nn/mlp";
import {
  type CategoricalPolicy,
  type Policy,
  type SavedPolicy,
  type TfPolicy,
  categoricalEntropy,
  categoricalEntropyTensor,
  categoricalLogProbTensor,
  checkDiscreteAction,
  checkFiniteObs,
  checkParams,
  drawIndex,
  softmaxInto,
} from "./policy";

const LOG_2PI = Math.log(2 * Math.PI);

function checkObs(where: string, obs: ArrayLike<number>, n: number): void {
  if (obs === null || typeof obs !== "object" || obs.length !== n) {
    throw new RangeError(`${where}: observation must have ${n} numbers; received ${obs === null || typeof obs !== "object" ? String(obs) : `${obs.length}`}.`);
  }
  checkFiniteObs(where, obs, 0, n);
}

export interface MlpCategoricalConfig {
  obsSize: number;
  nActions: number;
  hiddenSizes?: number[];
  activation?: Activation;
  outputGain?: number;
  seed?: number;
}

export class MlpCategorical implements CategoricalPolicy<ArrayLike<number>>, TfPolicy {
  readonly kind = "MlpCategorical";
  readonly nActions: number;
  readonly obsSize: number;
  readonly net: Mlp;
  readonly config: Required<MlpCategoricalConfig>;
  private readonly buf: Float64Array;

  constructor(config: MlpCategoricalConfig) {
    const c = checkMlpConfig("MlpCategorical", {
      inputSize: config?.obsSize,
      outputSize: config?.nActions,
      hiddenSizes: config?.hiddenSizes ?? [64, 64],
      activation: config?.activation,
      outputGain: config?.outputGain,
      seed: config?.seed,
    });
    this.config = { obsSize: c.inputSize, nActions: c.outputSize, hiddenSizes: c.hiddenSizes, activation: c.activation, outputGain: c.outputGain, seed: c.seed };
    this.obsSize = c.inputSize;
    this.nActions = c.outputSize;
    this.net = new Mlp(c);
    this.buf = new Float64Array(this.nActions);
  }

  get numParams(): number {
    return this.net.numParams;
  }

  /** pi(.|obs) from the plain forward pass into a reused buffer (copy it to keep it). */
  probsInto(obs: ArrayLike<number>, off = 0): Float64Array {
    return softmaxInto(this.net.forward(obs, off), 0, this.nActions, this.buf);
  }

  probs(obs: ArrayLike<number>): Float64Array {
    checkObs("MlpCategorical.probs", obs, this.obsSize);
    return Float64Array.from(this.probsInto(obs));
  }

  sample(obs: ArrayLike<number>, rng: Rng): number {
    checkObs("MlpCategorical.sample", obs, this.obsSize);
    return drawIndex(this.probsInto(obs), this.nActions, rng);
  }

  /** Sample for row `row` of a flat batch of observations (the vector-env fast path, no checks). */
  sampleAt(observations: ArrayLike<number>, row: number, rng: Rng): number {
    return drawIndex(this.probsInto(observations, row * this.obsSize), this.nActions, rng);
  }

  sampleRows(observations: ArrayLike<number>, rows: number, rng: Rng, out: Float64Array): void {
    for (let i = 0; i < rows; i++) {
      checkFiniteObs("MlpCategorical.sample", observations, i * this.obsSize, this.obsSize, i);
      out[i] = drawIndex(this.probsInto(observations, i * this.obsSize), this.nActions, rng);
    }
  }

  /** pi(.|s) of observation rows: rows x nActions. */
  probsRows(observations: ArrayLike<number>, rows: number): Float64Array {
    const out = new Float64Array(rows * this.nActions);
    for (let i = 0; i < rows; i++) out.set(this.probsInto(observations, i * this.obsSize), i * this.nActions);
    return out;
  }

  maxAbsParam(): number {
    return this.net.maxAbs();
  }

  logProb(obs: ArrayLike<number>, action: number): number {
    return Math.log(this.probs(obs)[checkDiscreteAction("MlpCategorical.logProb", action, this.nActions)]);
  }

  entropy(obs: ArrayLike<number>): number {
    return categoricalEntropy(this.probs(obs), this.nActions);
  }

  /** pi(.|s) for a batch [N, obsSize] in TF.js (the path the gradient uses). */
  probsTensor(observations: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.net.apply(observations)));
  }

  variables(): tf.Variable[] {
    return this.net.vars;
  }

  logProbTensor(observations: tf.Tensor2D, actions: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => categoricalLogProbTensor(this.net.apply(observations), actions, this.nActions));
  }

  /** Entropy of pi(.|s) for a batch, in TF.js (for entropy bonuses). */
  entropyTensor(observations: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => categoricalEntropyTensor(this.net.apply(observations)));
  }

  markUpdated(): void {
    this.net.markUpdated();
  }

  getParams(): Float64Array {
    return this.net.getParams();
  }

  setParams(params: ArrayLike<number>): void {
    checkParams("MlpCategorical.setParams", params, this.numParams);
    this.net.setParams(params);
  }

  toJSON(): SavedPolicy {
    return { kind: this.kind, config: { ...this.config }, params: Array.from(this.getParams()) };
  }

  dispose(): void {
    this.net.dispose();
  }
}

export interface GaussianConfig {
  obsSize: number;
  actionSize: number;
  hiddenSizes?: number[];
  activation?: Activation;
  outputGain?: number;
  /** Initial log standard deviation (default -0.5). */
  logStdInit?: number;
  /** Learn log sigma(s) as a second output head instead of one vector (default false). */
  stateDependentStd?: boolean;
  seed?: number;
}

export class Gaussian implements Policy<ArrayLike<number>, Float64Array>, TfPolicy {
  readonly kind = "Gaussian";
  readonly obsSize: number;
  readonly actionSize: number;
  readonly net: Mlp;
  readonly config: Required<GaussianConfig>;
  /** State-independent log sigma (absent with stateDependentStd). */
  readonly logStd: tf.Variable | null;
  private readonly logStdSnapshot: Float64Array;

  constructor(config: GaussianConfig) {
    const stateDependentStd = config?.stateDependentStd ?? false;
    const c = checkMlpConfig("Gaussian", {
      inputSize: config?.obsSize,
      outputSize: config?.actionSize * (stateDependentStd ? 2 : 1),
      hiddenSizes: config?.hiddenSizes ?? [64, 64],
      activation: config?.activation,
      outputGain: config?.outputGain,
      seed: config?.seed,
    });
    if (!Number.isSafeInteger(config.actionSize) || config.actionSize < 1) {
      throw new RangeError(`Gaussian: actionSize must be an integer >= 1; received ${String(config.actionSize)}.`);
    }
    const logStdInit = config.logStdInit ?? -0.5;
    if (!Number.isFinite(logStdInit)) throw new RangeError(`Gaussian: logStdInit must be a finite number; received ${logStdInit}.`);
    this.config = {
      obsSize: c.inputSize,
      actionSize: config.actionSize,
      hiddenSizes: c.hiddenSizes,
      activation: c.activation,
      outputGain: c.outputGain,
      logStdInit,
      stateDependentStd,
      seed: c.seed,
    };
    this.obsSize = c.inputSize;
    this.actionSize = config.actionSize;
    this.net = new Mlp(c);
    this.logStd = stateDependentStd ? null : variableOf(tf.fill([this.actionSize], logStdInit));
    this.logStdSnapshot = new Float64Array(this.actionSize).fill(logStdInit);
    this.markUpdated();
  }

  get numParams(): number {
    return this.net.numParams + (this.logStd ? this.actionSize : 0);
  }

  /** Mean and log sigma of pi(.|obs) (copies). */
  distribution(obs: ArrayLike<number>): { mean: Float64Array; logStd: Float64Array } {
    checkObs("Gaussian.distribution", obs, this.obsSize);
    const out = this.net.forward(obs);
    const d = this.actionSize;
    const mean = Float64Array.from(out.subarray(0, d));
    const logStd = this.logStd ? Float64Array.from(this.logStdSnapshot) : Float64Array.from(out.subarray(d, 2 * d));
    return { mean, logStd };
  }

  sample(obs: ArrayLike<number>, rng: Rng): Float64Array {
    checkObs("Gaussian.sample", obs, this.obsSize);
    const { mean, logStd } = this.distribution(obs);
    for (let i = 0; i < this.actionSize; i++) mean[i] += Math.exp(logStd[i]) * rng.normal();
    return mean;
  }

  sampleRows(observations: ArrayLike<number>, rows: number, rng: Rng, out: Float64Array): void {
    const d = this.actionSize;
    for (let i = 0; i < rows; i++) {
      checkFiniteObs("Gaussian.sample", observations, i * this.obsSize, this.obsSize, i);
      this.sampleInto(observations, i, rng, out);
      for (let j = 0; j < d; j++) {
        if (!Number.isFinite(out[i * d + j])) {
          throw new RangeError(`Gaussian.sample: the policy produced the action ${out[i * d + j]} (row ${i}, dimension ${j}): its parameters have diverged (largest |parameter| ${this.maxAbsParam().toExponential(2)}); use a smaller learning rate.`);
        }
      }
    }
  }

  maxAbsParam(): number {
    let m = this.net.maxAbs();
    for (const x of this.logStdSnapshot) if (!(Math.abs(x) <= m)) m = Math.abs(x);
    return m;
  }

  /** Sample for row `row` of a flat batch of observations into out[row * actionSize ..] (no checks). */
  sampleInto(observations: ArrayLike<number>, row: number, rng: Rng, out: Float64Array): void {
    const o = this.net.forward(observations, row * this.obsSize);
    const d = this.actionSize;
    for (let i = 0; i < d; i++) {
      const ls = this.logStd ? this.logStdSnapshot[i] : o[d + i];
      out[row * d + i] = o[i] + Math.exp(ls) * rng.normal();
    }
  }

  logProb(obs: ArrayLike<number>, action: Float64Array | number[]): number {
    const { mean, logStd } = this.distribution(obs);
    if (action === null || typeof action !== "object" || action.length !== this.actionSize) {
      throw new RangeError(`Gaussian.logProb: action must have ${this.actionSize} numbers; received ${String(action)}.`);
    }
    let lp = 0;
    for (let i = 0; i < this.actionSize; i++) {
      const z = (action[i] - mean[i]) / Math.exp(logStd[i]);
      lp += -0.5 * z * z - logStd[i] - 0.5 * LOG_2PI;
    }
    return lp;
  }

  entropy(obs: ArrayLike<number>): number {
    const { logStd } = this.distribution(obs);
    return logStd.reduce((h, ls) => h + ls + 0.5 * (LOG_2PI + 1), 0);
  }

  variables(): tf.Variable[] {
    return this.logStd ? [...this.net.vars, this.logStd] : this.net.vars;
  }

  /** Mean [N, d] and log sigma ([d] or [N, d]) in TF.js. */
  private heads(observations: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor } {
    const out = this.net.apply(observations);
    const d = this.actionSize;
    if (this.logStd) return { mean: out, logStd: this.logStd };
    return { mean: tf.slice(out, [0, 0], [-1, d]), logStd: tf.slice(out, [0, d], [-1, d]) };
  }

  logProbTensor(observations: tf.Tensor2D, actions: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const { mean, logStd } = this.heads(observations);
      const a = tf.reshape(actions, [-1, this.actionSize]);
      const z = tf.div(tf.sub(a, mean), tf.exp(logStd));
      const perDim = tf.sub(tf.sub(tf.mul(-0.5, tf.square(z)), logStd), 0.5 * LOG_2PI);
      return tf.sum(perDim, 1) as tf.Tensor1D;
    });
  }

  entropyTensor(observations: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const { mean, logStd } = this.heads(observations);
      const ls = tf.add(tf.zerosLike(mean), logStd);
      return tf.sum(tf.add(ls, 0.5 * (LOG_2PI + 1)), 1) as tf.Tensor1D;
    });
  }

  markUpdated(): void {
    this.net.markUpdated();
    if (this.logStd) this.logStdSnapshot.set(this.logStd.dataSync());
  }

  getParams(): Float64Array {
    const net = this.net.getParams();
    if (!this.logStd) return net;
    const out = new Float64Array(this.numParams);
    out.set(net);
    out.set(this.logStd.dataSync(), net.length);
    return out;
  }

  setParams(params: ArrayLike<number>): void {
    checkParams("Gaussian.setParams", params, this.numParams);
    this.net.setParams(Array.prototype.slice.call(params, 0, this.net.numParams));
    if (this.logStd) {
      const v = tf.tensor1d(Float32Array.from(Array.prototype.slice.call(params, this.net.numParams)));
      this.logStd.assign(v);
      v.dispose();
    }
    this.markUpdated();
  }

  toJSON(): SavedPolicy {
    return { kind: this.kind, config: { ...this.config }, params: Array.from(this.getParams()) };
  }

  dispose(): void {
    this.net.dispose();
    if (this.logStd && !this.logStd.isDisposed) this.logStd.dispose();
  }
}


