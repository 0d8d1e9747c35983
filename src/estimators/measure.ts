/**
 * Measuring a gradient estimator against a known gradient: its bias, variance and mean squared error
 * from many independent estimates (one per seeded batch), each with a standard error.
 *
 * For B estimates x_1 .. x_B of a k-vector whose true value is g (e.g. `exact.policyGradient`), with
 * mean m, d = m - g and the sample covariance S (divisor B - 1):
 *
 *   bias^2     = |d|^2 - tr(S) / B                 unbiased for |E x - g|^2 (|d|^2 alone is inflated by noise)
 *   variance   = tr(S)                             the trace of the covariance of one estimate
 *   mse        = (1/B) sum_i |x_i - g|^2           the mean squared error of one estimate
 *
 * and, with these estimators, mse = bias^2 + variance exactly (both sides equal |d|^2 + tr(S) (B - 1) / B).
 * bias^2 is a U-statistic (the mean of (x_i - g).(x_j - g) over pairs i != j); its standard error is
 * the exact variance formula of a degree-2 U-statistic, Var = 4 (B - 2) z1 / (B (B - 1)) + 2 z2 / (B (B - 1)),
 * with z1 = b^T Sigma b and z2 = tr(Sigma^2) + 2 b^T Sigma b estimated from the sample (corrected for
 * the noise in d and in S; see the code). It can be negative: the test of "no bias" is z = bias^2 / se0,
 * where se0 is its standard error when b = 0 (z1 = 0); a z within a few units of 0 is no detectable
 * bias. The 95% interval of the bias |E x - g| is the square root of bias^2 -+ 1.96 standard errors
 * (clipped at 0; the standard error is never taken below se0).
 *
 * `BatchScores` turns a psi_t into per-episode gradient samples sum_t grad log pi(a_t|s_t) psi_t,
 * the same numbers as `estimateGradient(policy, batch, psi).samples`, with the scores of the batch
 * computed once: for measuring many psi_t on the same trajectories (common random numbers).
 */
import type { Batch } from "../rollout/batch";
import { type PsiEstimator, type Span, spans } from "./segment";
import type { Policy } from "../policies/policy";
import { psiOf } from "./gradient";

/** Bias, variance and mean squared error of an estimator, each with its standard error. */
export interface Measurement {
  /** Number of independent estimates measured. */
  batches: number;
  /** Their mean, and the mean minus the reference (the estimated bias vector). */
  mean: Float64Array;
  bias: Float64Array;
  /** Unbiased estimate of |E x - g|^2 (can be slightly negative when there is no bias) and its standard error. */
  biasSquared: number;
  biasSquaredSe: number;
  /** The standard error biasSquared would have if there were no bias (the spread of biasSquared around 0). */
  nullSe: number;
  /** biasSquared / nullSe: how many standard errors the squared bias is from 0 (the test of "no bias"). */
  z: number;
  /** sqrt(max(0, biasSquared)) and its 95% interval (the square roots of biasSquared -+ 1.96 se, clipped at 0). */
  biasNorm: number;
  biasLower: number;
  biasUpper: number;
  /** The trace of the covariance of one estimate (sum of the variances of its components), and its standard error. */
  variance: number;
  varianceSe: number;
  /** Mean of |x_i - g|^2 (= biasSquared + variance), and its standard error. */
  mse: number;
  mseSe: number;
}

function checkVector(fn: string, what: string, x: ArrayLike<number>, k: number): void {
  if (x === null || typeof x !== "object" || x.length !== k) {
    throw new RangeError(`${fn}: ${what} must have ${k} entries (the reference's length); received ${x === null || typeof x !== "object" ? String(x) : x.length}.`);
  }
  for (let j = 0; j < k; j++) if (!Number.isFinite(x[j])) throw new RangeError(`${fn}: ${what}[${j}] is ${x[j]}; expected a finite number.`);
}

function meanAndSe(u: Float64Array): { mean: number; se: number } {
  const n = u.length;
  let m = 0;
  for (const x of u) m += x / n;
  let v = 0;
  for (const x of u) v += (x - m) ** 2 / (n - 1);
  return { mean: m, se: Math.sqrt(v / n) };
}

