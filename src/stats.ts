/**
 * Small statistics used by plots (confidence bands over seeds) and by statistical tests
 * (means within a few standard errors of an exact value).
 */

function checkSample(xs: ArrayLike<number>, fn: string, min: number): void {
  if (xs.length < min) {
    throw new RangeError(`${fn}: expected at least ${min} value(s); received ${xs.length}.`);
  }
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) throw new RangeError(`${fn}: value ${i} is ${xs[i]}; expected a finite number.`);
  }
}

/** Arithmetic mean. */
export function mean(xs: ArrayLike<number>): number {
  checkSample(xs, "mean", 1);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Unbiased sample variance (divides by n - 1). */
export function variance(xs: ArrayLike<number>): number {
  checkSample(xs, "variance", 2);
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

/** Standard error of the mean: sqrt(variance / n). */
export function standardError(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs) / xs.length);
}

// Two-sided 95% quantiles t_{0.975, df} of Student's t for df = 1 .. 30.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (table to 30, then expansion). */
export function tQuantile975(df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) throw new RangeError(`tQuantile975: df must be an integer >= 1; received ${df}.`);
  if (df <= T975.length) return T975[df - 1];
  // Cornish-Fisher expansion around the normal quantile 1.959964 (error < 1e-4 for df > 30).
  const z = 1.959964;
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

/** Mean and 95% confidence interval of the mean (Student's t) of one sample. */
export function meanConfidence(xs: ArrayLike<number>): { mean: number; lower: number; upper: number; n: number } {
  const m = mean(xs);
  if (xs.length < 2) return { mean: m, lower: m, upper: m, n: xs.length };
  const half = tQuantile975(xs.length - 1) * standardError(xs);
  return { mean: m, lower: m - half, upper: m + half, n: xs.length };
}

/**
 * Pointwise mean and 95% confidence band of several curves (one per seed), e.g. learning curves.
 * Curves of different lengths are cut to the shortest.
 */
export function confidenceBand(curves: ArrayLike<number>[]): { mean: number[]; lower: number[]; upper: number[] } {
  if (curves.length === 0) throw new RangeError("confidenceBand: expected at least one curve; received none.");
  const length = Math.min(...curves.map((c) => c.length));
  const out = { mean: [] as number[], lower: [] as number[], upper: [] as number[] };
  const column = new Float64Array(curves.length);
  for (let t = 0; t < length; t++) {
    curves.forEach((c, k) => (column[k] = c[t]));
    const ci = meanConfidence(column);
    out.mean.push(ci.mean);
    out.lower.push(ci.lower);
    out.upper.push(ci.upper);
  }
  return out;
}
