/**
 * DeepRM's dynamics on a flat Float64Array (the layout is in `config.ts`), shared by the `DeepRM`
 * environment and `makeVector("DeepRM-v0", n)`.
 *
 * One step, action a:
 * - a < M and slot a holds a job that fits somewhere in the horizon: the job is allocated at the
 *   earliest time offset where every resource has room for its whole duration, the slot takes the
 *   backlog's first job, and time does **not** advance (reward 0): several jobs can start in one step.
 * - a = M (void), an empty slot, or a job that fits nowhere: time advances by one step. The reward is
 *   -sum over the jobs in the system during that step (waiting or running) of 1 / T_j; then the
 *   cluster image shifts up one row, jobs whose finish time is reached leave, and the jobs arriving at
 *   the new time fill the first free slots, then the backlog (then are dropped when it is full).
 * A job j in the system from its arrival a_j to its finish f_j is charged 1 / T_j for each of the
 * f_j - a_j steps, so the return of an episode is exactly minus the sum of the jobs' slowdowns
 * (f_j - a_j) / T_j.
 */
import type { Rng } from "../../rng";
import type { VectorKernel } from "../kernel";
import { type DeepRMConfig, H, SINCE_ARRIVAL_CAP } from "./config";
import { JOB_SET_SPLITS, type Job, type JobSetSplit, checkJobs, drawJobSet, jobSetRng, writeJobs } from "./jobs";
import { observe } from "./observation";

/** The reset options of DeepRM-v0 (all optional). */
export interface DeepRMResetOptions {
  /** Run numbered job set `jobSet` of `split` (from the `seed` argument), whatever the reset seed. */
  jobSet?: number;
  /** "train" (default) or "test": held-out job sets come from a stream training never uses. */
  split?: JobSetSplit;
  /** Run exactly these jobs (sorted by arrival). */
  jobs?: Job[];
  /**
   * Draw the job set (numbered or not) at this load instead of the `load` argument's: a training
   * run can mix loads in one environment. Job set k at another load uses the same random numbers.
   */
  load?: number;
}

/** What a reset runs: a job set drawn from the reset's random stream, a numbered one, or given jobs. */
export type JobSetChoice =
  | { kind: "random"; arrivalProbability: number }
  | { kind: "numbered"; index: number; split: JobSetSplit; arrivalProbability: number }
  | { kind: "explicit"; jobs: Job[] };


function describe(v: unknown): string {
  return typeof v === "number" ? String(v) : (JSON.stringify(v) ?? String(v));
}

/**
 * Read reset options (unknown keys are rejected before, by the environment's reset: a typo would
 * otherwise silently draw random job sets). `cache` keeps the checked copy of an explicit `jobs` array, so that an automatic reset with
 * the same array does not check it again.
 */
export function jobSetChoice(cfg: DeepRMConfig, options: Record<string, unknown>, where: string, cache?: WeakMap<object, Job[]>): JobSetChoice {
  const { jobSet, split, jobs, load } = options;
  if (split !== undefined && !JOB_SET_SPLITS.includes(split as JobSetSplit)) {
    throw new RangeError(`${where}: options.split must be "train" or "test"; received ${describe(split)}.`);
  }
  if (load !== undefined && (typeof load !== "number" || !(load > 0) || !Number.isFinite(load))) {
    throw new RangeError(`${where}: options.load must be a finite number > 0 (e.g. 1.3 for 130% of the capacity); received ${describe(load)}.`);
  }
  const arrivalProbability = load === undefined ? cfg.arrivalProbability : Math.min(1, (load as number) / cfg.unitLoad);
  if (jobs !== undefined) {
    if (jobSet !== undefined || split !== undefined) throw new RangeError(`${where}: give either options.jobs or options.jobSet (with options.split), not both.`);
    if (load !== undefined) throw new RangeError(`${where}: options.load sets how a job set is drawn; options.jobs gives the jobs themselves: give one of them.`);
    let checked = typeof jobs === "object" && jobs !== null ? cache?.get(jobs) : undefined;
    if (!checked) {
      checked = checkJobs(cfg, jobs, `${where}: options`);
      cache?.set(jobs as object, checked);
    }
    return { kind: "explicit", jobs: checked };
  }
  if (jobSet !== undefined) {
    if (typeof jobSet !== "number" || !Number.isSafeInteger(jobSet) || jobSet < 0) {
      throw new RangeError(`${where}: options.jobSet must be a job set number, an integer >= 0; received ${describe(jobSet)}.`);
    }
    return { kind: "numbered", index: jobSet, split: (split as JobSetSplit | undefined) ?? "train", arrivalProbability };
  }
  if (split !== undefined) throw new RangeError(`${where}: options.split needs options.jobSet (which job set of the split to run).`);
  return { kind: "random", arrivalProbability };
}

