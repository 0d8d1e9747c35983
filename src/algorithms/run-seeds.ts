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
 */
import * as os from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import { confidenceBand } from "../stats";
import type { SavedPolicy } from "../policies/policy";
import { type ProgressMode, SeedsProgress } from "../plot/progress";
import type { Callbacks, IterationStats } from "./recorder";
import { type AlgorithmSpec, resolveConfig } from "./registry";

export interface SeedRun {
  seed: number;
  history: IterationStats[];
  episodeReturns: number[];
  solvedAtSteps: number | null;
  /** The trained policy's saved form (`policyFromJSON` rebuilds it). */
  policy?: SavedPolicy;
}

export interface SeedRuns {
  runs: SeedRun[];
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
}

type WorkerMessage = { type: "progress"; stats: IterationStats } | ({ type: "result"; ok: boolean; error?: string } & Omit<SeedRun, "seed">);

function runInWorker(name: string, config: Record<string, unknown>, onIteration: (stats: IterationStats) => void, running: Set<Worker>): Promise<Omit<SeedRun, "seed">> {
  const ext = path.extname(__filename); // ".ts" under tsx, ".js" in dist/lib
  const file = path.join(__dirname, `seed-worker${ext}`);
  return new Promise((resolve, reject) => {
    // Under tsx (tests, scripts) the worker registers tsx's CommonJS hook before loading the .ts file.
    const worker =
      ext === ".ts"
        ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(file)});`, { eval: true, workerData: { name, config } })
        : new Worker(file, { workerData: { name, config } });
    running.add(worker);
    const stop = () => {
      running.delete(worker);
      void worker.terminate();
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") {
        try {
          onIteration(m.stats);
        } catch (e) {
          // The caller's handler failed (e.g. it could not write a file): stop this seed with its error.
          stop();
          reject(e);
        }
        return;
      }
      stop();
      if (m.ok) resolve(m);
      else reject(new Error(`runSeeds: seed ${String(config.seed)} failed: ${m.error}`));
    });
    worker.once("error", (e) => {
      stop();
      reject(e);
    });
  });
}

/** Linear interpolation of (xs, ys) at x (held constant beyond the ends). */
export function interpolate(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let k = 1; k < xs.length; k++) {
    if (x <= xs[k]) {
      const w = (x - xs[k - 1]) / (xs[k] - xs[k - 1]);
      return ys[k - 1] + w * (ys[k] - ys[k - 1]);
    }
  }
  return ys[ys.length - 1];
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
    progress.done(run.seed, run.solvedAtSteps !== null ? `reached the target at ${run.solvedAtSteps.toLocaleString("en-US")} steps` : "");
  try {
    if (typeof spec === "function") {
      for (let i = 0; i < seeds.length; i++) {
        progress.started(seeds[i]);
        runs[i] = { seed: seeds[i], ...(await spec(seeds[i], { onIteration: (stats) => report(seeds[i], stats) })) };
        ended(runs[i]);
      }
    } else {
      const workers = Math.max(1, Math.min(options.workers ?? (os.availableParallelism?.() ?? os.cpus().length), seeds.length));
      const running = new Set<Worker>();
      let next = 0;
      let failed = false;
      const lane = async () => {
        while (next < seeds.length && !failed) {
          const i = next++;
          progress.started(seeds[i]);
          try {
            const r = await runInWorker(spec.algorithm, { ...(spec.config as Record<string, unknown>), seed: seeds[i] }, (stats) => void report(seeds[i], stats), running);
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
    progress.finish();
  }
  const valid = runs.map((r) => r.history.filter((h) => Number.isFinite(h[metric])));
  const end = Math.min(...valid.map((h) => (h.length ? h[h.length - 1].envSteps : 0)));
  const start = Math.max(...valid.map((h) => (h.length ? h[0].envSteps : 0)));
  const points = options.points ?? 50;
  const x = end > start ? Array.from({ length: points }, (_, k) => Math.round(start + ((end - start) * k) / (points - 1))) : [end];
  const perSeed = valid.map((h) => x.map((xi) => interpolate(h.map((s) => s.envSteps), h.map((s) => s[metric]), xi)));
  return { runs, curve: { x, perSeed, ...confidenceBand(perSeed) } };
}
