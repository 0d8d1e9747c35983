/**
 * The psi_t estimators of the policy gradient, as pure functions.
 *
 * Every estimator takes a `Segment` (src/estimators/segment.ts): rows of experience (steps x copies,
 * time-major) with, per row, the reward r_{t+1}, whether s_{t+1} is terminal (`terminated`) and
 * whether a time limit cut the episode there (`truncated`), plus the critic's values where it needs
 * them. Termination is data: an episode may end anywhere in a segment, several copies may be
 * interleaved, and a truncated episode bootstraps from the value of its final observation. This is
 * the signature the algorithms call (`psi` of `reinforce` and `actorCritic`, `advantage` of `a2c`),
 * so a function written the same way trains too.
 *
 * The per-trajectory forms that notebooks use stay: `rewardToGo(rewards, gamma)`,
 * `totalReturn(rewards, gamma)`, and `{ rewards, values, gamma, terminated: boolean }` with T + 1
 * values V(s_0) .. V(s_T) (the last for the final state). Conventions (NOTATION.md): `rewards[t]` is
 * r_{t+1}, the reward that follows a_t.
 */
import { type Segment, endsAt, stepsPerCopy } from "../estimators/segment";

function where(fn: string, message: string): never {
  throw new RangeError(`${fn}: ${message}`);
}

export function checkGamma(fn: string, gamma: number, name = "gamma"): void {
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) where(fn, `${name} must be in [0, 1]; received ${String(gamma)}.`);
}

export function checkRewards(fn: string, rewards: ArrayLike<number>): void {
  if (rewards === null || typeof rewards !== "object" || typeof rewards.length !== "number") {
    throw new TypeError(`${fn}: rewards must be an array of numbers; received ${String(rewards)}.`);
  }
  for (let t = 0; t < rewards.length; t++) {
    if (typeof rewards[t] !== "number" || !Number.isFinite(rewards[t])) where(fn, `rewards[${t}] is ${String(rewards[t])}; expected a finite number.`);
  }
}

function checkTerminated(fn: string, terminated: unknown): void {
  if (typeof terminated !== "boolean") {
    throw new TypeError(`${fn}: terminated must be true (the episode reached a terminal state) or false (it was truncated); received ${String(terminated)}.`);
  }
}

/** Per-trajectory arguments: T rewards, T + 1 values, and how the trajectory ended. */
export interface ValueArgs {
  rewards: ArrayLike<number>;
  /** V(s_0) .. V(s_T): T + 1 values. */
  values: ArrayLike<number>;
  gamma: number;
  /** true: s_T is terminal (bootstrap from 0); false: truncated (bootstrap from values[T]). */
  terminated: boolean;
}

type Needs = "values" | "nextValues" | "q";
const NEEDS: Record<Needs, string> = {
  values: "V(s_t) for every row",
  nextValues: "V(s_{t+1}) for every row (the final observation's value where an episode was cut)",
  q: "Q(s_t, a_t) for every row",
};

/** A checked segment (either form), with its shape. */
interface Checked {
  s: Segment;
  rows: number;
  steps: number;
  copies: number;
}

/** Accept a segment, or the per-trajectory form (T + 1 values, one `terminated` flag), and check what `fn` reads. */
function segmentOf(fn: string, a: Segment | ValueArgs, needs: Needs[] = []): Checked {
  if (a === null || typeof a !== "object") throw new TypeError(`${fn}: expected a segment { rewards, terminated, gamma, ... }; received ${String(a)}.`);
  checkRewards(fn, a.rewards);
  checkGamma(fn, a.gamma);
  const T = a.rewards.length;
  let s: Segment;
  if (typeof a.terminated !== "object" || a.terminated === null) {
    checkTerminated(fn, a.terminated);
    const v = (a as ValueArgs).values;
    if (needs.length) {
      if (v === null || typeof v !== "object" || v.length !== T + 1) {
        where(fn, `values must hold V(s_0) .. V(s_T): ${T + 1} numbers for ${T} rewards; received ${v === null || typeof v !== "object" ? String(v) : v.length}.`);
      }
      for (let t = 0; t <= T; t++) if (!Number.isFinite(v[t])) where(fn, `values[${t}] is ${v[t]}; expected a finite number.`);
    }
    const terminated = new Uint8Array(T);
    if (T > 0 && a.terminated) terminated[T - 1] = 1;
    s = { ...a, terminated, truncated: undefined, copies: 1, values: v ? Array.prototype.slice.call(v, 0, T) : undefined, nextValues: v ? Array.prototype.slice.call(v, 1, T + 1) : undefined };
  } else {
    s = a as Segment;
    const flags = (name: "terminated" | "truncated", x: unknown, optional: boolean) => {
      if (x === undefined && optional) return;
      if (x === null || typeof x !== "object" || (x as ArrayLike<unknown>).length !== T) {
        where(fn, `${name} must have one entry per row (${T}); received ${x === null || typeof x !== "object" ? String(x) : (x as ArrayLike<unknown>).length}.`);
      }
    };
    flags("terminated", s.terminated, false);
    flags("truncated", s.truncated, true);
  }
  const { steps, copies } = stepsPerCopy(fn, s);
  for (const need of needs) {
    const x = s[need];
    if (x === undefined || x === null) where(fn, `segment.${need} is missing: ${fn} needs ${NEEDS[need]} (an algorithm fills it from its critic).`);
    if (x.length !== T) where(fn, `segment.${need} must have one entry per row (${T}); received ${x.length}.`);
    for (let k = 0; k < T; k++) {
      if (need === "nextValues" && s.terminated[k]) continue; // not read
      if (!Number.isFinite(x[k])) where(fn, `segment.${need}[${k}] is ${x[k]}; expected a finite number.`);
    }
  }
  return { s, rows: T, steps, copies };
}