/** Clear the state and put the chosen job set at time 0 (its first arrivals included). */
export function resetState(cfg: DeepRMConfig, choice: JobSetChoice, rng: Rng, s: Float64Array, o: number): void {
  const L = cfg.layout;
  s.fill(0, o, o + L.size);
  s.fill(-1, o + L.finish, o + L.avail);
  s.fill(cfg.capacity, o + L.avail, o + L.size);
  if (choice.kind === "explicit") writeJobs(cfg, choice.jobs, s, o);
  else drawJobSet(cfg, choice.kind === "numbered" ? jobSetRng(cfg.seed, choice.split, choice.index) : rng, s, o, choice.arrivalProbability);
  arrive(cfg, s, o);
}

/** Let the jobs arriving at the current time in: first free slot, else the backlog, else dropped. */
function arrive(cfg: DeepRMConfig, s: Float64Array, o: number): void {
  const L = cfg.layout;
  const t = s[o + H.time];
  let next = s[o + H.nextJob];
  const n = s[o + H.numJobs];
  while (next < n && s[o + L.jobs + next * L.jobWidth] === t) {
    let slot = 0;
    while (slot < cfg.slots && s[o + L.slots + slot] >= 0) slot++;
    if (slot < cfg.slots) s[o + L.slots + slot] = next;
    else if (s[o + H.backlogCount] < cfg.backlog) s[o + L.backlog + s[o + H.backlogCount]++] = next;
    else s[o + L.finish + next] = -2;
    if (s[o + L.finish + next] !== -2) s[o + H.inSystem]++;
    s[o + H.sinceArrival] = 0;
    next++;
  }
  s[o + H.nextJob] = next;
}

/**
 * True if a job of `length` with demands d[dOff + r] fits at time offset `offset`: avail[aOff + r T + k]
 * >= d_r for every resource r and k in offset .. offset + length - 1 (avail laid out R x horizon).
 */
export function fitsAt(
  avail: ArrayLike<number>,
  aOff: number,
  horizon: number,
  resources: number,
  offset: number,
  length: number,
  d: ArrayLike<number>,
  dOff: number,
): boolean {
  for (let r = 0; r < resources; r++) {
    const need = d[dOff + r];
    const row = aOff + r * horizon + offset;
    for (let k = 0; k < length; k++) if (avail[row + k] < need) return false;
  }
  return true;
}

/** The earliest time offset at which job j fits for its whole length within the horizon, or -1. */
export function earliestFit(cfg: DeepRMConfig, s: ArrayLike<number>, o: number, j: number): number {
  const L = cfg.layout;
  const row = o + L.jobs + j * L.jobWidth;
  const length = s[row + 1];
  for (let offset = 0; offset + length <= cfg.horizon; offset++) {
    if (fitsAt(s, o + L.avail, cfg.horizon, cfg.resources, offset, length, s, row + 2)) return offset;
  }
  return -1;
}

