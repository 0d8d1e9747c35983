/**
 * Neural-network policies (TF.js), which act through a forward pass without TF.js on a snapshot of
 * their weights (`Mlp.forward`: WebAssembly SIMD, or plain TypeScript) and compute gradients in one
 * batched TF.js call (the surrogate loss).
 *
 * `MlpCategorical`: softmax over the MLP's outputs, for discrete actions (e.g. one hidden layer of 20
 * for DeepRM, 64-64 for CartPole).
 *
 * `Gaussian`: a normal distribution N(mu(s), sigma^2) per action dimension for continuous actions;
 * mu is the MLP's output; log sigma is one learned vector (state-independent, the default), a
 * second head of the network (`stateDependentStd: true`), or gSDE's (`sde: true`, below).
 *
 * gSDE (generalized state-dependent exploration, Raffin, Kober and Stulp, 2021, as Stable-Baselines3
 * implements it with full_std and learn_features off): the noise is a function of the state,
 * eps(s) = z(s)^T E, where z(s) is the actor's last hidden layer and E a [hidden, actions] matrix of
 * normals with standard deviations exp(L), L a learned matrix. While E is held fixed (a2c draws one per
 * copy at the start of every segment) the exploration varies smoothly with the state instead of
 * jumping at every step. Each action is, given s, normal with mean mu(s) and variance
 * sum_j z_j(s)^2 exp(2 L_jk) (+ 1e-6): that is the distribution `logProb`, `sample` and the
 * gradient use, with z(s) treated as a constant in the variance (its gradient flows through mu only).
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
  /** gSDE exploration (see the module comment; default false): L starts at logStdInit everywhere. */
  sde?: boolean;
  seed?: number;
}

/** Added to gSDE's variance (Stable-Baselines3's epsilon). */
const SDE_EPS = 1e-6;

/** Identity whose gradient is 0: gSDE's features enter the variance as constants. */
const detach = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as never) as unknown as (x: tf.Tensor) => tf.Tensor;

export class Gaussian implements Policy<ArrayLike<number>, Float64Array>, TfPolicy {
  readonly kind = "Gaussian";
  readonly obsSize: number;
  readonly actionSize: number;
  readonly net: Mlp;
  readonly config: Required<GaussianConfig>;
  /** State-independent log sigma ([actionSize]; gSDE's L: [last hidden, actionSize]; absent with stateDependentStd). */
  readonly logStd: tf.Variable | null;
  private readonly logStdSnapshot: Float64Array;
  /** gSDE: the last hidden layer's width (0 without gSDE). */
  private readonly sdeFeatures: number;
  private readonly mu: Float64Array;
  /** gSDE: log sigma(s) of the last row sampled (a buffer reused by `sampleInto`). */
  private readonly sdeLogStd: Float64Array;

