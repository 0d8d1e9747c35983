/**
 * The policy-gradient estimator g_hat = (1/M) sum_i sum_t grad log pi(a_t|s_t) psi_t over M
 * trajectories, computed two ways that give the same vector:
 * - analytically, from the policy's closed-form score (tabular and linear softmax policies);
 * - through TF.js, as the gradient of the surrogate (1/M) sum_i sum_t log pi(a_t|s_t) psi_t with psi
 *   held constant, in one batched call. The surrogate's *value* is not a performance measure: only
 *   its gradient means something (for the right data, it is the policy gradient).
 *
 * For gamma < 1, the estimator is unbiased for J(theta) = E[sum_t gamma^t r_{t+1}] only if psi_t
 * carries the factor gamma^t (Thomas, 2014): use `discountWeighted` on reward-to-go, Q, A or TD-error
 * psi. R(tau) already includes its discounts. Most implementations drop gamma^t; that estimates a
 * different, biased direction.
 */
import type { Episode } from "../envs/record";
import type { Policy, TfPolicy } from "../policies/policy";
import { tf } from "../tf";

/** psi_t for each step of a trajectory. */
export type PsiFn<Obs, Act> = (episode: Episode<Obs, Act>, index: number) => ArrayLike<number>;

/** psi_t multiplied by gamma^t. */
export function discountWeighted(psi: ArrayLike<number>, gamma: number): Float64Array {
  const out = Float64Array.from(psi);
  let w = 1;
  for (let t = 0; t < out.length; t++) {
    out[t] *= w;
    w *= gamma;
  }
  return out;
}

function checkPsi(fn: string, psi: ArrayLike<number>, T: number, i: number): void {
  if (psi === null || typeof psi !== "object" || psi.length !== T) {
    throw new RangeError(`${fn}: psi for trajectory ${i} must have one value per action (${T}); received ${psi === null || typeof psi !== "object" ? String(psi) : psi.length}.`);
  }
  for (let t = 0; t < T; t++) if (!Number.isFinite(psi[t])) throw new RangeError(`${fn}: psi[${t}] of trajectory ${i} is ${psi[t]}; expected a finite number.`);
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

/**
 * The estimate and its per-trajectory samples (for variances), from the closed-form score.
 * `psi(episode, i)` gives psi_t for trajectory i.
 */
export function estimateGradient<Obs, Act>(
  policy: Policy<Obs, Act>,
  episodes: Episode<Obs, Act>[],
  psi: PsiFn<Obs, Act>,
): { mean: Float64Array; samples: Float64Array[] } {
  if (!Array.isArray(episodes) || episodes.length === 0) throw new RangeError(`estimateGradient: expected at least one trajectory; received ${Array.isArray(episodes) ? 0 : String(episodes)}.`);
  const samples = episodes.map((ep, i) => {
    const p = psi(ep, i);
    checkPsi("estimateGradient", p, ep.actions.length, i);
    return trajectoryGradient(policy, ep, p);
  });
  const mean = new Float64Array(policy.numParams);
  for (const s of samples) for (let k = 0; k < mean.length; k++) mean[k] += s[k] / samples.length;
  return { mean, samples };
}

/** A batch of steps flattened for TF.js: observations [N, d], actions, weights psi [N]. */
export interface StepBatch {
  observations: Float32Array;
  obsSize: number;
  /** [N] action indices, or [N * actionSize] continuous actions. */
  actions: Float32Array;
  actionSize: number;
  weights: Float32Array;
  count: number;
}

/** Flatten trajectories and their psi into one batch. */
export function stepBatch<Obs, Act>(policy: TfPolicy, episodes: Episode<Obs, Act>[], psis: ArrayLike<number>[]): StepBatch {
  if (episodes.length !== psis.length) throw new RangeError(`stepBatch: ${episodes.length} trajectories but ${psis.length} psi arrays; expected one per trajectory.`);
  const N = episodes.reduce((n, ep) => n + ep.actions.length, 0);
  const first = episodes.find((ep) => ep.actions.length > 0);
  const obsSize = first ? policy.featurize(first.observations[0]).length : 1;
  const a0 = first?.actions[0];
  const actionSize = typeof a0 === "number" || a0 === undefined ? 1 : (a0 as unknown as ArrayLike<number>).length;
  const batch: StepBatch = {
    observations: new Float32Array(N * obsSize),
    obsSize,
    actions: new Float32Array(N * actionSize),
    actionSize,
    weights: new Float32Array(N),
    count: episodes.length,
  };
  let row = 0;
  episodes.forEach((ep, i) => {
    checkPsi("stepBatch", psis[i], ep.actions.length, i);
    for (let t = 0; t < ep.actions.length; t++, row++) {
      batch.observations.set(policy.featurize(ep.observations[t]), row * obsSize);
      const a = ep.actions[t] as unknown;
      if (typeof a === "number") batch.actions[row] = a;
      else batch.actions.set(a as ArrayLike<number>, row * actionSize);
      batch.weights[row] = psis[i][t];
    }
  });
  return batch;
}

/**
 * The surrogate loss -(1/M) sum log pi(a|s) psi over a batch, as a TF.js scalar (minimising it
 * ascends the policy gradient). Its value is not a performance measure.
 */
export function surrogateLoss(policy: TfPolicy, batch: StepBatch): tf.Scalar {
  return tf.tidy(() => {
    const n = batch.weights.length;
    const obs = tf.tensor2d(batch.observations, [n, batch.obsSize]);
    const actions = batch.actionSize === 1 ? tf.tensor1d(batch.actions) : tf.tensor2d(batch.actions, [n, batch.actionSize]);
    const logp = policy.logProbTensor(obs, actions);
    return tf.neg(tf.div(tf.sum(tf.mul(logp, tf.tensor1d(batch.weights))), batch.count)) as tf.Scalar;
  });
}

/** The policy-gradient estimate through TF.js (the negated gradient of `surrogateLoss`), flat. */
export function surrogateGradient<Obs, Act>(policy: TfPolicy, episodes: Episode<Obs, Act>[], psis: ArrayLike<number>[]): Float64Array {
  const batch = stepBatch(policy, episodes, psis);
  const vars = policy.variables();
  const { value, grads } = tf.variableGrads(() => surrogateLoss(policy, batch), vars);
  const out = new Float64Array(vars.reduce((n, v) => n + v.size, 0));
  let off = 0;
  for (const v of vars) {
    const g = grads[v.name];
    const data = g.dataSync();
    for (let k = 0; k < data.length; k++) out[off + k] = -data[k];
    off += v.size;
  }
  value.dispose();
  tf.dispose(Object.values(grads));
  return out;
}