/** Allocate the job in `slot` at its earliest fit; false (nothing changed) if the slot is empty or it fits nowhere. */
export function allocate(cfg: DeepRMConfig, s: Float64Array, o: number, slot: number): boolean {
  const L = cfg.layout;
  const j = s[o + L.slots + slot];
  if (j < 0) return false;
  const offset = earliestFit(cfg, s, o, j);
  if (offset < 0) return false;
  const row = o + L.jobs + j * L.jobWidth;
  const length = s[row + 1];
  const C = cfg.capacity;
  for (let r = 0; r < cfg.resources; r++) {
    const need = s[row + 2 + r];
    for (let k = offset; k < offset + length; k++) {
      s[o + L.avail + r * cfg.horizon + k] -= need;
      const cells = o + L.canvas + (r * cfg.horizon + k) * C;
      for (let c = 0, placed = 0; placed < need; c++) {
        if (s[cells + c] < 0) {
          s[cells + c] = j;
          placed++;
        }
      }
    }
  }
  s[o + L.finish + j] = s[o + H.time] + offset + length;
  const waiting = s[o + H.backlogCount];
  if (waiting > 0) {
    s[o + L.slots + slot] = s[o + L.backlog];
    s.copyWithin(o + L.backlog, o + L.backlog + 1, o + L.backlog + waiting);
    s[o + L.backlog + waiting - 1] = -1;
    s[o + H.backlogCount] = waiting - 1;
  } else {
    s[o + L.slots + slot] = -1;
  }
  return true;
}

/** Advance time by one step; returns the step's reward, -sum of 1 / T_j over the jobs in the system during it. */
export function advance(cfg: DeepRMConfig, s: Float64Array, o: number): number {
  const L = cfg.layout;
  const t = s[o + H.time];
  const next = s[o + H.nextJob];
  let reward = 0;
  let leaving = 0;
  for (let j = 0; j < next; j++) {
    const f = s[o + L.finish + j];
    if (f === -1 || f > t) {
      reward -= 1 / s[o + L.jobs + j * L.jobWidth + 1];
      if (f === t + 1) leaving++;
    }
  }
  s[o + H.time] = t + 1;
  s[o + H.inSystem] -= leaving;
  const T = cfg.horizon;
  const C = cfg.capacity;
  for (let r = 0; r < cfg.resources; r++) {
    const cells = o + L.canvas + r * T * C;
    s.copyWithin(cells, cells + C, cells + T * C);
    s.fill(-1, cells + (T - 1) * C, cells + T * C);
    const avail = o + L.avail + r * T;
    s.copyWithin(avail, avail + 1, avail + T);
    s[avail + T - 1] = C;
  }
  s[o + H.sinceArrival] = Math.min(s[o + H.sinceArrival] + 1, SINCE_ARRIVAL_CAP);
  arrive(cfg, s, o);
  return reward;
}

/** The episode is over: every job of the set has arrived and none is in the system. */
export function isDone(cfg: DeepRMConfig, s: ArrayLike<number>, o: number): boolean {
  return s[o + H.time] >= cfg.jobSetLength && s[o + H.inSystem] === 0;
}

/** The options DeepRM's reset accepts: a numbered job set of a split, or an explicit list of jobs; the load to draw at. */
export const DEEPRM_RESET_OPTIONS = ["jobSet", "split", "jobs", "load"] as const;

/** DeepRM's vector kernel, with the configuration it was built from. */
export interface DeepRMKernel extends VectorKernel {
  readonly config: DeepRMConfig;
}

/**
 * The kernel of a configuration. A VectorEnv reuses its reset options at every automatic reset, so
 * with `{ jobSet: k }` all its copies keep running job set k: N rollouts of one job set from
 * identical starts. (An explicit `jobs` array is read once: changing it in place later has no effect.)
 */
export function deepRMKernel(cfg: DeepRMConfig): DeepRMKernel {
  const name = "DeepRM-v0";
  const checkedJobs = new WeakMap<object, Job[]>();
  return {
    name,
    config: cfg,
    stateDim: cfg.layout.size,
    obsDim: cfg.obsDim,
    observation: { kind: "box" },
    resetOptions: DEEPRM_RESET_OPTIONS,
    action: { kind: "discrete", n: cfg.slots + 1 },
    reset(rng, s, o, options) {
      resetState(cfg, jobSetChoice(cfg, options, `${name}.reset`, checkedJobs), rng, s, o);
    },
    step(s, o, actions, aOff) {
      const a = actions[aOff];
      if (a < cfg.slots && allocate(cfg, s as Float64Array, o, a)) return 0;
      return advance(cfg, s as Float64Array, o);
    },
    terminal: (s, o) => isDone(cfg, s, o),
    observe: (s, o, obs, oOff) => observe(cfg, s, o, obs, oOff),
  };
}
