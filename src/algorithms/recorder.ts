/** The per-iteration history of a training run, and what a run returns. */
import type { CheckpointHooks } from "./checkpoint";

/** One row of a training history. */
export interface IterationStats {
  iteration: number;
  /** Episodes finished during this iteration, and in total. */
  episodes: number;
  totalEpisodes: number;
  /** Undiscounted returns of the episodes finished in this iteration (NaN if none). */
  meanReturn: number;
  maxReturn: number;
  meanLength: number;
  /** Mean return of the last 100 finished episodes (the usual "solved" criterion). */
  meanReturn100: number;
  /** Environment steps so far (summed over copies). */
  envSteps: number;
  /** The surrogate loss (its value is not a performance measure; NaN if the iteration made no update). */
  policyLoss: number;
  criticLoss: number;
  /** Mean entropy of the policy over every row of the iteration's batch (NaN without an update). */
  entropy: number;
  gradNorm: number;
  stepsPerSecond: number;
  /** Seconds since training started. */
  wallTime: number;
}

export interface Callbacks {
  /** Called after every iteration (awaited: a live plot can redraw here). */
  onIteration?: (stats: IterationStats) => void | Promise<void>;
  /** Saving the training state, stopping early, continuing a saved run (src/algorithms/checkpoint.ts). */
  checkpoint?: CheckpointHooks;
}

/** What `Recorder.snapshot` returns. */
export interface RecorderSnapshot {
  history: IterationStats[];
  episodeReturns: number[];
  solvedAtSteps: number | null;
}

export interface TrainResult<P> {
  history: IterationStats[];
  /** Undiscounted return of every finished episode, in order. */
  episodeReturns: number[];
  policy: P;
  /** True if `targetReturn` was reached (mean of the last 100 episodes). */
  solved: boolean;
  /** Env steps when it was reached, or null. */
  solvedAtSteps: number | null;
  config: Record<string, unknown>;
}

/** Losses of an iteration that made no update. */
export const NO_UPDATE = { policyLoss: NaN, criticLoss: NaN, entropy: NaN, gradNorm: NaN };

export class Recorder {
  readonly history: IterationStats[] = [];
  readonly episodeReturns: number[] = [];
  private start = performance.now();
  private lastTime = performance.now();
  private lastSteps = 0;
  private iterationReturns: number[] = [];
  private iterationLengths: number[] = [];
  solvedAtSteps: number | null = null;

  /** Record the episodes that ended in a batch. */
  record(batch: { episodeReturns: number[]; episodeLengths: number[] }): void {
    this.episodeReturns.push(...batch.episodeReturns);
    this.iterationReturns.push(...batch.episodeReturns);
    this.iterationLengths.push(...batch.episodeLengths);
  }

  /** The record so far (JSON writes NaN as null), to continue a run later with `restore`. */
  snapshot(): RecorderSnapshot {
    return { history: this.history.map((h) => ({ ...h })), episodeReturns: [...this.episodeReturns], solvedAtSteps: this.solvedAtSteps };
  }

  /** Continue the record of `snapshot`: the history goes on from its last row, wall time from its last time. */
  restore(s: RecorderSnapshot): void {
    const nan = (v: number | null) => (v === null ? NaN : v);
    this.history.push(...s.history.map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, nan(v as number | null)])) as unknown as IterationStats));
    this.episodeReturns.push(...s.episodeReturns);
    this.solvedAtSteps = s.solvedAtSteps;
    const last = this.history.at(-1);
    this.lastSteps = last?.envSteps ?? 0;
    this.start = performance.now() - (last?.wallTime ?? 0) * 1000;
  }

  /** The result of a finished run. */
  result<P>(policy: P, config: object): TrainResult<P> {
    return {
      history: this.history,
      episodeReturns: this.episodeReturns,
      policy,
      solved: this.solvedAtSteps !== null,
      solvedAtSteps: this.solvedAtSteps,
      config: config as Record<string, unknown>,
    };
  }

  meanReturn100(): number {
    const last = this.episodeReturns.slice(-100);
    return last.length ? last.reduce((a, b) => a + b, 0) / last.length : NaN;
  }

  finish(iteration: number, envSteps: number, losses: { policyLoss: number; criticLoss: number; entropy: number; gradNorm: number }, target: number | undefined): IterationStats {
    const now = performance.now();
    const r = this.iterationReturns;
    const stats: IterationStats = {
      iteration,
      episodes: r.length,
      totalEpisodes: this.episodeReturns.length,
      meanReturn: r.length ? r.reduce((a, b) => a + b, 0) / r.length : NaN,
      maxReturn: r.length ? Math.max(...r) : NaN,
      meanLength: r.length ? this.iterationLengths.reduce((a, b) => a + b, 0) / r.length : NaN,
      meanReturn100: this.meanReturn100(),
      envSteps,
      ...losses,
      stepsPerSecond: (envSteps - this.lastSteps) / Math.max((now - this.lastTime) / 1000, 1e-9),
      wallTime: (now - this.start) / 1000,
    };
    this.lastTime = now;
    this.lastSteps = envSteps;
    this.iterationReturns = [];
    this.iterationLengths = [];
    this.history.push(stats);
    if (target !== undefined && this.solvedAtSteps === null && this.episodeReturns.length >= 100 && stats.meanReturn100 >= target) {
      this.solvedAtSteps = envSteps;
    }
    return stats;
  }
}
