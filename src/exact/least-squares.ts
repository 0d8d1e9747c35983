/**
 * Linear critics fitted exactly: Q_w(s, a) = w . phi(s, a) minimising the lecture's critic loss
 *
 *   L(w) = E_{s ~ rho, a ~ pi}[(Q^pi(s, a) - Q_w(s, a))^2] = sum_s nu(s) sum_a pi(a|s) (Q^pi(s, a) - w . phi(s, a))^2
 *
 * by weighted least squares (Householder QR with column pivoting, so that features that are linearly
 * dependent, as compatible features of a softmax policy always are, give the minimiser on the span
 * rather than a singular system). With compatible features phi(s, a) = grad log pi(a|s) (Sutton et
 * al., 1999), the fitted critic gives the exact policy gradient through the theorem.
 */
import { backSubstitute, swapPivot } from "./linalg";
import { type MdpLike, asMdp, evaluate } from "./solve";

export interface LeastSquaresResult {
  /** The coefficients: zero on the columns left out as linearly dependent. */
  x: Float64Array;
  /** Numerical rank of the matrix (columns used). */
  rank: number;
}

/**
 * x minimising |A x - y| for a row-major `rows x cols` matrix A (copied), by Householder QR with
 * column pivoting. Columns whose remaining norm falls below `tolerance` times the largest column norm
 * count as dependent and get coefficient 0 (a basic solution: the fitted values A x are the unique
 * projection of y on the column span either way).
 */