  constructor(config: GaussianConfig) {
    const stateDependentStd = config?.stateDependentStd ?? false;
    const sde = config?.sde ?? false;
    if (typeof sde !== "boolean") throw new RangeError(`Gaussian: sde must be true or false; received ${String(sde)}.`);
    if (sde && stateDependentStd) throw new RangeError("Gaussian: sde and stateDependentStd are two ways to make sigma depend on the state; choose one.");
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
      sde,
      seed: c.seed,
    };
    if (sde && c.hiddenSizes.length === 0) throw new RangeError("Gaussian: sde draws its noise from the last hidden layer; hiddenSizes must not be empty.");
    this.obsSize = c.inputSize;
    this.actionSize = config.actionSize;
    this.net = new Mlp(c);
    this.sdeFeatures = sde ? c.hiddenSizes[c.hiddenSizes.length - 1] : 0;
    const shape = sde ? [this.sdeFeatures, this.actionSize] : [this.actionSize];
    this.logStd = stateDependentStd ? null : variableOf(tf.fill(shape, logStdInit));
    this.logStdSnapshot = new Float64Array(this.logStd ? this.logStd.size : this.actionSize).fill(logStdInit);
    this.mu = new Float64Array(this.actionSize);
    this.sdeLogStd = new Float64Array(this.actionSize);
    this.markUpdated();
  }

  get numParams(): number {
    return this.net.numParams + (this.logStd ? this.logStd.size : 0);
  }

  /** Mean and log sigma of pi(.|obs) (copies). */
  distribution(obs: ArrayLike<number>): { mean: Float64Array; logStd: Float64Array } {
    checkObs("Gaussian.distribution", obs, this.obsSize);
    const d = this.actionSize;
    if (this.sdeFeatures) {
      const logStd = new Float64Array(d);
      this.sdeForward(obs, 0, logStd);
      return { mean: Float64Array.from(this.mu), logStd };
    }
    const out = this.net.forward(obs);
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

  /**
   * gSDE: puts the mean mu(s) for observations[off ..] into `this.mu`, writes log sigma(s) into
   * `logStd` if given, and returns z(s) (both buffers reused between calls).
   */
  private sdeForward(observations: ArrayLike<number>, off: number, logStd: Float64Array | null): Float64Array {
    const { out, features } = this.net.forwardWithFeatures(observations, off);
    const d = this.actionSize;
    this.mu.set(out.subarray(0, d));
    if (logStd) {
      const L = this.logStdSnapshot;
      for (let k = 0; k < d; k++) {
        let v = SDE_EPS;
        for (let j = 0; j < this.sdeFeatures; j++) v += features[j] * features[j] * Math.exp(2 * L[j * d + k]);
        logStd[k] = 0.5 * Math.log(v);
      }
    }
    return features;
  }

  /**
   * gSDE: one exploration matrix E per copy (`copies` x [last hidden, actionSize], entries normal with
   * standard deviations exp(L)), to hold while a segment is collected (`sampleRowsWithNoise`).
   */
  explorationNoise(copies: number, rng: Rng): Float64Array {
    if (!this.sdeFeatures) throw new RangeError("Gaussian.explorationNoise: the policy was made without sde: true.");
    const L = this.logStdSnapshot;
    const E = new Float64Array(copies * L.length);
    for (let i = 0; i < E.length; i++) E[i] = Math.exp(L[i % L.length]) * rng.normal();
    return E;
  }

  /** gSDE: actions mu(s_i) + z(s_i)^T E_i for rows i of a flat batch, E_i copy i's matrix from `explorationNoise`. */
  sampleRowsWithNoise(observations: ArrayLike<number>, rows: number, noise: Float64Array, out: Float64Array): void {
    const d = this.actionSize;
    const h = this.sdeFeatures;
    if (!h) throw new RangeError("Gaussian.sampleRowsWithNoise: the policy was made without sde: true.");
    if (noise.length < rows * h * d) throw new RangeError(`Gaussian.sampleRowsWithNoise: noise holds ${noise.length / (h * d)} matrices for ${rows} rows.`);
    for (let i = 0; i < rows; i++) {
      checkFiniteObs("Gaussian.sample", observations, i * this.obsSize, this.obsSize, i);
      const z = this.sdeForward(observations, i * this.obsSize, null);
      const mu = this.mu;
      for (let k = 0; k < d; k++) {
        let a = mu[k];
        for (let j = 0; j < h; j++) a += z[j] * noise[(i * h + j) * d + k];
        out[i * d + k] = a;
      }
    }
  }

  /** Sample for row `row` of a flat batch of observations into out[row * actionSize ..] (no checks). */
  sampleInto(observations: ArrayLike<number>, row: number, rng: Rng, out: Float64Array): void {
    const d = this.actionSize;
    if (this.sdeFeatures) {
      const logStd = this.sdeLogStd;
      this.sdeForward(observations, row * this.obsSize, logStd);
      for (let i = 0; i < d; i++) out[row * d + i] = this.mu[i] + Math.exp(logStd[i]) * rng.normal();
      return;
    }
    const o = this.net.forward(observations, row * this.obsSize);
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
    const d = this.actionSize;
    if (this.sdeFeatures && this.logStd) {
      const { out, features } = this.net.applyWithFeatures(observations);
      const variance = tf.add(tf.matMul(tf.square(detach(features)) as tf.Tensor2D, tf.exp(tf.mul(2, this.logStd)) as tf.Tensor2D), SDE_EPS);
      return { mean: out, logStd: tf.mul(0.5, tf.log(variance)) };
    }
    const out = this.net.apply(observations);
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
      const v = tf.tensor(Float32Array.from(Array.prototype.slice.call(params, this.net.numParams)), this.logStd.shape);
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


