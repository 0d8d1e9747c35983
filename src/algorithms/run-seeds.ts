/**
 * `runSeeds(spec, seeds)`: the same training run under several seeds, aggregated for plots as the
 * mean and 95% confidence band (Student's t over seeds) of a learning curve on a common grid of env
 * steps. With a spec `{ algorithm, config }` the seeds run in worker threads, one per core (each
 * worker starts its own TF.js, about a second, which pays for runs of more than a few seconds); with
 * a function they run one after the other in this thread.
 *
 * ```ts
 * const runs = await runSeeds({ algorithm: "a2c", config: { totalSteps: 100_000 } }, [0, 1, 2, 3, 4]);
 * plot.show(plot.bandChart([{ name: "A2C", x: runs.curve.x, curves: runs.curve.perSeed }], { ... }));
 * ```
 *
 * Progress: every worker posts each iteration's statistics to this thread as it goes. By default
 * (`progress: "auto"`) a notebook shows the seeds' learning curves growing with a line per seed
 * (iteration, env steps, mean return, time left), replaced by a one-line summary per seed at the
 * end; a terminal shows the lines updated in place; elsewhere nothing is shown. `progress: "lines"`
 * prints plain lines, `"none"` nothing. `onIteration(seed, stats)` receives every iteration of every
 * seed. A function spec receives the callbacks to pass on: `runSeeds((seed, cb) => reinforce({ seed }, cb), seeds)`.
 * If a seed fails, the seeds still running are stopped and the error names the seed.
 *
 * Stopping and continuing (src/algorithms/checkpoint.ts): aborting `signal` stops every seed at the
 * end of its current iteration and starts no further seed; the result then holds the seeds that ran,
 * each with the history so far, and `interrupted` is true. `checkpointEvery: N` captures each seed's
 * training state every N iterations and when it is stopped, and hands it to `onCheckpoint(seed,
 * state)`; `resume(seed)` gives a seed a state to continue from. Without a signal, checkpoints or
 * resume, nothing of this costs anything.
 *
 * A run in which no episode ended (e.g. a budget shorter than one episode) has no mean return: the
 * curve is then empty and every history row's `meanReturn100` is NaN.
 */
import * as os from "os";
import type { Worker } from "worker_threads";
import type { SavedPolicy } from "../policies/policy";
import { aggregate } from "../plot/curves";
import { type ProgressMode, SeedsProgress } from "../plot/progress";
import type { CheckpointHooks, TrainingState } from "./checkpoint";
import type { Callbacks, IterationStats } from "./recorder";
import { type AlgorithmSpec, resolveConfig } from "./registry";
import { startWorker } from "./workers";

export interface SeedRun {
  seed: number;
  history: IterationStats[];
  episodeReturns: number[];
  solvedAtSteps: number | null;
  /** The trained policy's saved form (`policyFromJSON` rebuilds it). */
  policy?: SavedPolicy;
  /** True if the seed was stopped by `signal` before its budget was used. */
  stopped?: boolean;
  /** Why its state could not be captured, if it could not (the policy is still there). */
  checkpointError?: string;
}

export interface SeedRuns {
  /** The seeds that ran, in the order given (without the ones `signal` kept from starting). */
  runs: SeedRun[];
  /** True if `signal` stopped the run. */
  interrupted: boolean;
  curve: {
    /** env steps */
    x: number[];
    /** per seed: the metric interpolated at x */
    perSeed: number[][];
    mean: number[];
    lower: number[];
    upper: number[];
  };
}

type RunFn = (seed: number, callbacks: Callbacks) => Promise<{ history: IterationStats[]; episodeReturns: number[]; solvedAtSteps: number | null; policy?: SavedPolicy }>;
type SeedResult = Omit<SeedRun, "seed">;

