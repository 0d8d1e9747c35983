/**
 * The one batch type between collecting experience and updating a policy.
 *
 * A `Segment` is what every psi_t estimator reads: per row (one environment step), the reward and
 * whether the episode ended there, plus the critic's values where the estimator needs them. Rows are
 * `steps x copies`, time-major: row `t * copies + i` is step t of copy i. A list of whole episodes laid
 * end to end is the case `copies = 1`; a vector environment's n-step segment is `copies = numEnvs`, and
 * its episodes may start and end anywhere inside it. Termination is data, per row (as in DeepMind's
 * rlax): `terminated` says s_{t+1} is terminal (its value counts 0); `truncated` says the episode was
 * cut after this row by a time limit (s_{t+1} has a future: bootstrap from V(s_{t+1})). Either one ends
 * the episode, so a recursion such as R_t = r_{t+1} + gamma R_{t+1} stops there.
 *
 * A `Batch` is a segment with the observations and actions that the surrogate loss needs, and says
 * what the surrogate divides by (`divisor`: the number of trajectories for REINFORCE's
 * (1/M) sum_i sum_t, or the number of rows for a mean over steps).
 *
 * `toBatch(episodes)` is the one flattener (nested `Episode` objects to rows); `episodesOf(batch)`
 * gives the episodes of a batch back as `Episode` views for notebooks.
 */
import type { Episode } from "../envs/record";

/** What a psi_t estimator reads. Arrays have one entry per row unless said otherwise. */
export interface Segment {
  /** r_{t+1}, the reward that followed a_t. */
  rewards: ArrayLike<number>;
  /** 1 (or true) where s_{t+1} is a terminal state: nothing follows it, its value is 0. */
  terminated: ArrayLike<number | boolean>;
  /** 1 (or true) where a time limit cut the episode after this row: s_{t+1} is not terminal. Default: none. */
  truncated?: ArrayLike<number | boolean>;
  /** Copies interleaved in the rows (default 1: whole episodes end to end, or one copy's steps). */
  copies?: number;
  /** Discount factor gamma in [0, 1]. */
  gamma: number;
  /** lambda of GAE, in [0, 1] (read by `gae`). */
  lambda?: number;
  /** n of the n-step estimators, an integer >= 1 (read by `nStepReturns`, `nStepAdvantages`). */
  n?: number;
  /** V(s_t) (read by the estimators that use a state-value critic). */
  values?: ArrayLike<number>;
  /**
   * V(s_{t+1}): the value of the state each row leads to; where the episode ended, the value of its
   * final observation (a terminated row's entry is not read: it counts 0).
   */
  nextValues?: ArrayLike<number>;
  /** Q(s_t, a_t) (read by `qPsi`, and with `values` by `advantagePsi`). */
  q?: ArrayLike<number>;
  /** A group id per row (e.g. which job set a DeepRM rollout started from), for per-group baselines. */
  groups?: ArrayLike<number>;
}

/** A psi_t estimator: one weight per row of the segment, the psi_t of grad log pi(a_t|s_t) psi_t. */
export type PsiEstimator = (segment: Segment) => ArrayLike<number>;

/** Experience as rows: a `Segment` with observations and actions, for the surrogate loss. */
export interface Batch extends Segment {
  /** Number of rows (environment steps). */
  readonly rows: number;
  copies: number;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** s_t: rows x obsSize (a state index in one column for discrete observations). */
  readonly observations: Float32Array;
  readonly obsSize: number;
  /** a_t: rows x actionSize (an index in one column for discrete actions). */
  readonly actions: Float32Array;
  readonly actionSize: number;
  /** Rows where an episode ended (terminated or truncated), ascending. */
  readonly ends: Int32Array;
  /** s_{t+1} of each row in `ends` (the episode's last observation), ends.length x obsSize. */
  readonly finalObservations: Float32Array;
  /** The observation each copy acts on after the last row (what a segment bootstraps from), copies x obsSize. */
  readonly lastObservations: Float32Array;
  /** What the surrogate divides sum_rows log pi(a|s) psi by: trajectories (REINFORCE) or rows (a mean over steps). */
  divisor: number;
  /** Undiscounted return and length of each episode that ended in the batch, in the order they ended. */
  readonly episodeReturns: number[];
  readonly episodeLengths: number[];
}

/** One episode (or the part of it inside a segment): its rows, in order. */
export interface Span {
  copy: number;
  /** First row, row stride (= copies) and number of rows. */
  start: number;
  stride: number;
  length: number;
  /** The episode ended inside the batch (at its last row). */
  ended: boolean;
  /** The span begins at its copy's first row of the segment, so the episode may have started earlier. */
  continued: boolean;
}

