/**
 * Critics: state-value V(s) and action-value Q(s, a) estimates, tabular, linear or MLP (TF.js), each
 * trained on targets computed by the estimators:
 * - V by Monte Carlo (target R_t), TD(0) (r_{t+1} + gamma V(s_{t+1})) or n-step returns;
 * - Q by Monte Carlo (R(s, a) - Q(s, a))^2, SARSA (r + gamma Q(s', a') - Q(s, a))^2 or
 *   Q-learning (r + gamma max_a' Q(s', a') - Q(s, a))^2, as the lecture lists them.
 * Terminal next states count 0; truncated trajectories bootstrap from the last state.
 */
import type { Episode } from "../envs/record";
import { discountedReturns, nStepReturns, checkGamma } from "../estimators/returns";
import { Mlp, type Activation } from "../policies/mlp";
import { tf } from "../tf";

/** A value function of observations, trained on (observation, target) pairs by one step per call. */
export interface ValueCritic<Obs> {
  value(obs: Obs): number;
  /** One update towards the targets; returns the mean squared error before the update. */
  fit(observations: Obs[], targets: ArrayLike<number>): number;
}

/** An action-value function, trained on (observation, action, target) triples. */
export interface ActionValueCritic<Obs> {
  readonly nActions: number;
  q(obs: Obs, action: number): number;
  fit(observations: Obs[], actions: ArrayLike<number>, targets: ArrayLike<number>): number;
}

/** One optimiser step on `loss` over the network's variables; refreshes its snapshot; returns the loss before the step. */
function optimiserStep(optimizer: tf.Optimizer, net: Mlp, loss: () => tf.Scalar): number {
  const value = tf.tidy(() => optimizer.minimize(loss, true, net.vars) as tf.Scalar);
  const out = value.dataSync()[0];
  value.dispose();
  net.markUpdated();
  return out;
}

function checkLr(fn: string, lr: unknown): number {
  if (typeof lr !== "number" || !(lr > 0 && Number.isFinite(lr))) throw new RangeError(`${fn}: lr must be a positive number; received ${String(lr)}.`);
  return lr;
}

function checkTargets(fn: string, n: number, targets: ArrayLike<number>): void {
  if (targets.length !== n) throw new RangeError(`${fn}: ${n} observations but ${targets.length} targets; expected one target each.`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(targets[i])) throw new RangeError(`${fn}: target ${i} is ${targets[i]}; expected a finite number.`);
}

function checkIndex(fn: string, what: string, v: unknown, n: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= n) throw new RangeError(`${fn}: ${what} must be an integer in 0 .. ${n - 1}; received ${String(v)}.`);
  return v;
}

/**
 * Tabular V(s). With `lr: "average"` each update uses step 1 / (visits of s): V(s) is then the
 * running mean of its targets.
 */
export class TabularValue implements ValueCritic<number> {
  readonly values: Float64Array;
  private readonly visits: Float64Array;
  constructor(readonly config: { nStates: number; lr: number | "average"; initial?: number }) {
    if (!Number.isSafeInteger(config?.nStates) || config.nStates < 1) throw new RangeError(`TabularValue: nStates must be an integer >= 1; received ${String(config?.nStates)}.`);
    if (config.lr !== "average") checkLr("TabularValue", config.lr);
    this.values = new Float64Array(config.nStates).fill(config.initial ?? 0);
    this.visits = new Float64Array(config.nStates);
  }
  value(s: number): number {
    return this.values[checkIndex("TabularValue.value", "state", s, this.values.length)];
  }
  /**
   * Start a new averaging window (with `lr: "average"`): one pass over a batch then computes, per
   * state, the mean of its targets, so repeated passes are iterations of batch policy evaluation.
   */
  resetCounts(): void {
    this.visits.fill(0);
  }
  fit(states: number[], targets: ArrayLike<number>): number {
    checkTargets("TabularValue.fit", states.length, targets);
    let mse = 0;
    states.forEach((s, i) => {
      checkIndex("TabularValue.fit", "state", s, this.values.length);
      const err = targets[i] - this.values[s];
      mse += (err * err) / states.length;
      this.visits[s]++;
      const lr = this.config.lr === "average" ? 1 / this.visits[s] : this.config.lr;
      this.values[s] += lr * err;
    });
    return mse;
  }
}

