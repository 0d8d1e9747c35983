/**
 * Exact evaluation of a policy on a tabular MDP: V^pi, Q^pi, A^pi, the discounted state visitation,
 * J = sum_s p0(s) V^pi(s), and the policy gradient of a tabular softmax policy, each from one LU
 * factorisation of A = I - gamma P_pi, where P_pi[s][s'] = sum_a pi(a|s) P[s][a][s'] with the rows
 * and columns of terminal states zeroed (nothing is decided in a terminal state, and its value is 0).
 *
 *   V^pi       = A^{-1} r_pi,               r_pi(s) = sum_a pi(a|s) R[s][a]
 *   Q^pi(s, a) = R[s][a] + gamma sum_s' P[s][a][s'] V^pi(s')
 *   nu^T       = p0^T A^{-1}                (expected discounted number of visits of s)
 *   grad_theta[s][b] J = nu(s) pi(b|s) (Q^pi(s, b) - V^pi(s))   (policy gradient theorem, softmax)
 */
import { type TabularMDP, validateMdp } from "../envs/tabular/mdp";
import { LU, SingularMatrixError } from "./linalg";

/** A tabular model, or something that can produce one (e.g. a wrapped tabular environment). */
export type MdpLike = TabularMDP | { toTabular(): TabularMDP };

/** The TabularMDP behind `x`, validated. */
export function asMdp(x: MdpLike, where: string): TabularMDP {
  const mdp = x !== null && typeof x === "object" && "transitions" in x ? (x as TabularMDP) : (x as { toTabular?: () => TabularMDP })?.toTabular?.();
  if (!mdp) throw new TypeError(`${where}: expected a TabularMDP (or an environment with toTabular()); received ${String(x)}.`);
  validateMdp(mdp, where);
  return mdp;
}

/** Checks a tabular policy pi[s][a]: shape, entries in [0, 1], rows of non-terminal states summing to 1. */
export function checkPolicy(mdp: TabularMDP, pi: number[][], where: string): void {
  if (!Array.isArray(pi) || pi.length !== mdp.nStates) {
    throw new RangeError(`${where}: the policy must have nStates = ${mdp.nStates} rows pi[s]; received ${Array.isArray(pi) ? pi.length : typeof pi}.`);
  }
  for (let s = 0; s < mdp.nStates; s++) {
    const row = pi[s];
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new RangeError(`${where}: pi[${s}] must be an array of ${mdp.nActions} probabilities; received ${String(row)}.`);
    if (row.length !== mdp.nActions) throw new RangeError(`${where}: pi[${s}] must have nActions = ${mdp.nActions} probabilities; received ${row.length}.`);
    let sum = 0;
    for (let a = 0; a < mdp.nActions; a++) {
      const p = row[a];
      if (typeof p !== "number" || !(p >= 0 && p <= 1 + 1e-9)) throw new RangeError(`${where}: pi(a=${a}|s=${s}) is ${String(p)}; expected a probability in [0, 1].`);
      sum += p;
    }
    if (!mdp.terminal[s] && Math.abs(sum - 1) > 1e-9) throw new RangeError(`${where}: pi(.|s=${s}) sums to ${sum}; expected 1 (within 1e-9).`);
  }
}

/** Row-wise softmax of logits theta[s][a] (numerically stable). */
export function softmaxPolicy(theta: number[][]): number[][] {
  if (!Array.isArray(theta) || theta.length === 0) throw new RangeError(`softmaxPolicy: expected logits theta[s][a] (a non-empty array of rows); received ${String(theta)}.`);
  return theta.map((row, s) => {
    if (!Array.isArray(row) || row.length === 0) throw new RangeError(`softmaxPolicy: theta[${s}] must be a non-empty array of logits; received ${String(row)}.`);
    row.forEach((v, a) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`softmaxPolicy: logit theta[${s}][${a}] is ${String(v)}; expected a finite number.`);
    });
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const z = e.reduce((x, y) => x + y, 0);
    return e.map((v) => v / z);
  });
}

/** The same action probabilities in every state (e.g. the short corridor's p): nStates copies of `probs`. */
export function sharedPolicy(mdp: MdpLike, probs: number[]): number[][] {
  const m = asMdp(mdp, "sharedPolicy");
  return Array.from({ length: m.nStates }, () => [...probs]);
}

