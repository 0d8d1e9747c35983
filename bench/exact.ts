/**
 * Exact policy gradient on random Garnet MDPs (4 actions, branching 5): one call of
 * `exact.policyGradient` (validation, one LU factorisation, two triangular solves) after a warm-up.
 */
import { exact } from "../src/index";
import { randomMdp } from "../src/envs/index";
import { Rng } from "../src/rng";
import type { Bench } from "./harness";

function gradientMs(nStates: number, calls: number): number {
  const mdp = randomMdp({ nStates, nActions: 4, branching: 5, gamma: 0.95, seed: nStates });
  const rng = new Rng(1);
  const theta = mdp.transitions.map(() => [0, 1, 2, 3].map(() => rng.normal()));
  exact.policyGradient(mdp, theta); // warm-up (JIT)
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) exact.policyGradient(mdp, theta);
  return (performance.now() - t0) / calls;
}

export const exactBench: Bench = {
  group: "exact",
  repetitions: 5,
  description: {
    exact_gradient_100_states_ms: "exact.policyGradient, random MDP, 100 states x 4 actions (ms)",
    exact_gradient_1000_states_ms: "exact.policyGradient, random MDP, 1,000 states x 4 actions (ms)",
  },
  run: () => ({ exact_gradient_100_states_ms: gradientMs(100, 20), exact_gradient_1000_states_ms: gradientMs(1000, 1) }),
};
