/**
 * DeepRM's physical state as one flat vector (what `getState` returns and `setState` takes), its
 * checks, and `buildState`, which writes a state from a readable description (for tests, figures and
 * exercises: "the cluster holds these jobs, these jobs wait").
 *
 * Layout (offsets in `config.layout`; every entry an integer):
 * - header: time t, time since the last arrival, backlog count, next job to arrive, jobs in the job
 *   set, jobs in the system;
 * - job set: `jobSetLength` rows [arrival, length T_j, demand_1 .. demand_R] (unused rows zero);
 * - finish time of each job: f_j once allocated, -1 before, -2 if dropped (backlog full);
 * - the M slots and the backlog queue: job indices, -1 when empty;
 * - the cluster: R x horizon x capacity cells, each the index of the job holding it or -1;
 * - free units per resource and time offset (R x horizon).
 * `setState` recomputes the last block and the count of jobs in the system from the rest.
 */
import { checkState } from "../env";
import { type DeepRMConfig, H, SINCE_ARRIVAL_CAP } from "./config";
import { type Job, checkJobs, readJobs, writeJobs } from "./jobs";

const labelCache = new WeakMap<DeepRMConfig, string[]>();

/** A name for every entry of the state vector, for error messages. */
export function stateLabels(cfg: DeepRMConfig): string[] {
  let labels = labelCache.get(cfg);
  if (labels) return labels;
  const L = cfg.layout;
  labels = ["time", "sinceArrival", "backlogCount", "nextJob", "numJobs", "inSystem"];
  for (let j = 0; j < cfg.jobSetLength; j++) {
    labels.push(`jobs[${j}].arrival`, `jobs[${j}].length`);
    for (let r = 0; r < cfg.resources; r++) labels.push(`jobs[${j}].demands[${r}]`);
  }
  for (let j = 0; j < cfg.jobSetLength; j++) labels.push(`finish[${j}]`);
  for (let i = 0; i < cfg.slots; i++) labels.push(`slots[${i}]`);
  for (let b = 0; b < cfg.backlog; b++) labels.push(`backlog[${b}]`);
  for (let r = 0; r < cfg.resources; r++) for (let k = 0; k < cfg.horizon; k++) for (let c = 0; c < cfg.capacity; c++) labels.push(`cluster[${r}][${k}][${c}]`);
  for (let r = 0; r < cfg.resources; r++) for (let k = 0; k < cfg.horizon; k++) labels.push(`avail[${r}][${k}]`);
  if (labels.length !== L.size) throw new Error(`DeepRM: ${labels.length} state labels for ${L.size} entries (a bug).`);
  labelCache.set(cfg, labels);
  return labels;
}

/**
 * Check a state vector and return it as a Float64Array with the derived entries (free units, jobs
 * in the system) recomputed. Throws a RangeError naming the entry and what was expected.
 */
