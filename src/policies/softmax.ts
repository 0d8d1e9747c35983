/**
 * Softmax policies with closed-form scores.
 *
 * `TabularSoftmax`: one logit per (observation, action), pi(a|s) = exp(theta[s][a]) / sum_b exp(theta[s][b]).
 * Its score is grad_theta log pi(a|s) = e_a - pi(.|s) in row s and zero elsewhere.
 *
 * `LinearSoftmax`: logits = phi(s)^T theta for a feature vector phi(s) of length d and theta of
 * shape d x nActions. Its score is phi(s) (e_a - pi(.|s))^T.
 *
 * Both also expose a TF.js path (`TfPolicy`) so that the surrogate-loss gradient can be checked
 * against the analytic one. Parameters are stored row-major: theta[i][a] at index i * nActions + a.
 */
import { Rng } from "../rng";
import { tf } from "../tf";
import {
  type CategoricalPolicy,
  type SavedPolicy,
  type TfPolicy,
  categoricalEntropy,
  categoricalEntropyTensor,
  categoricalLogProbTensor,
  checkFiniteObs,
  checkDiscreteAction,
  checkParams,
  drawIndex,
  softmaxInto,
} from "./policy";

function checkCount(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) throw new RangeError(`${where}: ${name} must be an integer >= 1; received ${String(v)}.`);
  return v;
}

/** Mirror of a flat parameter vector as one TF.js variable [rows, cols], created on first use. */
class TfMirror {
  private v: tf.Variable | null = null;
  constructor(private readonly rows: number, private readonly cols: number) {}
  variable(params: Float64Array): tf.Variable {
    const values = tf.tensor2d(Float32Array.from(params), [this.rows, this.cols]);
    if (!this.v) this.v = tf.variable(values, true);
    else this.v.assign(values);
    values.dispose();
    return this.v;
  }
  current(): tf.Variable | null {
    return this.v;
  }
  dispose(): void {
    this.v?.dispose();
    this.v = null;
  }
}

/**
 * theta [rows x nActions] as a flat Float64Array (what sampling and the closed-form scores read), mirrored
 * into one TF.js variable for the surrogate loss; the parameter plumbing both softmax policies share.
 */
abstract class ThetaSoftmax {
  abstract readonly kind: string;
  readonly numParams: number;
  protected readonly theta: Float64Array;
  protected readonly buf: Float64Array;
  protected readonly mirror: TfMirror;

  constructor(rows: number, readonly nActions: number) {
    this.numParams = rows * nActions;
    this.theta = new Float64Array(this.numParams);
    this.buf = new Float64Array(nActions);
    this.mirror = new TfMirror(rows, nActions);
  }

  getParams(): Float64Array {
    return Float64Array.from(this.theta);
  }

  setParams(params: ArrayLike<number>): void {
    checkParams(`${this.kind}.setParams`, params, this.numParams);
    this.theta.set(params);
  }

  variables(): tf.Variable[] {
    return [this.mirror.variable(this.theta)];
  }

  markUpdated(): void {
    const v = this.mirror.current();
    if (v) this.theta.set(v.dataSync());
  }

  /** Logits of a batch of observation rows [N, obsSize], in TF.js. */
  protected abstract logitsTensor(observations: tf.Tensor2D): tf.Tensor2D;

  logProbTensor(observations: tf.Tensor2D, actions: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => categoricalLogProbTensor(this.logitsTensor(observations), actions, this.nActions));
  }

  entropyTensor(observations: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => categoricalEntropyTensor(this.logitsTensor(observations)));
  }

  maxAbsParam(): number {
    let m = 0;
    for (const x of this.theta) if (!(Math.abs(x) <= m)) m = Math.abs(x);
    return m;
  }

  /** The TF.js mirror of theta is freed; theta itself stays usable (the mirror is rebuilt on demand). */
  dispose(): void {
    this.mirror.dispose();
  }
}

export class TabularSoftmax extends ThetaSoftmax implements CategoricalPolicy<number>, TfPolicy {
  readonly kind = "TabularSoftmax";
  readonly nStates: number;

