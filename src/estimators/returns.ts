/**
 * The psi_t estimators of the policy gradient, as pure functions on one trajectory.
 *
 * Conventions (see NOTATION.md): `rewards[t]` is r_{t+1}, the reward that follows action a_t, for
 * t = 0 .. T-1. `values[t]` is V(s_t) for t = 0 .. T (T + 1 values, the last for the final state s_T).
 * Termination versus truncation is data, passed as `terminated`: a terminated trajectory ends in a
 * terminal state whose value is 0 whatever `values[T]` says; a truncated one (cut off by a time limit)
 * bootstraps from `values[T]` = V(s_T).
 */

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

function checkValues(fn: string, values: ArrayLike<number>, T: number): void {
  if (values === null || typeof values !== "object" || values.length !== T + 1) {
    where(fn, `values must hold V(s_0) .. V(s_T): ${T + 1} numbers for ${T} rewards; received ${values === null || typeof values !== "object" ? String(values) : values.length}.`);
  }
  for (let t = 0; t <= T; t++) if (!Number.isFinite(values[t])) where(fn, `values[${t}] is ${values[t]}; expected a finite number.`);
}

function checkTerminated(fn: string, terminated: unknown): void {
  if (typeof terminated !== "boolean") {
    throw new TypeError(`${fn}: terminated must be true (the episode reached a terminal state) or false (it was truncated); received ${String(terminated)}.`);
  }
}

/**
 * R(tau) = sum_{t=0}^{T-1} gamma^t r_{t+1}: the (discounted) return of the whole trajectory.
 * Example: rewards [1, 1, 1], gamma 0.5 -> 1 + 0.5 + 0.25 = 1.75. Derived in notebook 01.
 */
export function totalReturn(rewards: ArrayLike<number>, gamma = 1): number {
  checkRewards("totalReturn", rewards);
  checkGamma("totalReturn", gamma);
  let g = 0;
  for (let t = rewards.length - 1; t >= 0; t--) g = rewards[t] + gamma * g;
  return g;
}

/**
 * Reward-to-go R_t = sum_{k=0}^{T-t-1} gamma^k r_{t+k+1}, by R_t = r_{t+1} + gamma R_{t+1}, R_T = 0.
 * Example: rewards [1, 2, 3], gamma 1 -> [6, 5, 3]. Derived in notebook 03.
 */
export function rewardToGo(rewards: ArrayLike<number>, gamma = 1): Float64Array {
  checkRewards("rewardToGo", rewards);
  checkGamma("rewardToGo", gamma);
  const out = new Float64Array(rewards.length);
  let g = 0;
  for (let t = rewards.length - 1; t >= 0; t--) out[t] = g = rewards[t] + gamma * g;
  return out;
}

/**
 * Discounted returns that bootstrap where the trajectory was cut off: R_t = r_{t+1} + gamma R_{t+1},
 * with R_T = 0 if `terminated`, else R_T = lastValue = V(s_T) (required for truncated trajectories).
 * Example: rewards [1, 1], gamma 0.5, truncated with V(s_2) = 4 -> [1 + 0.5 (1 + 0.5 * 4), 1 + 0.5 * 4] = [2.5, 3].
 */
export function discountedReturns(args: { rewards: ArrayLike<number>; gamma: number; terminated: boolean; lastValue?: number }): Float64Array {
  const fn = "discountedReturns";
  checkRewards(fn, args.rewards);
  checkGamma(fn, args.gamma);
  checkTerminated(fn, args.terminated);
  if (!args.terminated && (args.lastValue === undefined || !Number.isFinite(args.lastValue))) {
    where(fn, `a truncated trajectory needs lastValue = V(s_T) to bootstrap from; received ${String(args.lastValue)}.`);
  }
  const out = new Float64Array(args.rewards.length);
  let g = args.terminated ? 0 : (args.lastValue as number);
  for (let t = args.rewards.length - 1; t >= 0; t--) out[t] = g = args.rewards[t] + args.gamma * g;
  return out;
}

export interface ValueArgs {
  rewards: ArrayLike<number>;
  /** V(s_0) .. V(s_T): T + 1 values. */
  values: ArrayLike<number>;
  gamma: number;
  /** true: s_T is terminal (bootstrap from 0); false: truncated (bootstrap from values[T]). */
  terminated: boolean;
}