/** Linear V(s) = w . phi(s), by stochastic gradient descent on the squared error. */
export class LinearValue implements ValueCritic<ArrayLike<number>> {
  readonly weights: Float64Array;
  constructor(readonly config: { nFeatures: number; lr: number }) {
    if (!Number.isSafeInteger(config?.nFeatures) || config.nFeatures < 1) throw new RangeError(`LinearValue: nFeatures must be an integer >= 1; received ${String(config?.nFeatures)}.`);
    checkLr("LinearValue", config.lr);
    this.weights = new Float64Array(config.nFeatures);
  }
  value(phi: ArrayLike<number>): number {
    if (phi.length !== this.weights.length) throw new RangeError(`LinearValue.value: expected ${this.weights.length} features; received ${phi.length}.`);
    let v = 0;
    for (let i = 0; i < phi.length; i++) v += this.weights[i] * phi[i];
    return v;
  }
  fit(observations: ArrayLike<number>[], targets: ArrayLike<number>): number {
    checkTargets("LinearValue.fit", observations.length, targets);
    let mse = 0;
    observations.forEach((phi, i) => {
      const err = targets[i] - this.value(phi);
      mse += (err * err) / observations.length;
      for (let k = 0; k < phi.length; k++) this.weights[k] += this.config.lr * err * phi[k];
    });
    return mse;
  }
}

/** MLP V(s) in TF.js, one Adam step on the mean squared error per `fit` (a batch). */
export class MlpValue implements ValueCritic<ArrayLike<number>> {
  readonly net: Mlp;
  readonly optimizer: tf.Optimizer;
  constructor(readonly config: { obsSize: number; hiddenSizes?: number[]; activation?: Activation; lr: number; seed?: number }) {
    checkLr("MlpValue", config?.lr);
    this.net = new Mlp({ inputSize: config.obsSize, hiddenSizes: config.hiddenSizes ?? [64, 64], outputSize: 1, activation: config.activation, outputGain: 1, seed: config.seed });
    this.optimizer = tf.train.adam(config.lr);
  }
  value(obs: ArrayLike<number>): number {
    return this.net.forward(obs)[0];
  }
  /** Values of a flat batch of observations [N * obsSize] (one `Mlp.forward` each, no TF.js). */
  values(observations: ArrayLike<number>, n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.net.forward(observations, i * this.config.obsSize)[0];
    return out;
  }
  fit(observations: ArrayLike<number>[], targets: ArrayLike<number>): number {
    checkTargets("MlpValue.fit", observations.length, targets);
    const flat = new Float32Array(observations.length * this.config.obsSize);
    observations.forEach((o, i) => flat.set(o, i * this.config.obsSize));
    return this.fitFlat(flat, Float32Array.from(targets));
  }
  /** One Adam step on observations [N * obsSize] and targets [N]; returns the loss before the step. */
  fitFlat(observations: Float32Array, targets: Float32Array): number {
    const n = targets.length;
    return optimiserStep(this.optimizer, this.net, () => {
      const x = tf.tensor2d(observations, [n, this.config.obsSize]);
      return tf.mean(tf.square(tf.sub(tf.reshape(this.net.apply(x), [-1]), tf.tensor1d(targets)))) as tf.Scalar;
    });
  }
  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
  }
}

