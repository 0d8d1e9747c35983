/**
 * DeepRM's parameters: the keyword arguments of `make("DeepRM-v0", kwargs)`, their checks, and what
 * follows from them (the job distribution, the arrival probability for a requested load, the sizes of
 * the state image and of the flat state vector).
 *
 * Defaults are the paper's (Mao, Alizadeh, Menache, Kandula, HotNets 2016) and its reference code
 * (hongzimao/deeprm, parameters.py and job_distribution.py): 2 resources of 10 units, an image of 20
 * time steps, M = 10 visible job slots, a backlog of 60, job lengths 80% in 1-3 and 20% in 10-15, a
 * random dominant resource demanding 5-10 units and 1-2 units of every other resource.
 */

/** Keyword arguments of `make("DeepRM-v0", kwargs)` / `new DeepRM(args)`; every field is optional. */
export interface DeepRMArgs {
  /** Number of resource types (2: CPU and memory). */
  resources?: number;
  /** Units of each resource in the cluster (10). */
  capacity?: number;
  /** Time steps of look-ahead in the state image (20); no job may be longer. */
  horizon?: number;
  /** M, the number of visible job slots (10); the action space has M + 1 actions. */
  slots?: number;
  /** Jobs that wait beyond the M slots and show only as a count (60); further arrivals are dropped. */
  backlog?: number;
  /**
   * Requested average load: expected resource demand arriving per time step over the capacity,
   * for each resource (0.7). Arrivals are Bernoulli, so the arrival probability is
   * min(1, load / unitLoad) where unitLoad = E[length] E[demand] / capacity (1.845 with the
   * defaults): loads above unitLoad run at probability 1 (see `effectiveLoad`).
   */
  load?: number;
  /** Time steps during which jobs arrive: a job set is one Bernoulli draw per step (50). */
  jobSetLength?: number;
  /** Longest job (15): short jobs last 1 .. floor(max/5), long ones floor(2 max/3) .. max. */
  maxJobLength?: number;
  /** Largest demand of one resource (10): dominant floor(max/2) .. max, others 1 .. floor(max/5). */
  maxDemand?: number;
  /** Seed of the numbered job sets (reset option `jobSet`), independent of the reset seed (0). */
  seed?: number;
}

export const DEEPRM_DEFAULTS: Readonly<Required<DeepRMArgs>> = Object.freeze({
  resources: 2,
  capacity: 10,
  horizon: 20,
  slots: 10,
  backlog: 60,
  load: 0.7,
  jobSetLength: 50,
  maxJobLength: 15,
  maxDemand: 10,
  seed: 0,
});

/** The keyword arguments `make("DeepRM-v0", ...)` accepts. */
export const DEEPRM_KWARGS: readonly string[] = Object.freeze(Object.keys(DEEPRM_DEFAULTS));

/** The "time since the last arrival" column saturates here (the reference code's max_track_since_new). */
export const SINCE_ARRIVAL_CAP = 10;
/** Probability that a job is short. */
export const SHORT_JOB_PROBABILITY = 0.8;

/** An inclusive range of integers. */
export interface IntRange {
  low: number;
  high: number;
}

/** The distribution of a new job's length and demands. */
export interface JobDistribution {
  shortLength: IntRange;
  longLength: IntRange;
  /** Demand for the job's dominant resource (drawn uniformly among the resources). */
  dominantDemand: IntRange;
  /** Demand for each other resource. */
  otherDemand: IntRange;
  meanLength: number;
  /** E[demand of one resource] (the same for every resource). */
  meanDemand: number;
}

/** Offsets of the parts of the flat state vector (see `state.ts`). */
export interface StateLayout {
  /** Header fields: time, time since the last arrival, backlog count, next job, jobs in the set, jobs in the system. */
  header: number;
  /** Job set: `jobSetLength` rows of [arrival, length, demand_1 .. demand_R]. */
  jobs: number;
  jobWidth: number;
  /** Per job: finish time, -1 (not scheduled) or -2 (dropped). */
  finish: number;
  /** M slots: job index or -1. */
  slots: number;
  /** Backlog queue: job indices in arrival order, then -1. */
  backlog: number;
  /** Cluster image: R x horizon x capacity cells, each the job index occupying it or -1. */
  canvas: number;
  /** Free units per resource and time offset (R x horizon), derived from the canvas. */
  avail: number;
  size: number;
}

/** Header field indices. */
export const H = Object.freeze({ time: 0, sinceArrival: 1, backlogCount: 2, nextJob: 3, numJobs: 4, inSystem: 5, size: 6 });

export interface DeepRMConfig extends Readonly<Required<DeepRMArgs>> {
  readonly dist: JobDistribution;
  /** Load at arrival probability 1: E[length] E[demand] / capacity. */
  readonly unitLoad: number;
  /** Bernoulli probability of an arrival per time step: min(1, load / unitLoad). */
  readonly arrivalProbability: number;
  /** The load the arrivals produce: arrivalProbability x unitLoad (below `load` when it was capped). */
  readonly effectiveLoad: number;
  /** Columns of the backlog block: ceil(backlog / horizon). */
  readonly backlogWidth: number;
  /** Columns of the state image: R (capacity + M maxDemand) + backlogWidth + 1. */
  readonly imageWidth: number;
  /** horizon x imageWidth. */
  readonly obsDim: number;
  readonly layout: StateLayout;
}