function prepare(fn: string, a: ValueArgs): { T: number; v: Float64Array } {
  checkRewards(fn, a.rewards);
  checkGamma(fn, a.gamma);
  checkTerminated(fn, a.terminated);
  const T = a.rewards.length;
  checkValues(fn, a.values, T);
  const v = Float64Array.from(a.values);
  if (a.terminated) v[T] = 0;
  return { T, v };
}

/**
 * TD errors delta_t = r_{t+1} + gamma V(s_{t+1}) - V(s_t), with V(s_T) = 0 if terminated.
 * Example: rewards [1], values [2, 5], gamma 0.5: terminated -> [-1]; truncated -> [1.5]. Notebook 05.
 */
export function tdErrors(a: ValueArgs): Float64Array {
  const { T, v } = prepare("tdErrors", a);
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) out[t] = a.rewards[t] + a.gamma * v[t + 1] - v[t];
  return out;
}

/**
 * n-step returns R_t^(n) = sum_{k=0}^{m-1} gamma^k r_{t+k+1} + gamma^m V(s_{t+m}), m = min(n, T - t)
 * (so with n >= T and a terminated trajectory it is the Monte Carlo return). Notebook 06.
 * Example: rewards [1, 1, 1], values [0, 0, 0, 0], gamma 1, n 2, terminated -> [2, 2, 1].
 */
export function nStepReturns(a: ValueArgs & { n: number }): Float64Array {
  const fn = "nStepReturns";
  const { T, v } = prepare(fn, a);
  if (!Number.isSafeInteger(a.n) || a.n < 1) where(fn, `n must be an integer >= 1; received ${String(a.n)}.`);
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const m = Math.min(a.n, T - t);
    let g = 0;
    let discount = 1;
    for (let k = 0; k < m; k++) {
      g += discount * a.rewards[t + k];
      discount *= a.gamma;
    }
    out[t] = g + discount * v[t + m];
  }
  return out;
}

/** n-step advantages R_t^(n) - V(s_t). Notebook 06. */
export function nStepAdvantages(a: ValueArgs & { n: number }): Float64Array {
  const r = nStepReturns(a);
  for (let t = 0; t < r.length; t++) r[t] -= a.values[t];
  return r;
}

/**
 * Generalised advantage estimation (Schulman et al., 2016):
 * A_t = sum_k (gamma lambda)^k delta_{t+k}, by A_t = delta_t + gamma lambda A_{t+1}, A_T = 0.
 * lambda = 0 gives the TD error; lambda = 1 gives R_t - V(s_t) (bootstrapped if truncated). Notebook 07.
 * Example: deltas [1, 1], gamma lambda = 0.5 -> [1.5, 1].
 */
export function gae(a: ValueArgs & { lambda: number }): Float64Array {
  checkGamma("gae", a.lambda, "lambda");
  const delta = tdErrors(a);
  const gl = a.gamma * a.lambda;
  let acc = 0;
  for (let t = delta.length - 1; t >= 0; t--) delta[t] = acc = delta[t] + gl * acc;
  return delta;
}

/** psi_t = Q(s_t, a_t) from a table or function (e.g. the exact Q^pi or a critic). Notebook 05. */
export function qPsi<S, A>(states: ArrayLike<S>, actions: ArrayLike<A>, q: ((s: S, a: A) => number) | number[][]): Float64Array {
  if (states.length < actions.length) where("qPsi", `expected a state for each of the ${actions.length} actions; received ${states.length} states.`);
  const f = typeof q === "function" ? q : (s: S, a: A) => (q as number[][])[s as unknown as number][a as unknown as number];
  const out = new Float64Array(actions.length);
  for (let t = 0; t < actions.length; t++) {
    out[t] = f(states[t], actions[t]);
    if (!Number.isFinite(out[t])) where("qPsi", `Q(s_${t}, a_${t}) is ${out[t]}; expected a finite number.`);
  }
  return out;
}

/** psi_t = A(s_t, a_t) = Q(s_t, a_t) - V(s_t) from tables (e.g. `exact.advantages`). Notebook 06. */
export function advantagePsi<S, A>(states: ArrayLike<S>, actions: ArrayLike<A>, advantage: ((s: S, a: A) => number) | number[][]): Float64Array {
  return qPsi(states, actions, advantage);
}
