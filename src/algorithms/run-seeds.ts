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
 */
import * as os from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import { confidenceBand } from "../stats";
import type { SavedPolicy } from "../policies/policy";
import type { IterationStats } from "./recorder";
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

type RunFn = (seed: number) => Promise<{ history: IterationStats[]; episodeReturns: number[]; solvedAtSteps: number | null; policy?: SavedPolicy }>;

function runInWorker(name: string, config: Record<string, unknown>): Promise<Omit<SeedRun, "seed">> {
  const ext = path.extname(__filename); // ".ts" under tsx, ".js" in dist/lib
  const file = path.join(__dirname, `seed-worker${ext}`);
  return new Promise((resolve, reject) => {
    // Under tsx (tests, scripts) the worker registers tsx's CommonJS hook before loading the .ts file.
    const worker =
      ext === ".ts"
        ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(file)});`, { eval: true, workerData: { name, config } })
        : new Worker(file, { workerData: { name, config } });
    worker.once("message", (m: { ok: boolean; error?: string } & Omit<SeedRun, "seed">) => {
      void worker.terminate();
      if (m.ok) resolve(m);
      else reject(new Error(`runSeeds: seed ${String(config.seed)} failed: ${m.error}`));
    });
    worker.once("error", reject);
  });
}

/** Linear interpolation of (xs, ys) at x (held constant beyond the ends). */
function interpolate(xs: number[], ys: number[], x: number): number {
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
  options: { workers?: number; metric?: "meanReturn100" | "meanReturn"; points?: number } = {},
): Promise<SeedRuns> {
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new RangeError(`runSeeds: seeds must be a non-empty list of non-negative integers; received ${JSON.stringify(seeds)}.`);
  }
  const metric = options.metric ?? "meanReturn100";
  const runs: SeedRun[] = new Array(seeds.length);
  if (typeof spec === "function") {
    for (let i = 0; i < seeds.length; i++) runs[i] = { seed: seeds[i], ...(await spec(seeds[i])) };
  } else {
    resolveConfig(spec.algorithm, { ...spec.config, seed: seeds[0] }); // a bad config fails here, before any worker starts
    for (const [key, value] of Object.entries(spec.config)) {
      if (typeof value === "function") {
        throw new TypeError(
          `runSeeds: config.${key} is a function, which cannot be sent to worker threads. Run the seeds in this thread instead: runSeeds((seed) => ${spec.algorithm}({ ...config, seed }), seeds).`,
        );
      }
    }
    const workers = Math.max(1, Math.min(options.workers ?? (os.availableParallelism?.() ?? os.cpus().length), seeds.length));
    let next = 0;
    const lane = async () => {
      while (next < seeds.length) {
        const i = next++;
        runs[i] = { seed: seeds[i], ...(await runInWorker(spec.algorithm, { ...(spec.config as Record<string, unknown>), seed: seeds[i] })) };
      }
    };
    await Promise.all(Array.from({ length: workers }, lane));
  }
  const valid = runs.map((r) => r.history.filter((h) => Number.isFinite(h[metric])));
  const end = Math.min(...valid.map((h) => (h.length ? h[h.length - 1].envSteps : 0)));
  const start = Math.max(...valid.map((h) => (h.length ? h[0].envSteps : 0)));
  const points = options.points ?? 50;
  const x = end > start ? Array.from({ length: points }, (_, k) => Math.round(start + ((end - start) * k) / (points - 1))) : [end];
  const perSeed = valid.map((h) => x.map((xi) => interpolate(h.map((s) => s.envSteps), h.map((s) => s[metric]), xi)));
  return { runs, curve: { x, perSeed, ...confidenceBand(perSeed) } };
}
