/**
 * Algorithms that learn from whole episodes (REINFORCE, the Q actor-critic) take a fixed number of
 * environment steps per iteration and update on the episodes that ended in them. A policy that stops
 * ending episodes in an environment without a step limit would leave every iteration empty: after
 * `STALL_ITERATIONS` such iterations in a row, the run stops with an error that says what to do.
 */
import type { Collector } from "../rollout/collector";
import type { Batch } from "../rollout/batch";

export const STALL_ITERATIONS = 5;

export class StallGuard {
  private empty = 0;
  constructor(
    private readonly algo: string,
    private readonly collector: Collector,
    private readonly lr: number,
  ) {}

  /** Count an iteration's batch; throws after STALL_ITERATIONS empty ones in an environment without a step limit. */
  check(batch: Batch, iteration: number): void {
    this.empty = batch.episodeReturns.length === 0 ? this.empty + 1 : 0;
    const env = this.collector.env;
    if (this.empty < STALL_ITERATIONS || env.maxEpisodeSteps !== null) return;
    throw new Error(
      `${this.algo}: iteration ${iteration}: no episode has ended in the last ${STALL_ITERATIONS} iterations; the longest running episode has ${this.collector.longestRunning()} steps. ` +
        `The policy may have stopped ending episodes (config.lr is ${this.lr}), and ${env.name} has no step limit. ` +
        `Set config.maxEpisodeSteps (e.g. 1000) to cut episodes as a time limit does, or use a smaller learning rate.`,
    );
  }
}