export interface RunSeedsOptions {
  /** Worker threads (default: one per core, at most one per seed). */
  workers?: number;
  metric?: "meanReturn100" | "meanReturn";
  /** Points of the common grid of the curve (default 50). */
  points?: number;
  /** How to show progress (default "auto": see the module's doc). */
  progress?: ProgressMode | "auto";
  /** Called with every iteration's statistics of every seed, as they arrive. */
  onIteration?: (seed: number, stats: IterationStats) => void;
  /** Aborting it stops every seed at the end of its iteration and starts no other (see the module's doc). */
  signal?: AbortSignal;
  /** Capture each seed's training state every this many iterations (and when stopped) for `onCheckpoint`. */
  checkpointEvery?: number;
  onCheckpoint?: (seed: number, state: TrainingState) => void;
  /** The state a seed continues from (none: it starts afresh). */
  resume?: (seed: number) => TrainingState | undefined;
}

/**
 * The checkpoint hooks of one seed: capture every `every` iterations and when `stopping()`, stop
 * when `stopping()`. Used in worker threads and in this thread alike.
 */
export function seedCheckpointHooks(opts: {
  every: number | undefined;
  stopping: () => boolean;
  resume: TrainingState | undefined;
  save: (state: TrainingState) => void;
  failed: (message: string) => void;
}): CheckpointHooks {
  return {
    resume: opts.resume,
    after: async (iteration, capture) => {
      const stop = opts.stopping();
      if (stop || (opts.every !== undefined && iteration % opts.every === 0)) {
        try {
          opts.save(await capture());
        } catch (e) {
          opts.failed(e instanceof Error ? e.message : String(e));
        }
      }
      return stop;
    },
  };
}

type WorkerMessage =
  | { type: "progress"; stats: IterationStats }
  | { type: "checkpoint"; state?: TrainingState; error?: string }
  | ({ type: "result"; ok: boolean; error?: string } & SeedResult);

/** What a seed's worker is told (seed-worker.ts): `stop` is a flag this thread sets to stop it. */
export interface SeedWorkerData {
  name: string;
  config: Record<string, unknown>;
  stop: SharedArrayBuffer;
  checkpointEvery: number | undefined;
  resume: TrainingState | undefined;
}

function runInWorker(data: SeedWorkerData, onIteration: (stats: IterationStats) => void, onCheckpoint: (state: TrainingState) => void, running: Set<Worker>): Promise<SeedResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(__dirname, "seed-worker", data);
    running.add(worker);
    let checkpointError: string | undefined;
    const stop = () => {
      running.delete(worker);
      void worker.terminate();
    };
    // The caller's handlers may fail (e.g. a file that cannot be written): stop this seed with their error.
    const guarded = (f: () => void) => {
      try {
        f();
      } catch (e) {
        stop();
        reject(e);
      }
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") return guarded(() => onIteration(m.stats));
      if (m.type === "checkpoint") {
        if (m.state) guarded(() => onCheckpoint(m.state as TrainingState));
        checkpointError = m.error;
        return;
      }
      stop();
      if (m.ok) resolve({ ...m, ...(checkpointError ? { checkpointError } : {}) });
      else reject(new Error(`runSeeds: seed ${String(data.config.seed)} failed: ${m.error}`));
    });
    worker.once("error", (e) => {
      stop();
      reject(e);
    });
  });
}

