/**
 * What a policy-gradient estimator converges to with a given (possibly wrong) critic: the exact
 * expectation of psi_t given (s_t, a_t), and the exact expected gradient
 * E[sum_t gamma^t grad log pi(a_t|s_t) psi_t] it gives, on a tabular MDP with a tabular softmax policy.
 * The difference from `policyGradient` is the estimator's bias, computed rather than sampled.
 *
 * For a psi_t that looks only forward from (s_t, a_t) (reward-to-go, Q, A, the TD error, n-step
 * advantages, GAE) on whole episodes that end in a terminal state, E[psi_t | history up to s_t, a_t]
 * = Psi(s_t, a_t), a table, and the expected estimate is the policy gradient theorem with Psi in place
 * of Q: for the softmax, entry [s][b] = nu(s) pi(b|s) (Psi(s, b) - sum_a pi(a|s) Psi(s, a)), where
 * nu(s) = sum_t gamma^t P(s_t = s). Without the factor gamma^t in psi_t (as the algorithms train,
 * see src/estimators/gradient.ts), nu is the undiscounted expected number of visits instead.
 *
 * With a critic V (values) and Q (q), terminal states counting 0, r_pi(s) = sum_a pi(a|s) R(s, a)
 * and P_pi(s, s') = sum_a pi(a|s) P(s'|s, a):
 *   rewardToGo  Psi = Q^pi(s, a) - b(s)                   (b = values, or 0: any baseline)
 *   q           Psi = Q(s, a)
 *   advantage   Psi = Q(s, a) - V(s)
 *   td          Psi = R(s, a) + gamma P(.|s, a) V - V(s)
 *   nstep       Psi = R(s, a) + gamma P(.|s, a) W_{n-1} - V(s),   W_0 = V, W_m = r_pi + gamma P_pi W_{m-1}
 *   gae         Psi = R(s, a) + gamma P(.|s, a) (V + lambda G) - V(s),   G = (I - gamma lambda P_pi)^{-1} D,
 *               D = r_pi + gamma P_pi V - V (the expected TD error in each state)
 * (lambda = 0 gives td, lambda = 1 gives Q^pi - V; n larger than every episode gives Q^pi - V.)
 */
import type { TabularMDP } from "../envs/tabular/mdp";
import { LU } from "./linalg";
import { type MdpLike, asMdp, checkPolicy, evaluate, softmaxPolicy } from "./solve";

/** Which psi_t, and the critic it reads. */
export interface PsiModel {
  kind: "rewardToGo" | "q" | "advantage" | "td" | "nstep" | "gae";
  /** V(s) of the critic (one per state; terminal states count 0 whatever is given). */
  values?: number[];
  /** Q(s, a) of the critic. */
  q?: number[][];
  /** n of the n-step advantage (an integer >= 1). */
  n?: number;
  /** lambda of GAE, in [0, 1]. */
  lambda?: number;
}

const KINDS = ["rewardToGo", "q", "advantage", "td", "nstep", "gae"];

function fail(fn: string, message: string): never {
  throw new RangeError(`${fn}: ${message}`);
}

function checkValues(fn: string, mdp: TabularMDP, values: unknown, kind: string): number[] {
  if (!Array.isArray(values) || values.length !== mdp.nStates) {
    fail(fn, `psi "${kind}" needs values: V(s) for each of the ${mdp.nStates} states; received ${Array.isArray(values) ? values.length : String(values)}.`);
  }
  return values.map((v, s) => {
    if (typeof v !== "number" || !Number.isFinite(v)) fail(fn, `values[${s}] is ${String(v)}; expected a finite number.`);
    return mdp.terminal[s] ? 0 : v;
  });
}

/** A table x[s][a] of finite numbers; `what` says what it is ("psi \"q\" needs q: Q(s, a)"), `name` how entries are named. */
function checkTable(fn: string, mdp: TabularMDP, x: unknown, what: string, name: string): number[][] {
  if (!Array.isArray(x) || x.length !== mdp.nStates) fail(fn, `${what} as ${mdp.nStates} rows of ${mdp.nActions}; received ${Array.isArray(x) ? `${x.length} rows` : String(x)}.`);
  return x.map((row, s) => {
    if (!Array.isArray(row) || row.length !== mdp.nActions) fail(fn, `${name}[${s}] must have ${mdp.nActions} entries; received ${Array.isArray(row) ? row.length : String(row)}.`);
    return row.map((v, a) => {
      if (typeof v !== "number" || !Number.isFinite(v)) fail(fn, `${name}[${s}][${a}] is ${String(v)}; expected a finite number.`);
      return v;
    });
  });
}

/** sum_s' P(s'|s, a) x(s') over non-terminal s'. */
function expectNext(mdp: TabularMDP, s: number, a: number, x: ArrayLike<number>): number {
  const row = mdp.transitions[s][a];
  let e = 0;
  for (let t = 0; t < mdp.nStates; t++) if (row[t] !== 0 && !mdp.terminal[t]) e += row[t] * x[t];
  return e;
}

/**
 * E[psi_t | s_t = s, a_t = a] for every state and action (0 for terminal states), for the policy pi
 * (rows pi[s][a]) and the critic in `model`. See the top of this file.
 */