function flag(a: ArrayLike<number | boolean> | undefined, k: number): boolean {
  return a !== undefined && !!a[k];
}

/** True if the episode ended at row k (terminated or truncated). */
export function endsAt(segment: Segment, k: number): boolean {
  return flag(segment.terminated, k) || flag(segment.truncated, k);
}

/** Rows per copy of a segment, checking that the rows divide evenly. */
export function stepsPerCopy(fn: string, segment: Segment): { steps: number; copies: number } {
  const copies = segment.copies ?? 1;
  if (!Number.isSafeInteger(copies) || copies < 1) throw new RangeError(`${fn}: copies must be an integer >= 1; received ${String(copies)}.`);
  const rows = segment.rewards.length;
  if (rows % copies !== 0) throw new RangeError(`${fn}: ${rows} rows do not divide into ${copies} copies; rows must be steps x copies.`);
  return { steps: rows / copies, copies };
}

/** The episodes of a segment as spans of rows, copy by copy, in order of their first row within each copy. */
export function spans(segment: Segment): Span[] {
  const { steps, copies } = stepsPerCopy("spans", segment);
  const out: Span[] = [];
  for (let i = 0; i < copies; i++) {
    let t0 = 0;
    for (let t = 0; t < steps; t++) {
      const k = t * copies + i;
      if (endsAt(segment, k) || t === steps - 1) {
        out.push({ copy: i, start: t0 * copies + i, stride: copies, length: t - t0 + 1, ended: endsAt(segment, k), continued: t0 === 0 && copies > 1 });
        t0 = t + 1;
      }
    }
  }
  return out;
}

/** Which span (episode) each row belongs to, and each row's step index t within its span. */
export function rowIndex(segment: Segment): { episode: Int32Array; step: Int32Array; spans: Span[] } {
  const all = spans(segment);
  const rows = segment.rewards.length;
  const episode = new Int32Array(rows);
  const step = new Int32Array(rows);
  all.forEach((s, e) => {
    for (let t = 0; t < s.length; t++) {
      episode[s.start + t * s.stride] = e;
      step[s.start + t * s.stride] = t;
    }
  });
  return { episode, step, spans: all };
}

/**
 * V(s_{t+1}) for every row from V(s_t) of every row: the next row's value within an episode, the
 * value of the final observation where an episode was truncated, of the last observation at the end
 * of a segment, and 0 where it terminated. `value(observations, n)` evaluates n rows of observations.
 */
export function nextValuesOf(batch: Batch, values: ArrayLike<number>, value: (observations: Float32Array, n: number) => ArrayLike<number>): Float64Array {
  const { rows, copies, obsSize } = batch;
  const next = new Float64Array(rows);
  const last = value(batch.lastObservations, copies);
  for (let k = 0; k < rows; k++) next[k] = k + copies < rows ? values[k + copies] : last[k % copies];
  const cut: number[] = [];
  batch.ends.forEach((k, j) => {
    if (batch.terminated[k]) next[k] = 0;
    else cut.push(j);
  });
  if (cut.length) {
    const obs = new Float32Array(cut.length * obsSize);
    cut.forEach((j, m) => obs.set(batch.finalObservations.subarray(j * obsSize, (j + 1) * obsSize), m * obsSize));
    const v = value(obs, cut.length);
    cut.forEach((j, m) => (next[batch.ends[j]] = v[m]));
  }
  return next;
}

/**
 * The rows of one span (an episode) as a batch of their own (copies = 1, divisor 1): for per-episode
 * quantities such as Williams' per-trajectory scores.
 */
export function spanBatch(batch: Batch, span: Span): Batch {
  const { obsSize, actionSize } = batch;
  const b = emptyBatch(span.length, 1, obsSize, actionSize, 1);
  b.gamma = batch.gamma;
  for (let t = 0; t < span.length; t++) {
    const k = span.start + t * span.stride;
    b.observations.set(batch.observations.subarray(k * obsSize, (k + 1) * obsSize), t * obsSize);
    b.actions.set(batch.actions.subarray(k * actionSize, (k + 1) * actionSize), t * actionSize);
    b.rewards[t] = batch.rewards[k];
    b.terminated[t] = batch.terminated[k];
    b.truncated[t] = batch.truncated[k];
  }
  return b;
}