  /** `theta` defaults to zeros (the uniform policy). */
  constructor(config: { nStates: number; nActions: number; theta?: ArrayLike<number> | number[][] }) {
    const nStates = checkCount("TabularSoftmax", "nStates", config?.nStates);
    super(nStates, checkCount("TabularSoftmax", "nActions", config?.nActions));
    this.nStates = nStates;
    if (config.theta !== undefined) {
      const flat = Array.isArray(config.theta) && Array.isArray(config.theta[0]) ? (config.theta as number[][]).flat() : (config.theta as ArrayLike<number>);
      this.setParams(flat);
    }
  }

  private state(obs: number, where: string): number {
    if (typeof obs !== "number" || !Number.isInteger(obs) || obs < 0 || obs >= this.nStates) {
      throw new RangeError(`TabularSoftmax.${where}: observation must be a state index in 0 .. ${this.nStates - 1}; received ${String(obs)}.`);
    }
    return obs;
  }

  probs(obs: number): Float64Array {
    const s = this.state(obs, "probs");
    return softmaxInto(this.theta, s * this.nActions, this.nActions, new Float64Array(this.nActions));
  }

  sample(obs: number, rng: Rng): number {
    const s = this.state(obs, "sample");
    softmaxInto(this.theta, s * this.nActions, this.nActions, this.buf);
    return drawIndex(this.buf, this.nActions, rng);
  }

  logProb(obs: number, action: number): number {
    return Math.log(this.probs(obs)[checkDiscreteAction("TabularSoftmax.logProb", action, this.nActions)]);
  }

  entropy(obs: number): number {
    return categoricalEntropy(this.probs(obs), this.nActions);
  }

  /** e_a - pi(.|s) in row s, zero elsewhere. */
  score(obs: number, action: number): Float64Array {
    const s = this.state(obs, "score");
    const a = checkDiscreteAction("TabularSoftmax.score", action, this.nActions);
    const g = new Float64Array(this.numParams);
    const p = this.probs(s);
    for (let b = 0; b < this.nActions; b++) g[s * this.nActions + b] = (b === a ? 1 : 0) - p[b];
    return g;
  }

  /** theta as rows theta[s][a]. */
  table(): number[][] {
    return Array.from({ length: this.nStates }, (_, s) => Array.from(this.theta.subarray(s * this.nActions, (s + 1) * this.nActions)));
  }

  sampleRows(observations: ArrayLike<number>, rows: number, rng: Rng, out: Float64Array): void {
    for (let i = 0; i < rows; i++) {
      const s = observations[i];
      if (!(Number.isInteger(s) && s >= 0 && s < this.nStates)) this.state(s, "sample"); // throws, naming the value
      softmaxInto(this.theta, s * this.nActions, this.nActions, this.buf);
      out[i] = drawIndex(this.buf, this.nActions, rng);
    }
  }

  /** pi(.|s) of observation rows (state indices): rows x nActions. */
  probsRows(observations: ArrayLike<number>, rows: number): Float64Array {
    const out = new Float64Array(rows * this.nActions);
    for (let i = 0; i < rows; i++) out.set(this.probs(observations[i]), i * this.nActions);
    return out;
  }

  protected logitsTensor(observations: tf.Tensor2D): tf.Tensor2D {
    const theta = this.mirror.current() ?? this.variables()[0];
    return tf.tidy(() => {
      // one-hot rows times theta, rather than gather, whose gradient the wasm backend lacks
      const states = tf.cast(tf.reshape(observations, [-1]), "int32") as tf.Tensor1D;
      // tf.oneHot needs a depth of at least 2: with one state, every row is theta
      const selector = this.nStates === 1 ? tf.ones([states.shape[0], 1]) : tf.cast(tf.oneHot(states, this.nStates), "float32");
      return tf.matMul(selector as tf.Tensor2D, theta) as tf.Tensor2D;
    });
  }

  toJSON(): SavedPolicy {
    return { kind: this.kind, config: { nStates: this.nStates, nActions: this.nActions }, params: Array.from(this.theta) };
  }
}

export class LinearSoftmax extends ThetaSoftmax implements CategoricalPolicy<ArrayLike<number>>, TfPolicy {
  readonly kind = "LinearSoftmax";
  readonly nFeatures: number;
  private readonly logits: Float64Array;