/** tr(S^2) = |S|_F^2 of the sample covariance of centred rows c_i: through S (k x k) or the Gram matrix (B x B), whichever is smaller. */
function traceOfSquare(centred: Float64Array[], k: number): number {
  const B = centred.length;
  let sum = 0;
  if (k <= B) {
    const S = new Float64Array(k * k);
    for (const c of centred) {
      for (let a = 0; a < k; a++) {
        const ca = c[a];
        if (ca === 0) continue;
        for (let b = a; b < k; b++) S[a * k + b] += ca * c[b];
      }
    }
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) sum += (a === b ? 1 : 2) * S[a * k + b] ** 2;
  } else {
    for (let i = 0; i < B; i++) {
      for (let j = i; j < B; j++) {
        let dot = 0;
        for (let a = 0; a < k; a++) dot += centred[i][a] * centred[j][a];
        sum += (i === j ? 1 : 2) * dot * dot;
      }
    }
  }
  return sum / (B - 1) ** 2;
}

/**
 * Bias, variance and mean squared error of independent estimates of a vector whose true value is
 * `reference` (at least 3 estimates). See the top of this file for the formulas.
 */
export function measureEstimates(estimates: ArrayLike<number>[], reference: ArrayLike<number>): Measurement {
  const fn = "measureEstimates";
  if (!Array.isArray(estimates) || estimates.length < 3) {
    throw new RangeError(`${fn}: expected at least 3 independent estimates; received ${Array.isArray(estimates) ? estimates.length : String(estimates)}.`);
  }
  if (reference === null || typeof reference !== "object" || !(reference.length >= 1)) throw new RangeError(`${fn}: reference must be a non-empty vector; received ${String(reference)}.`);
  const k = reference.length;
  checkVector(fn, "reference", reference, k);
  estimates.forEach((x, i) => checkVector(fn, `estimate ${i}`, x, k));
  const B = estimates.length;
  const mean = new Float64Array(k);
  for (const x of estimates) for (let j = 0; j < k; j++) mean[j] += x[j] / B;
  const bias = Float64Array.from(mean, (m, j) => m - reference[j]);
  const centred: Float64Array[] = [];
  const spread = new Float64Array(B); // |x_i - m|^2
  const errors = new Float64Array(B); // |x_i - g|^2
  const along = new Float64Array(B); // (x_i - m) . d
  estimates.forEach((x, i) => {
    const c = new Float64Array(k);
    let s2 = 0;
    let e2 = 0;
    let cd = 0;
    for (let j = 0; j < k; j++) {
      c[j] = x[j] - mean[j];
      s2 += c[j] * c[j];
      e2 += (x[j] - reference[j]) ** 2;
      cd += c[j] * bias[j];
    }
    centred.push(c);
    spread[i] = s2;
    errors[i] = e2;
    along[i] = cd;
  });
  let traceS = 0;
  let dSd = 0; // d^T S d
  for (let i = 0; i < B; i++) {
    traceS += spread[i] / (B - 1);
    dSd += (along[i] * along[i]) / (B - 1);
  }
  let d2 = 0;
  for (let j = 0; j < k; j++) d2 += bias[j] * bias[j];
  const biasSquared = d2 - traceS / B;
  // tr(Sigma^2) and b^T Sigma b without the upward bias of their plug-ins (exact for Gaussian estimates):
  // E tr(S^2) = tr(Sigma^2) (B^2 - B - 2)/(B - 1)^2 + tr(Sigma)^2 / (B - 1) (Bai and Saranadasa, 1996),
  // and E d^T S d = b^T Sigma b + tr(Sigma^2) / B, since d carries noise of covariance Sigma / B.
  const trSigma2 = Math.max(0, ((B - 1) ** 2 / ((B - 2) * (B + 1))) * (traceOfSquare(centred, k) - (traceS * traceS) / (B - 1)));
  const z1 = dSd - trSigma2 / B;
  const nullVar = (2 * trSigma2) / (B * (B - 1)); // the variance if there were no bias (z1 = 0)
  const biasSquaredSe = Math.sqrt(Math.max(nullVar, (4 * (B - 2) * z1 + 2 * (trSigma2 + 2 * z1)) / (B * (B - 1))));
  const nullSe = Math.sqrt(nullVar);
  const half = 1.96 * biasSquaredSe;
  const v = meanAndSe(spread);
  const e = meanAndSe(errors);
  return {
    batches: B,
    mean,
    bias,
    biasSquared,
    biasSquaredSe,
    nullSe,
    z: nullSe > 0 ? biasSquared / nullSe : biasSquared === 0 ? 0 : Math.sign(biasSquared) * Infinity,
    biasNorm: Math.sqrt(Math.max(0, biasSquared)),
    biasLower: Math.sqrt(Math.max(0, biasSquared - half)),
    biasUpper: Math.sqrt(Math.max(0, biasSquared + half)),
    variance: traceS,
    varianceSe: (v.se * B) / (B - 1),
    mse: e.mean,
    mseSe: e.se,
  };
}

