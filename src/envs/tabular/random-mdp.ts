/**
 * ## RandomMdp-v0: random finite MDPs (Garnet-style)
 *
 * **Description.** Garnet problems (Archibald, McKinnon and Thomas, 1995; Bhatnagar et al., 2009):
 * for every state s and action a, `branching` distinct successor states are drawn uniformly, and
 * their probabilities are the gaps between sorted uniform cut points of [0, 1]. Expected rewards are
 * standard normal. Used to test estimators and exact solvers on many problems.
 *
 * With `terminalStates = k > 0` the problem is episodic: the last k states are terminal, and every
 * (s, a) of a non-terminal state has at least one terminal successor, so that every policy terminates
 * with probability 1 (which `gamma = 1` needs).
 *
 * **Action space.** `Discrete(nActions)`. **Observation space.** `Discrete(nStates)`: the state.
 *
 * **Rewards.** r_{t+1} = R[s][a] ~ N(0, 1), drawn once when the MDP is built (deterministic given s, a).
 *
 * **Starting state.** Uniform over the non-terminal states.
 *
 * **Episode end.** Termination: entering a terminal state (episodic problems only). Truncation: after
 * 200 steps when made with `make("RandomMdp-v0")`.
 *
 * **Arguments.** `{ nStates = 10, nActions = 3, branching = 3, gamma = 0.9, seed = 0, terminalStates = 0 }`.
 */
import { Rng } from "../../rng";
import type { TabularMDP } from "./mdp";
import { TabularEnv } from "./tabular-env";

export interface RandomMdpArgs {
  nStates?: number;
  nActions?: number;
  branching?: number;
  gamma?: number;
  seed?: number;
  terminalStates?: number;
}

function intArg(name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new RangeError(`randomMdp: ${name} must be an integer >= ${min}; received ${String(v)}.`);
  return v;
}

/** A random Garnet MDP as a simulator (which is also its own TabularMDP). */
export function randomMdp(args: RandomMdpArgs = {}): TabularEnv {
  const nStates = intArg("nStates", args.nStates ?? 10, 1);
  const nActions = intArg("nActions", args.nActions ?? 3, 1);
  const nTerminal = intArg("terminalStates", args.terminalStates ?? 0, 0);
  const branching = intArg("branching", args.branching ?? 3, 1);
  const seed = intArg("seed", args.seed ?? 0, 0);
  const gamma = args.gamma ?? 0.9;
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) throw new RangeError(`randomMdp: gamma must be in [0, 1]; received ${String(gamma)}.`);
  if (nTerminal >= nStates) throw new RangeError(`randomMdp: terminalStates (${nTerminal}) must be less than nStates (${nStates}).`);
  if (branching > nStates) throw new RangeError(`randomMdp: branching (${branching}) cannot exceed nStates (${nStates}).`);
  const rng = new Rng(seed);
  const nLive = nStates - nTerminal;
  const isTerminal = (s: number) => s >= nLive;
  const mdp: TabularMDP = {
    nStates,
    nActions,
    transitions: [],
    rewards: [],
    initial: Array.from({ length: nStates }, (_, s) => (isTerminal(s) ? 0 : 1 / nLive)),
    terminal: Array.from({ length: nStates }, (_, s) => isTerminal(s)),
    gamma,
  };
  for (let s = 0; s < nStates; s++) {
    mdp.transitions.push([]);
    mdp.rewards.push([]);
    for (let a = 0; a < nActions; a++) {
      const row = new Array(nStates).fill(0);
      if (isTerminal(s)) {
        row[s] = 1;
        mdp.rewards[s].push(0);
      } else {
        const successors = rng.permutation(nStates).slice(0, branching);
        if (nTerminal > 0 && !successors.some(isTerminal)) successors[branching - 1] = nLive + rng.integer(0, nTerminal);
        const cuts = [0, ...Array.from({ length: branching - 1 }, () => rng.random()).sort((x, y) => x - y), 1];
        successors.forEach((t, i) => (row[t] += cuts[i + 1] - cuts[i]));
        mdp.rewards[s].push(rng.normal());
      }
      // Renormalise so that the row sums to 1 up to rounding.
      const total = row.reduce((x: number, y: number) => x + y, 0);
      mdp.transitions[s].push(row.map((p: number) => p / total));
    }
  }
  return new TabularEnv("RandomMdp-v0", mdp);
}