export function expectedPsi(mdpLike: MdpLike, pi: number[][], model: PsiModel): number[][] {
  const fn = "exact.expectedPsi";
  const mdp = asMdp(mdpLike, fn);
  checkPolicy(mdp, pi, fn);
  if (!model || !KINDS.includes(model.kind)) fail(fn, `model.kind must be one of ${KINDS.join(", ")}; received ${String(model?.kind)}.`);
  const { nStates: n, nActions: k, gamma, rewards: R, terminal } = mdp;
  const table = (f: (s: number, a: number) => number) => Array.from({ length: n }, (_, s) => Array.from({ length: k }, (_, a) => (terminal[s] ? 0 : f(s, a))));
  if (model.kind === "rewardToGo") {
    const Q = evaluate(mdp, pi, fn).Q;
    const b = model.values === undefined ? new Array<number>(n).fill(0) : checkValues(fn, mdp, model.values, model.kind);
    return table((s, a) => Q[s][a] - b[s]);
  }
  if (model.kind === "q" || model.kind === "advantage") {
    const q = checkTable(fn, mdp, model.q, `psi "${model.kind}" needs q: Q(s, a)`, "q");
    const b = model.kind === "advantage" ? checkValues(fn, mdp, model.values, model.kind) : new Array<number>(n).fill(0);
    return table((s, a) => q[s][a] - b[s]);
  }
  const V = checkValues(fn, mdp, model.values, model.kind);
  // r_pi and P_pi applied to a vector (terminal states 0)
  const rPi = Array.from({ length: n }, (_, s) => (terminal[s] ? 0 : pi[s].reduce((acc, p, a) => acc + p * R[s][a], 0)));
  const pPi = (x: ArrayLike<number>) => Array.from({ length: n }, (_, s) => (terminal[s] ? 0 : pi[s].reduce((acc, p, a) => acc + p * expectNext(mdp, s, a, x), 0)));
  let next: ArrayLike<number> = V; // what the step after (s, a) bootstraps from
  if (model.kind === "nstep") {
    const steps = model.n;
    if (typeof steps !== "number" || !Number.isSafeInteger(steps) || steps < 1) fail(fn, `model.n must be an integer >= 1; received ${String(steps)}.`);
    let W = V;
    for (let m = 1; m < steps; m++) {
      const p = pPi(W);
      W = W.map((_, s) => (terminal[s] ? 0 : rPi[s] + gamma * p[s]));
    }
    next = W;
  } else if (model.kind === "gae") {
    const lambda = model.lambda;
    if (typeof lambda !== "number" || !(lambda >= 0 && lambda <= 1)) fail(fn, `model.lambda must be in [0, 1]; received ${String(lambda)}.`);
    const pV = pPi(V);
    const D = V.map((v, s) => (terminal[s] ? 0 : rPi[s] + gamma * pV[s] - v));
    const a = new Float64Array(n * n);
    for (let s = 0; s < n; s++) {
      a[s * n + s] = 1;
      if (terminal[s]) continue;
      for (let act = 0; act < k; act++) {
        const row = mdp.transitions[s][act];
        for (let t = 0; t < n; t++) if (!terminal[t] && row[t] !== 0) a[s * n + t] -= gamma * lambda * pi[s][act] * row[t];
      }
    }
    let G: Float64Array;
    try {
      G = new LU(a, n).solve(D);
    } catch {
      fail(fn, `I - gamma lambda P_pi is singular (gamma = ${gamma}, lambda = ${lambda}): some states never reach a terminal state under this policy.`);
    }
    next = V.map((v, s) => v + lambda * G[s]);
  }
  return table((s, a) => R[s][a] + gamma * expectNext(mdp, s, a, next) - V[s]);
}

/**
 * The expected estimate E[sum_t w_t grad log pi(a_t|s_t) psi_t] of a tabular softmax policy with logits
 * theta[s][a], for a psi_t whose conditional expectation is the table `psi` (from `expectedPsi`):
 * w_t = gamma^t by default (psi weighted by `discountWeighted`), or 1 with `{ discounted: false }` (as the
 * algorithms train). With psi = Q^pi and the default, this is `policyGradient`. nStates x nActions.
 */
export function expectedGradient(mdpLike: MdpLike, theta: number[][], psi: number[][], options: { discounted?: boolean } = {}): number[][] {
  const fn = "exact.expectedGradient";
  const mdp = asMdp(mdpLike, fn);
  if (!Array.isArray(theta) || theta.length !== mdp.nStates) fail(fn, `theta must have nStates = ${mdp.nStates} rows of logits; received ${Array.isArray(theta) ? theta.length : String(theta)}.`);
  const pi = softmaxPolicy(theta);
  checkPolicy(mdp, pi, fn);
  const table = checkTable(fn, mdp, psi, "psi must be E[psi_t | s, a] (from expectedPsi)", "psi");
  const discounted = options.discounted ?? true;
  const visits = evaluate(discounted ? mdp : { ...mdp, gamma: 1 }, pi, fn).visits;
  return pi.map((row, s) => {
    if (mdp.terminal[s]) return row.map(() => 0);
    const mean = row.reduce((acc, p, a) => acc + p * table[s][a], 0);
    return row.map((p, b) => visits[s] * p * (table[s][b] - mean));
  });
}
