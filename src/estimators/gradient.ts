/**
 * The policy-gradient estimator g_hat = (1/M) sum_i sum_t grad log pi(a_t|s_t) psi_t over M
 * trajectories, computed two ways that give the same vector:
 * - analytically, from the policy's closed-form score (tabular and linear softmax policies);
 * - through TF.js, as the gradient of the surrogate (1/M) sum_i sum_t log pi(a_t|s_t) psi_t with psi
 *   held constant, in one batched call over a `Batch` (src/rollout/batch.ts): the update step's own
 *   gradient (`policyGradient`, src/update/step.ts), the path every algorithm trains with.
 *
 * For gamma < 1, the estimator is unbiased for J(theta) = E[sum_t gamma^t r_{t+1}] only if psi_t
 * carries the factor gamma^t (Thomas, 2014): use `discountWeighted` on reward-to-go, Q, A or TD-error
 * psi. R(tau) already includes its discounts. Most implementations (and this library's algorithms)
 * drop gamma^t: the result is then not the gradient of J for gamma < 1 (late steps weigh as much as
 * early ones), and gamma acts as a horizon that lowers variance rather than as part of the objective.
 */
import type { Episode } from "../envs/record";
import type { Policy, TfPolicy } from "../policies/policy";
import { type Batch, toBatch } from "../rollout/batch";
import { type PsiEstimator, type Segment, rowIndex, spans } from "./segment";
import { policyGradient } from "../update/step";

/** psi_t for each step of a trajectory. */
export type PsiFn<Obs, Act> = (episode: Episode<Obs, Act>, index: number) => ArrayLike<number>;

/**
 * psi_t multiplied by gamma^t. With a segment instead of gamma, t counts from each episode's first row
 * in the segment (its start, for whole episodes).
 */
export function discountWeighted(psi: ArrayLike<number>, gamma: number | Segment): Float64Array {
  const out = Float64Array.from(psi);
  if (typeof gamma === "number") {
    let w = 1;
    for (let t = 0; t < out.length; t++) {
      out[t] *= w;
      w *= gamma;
    }
    return out;
  }
  if (psi.length !== gamma.rewards.length) throw new RangeError(`discountWeighted: psi has ${psi.length} entries for ${gamma.rewards.length} rows; expected one per row.`);
  const { step } = rowIndex(gamma);
  for (let k = 0; k < out.length; k++) out[k] *= gamma.gamma ** step[k];
  return out;
}

function checkPsi(fn: string, psi: ArrayLike<number>, T: number, i: number | null): void {
  const what = i === null ? "psi" : `psi for trajectory ${i}`;
  if (psi === null || typeof psi !== "object" || psi.length !== T) {
    throw new RangeError(`${fn}: ${what} must have one value per ${i === null ? "row" : "action"} (${T}); received ${psi === null || typeof psi !== "object" ? String(psi) : psi.length}.`);
  }
  for (let t = 0; t < T; t++) if (!Number.isFinite(psi[t])) throw new RangeError(`${fn}: ${i === null ? `psi[${t}]` : `psi[${t}] of trajectory ${i}`} is ${psi[t]}; expected a finite number.`);
}

/** sum_t grad log pi(a_t|s_t) psi_t for one trajectory, from the closed-form score. */
export function trajectoryGradient<Obs, Act>(policy: Policy<Obs, Act>, episode: Episode<Obs, Act>, psi: ArrayLike<number>): Float64Array {
  if (!policy.score) throw new TypeError(`trajectoryGradient: ${policy.kind} has no closed-form score; use surrogateGradient.`);
  const T = episode.actions.length;
  checkPsi("trajectoryGradient", psi, T, 0);
  const g = new Float64Array(policy.numParams);
  for (let t = 0; t < T; t++) {
    if (psi[t] === 0) continue;
    const s = policy.score(episode.observations[t], episode.actions[t]);
    for (let k = 0; k < g.length; k++) g[k] += s[k] * psi[t];
  }
  return g;
}

/** The psi of a batch: the weights themselves, or an estimator applied to the batch (checked). */
export function psiOf(fn: string, batch: Batch, psi: ArrayLike<number> | PsiEstimator): ArrayLike<number> {
  const w = typeof psi === "function" ? psi(batch) : psi;
  checkPsi(fn, w, batch.rows, null);
  return w;
}

