/**
 * Baselines b subtracted from the return in psi_t = R - b. None changes the expected gradient
 * (E[grad log rho(tau) b] = 0 for any b that does not depend on the action taken); a good one lowers
 * its variance. Derived in notebook 03.
 */
import { checkGamma } from "../estimators/returns";

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
 * trajectory (reinforcement comparison on bandits).
 */
export class MovingAverageBaseline {
  private b: number;
  readonly alpha: number;
  constructor(options: { alpha: number; initial?: number }) {
    checkGamma("MovingAverageBaseline", options?.alpha, "alpha");
    this.alpha = options.alpha;
    this.b = checkFinite("MovingAverageBaseline", "initial", options.initial ?? 0);
  }
  value(): number {
    return this.b;
  }
  update(R: number): number {
    checkFinite("MovingAverageBaseline.update", "R", R);
    this.b = this.alpha * R + (1 - this.alpha) * this.b;
    return this.b;
  }
}

/** b = the mean return of a batch. */
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
 */
export function williamsOptimalBaseline(scores: ArrayLike<number>[], returns: ArrayLike<number>): Float64Array {
  const fn = "williamsOptimalBaseline";
  if (!scores.length || scores.length !== returns.length) {
    throw new RangeError(`${fn}: expected one total score per return; received ${scores.length} scores and ${returns.length} returns.`);
  }
  const k = scores[0].length;
  const num = new Float64Array(k);
  const den = new Float64Array(k);
  scores.forEach((g, i) => {
    if (g.length !== k) throw new RangeError(`${fn}: score ${i} has ${g.length} entries; expected ${k}.`);
    const R = checkFinite(fn, `returns[${i}]`, returns[i]);
    for (let j = 0; j < k; j++) {
      const g2 = g[j] * g[j];
      num[j] += g2 * R;
      den[j] += g2;
    }
  });
  return num.map((n, j) => (den[j] > 0 ? n / den[j] : 0));
}

/**
 * The time-dependent baseline of DeepRM: b_t = mean over rollouts (of the same start) of R_t, the
 * return from step t; rollouts shorter than t count 0 there, as in the reference code.
 */
export function timeDependentBaseline(rewardToGos: ArrayLike<number>[]): Float64Array {
  if (!rewardToGos.length) throw new RangeError("timeDependentBaseline: expected at least one rollout; received none.");
  const T = Math.max(...rewardToGos.map((r) => r.length));
  const b = new Float64Array(T);
  for (const r of rewardToGos) for (let t = 0; t < r.length; t++) b[t] += checkFinite("timeDependentBaseline", `R_${t}`, r[t]) / rewardToGos.length;
  return b;
}
