/**
 * Baselines b subtracted from psi_t (psi_t - b). None changes the expected gradient
 * (E[grad log rho(tau) b] = 0 for any b that does not depend on the action taken); a good one lowers
 * its variance. Derived in notebook 03.
 *
 * **The baseline is a seam, like psi_t.** REINFORCE computes b only by calling a function with one
 * signature, `Baseline`: it receives psi_t before the baseline (one value per row, from whatever
 * estimator `psi` is) and the segment, and returns b, one number or one per row. The built-in names of
 * `reinforce`'s `baseline` (src/algorithms/builtins.ts) are these functions: `batchMeanBaseline` and
 * `timeDependentBaseline` as they are, `constantBaseline(b)` and `movingAverageBaseline(alpha)` made
 * from the config's numbers, `valueBaseline` reading the learned critic's V(s_t). Williams' optimal
 * baseline is one per parameter, not per row: `williamsOptimalBaseline`, used by REINFORCE's update
 * for the name "optimal".
 */
import { checkGamma } from "../estimators/returns";
import { type Segment, rowIndex, spans } from "../estimators/segment";

/**
 * A baseline: b for each row of `segment`, or one number for all, from psi_t before the baseline
 * (`psi`, one per row). It may keep state between calls (a moving average); a baseline that does
 * shows it as `state`, an object of plain fields, so that a checkpoint (src/algorithms/checkpoint.ts)
 * saves and restores it. REINFORCE subtracts it: psi_t - b_t.
 */
export type Baseline = ((psi: ArrayLike<number>, segment: Segment) => number | ArrayLike<number>) & { readonly state?: object };