/**
 * The estimate and its per-trajectory samples (for variances), from the closed-form score.
 * With episodes, `psi(episode, i)` gives psi_t for trajectory i. With a batch, `psi` is one weight per
 * row or an estimator such as `rewardToGo`; a sample is the sum over one episode's rows (one span of
 * the batch), and the estimate is their sum divided by `batch.divisor`.
 */
export function estimateGradient<Obs, Act>(policy: Policy<Obs, Act>, episodes: Episode<Obs, Act>[], psi: PsiFn<Obs, Act>): { mean: Float64Array; samples: Float64Array[] };
export function estimateGradient(policy: Policy<never, unknown>, batch: Batch, psi: ArrayLike<number> | PsiEstimator, observation?: (row: Float32Array) => unknown): { mean: Float64Array; samples: Float64Array[] };
export function estimateGradient<Obs, Act>(
  policy: Policy<Obs, Act>,
  data: Episode<Obs, Act>[] | Batch,
  psi: PsiFn<Obs, Act> | ArrayLike<number> | PsiEstimator,
  observation?: (row: Float32Array) => unknown,
): { mean: Float64Array; samples: Float64Array[] } {
  if (!Array.isArray(data)) return batchGradient(policy as unknown as Policy<unknown, number>, data, psi as ArrayLike<number> | PsiEstimator, observation);
  const episodes = data;
  if (episodes.length === 0) throw new RangeError(`estimateGradient: expected at least one trajectory; received 0.`);
  const samples = episodes.map((ep, i) => {
    const p = (psi as PsiFn<Obs, Act>)(ep, i);
    checkPsi("estimateGradient", p, ep.actions.length, i);
    return trajectoryGradient(policy, ep, p);
  });
  const mean = new Float64Array(policy.numParams);
  for (const s of samples) for (let k = 0; k < mean.length; k++) mean[k] += s[k] / samples.length;
  return { mean, samples };
}

function batchGradient(policy: Policy<unknown, number>, batch: Batch, psi: ArrayLike<number> | PsiEstimator, observation?: (row: Float32Array) => unknown): { mean: Float64Array; samples: Float64Array[] } {
  if (!policy.score) throw new TypeError(`estimateGradient: ${policy.kind} has no closed-form score; use surrogateGradient.`);
  const w = psiOf("estimateGradient", batch, psi);
  const obs = observation ?? ((row: Float32Array) => (batch.obsSize === 1 ? row[0] : row));
  const samples = spans(batch).map((s) => {
    const g = new Float64Array(policy.numParams);
    for (let t = 0; t < s.length; t++) {
      const k = s.start + t * s.stride;
      if (w[k] === 0) continue;
      const score = (policy.score as (o: unknown, a: number) => Float64Array)(obs(batch.observations.subarray(k * batch.obsSize, (k + 1) * batch.obsSize)), batch.actions[k]);
      for (let j = 0; j < g.length; j++) g[j] += score[j] * w[k];
    }
    return g;
  });
  const mean = new Float64Array(policy.numParams);
  for (const s of samples) for (let k = 0; k < mean.length; k++) mean[k] += s[k] / batch.divisor;
  return { mean, samples };
}

/**
 * The policy-gradient estimate through TF.js (the negated gradient of `surrogateLoss`), flat. Takes a
 * batch with psi (weights or an estimator), or episodes with one psi array per episode.
 */
export function surrogateGradient<Obs, Act>(policy: TfPolicy, data: Episode<Obs, Act>[] | Batch, psi: ArrayLike<number>[] | ArrayLike<number> | PsiEstimator): Float64Array {
  let batch: Batch;
  let w: ArrayLike<number>;
  if (Array.isArray(data)) {
    const psis = psi as ArrayLike<number>[];
    if (!Array.isArray(psis) || data.length !== psis.length) throw new RangeError(`surrogateGradient: ${data.length} trajectories but ${Array.isArray(psis) ? psis.length : String(psis)} psi arrays; expected one per trajectory.`);
    data.forEach((ep, i) => checkPsi("surrogateGradient", psis[i], ep.actions.length, i));
    batch = toBatch(data);
    w = Float64Array.from(psis.flatMap((p) => Array.from(p)));
  } else {
    batch = data;
    w = psiOf("surrogateGradient", batch, psi as ArrayLike<number> | PsiEstimator);
  }
  // the update step's gradient (src/update/step.ts), negated: the estimate ascends
  const g = policyGradient(policy, batch, w, 0, "flat").values as Float32Array;
  return Float64Array.from(g, (x) => -x);
}
