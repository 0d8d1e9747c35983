/**
 * ## Bandit-v0: a k-armed Gaussian bandit
 *
 * **Description.** One decision per episode: pull one of k arms and receive a reward drawn from that
 * arm's normal distribution N(means[a], std^2). With no means given, they are drawn from N(0, 1) with
 * `seed`, as in Sutton & Barto's 10-armed testbed (Section 2.3).
 *
 * **Action space.** `Discrete(k)`: the arm.
 *
 * **Observation space.** `Discrete(1)`: always 0 (there is one situation).
 *
 * **Rewards.** r ~ N(means[a], std^2). The tabular model holds the expectation means[a].
 *
 * **Starting state.** State 0 (the tabular model has a second, terminal state 1).
 *
 * **Episode end.** Termination: after the single step. Truncation: none.
 *
 * **Arguments.** `{ means?: number[], k = 10, std = 1, seed = 0 }`: the arms' mean rewards (or k
 * means drawn from N(0, 1) with `seed`), and the rewards' standard deviation.
 */
import { Rng } from "../../rng";
import { TabularEnv } from "./tabular-env";

export interface BanditArgs {
  means?: number[];
  k?: number;
  std?: number;
  seed?: number;
}

export class Bandit extends TabularEnv {
  readonly means: readonly number[];
  readonly std: number;

  constructor(args: BanditArgs = {}) {
    const std = args.std ?? 1;
    if (typeof std !== "number" || !(std >= 0 && Number.isFinite(std))) throw new RangeError(`Bandit: std must be a finite number >= 0; received ${String(std)}.`);
    let means: number[];
    if (args.means !== undefined) {
      if (!Array.isArray(args.means) || args.means.length === 0) {
        throw new RangeError(`Bandit: means must be a non-empty list of numbers (one per arm); received ${JSON.stringify(args.means)}.`);
      }
      args.means.forEach((m, a) => {
        if (typeof m !== "number" || !Number.isFinite(m)) throw new RangeError(`Bandit: means[${a}] is ${String(m)}; expected a finite number.`);
      });
      means = [...args.means];
    } else {
      const k = args.k ?? 10;
      if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`Bandit: k (number of arms) must be an integer >= 1; received ${String(k)}.`);
      const rng = new Rng(args.seed ?? 0);
      means = Array.from({ length: k }, () => rng.normal());
    }
    const k = means.length;
    super(
      "Bandit-v0",
      {
        nStates: 2,
        nActions: k,
        transitions: [Array.from({ length: k }, () => [0, 1]), Array.from({ length: k }, () => [0, 1])],
        rewards: [[...means], new Array(k).fill(0)],
        initial: [1, 0],
        terminal: [false, true],
        gamma: 1,
      },
      { observe: () => 0, nObservations: 1, reward: (_s, a, _next, rng) => rng.normal(means[a], std) },
    );
    this.means = means;
    this.std = std;
  }
}