  /** Logits phi^T theta for observations that are feature vectors of length nFeatures. */
  constructor(config: { nFeatures: number; nActions: number; theta?: ArrayLike<number>; initScale?: number; seed?: number }) {
    const nFeatures = checkCount("LinearSoftmax", "nFeatures", config?.nFeatures);
    super(nFeatures, checkCount("LinearSoftmax", "nActions", config?.nActions));
    this.nFeatures = nFeatures;
    this.logits = new Float64Array(this.nActions);
    if (config.theta !== undefined) this.setParams(config.theta);
    else if (config.initScale) {
      const rng = new Rng(config.seed ?? 0);
      for (let i = 0; i < this.numParams; i++) this.theta[i] = config.initScale * rng.normal();
    }
  }

  private features(obs: ArrayLike<number>, where: string): ArrayLike<number> {
    if (obs === null || typeof obs !== "object" || obs.length !== this.nFeatures) {
      throw new RangeError(`LinearSoftmax.${where}: observation must be ${this.nFeatures} features; received ${obs === null || typeof obs !== "object" ? String(obs) : `${obs.length} values`}.`);
    }
    checkFiniteObs(`LinearSoftmax.${where}`, obs, 0, this.nFeatures);
    return obs;
  }

  private computeProbs(phi: ArrayLike<number>, out: Float64Array): Float64Array {
    const k = this.nActions;
    this.logits.fill(0);
    for (let i = 0; i < this.nFeatures; i++) {
      const x = phi[i];
      if (x === 0) continue;
      for (let a = 0; a < k; a++) this.logits[a] += x * this.theta[i * k + a];
    }
    return softmaxInto(this.logits, 0, k, out);
  }

  probs(obs: ArrayLike<number>): Float64Array {
    return this.computeProbs(this.features(obs, "probs"), new Float64Array(this.nActions));
  }

  sample(obs: ArrayLike<number>, rng: Rng): number {
    return drawIndex(this.computeProbs(this.features(obs, "sample"), this.buf), this.nActions, rng);
  }

  logProb(obs: ArrayLike<number>, action: number): number {
    return Math.log(this.probs(obs)[checkDiscreteAction("LinearSoftmax.logProb", action, this.nActions)]);
  }

  entropy(obs: ArrayLike<number>): number {
    return categoricalEntropy(this.probs(obs), this.nActions);
  }

  /** phi(s) (e_a - pi(.|s))^T, flattened. */
  score(obs: ArrayLike<number>, action: number): Float64Array {
    const phi = this.features(obs, "score");
    const a = checkDiscreteAction("LinearSoftmax.score", action, this.nActions);
    const p = this.probs(phi);
    const g = new Float64Array(this.numParams);
    for (let i = 0; i < this.nFeatures; i++) for (let b = 0; b < this.nActions; b++) g[i * this.nActions + b] = phi[i] * ((b === a ? 1 : 0) - p[b]);
    return g;
  }

  sampleRows(observations: ArrayLike<number>, rows: number, rng: Rng, out: Float64Array): void {
    const d = this.nFeatures;
    for (let i = 0; i < rows; i++) {
      checkFiniteObs("LinearSoftmax.sample", observations, i * d, d, i);
      const phi = Array.prototype.slice.call(observations, i * d, (i + 1) * d) as number[];
      out[i] = drawIndex(this.computeProbs(phi, this.buf), this.nActions, rng);
    }
  }

  /** pi(.|phi) of feature rows: rows x nActions. */
  probsRows(observations: ArrayLike<number>, rows: number): Float64Array {
    const out = new Float64Array(rows * this.nActions);
    const d = this.nFeatures;
    for (let i = 0; i < rows; i++) out.set(this.probs(Array.prototype.slice.call(observations, i * d, (i + 1) * d) as number[]), i * this.nActions);
    return out;
  }

  protected logitsTensor(observations: tf.Tensor2D): tf.Tensor2D {
    const theta = this.mirror.current() ?? this.variables()[0];
    return tf.matMul(observations, theta);
  }

  toJSON(): SavedPolicy {
    return { kind: this.kind, config: { nFeatures: this.nFeatures, nActions: this.nActions }, params: Array.from(this.theta) };
  }
}
