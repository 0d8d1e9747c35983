/**
 * The policy gradient theorem for any differentiable policy on a tabular MDP, and what it says about
 * single transitions:
 *
 *   grad J = sum_s nu(s) sum_a pi(a|s) grad log pi(a|s) Q(s, a)                        (the theorem)
 *          = Z E_{s ~ d, a ~ pi}[grad log pi(a|s) Q(s, a)],   d = nu / Z,  Z = sum_s nu(s)
 *
 * where nu(s) = sum_t gamma^t P(s_t = s) is the expected discounted number of visits of s (`visits`
 * of `evaluate`) and d its normalised form. The policy is read through `probs(obs)` (and `score(obs, a)`
 * for the gradient), so the same functions serve tabular softmax policies, softmax policies on
 * features, and policies that see less than the state (the short corridor), through an
 * `observation(s)` map from state indices to what the policy sees.
 */
import type { TabularMDP } from "../envs/tabular/mdp";
import { type MdpLike, asMdp, evaluate } from "./solve";

/** A discrete-action policy as the exact tools read it. */
export interface ReadablePolicy<Obs> {
  /** pi(.|obs). */
  probs(obs: Obs): ArrayLike<number>;
  /** grad_theta log pi(a|obs), flat (needed by `theoremGradient`). */
  score?(obs: Obs, action: number): ArrayLike<number>;
  getParams?(): Float64Array;
  setParams?(params: ArrayLike<number>): void;
}

export interface ObservationOption<Obs> {
  /** What the policy sees in state s (default: the state index s itself). */
  observation?: (s: number) => Obs;
}

/** A table (q[s][a]) or a function (q(s, a)) of action values, as one function. */
export type ActionValues = number[][] | ArrayLike<number>[] | ((s: number, a: number) => number);

function observer<Obs>(options: ObservationOption<Obs> | undefined, where: string): (s: number) => Obs {
  const f = options?.observation;
  if (f === undefined) return (s: number) => s as unknown as Obs;
  if (typeof f !== "function") throw new TypeError(`${where}: options.observation must be a function from a state index to what the policy sees; received ${String(f)}.`);
  return f;
}

function checkReadable(policy: unknown, where: string): void {
  if (policy === null || typeof policy !== "object" || typeof (policy as { probs?: unknown }).probs !== "function") {
    throw new TypeError(`${where}: expected a discrete-action policy with probs(observation) (e.g. a TabularSoftmax or LinearSoftmax); received ${String(policy)}.`);
  }
}

function valueFunction(mdp: TabularMDP, q: ActionValues, where: string): (s: number, a: number) => number {
  if (typeof q === "function") return q;
  if (!Array.isArray(q) || q.length !== mdp.nStates) {
    throw new RangeError(`${where}: q must be a function q(s, a) or a table with nStates = ${mdp.nStates} rows q[s][a]; received ${Array.isArray(q) ? `${q.length} rows` : String(q)}.`);
  }
  q.forEach((row, s) => {
    if (row === null || typeof row !== "object" || row.length !== mdp.nActions) {
      throw new RangeError(`${where}: q[${s}] must hold nActions = ${mdp.nActions} values; received ${row === null || typeof row !== "object" ? String(row) : row.length}.`);
    }
  });
  return (s, a) => q[s][a];
}

/**
 * pi[s][a] of a policy on every state of the MDP (terminal states too: nothing reads them). The
 * probabilities are checked as `evaluate` checks any tabular policy.
 */
export function policyTable<Obs>(mdpLike: MdpLike, policy: ReadablePolicy<Obs>, options?: ObservationOption<Obs>): number[][] {
  const where = "exact.policyTable";
  const mdp = asMdp(mdpLike, where);
  checkReadable(policy, where);
  const obs = observer(options, where);
  return Array.from({ length: mdp.nStates }, (_, s) => {
    const p = policy.probs(obs(s));
    if (p === null || typeof p !== "object" || p.length !== mdp.nActions) {
      throw new RangeError(`${where}: the policy gave ${p === null || typeof p !== "object" ? String(p) : p.length} probabilities in state ${s}; expected nActions = ${mdp.nActions}.`);
    }
    return Array.from(p);
  });
}

