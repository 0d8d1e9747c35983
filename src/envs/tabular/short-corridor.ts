/**
 * ## ShortCorridor-v0 (Sutton & Barto, Example 13.1: short corridor with switched actions)
 *
 * **Description.** A corridor of three non-terminal states and a goal on the right. Every state looks
 * the same to the agent (the observation is always 0), so a policy can only choose "right" with some
 * fixed probability p. In the second state the actions are switched. Stochastic policies beat every
 * deterministic one here: J(p) = (2p - 4) / (p (1 - p)) is maximal at p* = 2 - sqrt(2) ~ 0.586, where
 * J(p*) = -(6 + 4 sqrt(2)) ~ -11.66; p = 0 or 1 never reaches the goal.
 *
 * **Action space.** `Discrete(2)`: 0 = left, 1 = right.
 *
 * **Observation space.** `Discrete(1)`: always 0. The true state is in `info.state` and `env.state`.
 *
 * | state | left goes to | right goes to |
 * |-------|--------------|---------------|
 * | 0     | 0 (wall)     | 1             |
 * | 1     | 2 (switched) | 0 (switched)  |
 * | 2     | 1            | 3 (goal)      |
 * | 3     | terminal     | terminal      |
 *
 * **Rewards.** -1 on every step. gamma = 1.
 *
 * **Starting state.** State 0.
 *
 * **Episode end.** Termination: reaching state 3. Truncation: none (`make` adds no time limit).
 *
 * **Arguments.** None.
 */
import { TabularEnv } from "./tabular-env";
import type { TabularMDP } from "./mdp";

export const LEFT = 0;
export const RIGHT = 1;

/** The short corridor's model: 4 states (the last is the goal), 2 actions. */
export function shortCorridorMdp(): TabularMDP {
  const P = (to: number) => [0, 1, 2, 3].map((t) => (t === to ? 1 : 0));
  return {
    nStates: 4,
    nActions: 2,
    //            left   right
    transitions: [
      [P(0), P(1)],
      [P(2), P(0)],
      [P(1), P(3)],
      [P(3), P(3)],
    ],
    rewards: [
      [-1, -1],
      [-1, -1],
      [-1, -1],
      [0, 0],
    ],
    initial: [1, 0, 0, 0],
    terminal: [false, false, false, true],
    gamma: 1,
  };
}

export class ShortCorridor extends TabularEnv {
  constructor() {
    super("ShortCorridor-v0", shortCorridorMdp(), { observe: () => 0, nObservations: 1 });
  }
}