/** Run `body(k)` for each copy's rows from last to first, with `first` true at each episode's last row. */
function backwards(c: Checked, body: (k: number, restart: boolean) => void): void {
  for (let i = 0; i < c.copies; i++) {
    for (let t = c.steps - 1; t >= 0; t--) {
      const k = t * c.copies + i;
      body(k, t === c.steps - 1 || endsAt(c.s, k));
    }
  }
}

/** The bootstrap value after row k: 0 if s_{t+1} is terminal, else V(s_{t+1}). */
function boot(s: Segment, k: number): number {
  return s.terminated[k] ? 0 : (s.nextValues as ArrayLike<number>)[k];
}

/**
 * R(tau) = sum_{t=0}^{T-1} gamma^t r_{t+1}: the (discounted) return of the whole trajectory.
 * Example: rewards [1, 1, 1], gamma 0.5 -> 1 + 0.5 + 0.25 = 1.75. Lecture: "Policy search".
 * With a segment: per row, the return of the row's episode from its first row in the segment
 * (psi_t = R(tau) for every step of tau).
 */
export function totalReturn(rewards: ArrayLike<number>, gamma?: number): number;
export function totalReturn(segment: Segment): Float64Array;
export function totalReturn(a: ArrayLike<number> | Segment, gamma = 1): number | Float64Array {
  if (isSegment(a)) {
    const c = segmentOf("totalReturn", a);
    const togo = rewardToGoRows(c);
    const out = new Float64Array(c.rows);
    for (let i = 0; i < c.copies; i++) {
      let first = i;
      for (let t = 0; t < c.steps; t++) {
        const k = t * c.copies + i;
        out[k] = togo[first];
        if (endsAt(c.s, k)) first = k + c.copies;
      }
    }
    return out;
  }
  checkRewards("totalReturn", a);
  checkGamma("totalReturn", gamma);
  let g = 0;
  for (let t = a.length - 1; t >= 0; t--) g = a[t] + gamma * g;
  return g;
}

function isSegment(a: unknown): a is Segment {
  return a !== null && typeof a === "object" && !ArrayBuffer.isView(a) && !Array.isArray(a) && "rewards" in (a as object);
}

function rewardToGoRows(c: Checked): Float64Array {
  const out = new Float64Array(c.rows);
  const { rewards, gamma } = c.s;
  let g = 0;
  backwards(c, (k, restart) => {
    if (restart) g = 0;
    out[k] = g = rewards[k] + gamma * g;
  });
  return out;
}

/**
 * Reward-to-go R_t = sum_{k=0}^{T-t-1} gamma^k r_{t+k+1}, by R_t = r_{t+1} + gamma R_{t+1}, R_T = 0.
 * Example: rewards [1, 2, 3], gamma 1 -> [6, 5, 3]. Lecture: "Policy Gradient Theorem" (causality).
 * With a segment: per row, within its episode, 0 after an episode's end or the segment's last row
 * (Monte Carlo: no bootstrap, so a truncated episode counts as ended; see `discountedReturns`).
 */