/** J of a parametric policy: `evaluate` on its table. */
export function policyObjective<Obs>(mdp: MdpLike, policy: ReadablePolicy<Obs>, options?: ObservationOption<Obs>): number {
  return evaluate(mdp, policyTable(mdp, policy, options), "exact.policyObjective").J;
}

/**
 * The policy gradient theorem's sum with any action values q (the exact Q^pi, a critic's estimate, Q*,
 * ...): sum_s w(s) sum_a pi(a|s) grad log pi(a|s) q(s, a) over the non-terminal states, as a flat
 * vector of the policy's parameters. `weighting: "visits"` (default) takes w = nu, the expected
 * discounted visits, and with q = Q^pi gives grad J exactly; `"distribution"` takes w = d = nu / Z, the
 * expectation over single transitions s ~ d, a ~ pi, which is grad J / Z.
 */
export function theoremGradient<Obs>(
  mdpLike: MdpLike,
  policy: ReadablePolicy<Obs>,
  q: ActionValues,
  options: ObservationOption<Obs> & { weighting?: "visits" | "distribution" } = {},
): Float64Array {
  const where = "exact.theoremGradient";
  const mdp = asMdp(mdpLike, where);
  checkReadable(policy, where);
  if (typeof policy.score !== "function") throw new TypeError(`${where}: the policy has no closed-form score grad log pi(a|s) (score(observation, action)); use a TabularSoftmax or LinearSoftmax.`);
  const weighting = options.weighting ?? "visits";
  if (weighting !== "visits" && weighting !== "distribution") throw new RangeError(`${where}: options.weighting must be "visits" or "distribution"; received ${JSON.stringify(weighting)}.`);
  const obs = observer(options, where);
  const qf = valueFunction(mdp, q, where);
  const pi = policyTable(mdp, policy, options);
  const e = evaluate(mdp, pi, where);
  const w = weighting === "visits" ? e.visits : e.distribution;
  let g: Float64Array | null = null;
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.terminal[s] || w[s] === 0) continue;
    for (let a = 0; a < mdp.nActions; a++) {
      if (pi[s][a] === 0) continue;
      const value = qf(s, a);
      if (!Number.isFinite(value)) throw new RangeError(`${where}: q(${s}, ${a}) is ${String(value)}; expected a finite number.`);
      const score = policy.score(obs(s), a);
      if (g === null) g = new Float64Array(score.length);
      else if (score.length !== g.length) throw new RangeError(`${where}: the score has ${score.length} entries in state ${s}, action ${a}, and ${g.length} elsewhere; expected one per parameter.`);
      const c = w[s] * pi[s][a] * value;
      for (let k = 0; k < g.length; k++) g[k] += c * score[k];
    }
  }
  if (g === null) throw new RangeError(`${where}: no non-terminal state is ever visited; there is no gradient to compute.`);
  return g;
}

/**
 * grad J of a parametric policy by central differences of `policyObjective` over its parameters
 * (`getParams` / `setParams`; restored afterwards): an independent check of the theorem, step eps.
 * `objective` replaces J by any function of the policy's table pi[s][a] (e.g. the per-transition
 * objective of `singleTransitionObjective`).
 */
export function policyFiniteDifferences<Obs>(
  mdpLike: MdpLike,
  policy: ReadablePolicy<Obs>,
  options: ObservationOption<Obs> & { eps?: number; objective?: (pi: number[][]) => number } = {},
): Float64Array {
  const where = "exact.policyFiniteDifferences";
  const mdp = asMdp(mdpLike, where);
  checkReadable(policy, where);
  if (typeof policy.getParams !== "function" || typeof policy.setParams !== "function") {
    throw new TypeError(`${where}: the policy must have getParams() and setParams(params); received one without them.`);
  }
  const eps = options.eps ?? 1e-5;
  if (typeof eps !== "number" || !(eps > 0 && Number.isFinite(eps))) throw new RangeError(`${where}: eps must be a positive number; received ${String(eps)}.`);
  const objective = options.objective ?? ((pi: number[][]) => evaluate(mdp, pi, where).J);
  if (typeof objective !== "function") throw new TypeError(`${where}: options.objective must be a function of the policy table pi[s][a]; received ${String(objective)}.`);
  const theta = policy.getParams();
  const J = (params: Float64Array) => {
    (policy.setParams as (p: ArrayLike<number>) => void)(params);
    const value = objective(policyTable(mdp, policy, options));
    if (!Number.isFinite(value)) throw new RangeError(`${where}: the objective is ${String(value)}; expected a finite number.`);
    return value;
  };
  const g = new Float64Array(theta.length);
  try {
    for (let k = 0; k < theta.length; k++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[k] += eps;
      minus[k] -= eps;
      g[k] = (J(plus) - J(minus)) / (2 * eps);
    }
  } finally {
    policy.setParams(theta);
  }
  return g;
}

