/**
 * Job sets: the jobs that arrive during one episode. A job set is `jobSetLength` Bernoulli draws,
 * one per time step, each an arrival with probability `arrivalProbability`; an arriving job draws its
 * length and demands from the job distribution (see `config.ts`).
 *
 * Numbered job sets make training and evaluation reproducible: job set `index` of a `split` ("train"
 * or "test") is drawn from its own random stream `Rng(seed, [split, index])`, so it depends on nothing
 * but (seed, split, index, load), and the two splits never share a stream: held-out job sets are
 * never training job sets, whatever the seed. (At very low loads two independent job sets can still
 * coincide by chance, e.g. both empty.) The same (seed, split, index) at another load uses the same
 * random numbers, so curves over the load compare like with like.
 */
import { Rng } from "../../rng";
import type { DeepRMConfig, IntRange } from "./config";
import { H, SHORT_JOB_PROBABILITY } from "./config";

export type JobSetSplit = "train" | "test";
export const JOB_SET_SPLITS: readonly JobSetSplit[] = Object.freeze(["train", "test"]);

/** One job of a job set. */
export interface Job {
  /** Time step of arrival, 0 .. jobSetLength - 1. */
  arrival: number;
  /** Ideal duration T_j in time steps. */
  length: number;
  /** Units of each resource it holds while it runs. */
  demands: number[];
}

/** The random stream of job set `index` in `split`. */
export function jobSetRng(seed: number, split: JobSetSplit, index: number): Rng {
  return new Rng(seed, [JOB_SET_SPLITS.indexOf(split), index]);
}

const draw = (rng: Rng, r: IntRange) => rng.integer(r.low, r.high + 1);

/**
 * Draw a job set into the state's job rows (and clear the rest), with arrivals at `arrivalProbability`
 * per step (default the configuration's). Returns the number of jobs.
 */
export function drawJobSet(cfg: DeepRMConfig, rng: Rng, s: Float64Array, o: number, arrivalProbability = cfg.arrivalProbability): number {
  const { jobs, jobWidth } = cfg.layout;
  const d = cfg.dist;
  const R = cfg.resources;
  let n = 0;
  for (let t = 0; t < cfg.jobSetLength; t++) {
    if (!(rng.random() < arrivalProbability)) continue;
    const row = o + jobs + n * jobWidth;
    s[row] = t;
    s[row + 1] = rng.random() < SHORT_JOB_PROBABILITY ? draw(rng, d.shortLength) : draw(rng, d.longLength);
    const dominant = rng.integer(0, R);
    for (let r = 0; r < R; r++) s[row + 2 + r] = draw(rng, r === dominant ? d.dominantDemand : d.otherDemand);
    n++;
  }
  s.fill(0, o + jobs + n * jobWidth, o + jobs + cfg.jobSetLength * jobWidth);
  s[o + H.numJobs] = n;
  return n;
}

function describe(v: unknown): string {
  return typeof v === "number" ? String(v) : (JSON.stringify(v) ?? String(v));
}

/**
 * Check an explicit list of jobs (e.g. the reset option `jobs`, or a hand-built state): at most
 * `jobSetLength` jobs, sorted by arrival in 0 .. jobSetLength - 1, lengths 1 .. horizon, demands
 * 1 .. capacity for each resource. Returns a normalised copy.
 */
export function checkJobs(cfg: DeepRMConfig, jobs: unknown, where: string): Job[] {
  if (!Array.isArray(jobs)) throw new TypeError(`${where}: jobs must be an array of { arrival, length, demands }; received ${describe(jobs)}.`);
  if (jobs.length > cfg.jobSetLength) {
    throw new RangeError(`${where}: ${jobs.length} jobs given; a job set holds at most jobSetLength = ${cfg.jobSetLength} jobs.`);
  }
  let last = 0;
  return jobs.map((job: unknown, i) => {
    const j = job as Partial<Job> | null;
    if (j === null || typeof j !== "object") throw new TypeError(`${where}: jobs[${i}] must be { arrival, length, demands }; received ${describe(job)}.`);
    const { arrival, length, demands } = j;
    if (typeof arrival !== "number" || !Number.isSafeInteger(arrival) || arrival < last || arrival >= cfg.jobSetLength) {
      throw new RangeError(`${where}: jobs[${i}].arrival must be an integer in ${last} .. ${cfg.jobSetLength - 1} (jobs sorted by arrival, within the job set's ${cfg.jobSetLength} steps); received ${describe(arrival)}.`);
    }
    last = arrival;
    if (typeof length !== "number" || !Number.isSafeInteger(length) || length < 1 || length > cfg.horizon) {
      throw new RangeError(`${where}: jobs[${i}].length must be an integer in 1 .. ${cfg.horizon} (the horizon); received ${describe(length)}.`);
    }
    if (!Array.isArray(demands) || demands.length !== cfg.resources) {
      throw new RangeError(`${where}: jobs[${i}].demands must list ${cfg.resources} demand(s), one per resource; received ${describe(demands)}.`);
    }
    demands.forEach((u, r) => {
      if (typeof u !== "number" || !Number.isSafeInteger(u) || u < 1 || u > cfg.capacity) {
        throw new RangeError(`${where}: jobs[${i}].demands[${r}] is ${describe(u)}: a job larger than the cluster or not a whole number of units; expected an integer in 1 .. ${cfg.capacity}.`);
      }
    });
    return { arrival, length, demands: [...demands] };
  });
}

/** Write checked jobs into the state's job rows (and clear the rest). */
export function writeJobs(cfg: DeepRMConfig, jobs: readonly Job[], s: Float64Array, o: number): void {
  const { jobs: off, jobWidth } = cfg.layout;
  s.fill(0, o + off, o + off + cfg.jobSetLength * jobWidth);
  jobs.forEach((j, n) => {
    const row = o + off + n * jobWidth;
    s[row] = j.arrival;
    s[row + 1] = j.length;
    j.demands.forEach((u, r) => (s[row + 2 + r] = u));
  });
  s[o + H.numJobs] = jobs.length;
}

/** The job set held in a state, as a list of jobs. */
export function readJobs(cfg: DeepRMConfig, s: ArrayLike<number>, o = 0): Job[] {
  const { jobs: off, jobWidth } = cfg.layout;
  return Array.from({ length: s[o + H.numJobs] }, (_, n) => {
    const row = o + off + n * jobWidth;
    return { arrival: s[row], length: s[row + 1], demands: Array.from({ length: cfg.resources }, (_, r) => s[row + 2 + r]) };
  });
}
