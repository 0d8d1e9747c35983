/** Tabular critics: one number per state (V) or per state and action (Q). */
import { type ActionValueCritic, type ValueCritic, checkCount, checkIndex, checkLr, checkTargets } from "./critic";

/**
 * A table updated by err * lr, or with `lr: "average"` by err / (visits): the entry is then the running
 * mean of its targets.
 */
class Table {
  readonly entries: Float64Array;
  private readonly visits: Float64Array;
  constructor(n: number, private readonly lr: number | "average", initial: number) {
    this.entries = new Float64Array(n).fill(initial);
    this.visits = new Float64Array(n);
  }
  resetCounts(): void {
    this.visits.fill(0);
  }
  /** One pass over (key, target) pairs; returns the mean squared error before it. */
  update(n: number, key: (i: number) => number, targets: ArrayLike<number>): number {
    let mse = 0;
    for (let i = 0; i < n; i++) {
      const k = key(i);
      const err = targets[i] - this.entries[k];
      mse += (err * err) / n;
      this.visits[k]++;
      this.entries[k] += (this.lr === "average" ? 1 / this.visits[k] : this.lr) * err;
    }
    return mse;
  }
}

/**
 * Tabular V(s). With `lr: "average"` each update uses step 1 / (visits of s): V(s) is then the
 * running mean of its targets.
 */
export class TabularValue implements ValueCritic<number> {
  readonly values: Float64Array;
  private readonly table: Table;
  constructor(readonly config: { nStates: number; lr: number | "average"; initial?: number }) {
    checkCount("TabularValue", "nStates", config?.nStates);
    if (config.lr !== "average") checkLr("TabularValue", config.lr);
    this.table = new Table(config.nStates, config.lr, config.initial ?? 0);
    this.values = this.table.entries;
  }
  value(s: number): number {
    return this.values[checkIndex("TabularValue.value", "state", s, this.values.length)];
  }
  valuesOf(observations: ArrayLike<number>, n: number): Float64Array {
    return Float64Array.from({ length: n }, (_, i) => this.value(observations[i]));
  }
  /**
   * Start a new averaging window (with `lr: "average"`): one pass over a batch then computes, per
   * state, the mean of its targets, so repeated passes are iterations of batch policy evaluation.
   */
  resetCounts(): void {
    this.table.resetCounts();
  }
  fit(states: number[], targets: ArrayLike<number>): number {
    return this.fitRows(states, targets);
  }
  fitRows(states: ArrayLike<number>, targets: ArrayLike<number>): number {
    checkTargets("TabularValue.fit", states.length, targets);
    return this.table.update(states.length, (i) => checkIndex("TabularValue.fit", "state", states[i], this.values.length), targets);
  }
}

/** Tabular Q(s, a). `lr: "average"` uses 1 / (visits of (s, a)). */
export class TabularActionValue implements ActionValueCritic<number> {
  readonly table: Float64Array;
  readonly nActions: number;
  private readonly t: Table;
  constructor(readonly config: { nStates: number; nActions: number; lr: number | "average"; initial?: number }) {
    checkCount("TabularActionValue", "nStates", config?.nStates);
    checkCount("TabularActionValue", "nActions", config?.nActions);
    if (config.lr !== "average") checkLr("TabularActionValue", config.lr);
    this.nActions = config.nActions;
    this.t = new Table(config.nStates * config.nActions, config.lr, config.initial ?? 0);
    this.table = this.t.entries;
  }
  q(s: number, a: number): number {
    checkIndex("TabularActionValue.q", "state", s, this.config.nStates);
    return this.table[s * this.nActions + checkIndex("TabularActionValue.q", "action", a, this.nActions)];
  }
  qRows(observations: ArrayLike<number>, n: number): Float64Array {
    const out = new Float64Array(n * this.nActions);
    for (let i = 0; i < n; i++) {
      const s = checkIndex("TabularActionValue.q", "state", observations[i], this.config.nStates);
      out.set(this.table.subarray(s * this.nActions, (s + 1) * this.nActions), i * this.nActions);
    }
    return out;
  }
  /** Start a new averaging window (see `TabularValue.resetCounts`). */
  resetCounts(): void {
    this.t.resetCounts();
  }
  /** Q as rows Q[s][a]. */
  rows(): number[][] {
    return Array.from({ length: this.config.nStates }, (_, s) => Array.from(this.table.subarray(s * this.nActions, (s + 1) * this.nActions)));
  }
  fit(states: number[], actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    return this.fitRows(states, actions, targets);
  }
  fitRows(states: ArrayLike<number>, actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    checkTargets("TabularActionValue.fit", states.length, targets);
    const key = (i: number) =>
      checkIndex("TabularActionValue.fit", "state", states[i], this.config.nStates) * this.nActions + checkIndex("TabularActionValue.fit", "action", actions[i], this.nActions);
    return this.t.update(states.length, key, targets);
  }
}