function checkFinite(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${fn}: ${name} must be a finite number; received ${String(v)}.`);
  return v;
}

/** b = a fixed number. */
export class ConstantBaseline {
  constructor(readonly b: number) {
    checkFinite("ConstantBaseline", "b", b);
  }
  value(): number {
    return this.b;
  }
}

/**
 * The lecture's moving average of returns, b <- alpha R(tau) + (1 - alpha) b, updated after each
 * trajectory (reinforcement comparison on bandits). `initial: "first"` starts it at the first return
 * it sees (rather than at a number, 0 by default), so that early trajectories are not compared with 0.
 */
export class MovingAverageBaseline {
  private b: number;
  private started: boolean;
  readonly alpha: number;
  constructor(options: { alpha: number; initial?: number | "first" }) {
    checkGamma("MovingAverageBaseline", options?.alpha, "alpha");
    this.alpha = options.alpha;
    this.started = options.initial !== "first";
    this.b = options.initial === "first" ? 0 : checkFinite("MovingAverageBaseline", "initial", options.initial ?? 0);
  }
  value(): number {
    return this.b;
  }
  update(R: number): number {
    checkFinite("MovingAverageBaseline.update", "R", R);
    if (!this.started) {
      this.b = R;
      this.started = true;
    } else this.b = this.alpha * R + (1 - this.alpha) * this.b;
    return this.b;
  }
  /**
   * The baseline each return in turn is compared with: b before the return is folded in (after the
   * first return when it starts at "first"), then updated with it.
   */
  sequence(returns: ArrayLike<number>): Float64Array {
    const out = new Float64Array(returns.length);
    for (let i = 0; i < returns.length; i++) {
      if (!this.started) this.update(returns[i]);
      out[i] = this.b;
      this.update(returns[i]);
    }
    return out;
  }

  /**
   * The baseline of each row of a segment: episode by episode (in the order of `spans`), the
   * episode's rows get b, then b takes in the episode's mean psi_t (for psi = R(tau), its return).
   */
  ofSegment(psi: ArrayLike<number>, segment: Segment): Float64Array {
    if (psi.length !== segment.rewards.length) throw new RangeError(`MovingAverageBaseline.ofSegment: ${psi.length} values of psi for ${segment.rewards.length} rows; expected one per row.`);
    const episodes = spans(segment);
    const b = this.sequence(episodes.map((s) => spanMean(psi, s.start, s.stride, s.length)));
    const out = new Float64Array(psi.length);
    episodes.forEach((s, e) => {
      for (let t = 0; t < s.length; t++) out[s.start + t * s.stride] = b[e];
    });
    return out;
  }
}

/** The mean of psi over a span's rows, shifted by its first value (exactly that value when all are equal). */
function spanMean(psi: ArrayLike<number>, start: number, stride: number, length: number): number {
  const first = psi[start];
  let d = 0;
  for (let t = 1; t < length; t++) d += psi[start + t * stride] - first;
  return first + d / length;
}

/** b = 0: no baseline. */
export const noBaseline: Baseline = () => 0;

/** b = a fixed number, as a `Baseline`. */
export function constantBaseline(b: number): Baseline {
  const c = new ConstantBaseline(b);
  return () => c.value();
}

/**
 * The moving average as a `Baseline` (`MovingAverageBaseline.ofSegment`): each episode of a segment in
 * turn is compared with b, then b takes in that episode's mean psi_t. Starts at the first episode's.
 * Its `state` is the running average.
 */
export function movingAverageBaseline(alpha: number): Baseline & { readonly state: MovingAverageBaseline } {
  const state = new MovingAverageBaseline({ alpha, initial: "first" });
  return Object.assign((psi: ArrayLike<number>, segment: Segment) => state.ofSegment(psi, segment), { state });
}

/** b_t = V(s_t), the segment's `values` (REINFORCE's learned critic fills them for the name "value"). */
export const valueBaseline: Baseline = (_psi, segment) => {
  if (!segment.values) throw new RangeError("valueBaseline: the segment has no values V(s_t); it needs a critic (reinforce's baseline \"value\" trains one).");
  return segment.values;
};

/** b = the mean return of a batch (as a `Baseline`: the mean of psi_t over every row). */
export function batchMeanBaseline(returns: ArrayLike<number>): number {
  if (!returns || returns.length === 0) throw new RangeError("batchMeanBaseline: expected at least one return; received none.");
  let s = 0;
  for (let i = 0; i < returns.length; i++) s += checkFinite("batchMeanBaseline", `returns[${i}]`, returns[i]);
  return s / returns.length;
}

/**
 * Williams' optimal constant baseline, one per parameter:
 * b_k = E[(d log rho / d theta_k)^2 R] / E[(d log rho / d theta_k)^2], estimated from trajectories'
 * total scores G_i = grad log rho(tau_i) = sum_t grad log pi(a_t|s_t) and returns R_i. It minimises the
 * variance of each component of (R - b_k) G among constant baselines. Parameters whose score is
 * always 0 get b_k = 0.
 *
 * For a psi_t that varies along a trajectory (R_t, say), give X_i = sum_t grad log pi(a_t|s_t) psi_t in
 * place of R_i: the variance of X_ik - b_k G_ik is smallest at b_k = E[X_k G_k] / E[G_k^2], which is
 * the formula above when psi_t = R(tau) (X_i = G_i R_i).
 */
export function williamsOptimalBaseline(scores: ArrayLike<number>[], returns: ArrayLike<number> | (number | ArrayLike<number>)[]): Float64Array {
  const fn = "williamsOptimalBaseline";
  if (!scores.length || scores.length !== returns.length) {
    throw new RangeError(`${fn}: expected one total score per return; received ${scores.length} scores and ${returns.length} returns.`);
  }
  const k = scores[0].length;
  const num = new Float64Array(k);
  const den = new Float64Array(k);
  scores.forEach((g, i) => {
    if (g.length !== k) throw new RangeError(`${fn}: score ${i} has ${g.length} entries; expected ${k}.`);
    const r = returns[i];
    if (typeof r === "number") {
      const R = checkFinite(fn, `returns[${i}]`, r);
      for (let j = 0; j < k; j++) {
        const g2 = g[j] * g[j];
        num[j] += g2 * R;
        den[j] += g2;
      }
      return;
    }
    if (r.length !== k) throw new RangeError(`${fn}: returns[${i}] has ${r.length} entries; expected a number or ${k} (sum_t grad log pi psi_t).`);
    for (let j = 0; j < k; j++) {
      num[j] += g[j] * checkFinite(fn, `returns[${i}][${j}]`, r[j]);
      den[j] += g[j] * g[j];
    }
  });
  return num.map((n, j) => (den[j] > 0 ? n / den[j] : 0));
}

/**
 * The time-dependent baseline of DeepRM: b_t = mean over rollouts (of the same start) of R_t, the
 * return from step t; rollouts shorter than t count 0 there, as in the reference code.
 * With a segment: `returns` holds R_t for every row, and the result is b_t for every row, t counted from
 * each episode's first row; episodes are grouped by `segment.groups` (one group id per row, e.g. the
 * job set a DeepRM rollout started from) when it is given, else all together.
 */
export function timeDependentBaseline(rewardToGos: ArrayLike<number>[]): Float64Array;
export function timeDependentBaseline(returns: ArrayLike<number>, segment: Segment): Float64Array;
export function timeDependentBaseline(a: ArrayLike<number>[] | ArrayLike<number>, segment?: Segment): Float64Array {
  if (segment === undefined) {
    const rewardToGos = a as ArrayLike<number>[];
    if (!rewardToGos.length) throw new RangeError("timeDependentBaseline: expected at least one rollout; received none.");
    const T = Math.max(...rewardToGos.map((r) => r.length));
    const b = new Float64Array(T);
    for (const r of rewardToGos) for (let t = 0; t < r.length; t++) b[t] += checkFinite("timeDependentBaseline", `R_${t}`, r[t]) / rewardToGos.length;
    return b;
  }
  const returns = a as ArrayLike<number>;
  if (returns.length !== segment.rewards.length) throw new RangeError(`timeDependentBaseline: ${returns.length} returns for ${segment.rewards.length} rows; expected one per row.`);
  const { spans } = rowIndex(segment);
  const groupOf = (start: number) => (segment.groups ? segment.groups[start] : 0);
  const byGroup = new Map<number, ArrayLike<number>[]>();
  const rows = spans.map((s) => Float64Array.from({ length: s.length }, (_, t) => returns[s.start + t * s.stride]));
  spans.forEach((s, e) => {
    const g = groupOf(s.start);
    if (!byGroup.has(g)) byGroup.set(g, []);
    (byGroup.get(g) as ArrayLike<number>[]).push(rows[e]);
  });
  const perGroup = new Map([...byGroup].map(([g, rs]) => [g, timeDependentBaseline(rs)]));
  const out = new Float64Array(returns.length);
  spans.forEach((s) => {
    const b = perGroup.get(groupOf(s.start)) as Float64Array;
    for (let t = 0; t < s.length; t++) out[s.start + t * s.stride] = b[t];
  });
  return out;
}