export function checkDeepRMState(cfg: DeepRMConfig, state: unknown, name = "DeepRM-v0"): Float64Array {
  const labels = stateLabels(cfg);
  const arrayLike = state instanceof Float32Array || state instanceof Float64Array || Array.isArray(state);
  if (!arrayLike || (state as ArrayLike<unknown>).length !== labels.length) {
    const got = arrayLike ? `${(state as ArrayLike<unknown>).length} numbers` : String(state);
    throw new RangeError(`${name}.setState: expected ${labels.length} numbers (the layout of getState(); see buildState); received ${got}.`);
  }
  const s = checkState(name, state, labels);
  const where = `${name}.setState`;
  const fail = (msg: string): never => {
    throw new RangeError(`${where}: ${msg}`);
  };
  s.forEach((v, i) => Number.isInteger(v) || fail(`${labels[i]} is ${v}; expected an integer.`));
  const L = cfg.layout;
  const t = s[H.time];
  const inRange = (field: keyof typeof H, lo: number, hi: number) => {
    const v = s[H[field]];
    if (v < lo || v > hi) fail(`${field} is ${v}; expected an integer in ${lo} .. ${hi}.`);
  };
  inRange("time", 0, Number.MAX_SAFE_INTEGER);
  inRange("sinceArrival", 0, SINCE_ARRIVAL_CAP);
  inRange("backlogCount", 0, cfg.backlog);
  inRange("numJobs", 0, cfg.jobSetLength);
  const n = s[H.numJobs];
  const jobs = checkJobs(cfg, readJobs(cfg, s), `${where}: state`);
  for (let i = L.jobs + n * L.jobWidth; i < L.finish; i++) if (s[i] !== 0) fail(`${labels[i]} is ${s[i]}, but only ${n} jobs are in the set (numJobs); expected 0.`);
  const arrived = jobs.filter((j) => j.arrival <= t).length;
  if (s[H.nextJob] !== arrived) fail(`nextJob is ${s[H.nextJob]}, but ${arrived} job(s) arrive at or before time ${t}; expected ${arrived}.`);

  // finish times, and where every waiting job is
  const waiting = new Set<number>();
  const running = new Set<number>();
  jobs.forEach((job, j) => {
    const f = s[L.finish + j];
    const label = labels[L.finish + j];
    if (j >= arrived) {
      if (f !== -1) fail(`${label} is ${f}, but job ${j} arrives at ${job.arrival}, after the current time ${t}; expected -1.`);
    } else if (f === -1) waiting.add(j);
    else if (f >= 0) {
      if (f < job.arrival + job.length || f > t + cfg.horizon) {
        fail(`${label} is ${f}; job ${j} (arrival ${job.arrival}, length ${job.length}) can finish at ${job.arrival + job.length} .. ${t + cfg.horizon} (within the horizon), or be -1 (waiting) or -2 (dropped).`);
      }
      if (f > t) running.add(j);
    } else if (f !== -2) fail(`${label} is ${f}; expected a finish time, -1 (waiting) or -2 (dropped).`);
  });
  for (let j = n; j < cfg.jobSetLength; j++) if (s[L.finish + j] !== -1) fail(`${labels[L.finish + j]} is ${s[L.finish + j]}; expected -1 (no such job).`);
  const placed = new Set<number>();
  const place = (i: number, allowEmpty: boolean) => {
    const j = s[i];
    if (j === -1 && allowEmpty) return;
    if (!waiting.has(j)) fail(`${labels[i]} is ${j}; expected ${allowEmpty ? "-1 or " : ""}the index of a waiting job (arrived, not allocated)${waiting.size ? `: one of ${[...waiting].join(", ")}` : ", and there is none"}.`);
    if (placed.has(j)) fail(`${labels[i]}: job ${j} is in two places.`);
    placed.add(j);
  };
  for (let i = 0; i < cfg.slots; i++) place(L.slots + i, true);
  const queued = s[H.backlogCount];
  for (let b = 0; b < cfg.backlog; b++) {
    if (b < queued) place(L.backlog + b, false);
    else if (s[L.backlog + b] !== -1) fail(`${labels[L.backlog + b]} is ${s[L.backlog + b]}, beyond the backlog count ${queued}; expected -1.`);
  }
  for (const j of waiting) if (!placed.has(j)) fail(`job ${j} is waiting (finish -1) but in no slot and not in the backlog.`);

  // the cluster: each running job holds exactly its demand in every row it occupies
  const T = cfg.horizon;
  const C = cfg.capacity;
  const counts = new Int32Array(n * cfg.resources * T);
  for (let r = 0; r < cfg.resources; r++) {
    for (let k = 0; k < T; k++) {
      let free = 0;
      for (let c = 0; c < C; c++) {
        const i = L.canvas + (r * T + k) * C + c;
        const j = s[i];
        if (j === -1) free++;
        else if (!running.has(j)) fail(`${labels[i]} is ${j}; expected -1 or the index of a job allocated and not finished at time ${t}.`);
        else counts[(j * cfg.resources + r) * T + k]++;
      }
      s[L.avail + r * T + k] = free;
    }
  }
  for (const j of running) {
    const { length, demands } = jobs[j];
    const f = s[L.finish + j];
    for (let r = 0; r < cfg.resources; r++) {
      for (let k = 0; k < T; k++) {
        const expected = t + k >= f - length && t + k < f ? demands[r] : 0;
        const got = counts[(j * cfg.resources + r) * T + k];
        if (got !== expected) fail(`job ${j} (length ${length}, finish ${f}) holds ${got} unit(s) of resource ${r} at time offset ${k}; expected ${expected}.`);
      }
    }
  }
  s[H.inSystem] = waiting.size + running.size;
  return s;
}

/** A job described for `buildState` (arrival defaults as documented there). */
export interface JobSpec {
  length: number;
  demands: number[];
  arrival?: number;
}