/** States (indices) from which no terminal state can be reached under pi. */
function neverTerminating(mdp: TabularMDP, pi: number[][]): number[] {
  const n = mdp.nStates;
  const canEnd = new Uint8Array(n);
  const preds: number[][] = Array.from({ length: n }, () => []);
  for (let s = 0; s < n; s++) {
    if (mdp.terminal[s]) continue;
    for (let a = 0; a < mdp.nActions; a++) {
      if (pi[s][a] <= 0) continue;
      const row = mdp.transitions[s][a];
      for (let t = 0; t < n; t++) if (row[t] > 0) preds[t].push(s);
    }
  }
  const queue: number[] = [];
  for (let s = 0; s < n; s++) if (mdp.terminal[s]) {
    canEnd[s] = 1;
    queue.push(s);
  }
  while (queue.length) {
    const t = queue.pop() as number;
    for (const s of preds[t]) if (!canEnd[s]) {
      canEnd[s] = 1;
      queue.push(s);
    }
  }
  const out: number[] = [];
  for (let s = 0; s < n; s++) if (!canEnd[s]) out.push(s);
  return out;
}

export interface Evaluation {
  /** V^pi(s) (0 for terminal states). */
  V: number[];
  /** Q^pi(s, a) (0 for terminal states). */
  Q: number[][];
  /** A^pi(s, a) = Q^pi(s, a) - V^pi(s). */
  A: number[][];
  /** Expected discounted number of visits of each state from p0 (0 for terminal states). */
  visits: number[];
  /** visits normalised to sum to 1: the discounted state distribution d^pi. */
  distribution: number[];
  /** J = sum_s p0(s) V^pi(s). */
  J: number;
}

/** Everything exact about a policy, from one factorisation. */
export function evaluate(mdpLike: MdpLike, pi: number[][], where = "exact.evaluate"): Evaluation {
  const mdp = asMdp(mdpLike, where);
  checkPolicy(mdp, pi, where);
  const { nStates: n, nActions: k, gamma, transitions: P, rewards: R, terminal } = mdp;
  if (gamma === 1) {
    const stuck = neverTerminating(mdp, pi);
    if (stuck.length) {
      throw new RangeError(
        `${where}: with gamma = 1 the values are infinite or undefined: under this policy state(s) ${stuck.join(", ")} never reach a terminal state. ` +
          `Use a policy that reaches a terminal state from every state (e.g. one with no zero probabilities), or gamma < 1.`,
      );
    }
  }
  const a = new Float64Array(n * n);
  const r = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    a[s * n + s] = 1;
    if (terminal[s]) continue;
    for (let act = 0; act < k; act++) {
      const p = pi[s][act];
      if (p === 0) continue;
      r[s] += p * R[s][act];
      const row = P[s][act];
      const w = gamma * p;
      for (let t = 0; t < n; t++) if (!terminal[t] && row[t] !== 0) a[s * n + t] -= w * row[t];
    }
  }
  let lu: LU;
  try {
    lu = new LU(a, n);
  } catch (e) {
    if (e instanceof SingularMatrixError) throw new RangeError(`${where}: the system (I - gamma P_pi) V = r is singular; some states may never terminate. Try gamma < 1.`);
    throw e;
  }
  const V = Array.from(lu.solve(r));
  const visits = Array.from(lu.solveTransposed(mdp.initial));
  for (let s = 0; s < n; s++) if (terminal[s]) {
    V[s] = 0;
    visits[s] = 0;
  }
  const Q = V.map((_, s) =>
    Array.from({ length: k }, (_, act) => {
      if (terminal[s]) return 0;
      const row = P[s][act];
      let q = R[s][act];
      for (let t = 0; t < n; t++) if (row[t] !== 0 && !terminal[t]) q += gamma * row[t] * V[t];
      return q;
    }),
  );
  const A = Q.map((row, s) => row.map((q) => q - V[s]));
  const totalVisits = visits.reduce((x, y) => x + y, 0);
  const J = mdp.initial.reduce((acc, p, s) => acc + p * V[s], 0);
  return { V, Q, A, visits, distribution: visits.map((v) => v / totalVisits), J };
}

/** V^pi by one linear solve (terminal states 0). */
export function stateValues(mdp: MdpLike, pi: number[][]): number[] {
  return evaluate(mdp, pi, "exact.stateValues").V;
}

/** Q^pi(s, a). */
export function actionValues(mdp: MdpLike, pi: number[][]): number[][] {
  return evaluate(mdp, pi, "exact.actionValues").Q;
}

/** A^pi(s, a) = Q^pi(s, a) - V^pi(s). */
export function advantages(mdp: MdpLike, pi: number[][]): number[][] {
  return evaluate(mdp, pi, "exact.advantages").A;
}