/** Tabular Q(s, a). `lr: "average"` uses 1 / (visits of (s, a)). */
export class TabularActionValue implements ActionValueCritic<number> {
  readonly table: Float64Array;
  readonly nActions: number;
  private readonly visits: Float64Array;
  constructor(readonly config: { nStates: number; nActions: number; lr: number | "average"; initial?: number }) {
    for (const k of ["nStates", "nActions"] as const) {
      if (!Number.isSafeInteger(config?.[k]) || config[k] < 1) throw new RangeError(`TabularActionValue: ${k} must be an integer >= 1; received ${String(config?.[k])}.`);
    }
    if (config.lr !== "average") checkLr("TabularActionValue", config.lr);
    this.nActions = config.nActions;
    this.table = new Float64Array(config.nStates * config.nActions).fill(config.initial ?? 0);
    this.visits = new Float64Array(config.nStates * config.nActions);
  }
  q(s: number, a: number): number {
    checkIndex("TabularActionValue.q", "state", s, this.config.nStates);
    return this.table[s * this.nActions + checkIndex("TabularActionValue.q", "action", a, this.nActions)];
  }
  /** Start a new averaging window (see `TabularValue.resetCounts`). */
  resetCounts(): void {
    this.visits.fill(0);
  }
  /** Q as rows Q[s][a]. */
  rows(): number[][] {
    return Array.from({ length: this.config.nStates }, (_, s) => Array.from(this.table.subarray(s * this.nActions, (s + 1) * this.nActions)));
  }
  fit(states: number[], actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    checkTargets("TabularActionValue.fit", states.length, targets);
    let mse = 0;
    states.forEach((s, i) => {
      const k = checkIndex("TabularActionValue.fit", "state", s, this.config.nStates) * this.nActions + checkIndex("TabularActionValue.fit", "action", actions[i], this.nActions);
      const err = targets[i] - this.table[k];
      mse += (err * err) / states.length;
      this.visits[k]++;
      this.table[k] += (this.config.lr === "average" ? 1 / this.visits[k] : this.config.lr) * err;
    });
    return mse;
  }
}

/** Linear Q(s, a) = w_a . phi(s) (one weight vector per action), by SGD. */
export class LinearActionValue implements ActionValueCritic<ArrayLike<number>> {
  readonly weights: Float64Array;
  readonly nActions: number;
  constructor(readonly config: { nFeatures: number; nActions: number; lr: number }) {
    checkLr("LinearActionValue", config?.lr);
    this.nActions = config.nActions;
    this.weights = new Float64Array(config.nFeatures * config.nActions);
  }
  q(phi: ArrayLike<number>, a: number): number {
    checkIndex("LinearActionValue.q", "action", a, this.nActions);
    if (phi.length !== this.config.nFeatures) throw new RangeError(`LinearActionValue.q: expected ${this.config.nFeatures} features; received ${phi.length}.`);
    let v = 0;
    for (let i = 0; i < phi.length; i++) v += this.weights[a * phi.length + i] * phi[i];
    return v;
  }
  fit(observations: ArrayLike<number>[], actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    checkTargets("LinearActionValue.fit", observations.length, targets);
    let mse = 0;
    observations.forEach((phi, i) => {
      const a = actions[i];
      const err = targets[i] - this.q(phi, a);
      mse += (err * err) / observations.length;
      for (let k = 0; k < phi.length; k++) this.weights[a * phi.length + k] += this.config.lr * err * phi[k];
    });
    return mse;
  }
}

/** MLP Q(s, .) in TF.js: one output per action; one Adam step per `fit`. */
export class MlpActionValue implements ActionValueCritic<ArrayLike<number>> {
  readonly net: Mlp;
  readonly optimizer: tf.Optimizer;
  readonly nActions: number;
  constructor(readonly config: { obsSize: number; nActions: number; hiddenSizes?: number[]; activation?: Activation; lr: number; seed?: number }) {
    checkLr("MlpActionValue", config?.lr);
    this.nActions = config.nActions;
    this.net = new Mlp({ inputSize: config.obsSize, hiddenSizes: config.hiddenSizes ?? [64, 64], outputSize: config.nActions, activation: config.activation, outputGain: 1, seed: config.seed });
    this.optimizer = tf.train.adam(config.lr);
  }
  q(obs: ArrayLike<number>, a: number): number {
    return this.net.forward(obs)[checkIndex("MlpActionValue.q", "action", a, this.nActions)];
  }
  fit(observations: ArrayLike<number>[], actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    checkTargets("MlpActionValue.fit", observations.length, targets);
    const n = observations.length;
    return optimiserStep(this.optimizer, this.net, () => {
      const x = tf.tensor2d(observations.map((o) => Array.from(o)), [n, this.config.obsSize]);
      const mask = tf.oneHot(tf.tensor1d(Array.from(actions), "int32"), this.nActions);
      return tf.mean(tf.square(tf.sub(tf.sum(tf.mul(this.net.apply(x), mask), 1), tf.tensor1d(Array.from(targets))))) as tf.Scalar;
    });
  }
  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
  }
}

