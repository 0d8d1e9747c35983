/** Shared helpers for the statistical tests: exact gradients and sample statistics. */
import assert from "node:assert/strict";
import type { TabularMDP } from "../../src/envs/index";
import * as exact from "../../src/exact/index";

export function meanAndSe(samples: Float64Array[]): { mean: Float64Array; se: Float64Array; totalVariance: number } {
  const n = samples.length;
  const k = samples[0].length;
  const mean = new Float64Array(k);
  for (const s of samples) for (let j = 0; j < k; j++) mean[j] += s[j] / n;
  const v = new Float64Array(k);
  for (const s of samples) for (let j = 0; j < k; j++) v[j] += (s[j] - mean[j]) ** 2 / (n - 1);
  return { mean, se: v.map((x) => Math.sqrt(x / n)), totalVariance: v.reduce((a, b) => a + b, 0) };
}

/** Every component of the sample mean within 4 standard errors of `expected` (exact where se = 0). */
export function assertUnbiased(samples: Float64Array[], expected: ArrayLike<number>, label: string): void {
  const { mean, se } = meanAndSe(samples);
  for (let j = 0; j < mean.length; j++) {
    const tol = se[j] > 0 ? 4 * se[j] : 1e-9;
    assert.ok(Math.abs(mean[j] - expected[j]) <= tol, `${label}: component ${j}: mean ${mean[j]} vs exact ${expected[j]} (se ${se[j]})`);
  }
}

/** The exact gradient for a tabular softmax whose rows are indexed by the true state. */
export function exactGradientFlat(mdp: TabularMDP, theta: number[][]): Float64Array {
  return Float64Array.from(exact.policyGradient(mdp, theta).flat());
}

/**
 * Expected value of the estimator sum_t gamma^t score_t (r_{t+1} + gamma V'(s_{t+1}) - V'(s_t)) for a
 * tabular softmax: the policy gradient theorem with Q'(s, a) = R[s][a] + gamma sum_s' P V'(s').
 */
export function expectedTdGradient(mdp: TabularMDP, theta: number[][], wrongV: number[]): Float64Array {
  const pi = exact.softmaxPolicy(theta);
  const e = exact.evaluate(mdp, pi);
  const out: number[] = [];
  for (let s = 0; s < mdp.nStates; s++) {
    const q = mdp.rewards[s].map((r, a) => r + mdp.gamma * mdp.transitions[s][a].reduce((acc, p, t) => acc + p * (mdp.terminal[t] ? 0 : wrongV[t]), 0));
    const qBar = q.reduce((acc, qa, a) => acc + pi[s][a] * qa, 0);
    for (let b = 0; b < mdp.nActions; b++) out.push(mdp.terminal[s] ? 0 : e.visits[s] * pi[s][b] * (q[b] - qBar));
  }
  return Float64Array.from(out);
}


/**
 * Paired test on the same trajectories: the variance of estimator a is not higher than that of b
 * (the mean of the per-sample differences of squared deviations is below 4 standard errors).
 */
export function assertVarianceNotHigher(a: Float64Array[], b: Float64Array[], label: string): void {
  const ma = meanAndSe(a).mean;
  const mb = meanAndSe(b).mean;
  const d = a.map((x, i) => {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += (x[j] - ma[j]) ** 2 - (b[i][j] - mb[j]) ** 2;
    return s;
  });
  const n = d.length;
  const mean = d.reduce((x, y) => x + y, 0) / n;
  const se = Math.sqrt(d.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1) / n);
  assert.ok(mean <= 4 * se, `${label}: variance difference ${mean} > 4 se (${4 * se})`);
}