/**
 * `batches` independent estimates, `estimate(seed)` for seed = firstSeed, firstSeed + 1, ...,
 * measured against `reference` (e.g. the exact gradient).
 */
export function measureEstimator(estimate: (seed: number) => ArrayLike<number>, reference: ArrayLike<number>, options: { batches: number; firstSeed?: number }): Measurement {
  const batches = options?.batches;
  if (!Number.isSafeInteger(batches) || batches < 3) throw new RangeError(`measureEstimator: batches must be an integer >= 3; received ${String(batches)}.`);
  const first = options.firstSeed ?? 0;
  if (!Number.isSafeInteger(first)) throw new RangeError(`measureEstimator: firstSeed must be an integer; received ${String(options.firstSeed)}.`);
  return measureEstimates(Array.from({ length: batches }, (_, i) => estimate(first + i)), reference);
}

/**
 * Means of consecutive groups of `size` samples: the estimates of batches of `size` independent
 * trajectories (the last, incomplete group is dropped). Needs at least one full group.
 */
export function groupMeans(samples: ArrayLike<number>[], size: number): Float64Array[] {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`groupMeans: size must be an integer >= 1; received ${String(size)}.`);
  if (!Array.isArray(samples) || samples.length < size) {
    throw new RangeError(`groupMeans: ${Array.isArray(samples) ? samples.length : String(samples)} samples make no group of ${size}; expected at least ${size}.`);
  }
  const k = samples[0].length;
  const out: Float64Array[] = [];
  for (let start = 0; start + size <= samples.length; start += size) {
    const m = new Float64Array(k);
    for (let i = start; i < start + size; i++) for (let j = 0; j < k; j++) m[j] += samples[i][j] / size;
    out.push(m);
  }
  return out;
}

/**
 * The closed-form scores grad log pi(a_t|s_t) of every row of a batch, computed once (kept sparse),
 * so that any psi_t gives the per-episode gradient samples sum_t score_t psi_t quickly: the same
 * numbers as `estimateGradient(policy, batch, psi).samples` (one per episode, i.e. per span of the batch).
 */
export class BatchScores {
  readonly numParams: number;
  /** Number of episodes (spans) of the batch: the number of samples per psi. */
  readonly episodes: number;
  private readonly batch: Batch;
  private readonly spans: Span[];
  /** Row k's nonzero score entries: index[ptr[k] .. ptr[k + 1]) and their values. */
  private readonly ptr: Int32Array;
  private readonly index: Int32Array;
  private readonly value: Float64Array;

  constructor(policy: Policy<never, never>, batch: Batch, observation?: (row: Float32Array) => unknown) {
    if (!policy || typeof policy.score !== "function") throw new TypeError(`BatchScores: ${policy?.kind ?? String(policy)} has no closed-form score; use surrogateGradient.`);
    this.batch = batch;
    this.numParams = policy.numParams;
    const obs = observation ?? ((row: Float32Array) => (batch.obsSize === 1 ? row[0] : row));
    const score = policy.score.bind(policy) as (o: unknown, a: number) => Float64Array;
    this.ptr = new Int32Array(batch.rows + 1);
    const index: number[] = [];
    const value: number[] = [];
    for (let k = 0; k < batch.rows; k++) {
      const g = score(obs(batch.observations.subarray(k * batch.obsSize, (k + 1) * batch.obsSize)), batch.actions[k]);
      for (let j = 0; j < g.length; j++) {
        if (g[j] !== 0) {
          index.push(j);
          value.push(g[j]);
        }
      }
      this.ptr[k + 1] = index.length;
    }
    this.index = Int32Array.from(index);
    this.value = Float64Array.from(value);
    this.spans = spans(batch);
    this.episodes = this.spans.length;
  }

  /** Per-episode samples sum_t grad log pi(a_t|s_t) psi_t, for psi given per row or as an estimator of the batch. */
  samples(psi: ArrayLike<number> | PsiEstimator): Float64Array[] {
    const w = psiOf("BatchScores.samples", this.batch, psi);
    const { ptr, index, value } = this;
    return this.spans.map((s) => {
      const g = new Float64Array(this.numParams);
      for (let t = 0, k = s.start; t < s.length; t++, k += s.stride) {
        const wk = w[k];
        if (wk === 0) continue;
        for (let j = ptr[k]; j < ptr[k + 1]; j++) g[index[j]] += value[j] * wk;
      }
      return g;
    });
  }
}