export function rewardToGo(rewards: ArrayLike<number>, gamma?: number): Float64Array;
export function rewardToGo(segment: Segment): Float64Array;
export function rewardToGo(a: ArrayLike<number> | Segment, gamma = 1): Float64Array {
  if (isSegment(a)) return rewardToGoRows(segmentOf("rewardToGo", a));
  checkRewards("rewardToGo", a);
  checkGamma("rewardToGo", gamma);
  const out = new Float64Array(a.length);
  let g = 0;
  for (let t = a.length - 1; t >= 0; t--) out[t] = g = a[t] + gamma * g;
  return out;
}

/**
 * Discounted returns that bootstrap where the trajectory was cut off: R_t = r_{t+1} + gamma R_{t+1},
 * with R_T = 0 after a terminal state and R_T = V(s_T) after a truncation or at a segment's end.
 * Example: rewards [1, 1], gamma 0.5, truncated with V(s_2) = 4 -> [1 + 0.5 (1 + 0.5 * 4), 1 + 0.5 * 4] = [2.5, 3].
 * Per trajectory: `{ rewards, gamma, terminated, lastValue }` (lastValue = V(s_T), needed if truncated).
 */
export function discountedReturns(args: { rewards: ArrayLike<number>; gamma: number; terminated: boolean; lastValue?: number }): Float64Array;
export function discountedReturns(segment: Segment): Float64Array;
export function discountedReturns(a: Segment | { rewards: ArrayLike<number>; gamma: number; terminated: boolean; lastValue?: number }): Float64Array {
  const fn = "discountedReturns";
  let segment = a as Segment;
  if (a !== null && typeof a === "object" && typeof a.terminated !== "object") {
    const b = a as { rewards: ArrayLike<number>; gamma: number; terminated: boolean; lastValue?: number };
    checkRewards(fn, b.rewards);
    checkTerminated(fn, b.terminated);
    if (!b.terminated && (b.lastValue === undefined || !Number.isFinite(b.lastValue))) {
      where(fn, `a truncated trajectory needs lastValue = V(s_T) to bootstrap from; received ${String(b.lastValue)}.`);
    }
    const T = b.rewards.length;
    const terminated = new Uint8Array(T);
    const nextValues = new Float64Array(T);
    if (T > 0) {
      if (b.terminated) terminated[T - 1] = 1;
      else nextValues[T - 1] = b.lastValue as number;
    }
    segment = { rewards: b.rewards, gamma: b.gamma, terminated, nextValues };
  }
  const c = segmentOf(fn, segment, ["nextValues"]);
  const out = new Float64Array(c.rows);
  const { rewards, gamma } = c.s;
  let g = 0;
  backwards(c, (k, restart) => {
    if (restart) g = boot(c.s, k);
    out[k] = g = rewards[k] + gamma * g;
  });
  return out;
}

/**
 * TD errors delta_t = r_{t+1} + gamma V(s_{t+1}) - V(s_t), with V(s_{t+1}) = 0 if s_{t+1} is terminal.
 * Example: rewards [1], values [2, 5], gamma 0.5: terminated -> [-1]; truncated -> [1.5].
 * Lecture: "Many variants of the Policy Gradient" (the TD actor-critic).
 */
export function tdErrors(a: ValueArgs | Segment): Float64Array {
  const c = segmentOf("tdErrors", a, ["values", "nextValues"]);
  const { rewards, gamma } = c.s;
  const values = c.s.values as ArrayLike<number>;
  const out = new Float64Array(c.rows);
  for (let k = 0; k < c.rows; k++) out[k] = rewards[k] + gamma * boot(c.s, k) - values[k];
  return out;
}

function checkN(fn: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) where(fn, `n must be an integer >= 1; received ${String(n)}.`);
  return n;
}

/**
 * n-step returns R_t^(n) = sum_{k=0}^{m-1} gamma^k r_{t+k+1} + gamma^m V(s_{t+m}), where m = n, or fewer
 * steps if the episode or the segment ends first (so n >= T on a terminated trajectory gives the Monte
 * Carlo return). Example: rewards [1, 1, 1], values [0, 0, 0, 0], gamma 1, n 2, terminated -> [2, 2, 1].
 * Lecture: "Many variants of the Policy Gradient" (A3C/A2C).
 */
export function nStepReturns(a: (ValueArgs | Segment) & { n?: number }): Float64Array {
  const fn = "nStepReturns";
  const c = segmentOf(fn, a, ["values", "nextValues"]);
  const n = checkN(fn, a.n);
  const { rewards, gamma } = c.s;
  const out = new Float64Array(c.rows);
  for (let i = 0; i < c.copies; i++) {
    for (let t = 0; t < c.steps; t++) {
      let g = 0;
      let discount = 1;
      let k = t * c.copies + i;
      for (let j = 0; ; j++) {
        g += discount * rewards[k];
        discount *= gamma;
        if (j + 1 === n || t + j + 1 === c.steps || endsAt(c.s, k)) break;
        k += c.copies;
      }
      out[t * c.copies + i] = g + discount * boot(c.s, k);
    }
  }
  return out;
}