/** A readable description of a state (see `buildState`). */
export interface StateSpec {
  /** Current time t (default 0). */
  time?: number;
  /** Steps since the last arrival, 0 .. 10 (default 0). */
  sinceArrival?: number;
  /** Up to M entries: the job waiting in each slot, or null. Arrival defaults to `time`. */
  slots?: (JobSpec | null)[];
  /** Jobs in the backlog, in queue order. Arrival defaults to `time`. */
  backlog?: JobSpec[];
  /** Allocated jobs still running or due to start: `start` in t - length + 1 .. t + horizon - length. Arrival defaults to min(start, t). */
  running?: (JobSpec & { start: number })[];
  /** Jobs still to arrive (arrival > time, required). */
  upcoming?: Job[];
}

/**
 * Write a state from its description. Running jobs take the leftmost free cells of each row in the
 * order given. The result is checked as `setState` checks it, e.g.:
 *
 * ```ts
 * const s = buildState(cfg, { slots: [{ length: 2, demands: [3, 1] }], running: [{ length: 5, demands: [8, 2], start: 0 }] });
 * env.setState(s);   // resource 0 has 2 free units for 5 steps; a 2-step job needing 3 units waits in slot 0
 * ```
 */
export function buildState(cfg: DeepRMConfig, spec: StateSpec): Float64Array {
  const where = "DeepRM buildState";
  const t = spec.time ?? 0;
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`${where}: time must be an integer >= 0; received ${t}.`);
  const slots = spec.slots ?? [];
  if (slots.length > cfg.slots) throw new RangeError(`${where}: ${slots.length} slots given; the environment has M = ${cfg.slots}.`);
  type Entry = { job: Job; place: "slot" | "backlog" | "running" | "upcoming"; at: number; start?: number };
  const entries: Entry[] = [];
  slots.forEach((j, i) => j && entries.push({ job: { ...j, arrival: j.arrival ?? t }, place: "slot", at: i }));
  (spec.backlog ?? []).forEach((j, b) => entries.push({ job: { ...j, arrival: j.arrival ?? t }, place: "backlog", at: b }));
  (spec.running ?? []).forEach((j, k) => entries.push({ job: { length: j.length, demands: j.demands, arrival: j.arrival ?? Math.min(j.start, t) }, place: "running", at: k, start: j.start }));
  (spec.upcoming ?? []).forEach((j, k) => entries.push({ job: j, place: "upcoming", at: k }));
  entries.sort((a, b) => a.job.arrival - b.job.arrival);
  const L = cfg.layout;
  const s = new Float64Array(L.size);
  s.fill(-1, L.finish, L.avail);
  writeJobs(cfg, checkJobs(cfg, entries.map((e) => e.job), where), s, 0);
  s[H.time] = t;
  s[H.sinceArrival] = spec.sinceArrival ?? 0;
  s[H.nextJob] = entries.filter((e) => e.job.arrival <= t).length;
  let queued = 0;
  entries.forEach((e, j) => {
    if (e.place === "slot") s[L.slots + e.at] = j;
    else if (e.place === "backlog") {
      s[L.backlog + e.at] = j;
      queued++;
    } else if (e.place === "running") {
      const start = e.start as number;
      const { length, demands } = e.job;
      if (!Number.isSafeInteger(start) || start + length <= t || start - t + length > cfg.horizon) {
        throw new RangeError(`${where}: running[${e.at}].start is ${start}; a job of length ${length} still running at time ${t} within the horizon starts in ${t - length + 1} .. ${t + cfg.horizon - length}.`);
      }
      s[L.finish + j] = start + length;
      for (let r = 0; r < cfg.resources; r++) {
        for (let k = Math.max(0, start - t); k < start + length - t; k++) {
          const cells = L.canvas + (r * cfg.horizon + k) * cfg.capacity;
          let need = demands[r];
          for (let c = 0; c < cfg.capacity && need > 0; c++) {
            if (s[cells + c] < 0) {
              s[cells + c] = j;
              need--;
            }
          }
          if (need > 0) throw new RangeError(`${where}: running[${e.at}] needs ${demands[r]} unit(s) of resource ${r} at time offset ${k}, more than is left by the jobs before it.`);
        }
      }
    }
  });
  s[H.backlogCount] = queued;
  return checkDeepRMState(cfg, s, where);
}