/**
 * One pass of V-critic training over trajectories: the targets of every step are computed first, with
 * the critic as it is, then the critic takes one `fit` on all of them (for a tabular critic with
 * `lr: "average"`, each state's value becomes the mean of its targets: repeated passes are iterations
 * of batch policy evaluation). Targets: Monte Carlo R_t (a truncated trajectory bootstraps from
 * V(s_T)), TD(0) r_{t+1} + gamma V(s_{t+1}) (0 after a terminal state) or n-step returns.
 * Returns the mean squared error before the update.
 */
export function trainValue<Obs>(critic: ValueCritic<Obs>, episodes: Episode<Obs, unknown>[], options: { method: "mc" | "td0" | "nstep"; gamma: number; n?: number }): number {
  checkGamma("trainValue", options.gamma);
  const observations: Obs[] = [];
  const targets: number[] = [];
  for (const ep of episodes) {
    const T = ep.actions.length;
    if (T === 0) continue;
    const values = ep.observations.map((o) => critic.value(o));
    const args = { rewards: ep.rewards, values, gamma: options.gamma, terminated: ep.terminated };
    const t =
      options.method === "mc"
        ? discountedReturns({ rewards: ep.rewards, gamma: options.gamma, terminated: ep.terminated, lastValue: values[T] })
        : nStepReturns({ ...args, n: options.method === "td0" ? 1 : options.n ?? 5 });
    observations.push(...ep.observations.slice(0, T));
    targets.push(...t);
  }
  return observations.length ? critic.fit(observations, targets) : 0;
}

/**
 * One pass of Q-critic training over trajectories, targets first (with the critic as it is), then one
 * `fit`: Monte Carlo (target R_t), SARSA (r + gamma Q(s', a') with the action actually taken next) or
 * Q-learning (r + gamma max_a' Q(s', a')); 0 after a terminal state. The last step of a truncated
 * trajectory has no next action: SARSA then bootstraps from max_a' Q(s_T, a'), as Monte Carlo does
 * from the tail. `fitSteps` > 1 repeats the fit on the same targets (for network critics, whose one
 * fit is one optimiser step). Returns the mean squared error before the update.
 */
export function trainActionValue<Obs>(
  critic: ActionValueCritic<Obs>,
  episodes: Episode<Obs, number>[],
  options: { method: "mc" | "sarsa" | "qlearning"; gamma: number; fitSteps?: number },
): number {
  checkGamma("trainActionValue", options.gamma);
  const fitSteps = options.fitSteps ?? 1;
  if (!Number.isSafeInteger(fitSteps) || fitSteps < 1) throw new RangeError(`trainActionValue: fitSteps must be an integer >= 1; received ${String(options.fitSteps)}.`);
  const { gamma } = options;
  const maxQ = (o: Obs) => {
    let m = -Infinity;
    for (let a = 0; a < critic.nActions; a++) m = Math.max(m, critic.q(o, a));
    return m;
  };
  const observations: Obs[] = [];
  const actions: number[] = [];
  const targets: number[] = [];
  for (const ep of episodes) {
    const T = ep.actions.length;
    if (options.method === "mc") {
      const tail = ep.terminated ? 0 : maxQ(ep.observations[T]);
      targets.push(...discountedReturns({ rewards: ep.rewards, gamma, terminated: ep.terminated, lastValue: tail }));
    } else {
      for (let t = 0; t < T; t++) {
        const last = t + 1 === T;
        let next = 0;
        if (!(last && ep.terminated)) {
          const o = ep.observations[t + 1];
          next = options.method === "qlearning" || last ? maxQ(o) : critic.q(o, ep.actions[t + 1]);
        }
        targets.push(ep.rewards[t] + gamma * next);
      }
    }
    observations.push(...ep.observations.slice(0, T));
    actions.push(...ep.actions);
  }
  if (!observations.length) return 0;
  const first = critic.fit(observations, actions, targets);
  for (let k = 1; k < fitSteps; k++) critic.fit(observations, actions, targets); // more steps on the same targets (networks)
  return first;
}