export async function runSeeds(
  spec: AlgorithmSpec | RunFn,
  seeds: number[],
  options: RunSeedsOptions = {},
): Promise<SeedRuns> {
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new RangeError(`runSeeds: seeds must be a non-empty list of non-negative integers; received ${JSON.stringify(seeds)}.`);
  }
  if (new Set(seeds).size !== seeds.length) throw new RangeError(`runSeeds: seeds must be distinct; received ${JSON.stringify(seeds)}.`);
  const metric = options.metric ?? "meanReturn100";
  const runs: SeedRun[] = new Array(seeds.length);
  const resolved = typeof spec === "function" ? null : resolveConfig(spec.algorithm, { ...spec.config, seed: seeds[0] }); // a bad config fails here, before any worker starts
  if (typeof spec !== "function") {
    for (const [key, value] of Object.entries(spec.config)) {
      if (typeof value === "function") {
        throw new TypeError(
          `runSeeds: config.${key} is a function, which cannot be sent to worker threads. Run the seeds in this thread instead: runSeeds((seed, callbacks) => ${spec.algorithm}({ ...config, seed }, callbacks), seeds).`,
        );
      }
    }
  }
  const progress = new SeedsProgress({
    title: typeof spec === "function" || !resolved ? "runSeeds" : `${spec.algorithm} on ${String(resolved.env)}`,
    seeds,
    totalSteps: resolved ? (resolved.totalSteps as number) : undefined,
    mode: options.progress,
  });
  const report = (seed: number, stats: IterationStats) => {
    options.onIteration?.(seed, stats);
    return progress.update(seed, stats);
  };
  const ended = (run: SeedRun) =>
    progress.done(run.seed, run.stopped ? "stopped early (interrupted)" : run.solvedAtSteps !== null ? `reached the target at ${run.solvedAtSteps.toLocaleString("en-US")} steps` : "");
  const stopFlag = new Int32Array(new SharedArrayBuffer(4)); // set to 1 when `signal` aborts: the workers read it after every iteration
  const onAbort = () => Atomics.store(stopFlag, 0, 1);
  options.signal?.addEventListener("abort", onAbort);
  if (options.signal?.aborted) onAbort();
  const stopping = () => Atomics.load(stopFlag, 0) === 1;
  if (options.checkpointEvery !== undefined && !(Number.isSafeInteger(options.checkpointEvery) && options.checkpointEvery >= 1)) {
    throw new RangeError(`runSeeds: checkpointEvery must be an integer >= 1 (iterations); received ${String(options.checkpointEvery)}.`);
  }
  const save = (seed: number) => (state: TrainingState) => options.onCheckpoint?.(seed, state);
  try {
    if (typeof spec === "function") {
      for (let i = 0; i < seeds.length && !stopping(); i++) {
        progress.started(seeds[i]);
        let checkpointError: string | undefined;
        const checkpoint = seedCheckpointHooks({ every: options.checkpointEvery, stopping, resume: options.resume?.(seeds[i]), save: save(seeds[i]), failed: (m) => (checkpointError = m) });
        const r = await spec(seeds[i], { onIteration: (stats) => report(seeds[i], stats), checkpoint });
        runs[i] = { seed: seeds[i], ...r, stopped: stopping(), ...(checkpointError ? { checkpointError } : {}) };
        ended(runs[i]);
      }
    } else {
      const workers = Math.max(1, Math.min(options.workers ?? (os.availableParallelism?.() ?? os.cpus().length), seeds.length));
      const running = new Set<Worker>();
      let next = 0;
      let failed = false;
      const lane = async () => {
        while (next < seeds.length && !failed && !stopping()) {
          const i = next++;
          progress.started(seeds[i]);
          try {
            const data: SeedWorkerData = { name: spec.algorithm, config: { ...(spec.config as Record<string, unknown>), seed: seeds[i] }, stop: stopFlag.buffer as SharedArrayBuffer, checkpointEvery: options.checkpointEvery, resume: options.resume?.(seeds[i]) };
            const r = await runInWorker(data, (stats) => void report(seeds[i], stats), save(seeds[i]), running);
            runs[i] = { seed: seeds[i], ...r };
            ended(runs[i]);
          } catch (e) {
            if (!failed) progress.failed(seeds[i], e instanceof Error ? e.message : String(e));
            failed = true;
            for (const w of running) void w.terminate(); // stop the other seeds
            throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: workers }, lane));
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    progress.finish();
  }
  const ran = runs.filter((r) => r !== undefined);
  const agg = aggregate(ran.map((r) => ({ rows: r.history as unknown as Record<string, number>[] })), "envSteps", metric, "ci95", { points: options.points ?? 50, range: "common" });
  return { runs: ran, interrupted: stopping(), curve: { x: agg.x, perSeed: agg.perSeed, mean: agg.mean, lower: agg.lower, upper: agg.upper } };
}