/** What single transitions (s ~ d, a ~ pi) see of a policy, next to J. */
export interface SingleTransitionView {
  /** J = sum_s p0(s) V(s): the expected (discounted) return of a whole episode. */
  J: number;
  /** Z = sum_s nu(s): the expected discounted number of steps of an episode (1 / (1 - gamma) in a continuing task). */
  steps: number;
  /** E_{s ~ d, a ~ pi}[r(s, a)]: the objective averaged over single transitions; equals J / Z. */
  rewardPerStep: number;
  /** E_{s ~ d}[V(s)] = E_{s ~ d, a ~ pi}[Q(s, a)]: the value of a state drawn from the visitation. */
  meanValue: number;
}

/**
 * The objective as seen from single transitions, exactly: J computed over complete episodes against
 * the expected reward of one transition drawn from the discounted visitation d and the policy (which
 * is J / Z, Z the expected discounted episode length), and the mean value of a visited state.
 */
export function singleTransitionObjective(mdpLike: MdpLike, pi: number[][]): SingleTransitionView {
  const where = "exact.singleTransitionObjective";
  const mdp = asMdp(mdpLike, where);
  const e = evaluate(mdp, pi, where);
  const steps = e.visits.reduce((x, y) => x + y, 0);
  let rewardPerStep = 0;
  let meanValue = 0;
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.terminal[s]) continue;
    let r = 0;
    for (let a = 0; a < mdp.nActions; a++) r += pi[s][a] * mdp.rewards[s][a];
    rewardPerStep += e.distribution[s] * r;
    meanValue += e.distribution[s] * e.V[s];
  }
  return { J: e.J, steps, rewardPerStep, meanValue };
}

/** How an estimated gradient compares with the exact one. */
export interface GradientComparison {
  /** cos of the angle between them (NaN if the estimate is the zero vector). */
  cosine: number;
  /** The angle in degrees: 0 same direction, 90 orthogonal, 180 opposite (NaN for a zero estimate). */
  angle: number;
  /** |estimate - exact|. */
  errorNorm: number;
  /** |estimate - exact| / |exact|. */
  relativeError: number;
  /** |estimate| / |exact|. */
  normRatio: number;
}

/** The angle and the norm of the error of `estimate` against the `exact` gradient. */
export function gradientError(estimate: ArrayLike<number>, exact: ArrayLike<number>): GradientComparison {
  const where = "exact.gradientError";
  for (const [name, v] of [["estimate", estimate], ["exact", exact]] as const) {
    if (v === null || typeof v !== "object" || typeof v.length !== "number") throw new TypeError(`${where}: ${name} must be an array of numbers; received ${String(v)}.`);
    for (let k = 0; k < v.length; k++) if (!Number.isFinite(v[k])) throw new RangeError(`${where}: ${name}[${k}] is ${String(v[k])}; expected a finite number.`);
  }
  if (estimate.length !== exact.length) throw new RangeError(`${where}: the estimate has ${estimate.length} entries and the exact gradient ${exact.length}; expected the same length.`);
  let dot = 0;
  let ne = 0;
  let nx = 0;
  let err = 0;
  for (let k = 0; k < exact.length; k++) {
    dot += estimate[k] * exact[k];
    ne += estimate[k] ** 2;
    nx += exact[k] ** 2;
    err += (estimate[k] - exact[k]) ** 2;
  }
  if (nx === 0) throw new RangeError(`${where}: the exact gradient is the zero vector: there is no direction to compare with (a stationary point of J).`);
  const cosine = ne === 0 ? NaN : Math.max(-1, Math.min(1, dot / Math.sqrt(ne * nx)));
  return {
    cosine,
    angle: (Math.acos(cosine) * 180) / Math.PI,
    errorNorm: Math.sqrt(err),
    relativeError: Math.sqrt(err / nx),
    normRatio: Math.sqrt(ne / nx),
  };
}
