/**
 * The policy interface shared by every policy: sample an action, its log-probability, the entropy,
 * the parameters as one flat vector, and, where it has a closed form, the score
 * grad_theta log pi(a|s).
 */
import { tf } from "../tf";
import type { Rng } from "../rng";

export interface Policy<Obs, Act> {
  /** Human-readable kind, e.g. "TabularSoftmax". */
  readonly kind: string;
  /** Number of parameters theta. */
  readonly numParams: number;
  /** Draw a ~ pi(.|obs). */
  sample(obs: Obs, rng: Rng): Act;
  /** log pi(a|obs). */
  logProb(obs: Obs, action: Act): number;
  /** Entropy of pi(.|obs) (nats). */
  entropy(obs: Obs): number;
  /** The parameters as one flat vector (a copy). */
  getParams(): Float64Array;
  /** Set all parameters from one flat vector. */
  setParams(params: ArrayLike<number>): void;
  /** grad_theta log pi(a|obs) as a flat vector, where it has a closed form. */
  score?(obs: Obs, action: Act): Float64Array;
  /** Everything needed to rebuild the policy (see `savePolicy`). */
  toJSON(): SavedPolicy;
}

/** A discrete-action policy exposes its probabilities. */
export interface CategoricalPolicy<Obs> extends Policy<Obs, number> {
  readonly nActions: number;
  /** pi(.|obs). */
  probs(obs: Obs): Float64Array;
}

/**
 * A policy the algorithms can train: its log-probabilities and entropy computed by TF.js for the
 * surrogate loss (`variables()` are the trainable parameters, in `getParams` order; `logProbTensor`
 * maps a batch of observation rows [N, obsSize] and actions ([N] integers, or [N, actionSize]) to
 * log pi(a_i|s_i) [N]), and actions sampled for many observation rows at once without TF.js.
 */
export interface TfPolicy {
  variables(): tf.Variable[];
  logProbTensor(observations: tf.Tensor2D, actions: tf.Tensor): tf.Tensor1D;
  /** Entropy of pi(.|s) for a batch of observation rows [N, obsSize], in TF.js. */
  entropyTensor(observations: tf.Tensor2D): tf.Tensor1D;
  /** Fill `out` (rows x actionSize) with actions sampled for the observation rows (rows x obsSize). */
  sampleRows(observations: ArrayLike<number>, rows: number, rng: Rng, out: Float64Array): void;
  /** After the variables changed (an optimiser step): refresh plain-TypeScript copies. */
  markUpdated(): void;
  /** Free the TF.js variables (idempotent). */
  dispose(): void;
}

/** Reject an observation row with a non-finite entry, naming its index and value. */
export function checkFiniteObs(where: string, obs: ArrayLike<number>, off: number, n: number, row?: number): void {
  for (let i = 0; i < n; i++) {
    const x = obs[off + i];
    if (!Number.isFinite(x)) {
      throw new RangeError(`${where}: observation${row === undefined ? "" : ` of row ${row}`} has ${String(x)} at index ${i}; expected finite numbers (the environment produced a non-finite observation).`);
    }
  }
}

/** A policy's saved form: its kind, the config that built it, and its parameters. */
export interface SavedPolicy {
  kind: string;
  config: Record<string, unknown>;
  params: number[];
}

export function checkParams(where: string, params: ArrayLike<number>, n: number): void {
  if (params === null || typeof params !== "object" || typeof params.length !== "number") {
    throw new TypeError(`${where}: expected ${n} parameters as an array; received ${String(params)}.`);
  }
  if (params.length !== n) throw new RangeError(`${where}: expected ${n} parameters; received ${params.length}.`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(params[i])) throw new RangeError(`${where}: parameter ${i} is ${params[i]}; expected a finite number.`);
  }
}

/** Numerically stable softmax of logits[off .. off + n) into out[0 .. n). Returns out. */
export function softmaxInto(logits: ArrayLike<number>, off: number, n: number, out: Float64Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[off + i] > max) max = logits[off + i];
  if (!Number.isFinite(max)) throw new RangeError(`softmax: logits contain ${max}; expected finite numbers (NaN logits usually mean diverged parameters).`);
  let z = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[off + i] - max);
    out[i] = e;
    z += e;
  }
  if (!(z >= 1 && z < Infinity)) throw new RangeError(`softmax: logits contain NaN; expected finite numbers (NaN logits usually mean diverged parameters).`);
  for (let i = 0; i < n; i++) out[i] /= z;
  return out;
}

/** Draw an index from probabilities that sum to 1 (no validation: the hot path of sampling). */
export function drawIndex(probs: ArrayLike<number>, n: number, rng: Rng): number {
  const u = rng.random();
  let c = 0;
  for (let i = 0; i < n - 1; i++) {
    c += probs[i];
    if (u < c) return i;
  }
  return n - 1;
}

export function categoricalEntropy(p: ArrayLike<number>, n: number): number {
  let h = 0;
  for (let i = 0; i < n; i++) if (p[i] > 0) h -= p[i] * Math.log(p[i]);
  return h;
}

export function checkDiscreteAction(where: string, action: unknown, nActions: number): number {
  if (typeof action !== "number" || !Number.isInteger(action) || action < 0 || action >= nActions) {
    throw new RangeError(`${where}: action must be an integer in 0 .. ${nActions - 1}; received ${String(action)}.`);
  }
  return action;
}

/** Entropy of softmax(logits) per row, for a batch [N, nActions]. */
export function categoricalEntropyTensor(logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Tensor1D;
  });
}

/** log pi(a|s) for a batch from logits [N, nActions] and action indices [N] (the categorical policies' TF.js path). */
export function categoricalLogProbTensor(logits: tf.Tensor2D, actions: tf.Tensor, nActions: number): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.cast(actions, "int32") as tf.Tensor1D, nActions)), 1) as tf.Tensor1D);
}
