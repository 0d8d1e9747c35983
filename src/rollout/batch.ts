/**
 * The one batch type between collecting experience and updating a policy.
 *
 * A `Segment` (src/estimators/segment.ts) is what every psi_t estimator reads: per row (one
 * environment step), the reward and whether the episode ended there, plus the critic's values where
 * the estimator needs them. A `Batch` is a segment with the observations and actions that the surrogate loss needs, and says
 * what the surrogate divides by (`divisor`: the number of trajectories for REINFORCE's
 * (1/M) sum_i sum_t, or the number of rows for a mean over steps).
 *
 * `joinEpisodes` is the one assembler of whole episodes into a batch (the collector's and
 * `toBatch`'s, which flattens nested `Episode` objects); `episodesOf(batch)` gives the episodes of a
 * batch back as `Episode` views for notebooks.
 */
import type { Episode } from "../envs/record";
import { type Segment, type Span, spans } from "../estimators/segment";

export type { PsiEstimator, Segment, Span } from "../estimators/segment";
export { endsAt, rowIndex, spans, stepsPerCopy } from "../estimators/segment";

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

/** One whole episode as flat rows, for `joinEpisodes`. */
export interface EpisodeRows {
  /** s_0 .. s_{T-1}: T x obsSize numbers. */
  observations: ArrayLike<number>;
  /** a_0 .. a_{T-1}: T x actionSize numbers. */
  actions: ArrayLike<number>;
  /** r_1 .. r_T. */
  rewards: ArrayLike<number>;
  /** The episode ended in a terminal state (else a time limit cut it). */
  terminated: boolean;
  /** s_T, the final observation: obsSize numbers. */
  final: ArrayLike<number>;
  /** Undiscounted return and length, as the environment counted them. */
  return: number;
  length: number;
}

/**
 * The one episode assembler: whole episodes laid end to end as a batch (copies = 1), each ending at
 * its last row (terminated or truncated), with its final observation, return and length. Used by the
 * collector (`episodes`, `count`, `group`) and by `toBatch`. Episodes without rows are left out.
 * `observations`, if given, is the buffer to write the rows' observations into (rows x obsSize).
 */
export function joinEpisodes(episodes: EpisodeRows[], shape: { obsSize: number; actionSize: number; gamma: number; divisor: number }, observations?: Float32Array): Batch {
  const { obsSize: od, actionSize: ad } = shape;
  const kept = episodes.filter((e) => e.rewards.length > 0);
  const rows = kept.reduce((n, e) => n + e.rewards.length, 0);
  const b = emptyBatch(rows, 1, od, ad, shape.divisor, observations);
  b.gamma = shape.gamma;
  const ends = new Int32Array(kept.length);
  const finals = new Float32Array(kept.length * od);
  let row = 0;
  kept.forEach((e, j) => {
    b.observations.set(e.observations, row * od);
    b.actions.set(e.actions, row * ad);
    b.rewards.set(e.rewards, row);
    row += e.rewards.length;
    ends[j] = row - 1;
    if (e.terminated) b.terminated[row - 1] = 1;
    else b.truncated[row - 1] = 1;
    finals.set(e.final, j * od);
    b.episodeReturns.push(e.return);
    b.episodeLengths.push(e.length);
  });
  return { ...b, ends, finalObservations: finals };
}

/** Rows of numbers or numeric arrays as one float32 vector of `count` rows of width `w`. */
function flatRows(xs: readonly unknown[], count: number, w: number): Float32Array {
  const out = new Float32Array(count * w);
  for (let t = 0; t < count; t++) put(out, t, w, xs[t]);
  return out;
}

/**
 * Whole episodes as one batch (copies = 1, episodes end to end; divisor = the number of episodes),
 * through `joinEpisodes`. Observations that are numbers (state indices) become one column, arrays
 * their entries; an episode that ended with neither flag (cut off by a step cap) counts as truncated.
 */
export function toBatch<Obs, Act>(episodes: Episode<Obs, Act>[], gamma = 1): Batch {
  if (!Array.isArray(episodes) || episodes.length === 0) throw new RangeError(`toBatch: expected at least one episode; received ${Array.isArray(episodes) ? "none" : String(episodes)}.`);
  const first = episodes.find((e) => e.actions.length > 0) ?? episodes[0];
  const obsSize = width(first.observations[0]);
  const actionSize = first.actions.length ? width(first.actions[0]) : 1;
  const rows = episodes.map((e, i) => {
    const T = e.actions.length;
    if (e.observations.length !== T + 1 || e.rewards.length !== T) {
      throw new RangeError(`toBatch: episode ${i} has ${e.observations.length} observations, ${T} actions and ${e.rewards.length} rewards; expected T + 1, T and T.`);
    }
    return {
      observations: flatRows(e.observations, T, obsSize),
      actions: flatRows(e.actions, T, actionSize),
      rewards: e.rewards,
      terminated: e.terminated,
      final: flatRows([e.observations[T]], 1, obsSize),
      return: e.rewards.reduce((s, r) => s + r, 0),
      length: T,
    };
  });
  return joinEpisodes(rows, { obsSize, actionSize, gamma, divisor: episodes.length });
}

/** A batch of zeros with the given shape (filled in by the collector or `toBatch`). */
export function emptyBatch(rows: number, copies: number, obsSize: number, actionSize: number, divisor: number, observations: Float32Array = new Float32Array(rows * obsSize)): Batch {
  return {
    rows,
    copies,
    gamma: 1,
    rewards: new Float64Array(rows),
    terminated: new Uint8Array(rows),
    truncated: new Uint8Array(rows),
    observations,
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