/** An observation or action as numbers: a number is one column, an array-like its entries. */
function width(x: unknown): number {
  return typeof x === "number" ? 1 : (x as ArrayLike<number>).length;
}
function put(out: Float32Array, row: number, w: number, x: unknown): void {
  if (typeof x === "number") out[row * w] = x;
  else out.set(x as ArrayLike<number>, row * w);
}

/**
 * Whole episodes as one batch (copies = 1, episodes end to end; divisor = the number of episodes).
 * Observations that are numbers (state indices) become one column, arrays their entries; an
 * episode that ended with neither flag (cut off by a step cap) counts as truncated.
 */
export function toBatch<Obs, Act>(episodes: Episode<Obs, Act>[], gamma = 1): Batch {
  if (!Array.isArray(episodes) || episodes.length === 0) throw new RangeError(`toBatch: expected at least one episode; received ${Array.isArray(episodes) ? "none" : String(episodes)}.`);
  const rows = episodes.reduce((n, e) => n + e.actions.length, 0);
  const first = episodes.find((e) => e.actions.length > 0) ?? episodes[0];
  const obsSize = width(first.observations[0]);
  const actionSize = first.actions.length ? width(first.actions[0]) : 1;
  const b = emptyBatch(rows, 1, obsSize, actionSize, episodes.length);
  b.gamma = gamma;
  let row = 0;
  const ends: number[] = [];
  episodes.forEach((e, i) => {
    const T = e.actions.length;
    if (e.observations.length !== T + 1 || e.rewards.length !== T) {
      throw new RangeError(`toBatch: episode ${i} has ${e.observations.length} observations, ${T} actions and ${e.rewards.length} rewards; expected T + 1, T and T.`);
    }
    if (T === 0) return;
    for (let t = 0; t < T; t++, row++) {
      put(b.observations, row, obsSize, e.observations[t]);
      put(b.actions, row, actionSize, e.actions[t]);
      b.rewards[row] = e.rewards[t];
    }
    if (e.terminated) b.terminated[row - 1] = 1;
    else b.truncated[row - 1] = 1;
    ends.push(row - 1);
    b.episodeReturns.push(e.rewards.reduce((s, r) => s + r, 0));
    b.episodeLengths.push(T);
  });
  const finals = new Float32Array(ends.length * obsSize);
  let j = 0;
  episodes.forEach((e) => {
    if (e.actions.length) put(finals, j++, obsSize, e.observations[e.actions.length]);
  });
  return { ...b, ends: Int32Array.from(ends), finalObservations: finals };
}

/** A batch of zeros with the given shape (filled in by the collector or `toBatch`). */
export function emptyBatch(rows: number, copies: number, obsSize: number, actionSize: number, divisor: number): Batch {
  return {
    rows,
    copies,
    gamma: 1,
    rewards: new Float64Array(rows),
    terminated: new Uint8Array(rows),
    truncated: new Uint8Array(rows),
    observations: new Float32Array(rows * obsSize),
    obsSize,
    actions: new Float32Array(rows * actionSize),
    actionSize,
    ends: new Int32Array(0),
    finalObservations: new Float32Array(0),
    lastObservations: new Float32Array(copies * obsSize),
    divisor,
    episodeReturns: [],
    episodeLengths: [],
  };
}

/**
 * The episodes of a batch of whole episodes (copies = 1) as `Episode` objects: observations as state
 * indices when `discrete` (one column), else Float32Array rows; actions as indices or Float64Array rows.
 */
export function episodesOf(batch: Batch, discrete: { observations: boolean; actions: boolean }): Episode<number | Float32Array, number | Float64Array>[] {
  const { obsSize, actionSize } = batch;
  const obs = (src: Float32Array, r: number) => (discrete.observations ? src[r * obsSize] : src.slice(r * obsSize, (r + 1) * obsSize));
  const act = (r: number) => (discrete.actions ? batch.actions[r * actionSize] : Float64Array.from(batch.actions.subarray(r * actionSize, (r + 1) * actionSize)));
  const endIndex = new Map<number, number>();
  batch.ends.forEach((k, j) => endIndex.set(k, j));
  return spans(batch).map((s) => {
    const rows = Array.from({ length: s.length }, (_, t) => s.start + t * s.stride);
    const last = rows[rows.length - 1];
    const j = endIndex.get(last);
    const final = j !== undefined ? obs(batch.finalObservations, j) : obs(batch.lastObservations, s.copy);
    return {
      observations: [...rows.map((r) => obs(batch.observations, r)), final],
      actions: rows.map(act),
      rewards: rows.map((r) => batch.rewards[r]),
      terminated: batch.terminated[last] === 1,
      truncated: batch.truncated[last] === 1,
      frames: [],
    };
  });
}