/** Discounted visitation from p0: expected discounted visits per state, and their normalised distribution. */
export function visitation(mdp: MdpLike, pi: number[][]): { visits: number[]; distribution: number[] } {
  const e = evaluate(mdp, pi, "exact.visitation");
  return { visits: e.visits, distribution: e.distribution };
}

/** J(pi) = sum_s p0(s) V^pi(s). */
export function objective(mdp: MdpLike, pi: number[][]): number {
  return evaluate(mdp, pi, "exact.objective").J;
}

function checkTheta(mdp: TabularMDP, theta: number[][], where: string): void {
  if (!Array.isArray(theta) || theta.length !== mdp.nStates) {
    throw new RangeError(`${where}: theta must have nStates = ${mdp.nStates} rows of logits; received ${Array.isArray(theta) ? theta.length : typeof theta}.`);
  }
  theta.forEach((row, s) => {
    if (!Array.isArray(row) || row.length !== mdp.nActions) {
      throw new RangeError(`${where}: theta[${s}] must have nActions = ${mdp.nActions} logits; received ${Array.isArray(row) ? row.length : typeof row}.`);
    }
  });
}

/**
 * The exact gradient of J with respect to the logits theta[s][a] of a tabular softmax policy, through
 * the policy gradient theorem: sum_s nu(s) sum_a grad pi(a|s) Q(s, a), which for the softmax is
 * nu(s) pi(b|s) A(s, b) in entry [s][b]. An nStates x nActions array.
 */
export function policyGradient(mdpLike: MdpLike, theta: number[][]): number[][] {
  const mdp = asMdp(mdpLike, "exact.policyGradient");
  checkTheta(mdp, theta, "exact.policyGradient");
  const pi = softmaxPolicy(theta);
  const e = evaluate(mdp, pi, "exact.policyGradient");
  return pi.map((row, s) => row.map((p, b) => (mdp.terminal[s] ? 0 : e.visits[s] * p * e.A[s][b])));
}

/** The gradient of J by central differences of `objective` (an independent check), step eps. */
export function finiteDifferenceGradient(mdpLike: MdpLike, theta: number[][], eps = 1e-5): number[][] {
  const mdp = asMdp(mdpLike, "exact.finiteDifferenceGradient");
  checkTheta(mdp, theta, "exact.finiteDifferenceGradient");
  if (!(eps > 0 && Number.isFinite(eps))) throw new RangeError(`exact.finiteDifferenceGradient: eps must be a positive number; received ${eps}.`);
  const J = (t: number[][]) => evaluate(mdp, softmaxPolicy(t), "exact.finiteDifferenceGradient").J;
  return theta.map((row, s) =>
    row.map((_, a) => {
      const plus = theta.map((r) => [...r]);
      const minus = theta.map((r) => [...r]);
      plus[s][a] += eps;
      minus[s][a] -= eps;
      return (J(plus) - J(minus)) / (2 * eps);
    }),
  );
}

/**
 * Q* by value iteration, Q(s, a) <- R[s][a] + gamma sum_s' P[s][a][s'] max_b Q(s', b), until the
 * largest change is below `tolerance` (terminal states 0). Needs gamma < 1 or a problem where every
 * policy terminates. Returns Q* and V* = max_a Q*.
 */
export function optimalValues(mdpLike: MdpLike, options: { tolerance?: number; maxIterations?: number } = {}): { Q: number[][]; V: number[] } {
  const mdp = asMdp(mdpLike, "exact.optimalValues");
  const tol = options.tolerance ?? 1e-10;
  const maxIter = options.maxIterations ?? 100_000;
  const { nStates: n, nActions: k, gamma, transitions: P, rewards: R, terminal } = mdp;
  let V = new Float64Array(n);
  const Q = Array.from({ length: n }, () => new Array<number>(k).fill(0));
  for (let it = 0; it < maxIter; it++) {
    const next = new Float64Array(n);
    let delta = 0;
    for (let s = 0; s < n; s++) {
      if (terminal[s]) continue;
      let best = -Infinity;
      for (let a = 0; a < k; a++) {
        let q = R[s][a];
        const row = P[s][a];
        for (let t = 0; t < n; t++) if (row[t] !== 0) q += gamma * row[t] * V[t];
        Q[s][a] = q;
        if (q > best) best = q;
      }
      next[s] = best;
      delta = Math.max(delta, Math.abs(best - V[s]));
    }
    V = next;
    if (delta < tol) return { Q, V: Array.from(V) };
  }
  throw new RangeError(`exact.optimalValues: value iteration did not converge within ${maxIter} iterations (gamma = ${gamma}); with gamma = 1, some policy may never terminate.`);
}