/** n-step advantages R_t^(n) - V(s_t). Lecture: "Many variants of the Policy Gradient" (A2C). */
export function nStepAdvantages(a: (ValueArgs | Segment) & { n?: number }): Float64Array {
  const r = nStepReturns(a);
  for (let t = 0; t < r.length; t++) r[t] -= a.values![t];
  return r;
}

/**
 * Generalised advantage estimation (Schulman et al., 2016):
 * A_t = sum_k (gamma lambda)^k delta_{t+k}, by A_t = delta_t + gamma lambda A_{t+1}, with A = 0 after an
 * episode's end or the segment's last row. lambda = 0 gives the TD error; lambda = 1 gives the
 * bootstrapped return minus V(s_t). Example: deltas [1, 1], gamma lambda = 0.5 -> [1.5, 1].
 * Lecture: "Many variants of the Policy Gradient" (GAE, as PPO uses it).
 */
export function gae(a: (ValueArgs | Segment) & { lambda?: number }): Float64Array {
  const c = segmentOf("gae", a, ["values", "nextValues"]);
  const lambda = a.lambda as number;
  checkGamma("gae", lambda, "lambda");
  const { rewards, gamma } = c.s;
  const values = c.s.values as ArrayLike<number>;
  const out = new Float64Array(c.rows);
  let acc = 0;
  backwards(c, (k, restart) => {
    if (restart) acc = 0;
    const delta = rewards[k] + gamma * boot(c.s, k) - values[k];
    out[k] = acc = delta + gamma * lambda * acc;
  });
  return out;
}

/**
 * psi_t = Q(s_t, a_t). With a segment: its `q` (e.g. the actor-critic's critic). Per trajectory: from a
 * table Q[s][a] or a function (e.g. the exact Q^pi). Lecture: "Policy Gradient Theorem".
 */
export function qPsi<S, A>(states: ArrayLike<S>, actions: ArrayLike<A>, q: ((s: S, a: A) => number) | number[][]): Float64Array;
export function qPsi(segment: Segment): Float64Array;
export function qPsi<S, A>(a: ArrayLike<S> | Segment, actions?: ArrayLike<A>, q?: ((s: S, a: A) => number) | number[][]): Float64Array {
  if (isSegment(a)) {
    const c = segmentOf("qPsi", a, ["q"]);
    return Float64Array.from(c.s.q as ArrayLike<number>);
  }
  const states = a as ArrayLike<S>;
  const acts = actions as ArrayLike<A>;
  if (states.length < acts.length) where("qPsi", `expected a state for each of the ${acts.length} actions; received ${states.length} states.`);
  const f = typeof q === "function" ? q : (s: S, b: A) => (q as number[][])[s as unknown as number][b as unknown as number];
  const out = new Float64Array(acts.length);
  for (let t = 0; t < acts.length; t++) {
    out[t] = f(states[t], acts[t]);
    if (!Number.isFinite(out[t])) where("qPsi", `Q(s_${t}, a_${t}) is ${out[t]}; expected a finite number.`);
  }
  return out;
}

/**
 * psi_t = A(s_t, a_t) = Q(s_t, a_t) - V(s_t). With a segment: its `q` minus its `values`. Per
 * trajectory: from a table or function (e.g. `exact.advantages`). Lecture: "Policy Gradient: reducing
 * the variance".
 */
export function advantagePsi<S, A>(states: ArrayLike<S>, actions: ArrayLike<A>, advantage: ((s: S, a: A) => number) | number[][]): Float64Array;
export function advantagePsi(segment: Segment): Float64Array;
export function advantagePsi<S, A>(a: ArrayLike<S> | Segment, actions?: ArrayLike<A>, advantage?: ((s: S, a: A) => number) | number[][]): Float64Array {
  if (isSegment(a)) {
    const c = segmentOf("advantagePsi", a, ["q", "values"]);
    const q = c.s.q as ArrayLike<number>;
    const v = c.s.values as ArrayLike<number>;
    return Float64Array.from(q, (x, k) => x - v[k]);
  }
  return qPsi(a as ArrayLike<S>, actions as ArrayLike<A>, advantage as ((s: S, b: A) => number) | number[][]);
}
