/**
 * Mean slowdown of schedulers on held-out job sets, per load: the paper's Figure 4 measurement.
 *
 * For each load, every policy runs the same numbered job sets 0 .. jobSets - 1 of the "test" split
 * (from `seed`); each run gives one number, the job set's mean slowdown (`info.meanSlowdown` at the
 * episode's end). A policy's figure at that load is the mean of those numbers over the job sets and
 * its standard error (sample standard deviation / sqrt(n)). Job sets without any job (possible at low
 * loads) have no slowdown and are skipped for every policy alike.
 *
 * ```ts
 * const result = evaluateSchedulers({ loads: [0.7, 1.3], jobSets: 20, seed: 7 });
 * result.loads[1].policies["SJF"];   // { mean, se, n, truncated }
 * ```
 */
import type { DeepRMArgs } from "../envs/deeprm/config";
import { deepRMConfig } from "../envs/deeprm/config";
import type { DeepRM } from "../envs/deeprm/env";
import type { JobSetSplit } from "../envs/deeprm/jobs";
import { make } from "../envs/registry";
import type { TimeLimit } from "../envs/wrappers";
import type { Policy } from "../policies/policy";
import { Rng } from "../rng";
import { mean, standardError } from "../stats";
import { type SchedulerName, schedulers } from "./schedulers";

/** A policy to evaluate: anything that samples an action from DeepRM's observation. */
export type Actor = Pick<Policy<Float32Array, number>, "sample">;

export interface EvaluateOptions {
  /** Requested loads, e.g. [0.1, 0.7, 1.3, 1.9]. */
  loads: number[];
  /** Job sets per load (numbered 0 .. jobSets - 1). */
  jobSets: number;
  /** Seed of the job sets (and of the policies' random streams). */
  seed: number;
  /** Which job sets: "test" (held out, the default) or "train". */
  split?: JobSetSplit;
  /** Other arguments of DeepRM-v0 (all but load and seed), e.g. { jobSetLength: 50 }. */
  env?: Omit<DeepRMArgs, "load" | "seed">;
  /** Extra policies by name (e.g. { DeepRM: loadPolicy(file) }), evaluated before the schedulers. */
  policies?: Record<string, Actor>;
  /** Which of the four schedulers to run (default all). */
  schedulers?: readonly SchedulerName[];
  /** Tetris*'s knob (default TETRIS_KNOB). */
  knob?: number;
}

/** One policy's result at one load. */
export interface SlowdownSummary {
  /** Mean over job sets of the job set's mean slowdown. */
  mean: number;
  /** Its standard error (NaN with fewer than 2 job sets). */
  se: number;
  /** Job sets counted (those with at least one job). */
  n: number;
  /** Runs cut off by the step cap (their slowdown is a lower bound). */
  truncated: number;
  /** The mean slowdown of each counted job set, in job set order. */
  perJobSet: number[];
}

export interface LoadResult {
  load: number;
  /** The load the Bernoulli arrivals give (below `load` when it exceeds what probability 1 gives). */
  effectiveLoad: number;
  arrivalProbability: number;
  /** Job sets skipped for having no job. */
  emptyJobSets: number;
  policies: Record<string, SlowdownSummary>;
}

export interface EvaluationResult {
  seed: number;
  split: JobSetSplit;
  jobSets: number;
  loads: LoadResult[];
}

/** A stable stream index for a policy name (so a policy's random numbers do not depend on which others run). */
function nameStream(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Run one episode of a numbered job set with a policy; the job set's mean slowdown (NaN if it has no
 * job). Its own loop, not the collector's: it reads the slowdown from the last step's info.
 */
export function runJobSet(env: TimeLimit<DeepRM>, actor: Actor, jobSet: number, split: JobSetSplit, rng: Rng): { meanSlowdown: number; truncated: boolean; jobs: number } {
  const start = env.reset({ seed: 0, options: { jobSet, split } });
  let obs = start.observation;
  for (;;) {
    const r = env.step(actor.sample(obs, rng));
    obs = r.observation;
    if (r.terminated || r.truncated) return { meanSlowdown: r.info.meanSlowdown as number, truncated: !r.terminated, jobs: start.info.jobs as number };
  }
}

function checkOptions(o: EvaluateOptions): void {
  const where = "evaluateSchedulers";
  if (!Array.isArray(o.loads) || o.loads.length === 0) throw new RangeError(`${where}: loads must be a non-empty list of numbers > 0; received ${JSON.stringify(o.loads)}.`);
  if (!Number.isSafeInteger(o.jobSets) || o.jobSets < 1) throw new RangeError(`${where}: jobSets must be an integer >= 1; received ${o.jobSets}.`);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new RangeError(`${where}: seed must be an integer >= 0; received ${o.seed}.`);
}

/** Evaluate the schedulers (and any given policies) on `jobSets` held-out job sets at each load. */
export function evaluateSchedulers(options: EvaluateOptions): EvaluationResult {
  checkOptions(options);
  const split = options.split ?? "test";
  const loads = options.loads.map((load) => {
    const args = { ...options.env, load, seed: options.seed };
    const cfg = deepRMConfig(args, "evaluateSchedulers");
    const env = make("DeepRM-v0", args);
    const rules = schedulers(cfg, { knob: options.knob });
    const actors: [string, Actor][] = [...Object.entries(options.policies ?? {}), ...(options.schedulers ?? Object.keys(rules)).map((n) => [n, rules[n as SchedulerName]] as [string, Actor])];
    const policies: Record<string, SlowdownSummary> = {};
    let empty = 0;
    for (const [name, actor] of actors) {
      const perJobSet: number[] = [];
      let truncated = 0;
      empty = 0;
      for (let k = 0; k < options.jobSets; k++) {
        const run = runJobSet(env, actor, k, split, new Rng(options.seed, [2, nameStream(name), k]));
        if (run.jobs === 0) {
          empty++;
          continue;
        }
        perJobSet.push(run.meanSlowdown);
        if (run.truncated) truncated++;
      }
      const n = perJobSet.length;
      policies[name] = { mean: n ? mean(perJobSet) : NaN, se: n >= 2 ? standardError(perJobSet) : NaN, n, truncated, perJobSet };
    }
    return { load, effectiveLoad: cfg.effectiveLoad, arrivalProbability: cfg.arrivalProbability, emptyJobSets: empty, policies };
  });
  return { seed: options.seed, split, jobSets: options.jobSets, loads };
}
