/**
 * What every critic shares: the interfaces, and the checks of their inputs.
 *
 * A critic is used two ways: one observation at a time (`value(s)`, `q(s, a)`, as notebooks do), and
 * on the rows of a `Batch` (`valuesOf`, `qOf`, `fitRows`), as the algorithms and `trainValue` /
 * `trainActionValue` do. Rows of observations are flat (rows x obsSize; a state index per row for
 * tabular critics).
 */

/** A state-value function V(s). */
export interface ValueCritic<Obs> {
  value(obs: Obs): number;
  /** One update towards the targets; returns the mean squared error before the update. */
  fit(observations: Obs[], targets: ArrayLike<number>): number;
  /** V of `n` observation rows. */
  valuesOf(observations: ArrayLike<number>, n: number): Float64Array;
  /** `fit` on observation rows. */
  fitRows(observations: Float32Array, targets: ArrayLike<number>): number;
}

/** An action-value function Q(s, a) over discrete actions. */
export interface ActionValueCritic<Obs> {
  readonly nActions: number;
  q(obs: Obs, action: number): number;
  fit(observations: Obs[], actions: ArrayLike<number>, targets: ArrayLike<number>): number;
  /** Q(s, .) of `n` observation rows: n x nActions, row-major. */
  qRows(observations: ArrayLike<number>, n: number): Float64Array;
  /** `fit` on observation rows and their actions. */
  fitRows(observations: Float32Array, actions: ArrayLike<number>, targets: ArrayLike<number>): number;
}

export function checkLr(fn: string, lr: unknown): number {
  if (typeof lr !== "number" || !(lr > 0 && Number.isFinite(lr))) throw new RangeError(`${fn}: lr must be a positive number; received ${String(lr)}.`);
  return lr;
}

export function checkTargets(fn: string, n: number, targets: ArrayLike<number>): void {
  if (targets.length !== n) throw new RangeError(`${fn}: ${n} observations but ${targets.length} targets; expected one target each.`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(targets[i])) throw new RangeError(`${fn}: target ${i} is ${targets[i]}; expected a finite number.`);
}

export function checkIndex(fn: string, what: string, v: unknown, n: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= n) throw new RangeError(`${fn}: ${what} must be an integer in 0 .. ${n - 1}; received ${String(v)}.`);
  return v;
}

export function checkCount(fn: string, what: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new RangeError(`${fn}: ${what} must be an integer >= 1; received ${String(v)}.`);
  return v as number;
}
