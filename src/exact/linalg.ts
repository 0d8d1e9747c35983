/**
 * Dense LU factorisation with partial pivoting on a Float64Array, the bottleneck of the exact
 * solvers: one factorisation of (I - gamma P_pi) serves both the values (A v = r) and the visitation
 * (A^T nu = p0). A typed-array loop is used rather than mathjs' `lusolve` because at 1,000 states it
 * is about 15 times faster (mathjs works on boxed, generic matrices); mathjs does the symbolic work.
 * The pivot swap and the back substitution serve the least-squares solver too (exact/least-squares.ts).
 */

export class LU {
  readonly n: number;
  private readonly lu: Float64Array; // L (unit lower, below the diagonal) and U, row-major
  private readonly perm: Int32Array; // row i of LU is row perm[i] of A

  /** Factorise the n x n row-major matrix `a` (copied). Throws if it is singular. */
  constructor(a: Float64Array, n: number) {
    if (a.length !== n * n) throw new RangeError(`LU: expected ${n * n} entries for a ${n} x ${n} matrix; received ${a.length}.`);
    const m = Float64Array.from(a);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    let scale = 0;
    for (let i = 0; i < m.length; i++) scale = Math.max(scale, Math.abs(m[i]));
    for (let k = 0; k < n; k++) {
      let p = k;
      let best = Math.abs(m[k * n + k]);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(m[i * n + k]);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      if (best <= 1e-13 * Math.max(scale, 1)) throw new SingularMatrixError(k);
      if (p !== k) swapPivot(m, perm, k, p, n, n, "rows");
      const pivot = m[k * n + k];
      const rowK = k * n;
      for (let i = k + 1; i < n; i++) {
        const rowI = i * n;
        const f = m[rowI + k] / pivot;
        if (f === 0) continue;
        m[rowI + k] = f;
        for (let j = k + 1; j < n; j++) m[rowI + j] -= f * m[rowK + j];
      }
    }
    this.n = n;
    this.lu = m;
    this.perm = perm;
  }

  /** x with A x = b. */
  solve(b: ArrayLike<number>): Float64Array {
    const { n, lu, perm } = this;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = b[perm[i]];
      for (let j = 0; j < i; j++) s -= lu[i * n + j] * x[j];
      x[i] = s;
    }
    backSubstitute(lu, n, x, n, x);
    return x;
  }

  /** y with A^T y = c. (P A = L U, so A^T = U^T L^T P.) */
  solveTransposed(c: ArrayLike<number>): Float64Array {
    const { n, lu, perm } = this;
    const z = new Float64Array(n);
    // U^T z = c (forward)
    for (let i = 0; i < n; i++) {
      let s = c[i];
      for (let j = 0; j < i; j++) s -= lu[j * n + i] * z[j];
      z[i] = s / lu[i * n + i];
    }
    // L^T w = z (backward, unit diagonal)
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i];
      for (let j = i + 1; j < n; j++) s -= lu[j * n + i] * z[j];
      z[i] = s;
    }
    // y = P^T w
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[perm[i]] = z[i];
    return y;
  }
}

/**
 * Swap line k with line p of the row-major matrix m (rows x cols) and in the permutation: "rows" swaps
 * rows (LU's partial pivoting), "columns" swaps columns (QR's column pivoting, exact/least-squares.ts).
 */
export function swapPivot(m: Float64Array, perm: Int32Array, k: number, p: number, rows: number, cols: number, lines: "rows" | "columns"): void {
  const count = lines === "rows" ? cols : rows;
  for (let i = 0; i < count; i++) {
    const a = lines === "rows" ? k * cols + i : i * cols + k;
    const b = lines === "rows" ? p * cols + i : i * cols + p;
    const t = m[a];
    m[a] = m[b];
    m[b] = t;
  }
  const t = perm[k];
  perm[k] = perm[p];
  perm[p] = t;
}

/**
 * Solve the leading `size x size` upper triangle of the row-major matrix u (row length `stride`):
 * out[i] = (rhs[i] - sum_{j > i} u[i][j] out[j]) / u[i][i], from the last row up. `out` may be `rhs`.
 */
export function backSubstitute(u: Float64Array, stride: number, rhs: ArrayLike<number>, size: number, out: Float64Array): void {
  for (let i = size - 1; i >= 0; i--) {
    let s = rhs[i];
    for (let j = i + 1; j < size; j++) s -= u[i * stride + j] * out[j];
    out[i] = s / u[i * stride + i];
  }
}

export class SingularMatrixError extends Error {
  readonly column: number;
  constructor(column: number) {
    super(`LU: the matrix is singular (no usable pivot in column ${column}).`);
    this.column = column;
  }
}