function range(low: number, high: number): IntRange {
  return { low, high };
}

const mid = (r: IntRange) => (r.low + r.high) / 2;

/** The job distribution for the given longest job and largest demand (the reference code's bi-modal one). */
export function jobDistribution(resources: number, maxJobLength: number, maxDemand: number): JobDistribution {
  const shortLength = range(1, Math.max(1, Math.floor(maxJobLength / 5)));
  const longLength = range(Math.max(1, Math.floor((2 * maxJobLength) / 3)), maxJobLength);
  const dominantDemand = range(Math.max(1, Math.floor(maxDemand / 2)), maxDemand);
  const otherDemand = range(1, Math.max(1, Math.floor(maxDemand / 5)));
  const meanLength = SHORT_JOB_PROBABILITY * mid(shortLength) + (1 - SHORT_JOB_PROBABILITY) * mid(longLength);
  const meanDemand = (mid(dominantDemand) + (resources - 1) * mid(otherDemand)) / resources;
  return { shortLength, longLength, dominantDemand, otherDemand, meanLength, meanDemand };
}

function describe(v: unknown): string {
  return typeof v === "number" ? String(v) : JSON.stringify(v) ?? String(v);
}

/**
 * Check the arguments and derive the configuration. Throws a RangeError naming the argument, the value
 * and what was expected (unknown argument names are a TypeError).
 */
export function deepRMConfig(args: DeepRMArgs = {}, where = "DeepRM-v0"): DeepRMConfig {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new TypeError(`${where}: expected an object of arguments; received ${describe(args)}.`);
  }
  const unknown = Object.keys(args).filter((k) => !DEEPRM_KWARGS.includes(k));
  if (unknown.length) throw new TypeError(`${where}: unknown argument(s) ${unknown.join(", ")}; accepted: ${DEEPRM_KWARGS.join(", ")}.`);
  const given = args as Record<string, unknown>;
  const int = (name: keyof DeepRMArgs, min: number, what = ""): number => {
    const v = given[name] === undefined ? DEEPRM_DEFAULTS[name] : given[name];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
      throw new RangeError(`${where}: ${name}${what} must be an integer >= ${min}; received ${describe(v)}.`);
    }
    return v;
  };
  const resources = int("resources", 1);
  const capacity = int("capacity", 1);
  const horizon = int("horizon", 1);
  const slots = int("slots", 1, " (M)");
  const backlog = int("backlog", 0);
  const jobSetLength = int("jobSetLength", 1);
  const maxJobLength = int("maxJobLength", 1);
  const maxDemand = int("maxDemand", 1);
  const seed = int("seed", 0);
  const load = given.load === undefined ? DEEPRM_DEFAULTS.load : given.load;
  if (typeof load !== "number" || !(load > 0) || !Number.isFinite(load)) {
    throw new RangeError(`${where}: load must be a finite number > 0 (e.g. 0.7 for 70% of the capacity); received ${describe(load)}.`);
  }
  if (maxDemand > capacity) {
    throw new RangeError(`${where}: maxDemand ${maxDemand} is larger than the cluster (capacity ${capacity} units per resource): such a job could never run.`);
  }
  if (maxJobLength > horizon) {
    throw new RangeError(`${where}: maxJobLength ${maxJobLength} is longer than the horizon of ${horizon} time steps: such a job could never be placed.`);
  }
  const dist = jobDistribution(resources, maxJobLength, maxDemand);
  const unitLoad = (dist.meanLength * dist.meanDemand) / capacity;
  const arrivalProbability = Math.min(1, load / unitLoad);
  const backlogWidth = Math.ceil(backlog / horizon);
  const imageWidth = resources * (capacity + slots * maxDemand) + backlogWidth + 1;
  const jobWidth = 2 + resources;
  const jobs = H.size;
  const finish = jobs + jobSetLength * jobWidth;
  const slotsOff = finish + jobSetLength;
  const backlogOff = slotsOff + slots;
  const canvas = backlogOff + backlog;
  const avail = canvas + resources * horizon * capacity;
  const layout: StateLayout = { header: 0, jobs, jobWidth, finish, slots: slotsOff, backlog: backlogOff, canvas, avail, size: avail + resources * horizon };
  return Object.freeze({
    resources,
    capacity,
    horizon,
    slots,
    backlog,
    load,
    jobSetLength,
    maxJobLength,
    maxDemand,
    seed,
    dist,
    unitLoad,
    arrivalProbability,
    effectiveLoad: arrivalProbability * unitLoad,
    backlogWidth,
    imageWidth,
    obsDim: horizon * imageWidth,
    layout,
  });
}
