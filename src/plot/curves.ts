/**
 * Learning curves over seeds on one grid: what `runSeeds` returns as `curve` and what `npm run train`
 * and `npm run plot` draw. Each seed's rows (env steps or wall time against a metric) are
 * interpolated onto a common grid, then summarised column by column: the mean over the seeds present
 * and a band (range, standard deviation, or the 95% confidence interval of the mean).
 */
import { meanConfidence } from "../stats";

/** Linear interpolation of (xs, ys) at x (held constant beyond the ends). */
export function interpolate(xs: ArrayLike<number>, ys: ArrayLike<number>, x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let k = 1; k < xs.length; k++) {
    if (x <= xs[k]) {
      const w = (x - xs[k - 1]) / (xs[k] - xs[k - 1]);
      return ys[k - 1] + w * (ys[k] - ys[k - 1]);
    }
  }
  return ys[ys.length - 1];
}

export type Band = "minmax" | "ci95" | "sd" | "none";
export const BANDS: readonly Band[] = ["minmax", "ci95", "sd", "none"];
/** What each band is, in words (legends and captions). */
export const BAND_TEXT: Record<Band, string> = {
  minmax: "range from the lowest to the highest seed",
  sd: "mean ± one standard deviation over seeds, within the seeds' range",
  ci95: "95% confidence interval of the mean (Student's t over seeds)",
  none: "",
};

export interface Aggregate {
  x: number[];
  /** Per seed: the metric at each x (NaN where the seed has no value: before its first point). */
  perSeed: number[][];
  mean: number[];
  lower: number[];
  upper: number[];
  /** What the band is, for the legend ("" without one). */
  bandName: string;
}

export interface AggregateOptions {
  /** Points of the grid (default 100). */
  points?: number;
  /**
   * "all" (default): from the first point of any seed to the last of any, a seed missing before its
   * first point and held at its last value after it stopped (a seed stops early on reaching the
   * target). "common": only where every seed has values; grid points rounded to integers (env steps).
   */
  range?: "all" | "common";
}

/**
 * The seeds' curves of `y` against `x` on one grid, with their mean and `band`. Rows where x or y is
 * not a number are left out (e.g. the mean return before any episode ended); a seed with no such
 * row contributes nothing, and with none at all the result is empty.
 */
export function aggregate(seeds: { rows: Record<string, number>[] }[], x: string, y: string, band: Band, options: AggregateOptions = {}): Aggregate {
  const points = options.points ?? 100;
  const series = seeds.map((s) => s.rows.filter((r) => Number.isFinite(r[x]) && Number.isFinite(r[y])));
  const present = series.filter((s) => s.length > 0);
  if (present.length === 0) return { x: [], perSeed: [], mean: [], lower: [], upper: [], bandName: "" };
  const firsts = present.map((s) => s[0][x]);
  const lasts = present.map((s) => s[s.length - 1][x]);
  const common = options.range === "common";
  const start = common ? Math.max(...firsts) : Math.min(...firsts);
  const end = common ? Math.min(...lasts) : Math.max(...lasts);
  const at = (k: number) => (common ? Math.round(start + ((end - start) * k) / (points - 1)) : start + ((end - start) * k) / (points - 1));
  const grid = end > start ? Array.from({ length: points }, (_, k) => at(k)) : [end];
  const perSeed = (common ? present : series).map((s) =>
    grid.map((g) => (s.length === 0 || g < s[0][x] ? NaN : interpolate(s.map((r) => r[x]), s.map((r) => r[y]), g))),
  );
  const mean: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  grid.forEach((_, k) => {
    const v = perSeed.map((c) => c[k]).filter(Number.isFinite);
    const ci = v.length ? meanConfidence(v) : { mean: NaN, lower: NaN, upper: NaN };
    const m = ci.mean;
    mean.push(m);
    const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
    const [lo, hi] = [Math.min(...v), Math.max(...v)];
    const [l, u] = band === "minmax" ? [lo, hi] : band === "sd" ? [Math.max(lo, m - sd), Math.min(hi, m + sd)] : band === "ci95" ? [ci.lower, ci.upper] : [m, m];
    lower.push(l);
    upper.push(u);
  });
  const n = present.length;
  const bandName = band === "none" ? "" : `${BAND_TEXT[band]} (${n} seed${n === 1 ? "" : "s"})`;
  return { x: grid, perSeed, mean, lower, upper, bandName };
}
