/**
 * Exact enumeration of trajectories on small problems: every trajectory that terminates within a
 * horizon, with its probability rho(tau) = p0(s_0) prod_t pi(a_t|s_t) p(s_{t+1}|s_t, a_t) and its
 * return R(tau) = sum_t gamma^t r_{t+1} (with the model's expected rewards). The probability of the
 * trajectories still running at the horizon is reported as `remainder`, so that
 * sum rho R -> J as the horizon grows. Used to show J as an expectation over trajectories and to
 * compute exact means and variances of single-trajectory gradient estimators.
 *
 * The finished trajectories and the unfinished prefixes of length `horizon` partition all outcomes,
 * which makes two identities exact at any horizon H (no tail is neglected):
 *   J = sum_finished rho R + sum_unfinished rho (R_prefix + gamma^H V(s_H))
 *     = expectedReturn + remainderReturn + gamma^H sum_s remainderByState[s] V(s),
 *   sum_finished rho grad log rho + sum_unfinished rho grad log rho_prefix = grad (total probability) = 0.
 * `keepUnfinished: true` lists the unfinished prefixes (their `return` is the partial return).
 */
import { type MdpLike, asMdp, checkPolicy } from "./solve";

export interface ExactTrajectory {
  /** s_0 .. s_T (s_T terminal). */
  states: number[];
  /** a_0 .. a_{T-1}. */
  actions: number[];
  /** r_1 .. r_T. */
  rewards: number[];
  /** rho(tau). */
  probability: number;
  /** R(tau) = sum_t gamma^t r_{t+1}. */
  return: number;
}

export interface Enumeration {
  trajectories: ExactTrajectory[];
  /** Probability of the trajectories that had not terminated after `horizon` steps. */
  remainder: number;
  /** sum over the enumerated trajectories of rho(tau) R(tau). */
  expectedReturn: number;
  /** Probability of being unfinished after `horizon` steps, by the state s_H reached then. */
  remainderByState: number[];
  /** sum over the unfinished prefixes of rho(prefix) times its partial return sum_{t<H} gamma^t r_{t+1}. */
  remainderReturn: number;
  /** gamma^horizon: the discount of V(s_H) in the identity above. */
  horizonDiscount: number;
  /** The unfinished prefixes (only with `keepUnfinished: true`); `return` is the partial return. */
  unfinished?: ExactTrajectory[];
}

export function enumerateTrajectories(
  mdpLike: MdpLike,
  pi: number[][],
  options: { horizon: number; maxTrajectories?: number; keepUnfinished?: boolean },
): Enumeration {
  const where = "exact.enumerateTrajectories";
  const mdp = asMdp(mdpLike, where);
  checkPolicy(mdp, pi, where);
  const { horizon } = options;
  const max = options.maxTrajectories ?? 1_000_000;
  if (!Number.isSafeInteger(horizon) || horizon < 1) throw new RangeError(`${where}: horizon must be an integer >= 1; received ${horizon}.`);
  const out: ExactTrajectory[] = [];
  const unfinished: ExactTrajectory[] = [];
  const remainderByState = new Array<number>(mdp.nStates).fill(0);
  let remainder = 0;
  let remainderReturn = 0;
  let expectedReturn = 0;
  type Node = { states: number[]; actions: number[]; rewards: number[]; probability: number; ret: number; discount: number };
  const stack: Node[] = [];
  mdp.initial.forEach((p, s) => {
    if (p > 0) stack.push({ states: [s], actions: [], rewards: [], probability: p, ret: 0, discount: 1 });
  });
  while (stack.length) {
    const node = stack.pop() as Node;
    const s = node.states[node.states.length - 1];
    if (mdp.terminal[s]) {
      if (out.length >= max) {
        throw new RangeError(`${where}: more than ${max} trajectories within horizon ${horizon}; lower the horizon or raise maxTrajectories.`);
      }
      out.push({ states: node.states, actions: node.actions, rewards: node.rewards, probability: node.probability, return: node.ret });
      expectedReturn += node.probability * node.ret;
      continue;
    }
    if (node.actions.length >= horizon) {
      remainder += node.probability;
      remainderByState[s] += node.probability;
      remainderReturn += node.probability * node.ret;
      if (options.keepUnfinished) {
        if (out.length + unfinished.length >= max) {
          throw new RangeError(`${where}: more than ${max} trajectories and prefixes within horizon ${horizon}; lower the horizon or raise maxTrajectories.`);
        }
        unfinished.push({ states: node.states, actions: node.actions, rewards: node.rewards, probability: node.probability, return: node.ret });
      }
      continue;
    }
    for (let a = 0; a < mdp.nActions; a++) {
      const pa = pi[s][a];
      if (pa <= 0) continue;
      const r = mdp.rewards[s][a];
      mdp.transitions[s][a].forEach((pt, t) => {
        if (pt <= 0) return;
        stack.push({
          states: [...node.states, t],
          actions: [...node.actions, a],
          rewards: [...node.rewards, r],
          probability: node.probability * pa * pt,
          ret: node.ret + node.discount * r,
          discount: node.discount * mdp.gamma,
        });
      });
    }
  }
  const result: Enumeration = { trajectories: out, remainder, expectedReturn, remainderByState, remainderReturn, horizonDiscount: Math.pow(mdp.gamma, horizon) };
  if (options.keepUnfinished) result.unfinished = unfinished;
  return result;
}

/** The exact distribution of R(tau) over trajectories that terminate within the horizon. */
export function returnDistribution(
  mdpLike: MdpLike,
  pi: number[][],
  options: { horizon: number; maxTrajectories?: number },
): { returns: number[]; probabilities: number[]; remainder: number; expectedReturn: number } {
  const e = enumerateTrajectories(mdpLike, pi, options);
  const byReturn = new Map<number, number>();
  for (const t of e.trajectories) {
    const key = Math.round(t.return * 1e9) / 1e9;
    byReturn.set(key, (byReturn.get(key) ?? 0) + t.probability);
  }
  const returns = [...byReturn.keys()].sort((x, y) => x - y);
  return { returns, probabilities: returns.map((r) => byReturn.get(r) as number), remainder: e.remainder, expectedReturn: e.expectedReturn };
}