export function leastSquares(a: ArrayLike<number>, rows: number, cols: number, y: ArrayLike<number>, tolerance = 1e-10): LeastSquaresResult {
  const where = "exact.leastSquares";
  for (const [name, v] of [["rows", rows], ["cols", cols]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${where}: ${name} must be an integer >= 1; received ${String(v)}.`);
  }
  if (a === null || typeof a !== "object" || a.length !== rows * cols) throw new RangeError(`${where}: expected ${rows * cols} entries for a ${rows} x ${cols} matrix; received ${a === null || typeof a !== "object" ? String(a) : a.length}.`);
  if (y === null || typeof y !== "object" || y.length !== rows) throw new RangeError(`${where}: expected ${rows} targets (one per row); received ${y === null || typeof y !== "object" ? String(y) : y.length}.`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new RangeError(`${where}: entry ${i} of the matrix is ${String(a[i])}; expected a finite number.`);
  for (let i = 0; i < rows; i++) if (!Number.isFinite(y[i])) throw new RangeError(`${where}: target ${i} is ${String(y[i])}; expected a finite number.`);
  if (!(tolerance >= 0 && tolerance < 1)) throw new RangeError(`${where}: tolerance must be in [0, 1); received ${String(tolerance)}.`);
  const m = Float64Array.from(a);
  const b = Float64Array.from(y);
  const perm = Int32Array.from({ length: cols }, (_, j) => j);
  const norms = new Float64Array(cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) norms[j] += m[i * cols + j] ** 2;
  const largest = Math.sqrt(Math.max(...norms));
  const steps = Math.min(rows, cols);
  let rank = 0;
  for (let k = 0; k < steps; k++) {
    // pivot: the column with the largest remaining norm (recomputed: the problems here are small)
    let p = k;
    let best = -1;
    for (let j = k; j < cols; j++) {
      let n = 0;
      for (let i = k; i < rows; i++) n += m[i * cols + j] ** 2;
      if (n > best) {
        best = n;
        p = j;
      }
    }
    if (Math.sqrt(best) <= tolerance * largest || best === 0) break;
    if (p !== k) swapPivot(m, perm, k, p, rows, cols, "columns");
    // Householder reflection zeroing column k below the diagonal
    const alpha = -Math.sign(m[k * cols + k] || 1) * Math.sqrt(best);
    const v = new Float64Array(rows - k);
    for (let i = k; i < rows; i++) v[i - k] = m[i * cols + k];
    v[0] -= alpha;
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv > 0) {
      for (let j = k; j < cols; j++) {
        let d = 0;
        for (let i = k; i < rows; i++) d += v[i - k] * m[i * cols + j];
        const f = (2 * d) / vv;
        for (let i = k; i < rows; i++) m[i * cols + j] -= f * v[i - k];
      }
      let d = 0;
      for (let i = k; i < rows; i++) d += v[i - k] * b[i];
      const f = (2 * d) / vv;
      for (let i = k; i < rows; i++) b[i] -= f * v[i - k];
    }
    rank = k + 1;
  }
  // back substitution on the leading rank x rank triangle; dependent columns get 0
  const z = new Float64Array(cols);
  backSubstitute(m, cols, b, rank, z);
  const x = new Float64Array(cols);
  for (let j = 0; j < cols; j++) x[perm[j]] = z[j];
  return { x, rank };
}

/** A linear critic fitted to action values. */
export interface LinearFit {
  /** The weights w of Q_w(s, a) = w . phi(s, a). */
  weights: Float64Array;
  /** Q_w(s, a) on every state (terminal states 0). */
  q: number[][];
  /** sqrt(L(w) / sum of the weights): the weighted root-mean-square error of the fit. */
  rmse: number;
  /** Numerical rank of the features (how many independent directions they span). */
  rank: number;
}

/**
 * The linear critic Q_w(s, a) = w . features(s, a) that minimises sum_s sum_a weight(s, a) (target(s, a) -
 * Q_w(s, a))^2 over the non-terminal states. Defaults: target = the exact Q^pi of `pi`, weight(s, a) =
 * nu(s) pi(a|s) (the lecture's E_{s ~ rho, a ~ pi}; nu the expected discounted visits).
 */
export function fitActionValues(
  mdpLike: MdpLike,
  pi: number[][],
  features: (s: number, a: number) => ArrayLike<number>,
  options: { target?: number[][]; weight?: (s: number, a: number) => number } = {},
): LinearFit {
  const where = "exact.fitActionValues";
  const mdp = asMdp(mdpLike, where);
  if (typeof features !== "function") throw new TypeError(`${where}: features must be a function (s, a) => feature vector; received ${String(features)}.`);
  const e = evaluate(mdp, pi, where);
  const target = options.target ?? e.Q;
  if (!Array.isArray(target) || target.length !== mdp.nStates || target.some((row) => !Array.isArray(row) || row.length !== mdp.nActions)) {
    throw new RangeError(`${where}: options.target must be a table of nStates x nActions = ${mdp.nStates} x ${mdp.nActions} values.`);
  }
  const weight = options.weight ?? ((s: number, a: number) => e.visits[s] * pi[s][a]);
  const pairs: [number, number, number][] = [];
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.terminal[s]) continue;
    for (let a = 0; a < mdp.nActions; a++) {
      const w = weight(s, a);
      if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`${where}: weight(${s}, ${a}) is ${String(w)}; expected a finite number >= 0.`);
      if (w > 0) pairs.push([s, a, w]);
    }
  }
  if (pairs.length === 0) throw new RangeError(`${where}: every weight is 0: there is nothing to fit.`);
  const first = features(pairs[0][0], pairs[0][1]);
  const d = first?.length;
  if (!Number.isSafeInteger(d) || d < 1) throw new RangeError(`${where}: features(${pairs[0][0]}, ${pairs[0][1]}) must be a non-empty array of numbers; received ${String(first)}.`);
  const a = new Float64Array(pairs.length * d);
  const y = new Float64Array(pairs.length);
  pairs.forEach(([s, act, w], i) => {
    const phi = i === 0 ? first : features(s, act);
    if (phi?.length !== d) throw new RangeError(`${where}: features(${s}, ${act}) has ${phi?.length} entries; expected ${d} like features(${pairs[0][0]}, ${pairs[0][1]}).`);
    const r = Math.sqrt(w);
    for (let k = 0; k < d; k++) a[i * d + k] = r * phi[k];
    y[i] = r * target[s][act];
  });
  const { x, rank } = leastSquares(a, pairs.length, d, y);
  const q = Array.from({ length: mdp.nStates }, (_, s) =>
    Array.from({ length: mdp.nActions }, (_, act) => {
      if (mdp.terminal[s]) return 0;
      const phi = features(s, act);
      let v = 0;
      for (let k = 0; k < d; k++) v += x[k] * phi[k];
      return v;
    }),
  );
  let loss = 0;
  let total = 0;
  for (const [s, act, w] of pairs) {
    loss += w * (target[s][act] - q[s][act]) ** 2;
    total += w;
  }
  return { weights: x, q, rmse: Math.sqrt(loss / total), rank };
}

/**
 * The lecture's critic loss for any action values q, as a root-mean-square error: sqrt of
 * sum_s nu(s) sum_a pi(a|s) (reference(s, a) - q(s, a))^2 / sum_s nu(s), over the non-terminal states,
 * with reference = Q^pi of `pi` by default (pass e.g. Q* to measure the distance to the optimal values).
 */
export function actionValueError(mdpLike: MdpLike, pi: number[][], q: ArrayLike<number>[], options: { reference?: number[][] } = {}): number {
  const where = "exact.actionValueError";
  const mdp = asMdp(mdpLike, where);
  const e = evaluate(mdp, pi, where);
  const ref = options.reference ?? e.Q;
  for (const [name, t] of [["q", q], ["reference", ref]] as const) {
    if (!Array.isArray(t) || t.length !== mdp.nStates || t.some((row) => row === null || typeof row !== "object" || row.length !== mdp.nActions)) {
      throw new RangeError(`${where}: ${name} must be a table of nStates x nActions = ${mdp.nStates} x ${mdp.nActions} values.`);
    }
  }
  let loss = 0;
  let total = 0;
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.terminal[s]) continue;
    for (let a = 0; a < mdp.nActions; a++) {
      const w = e.visits[s] * pi[s][a];
      if (w === 0) continue;
      const diff = ref[s][a] - q[s][a];
      if (!Number.isFinite(diff)) throw new RangeError(`${where}: q(${s}, ${a}) - reference(${s}, ${a}) is ${String(diff)}; expected finite values.`);
      loss += w * diff * diff;
      total += w;
    }
  }
  return Math.sqrt(loss / total);
}
