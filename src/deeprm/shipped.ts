/**
 * The trained DeepRM policy the repository ships (data/deeprm/), with its training run: the config
 * and command that produced it, the wall time, and the learning curve. Also the with/without
 * imitation study (data/deeprm/study/): two shorter runs that differ only in imitation pre-training.
 *
 * ```ts
 * const run = shippedRun();            // { dir, policy, config, curve }
 * run.policy.sample(observation, rng); // acts on DeepRM-v0's state image
 * ```
 */
import * as fs from "fs";
import * as path from "path";
import type { MlpCategorical } from "../policies/networks";
import { loadPolicy } from "../policies/io";
import type { DeepRMCurveRow } from "./train";

/** The shipped runs' folder: data/deeprm at the top of the project, from src/deeprm or dist/lib/deeprm. */
export function shippedDir(): string {
  for (let dir = __dirname, k = 0; k < 5; k++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, "data", "deeprm");
    if (fs.existsSync(path.join(candidate, "policy.json"))) return candidate;
  }
  throw new Error(`No shipped DeepRM policy found (data/deeprm/policy.json above ${__dirname}); train one with npm run deeprm -- train.`);
}

/**
 * What `npm run deeprm -- train` writes into its folder: options, wall time, iterations, status
 * ("running" at a checkpoint, "stopped" after Ctrl-C or SIGTERM, "finished"). The shipped record
 * (data/deeprm/config.json) joins two such runs, the second resumed from the first's checkpoint:
 * it adds `targetIterations`, a `note` saying where and why it stopped, and both `segments`.
 */
export interface TrainingRecord {
  status: "running" | "stopped" | "finished";
  command: string;
  options: Record<string, unknown>;
  iterations: number;
  wallSeconds: number;
  [key: string]: unknown;
}

export interface SavedRun {
  dir: string;
  policy: MlpCategorical;
  config: TrainingRecord;
  curve: DeepRMCurveRow[];
}

/** A run saved by `npm run deeprm -- train` in `dir`: its policy (rebuilt), config and curve. */
export function savedRun(dir: string): SavedRun {
  const read = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
  return { dir, policy: loadPolicy<MlpCategorical>(path.join(dir, "policy.json")), config: read("config.json"), curve: read("curve.json") };
}

/** The shipped policy's run (data/deeprm). */
export function shippedRun(): SavedRun {
  return savedRun(shippedDir());
}

/** The with/without imitation study: the same training twice, from scratch and after imitating SJF. */
export function imitationStudy(): { scratch: SavedRun; imitation: SavedRun } {
  const dir = path.join(shippedDir(), "study");
  return { scratch: savedRun(path.join(dir, "scratch")), imitation: savedRun(path.join(dir, "imitation")) };
}
