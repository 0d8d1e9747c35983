/**
 * The seam's types: a `Segment` is what every psi_t estimator (src/estimators/returns.ts) and every
 * baseline (src/baselines) reads, a `PsiEstimator` is the estimator's signature; and the episodes of a
 * segment as spans of rows. Rows are `steps x copies`, time-major: row `t * copies + i` is step t of
 * copy i. A list of whole episodes laid end to end is the case `copies = 1`; a vector environment's
 * n-step segment is `copies = numEnvs`, and its episodes may start and end anywhere inside it.
 * Termination is data, per row (as in DeepMind's rlax): `terminated` says s_{t+1} is terminal (its
 * value counts 0); `truncated` says the episode was cut after this row by a time limit (s_{t+1} has a
 * future: bootstrap from V(s_{t+1})). Either one ends the episode, so a recursion such as
 * R_t = r_{t+1} + gamma R_{t+1} stops there. The collector's `Batch` (src/rollout/batch.ts) is a
 * segment with observations and actions.
 */

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
