/**
 * Training critics on a batch of experience, with the lecture's targets, computed by the estimators of
 * src/estimators for every row first (with the critic as it is), then one `fit` on all of them:
 * - V: Monte Carlo R_t (a truncated episode bootstraps from V of its final observation), TD(0)
 *   r_{t+1} + gamma V(s_{t+1}) or n-step returns;
 * - Q: Monte Carlo (R(s, a) - Q(s, a))^2, SARSA (r + gamma Q(s', a') - Q(s, a))^2 or Q-learning
 *   (r + gamma max_a' Q(s', a') - Q(s, a))^2.
 * A terminal next state counts 0. Both take a `Batch` (any layout: whole episodes or a vector
 * segment) or, as notebooks have them, a list of `Episode`s.
 */
import type { Episode } from "../envs/record";
import { checkGamma, discountedReturns, nStepReturns } from "../estimators/returns";
import { type Batch, nextValuesOf, toBatch } from "../rollout/batch";
import type { ActionValueCritic, ValueCritic } from "./critic";

function batchOf(fn: string, data: Batch | Episode<unknown, unknown>[], gamma: number): Batch | null {
  checkGamma(fn, gamma);
  if (Array.isArray(data)) {
    const nonEmpty = data.filter((e) => e.actions.length > 0);
    return nonEmpty.length ? { ...toBatch(nonEmpty), gamma } : null;
  }
  return data.rows ? { ...data, gamma } : null;
}

/**
 * One pass of V-critic training: targets of every row first, then one `fit` on all of them (for a
 * tabular critic with `lr: "average"`, each state's value becomes the mean of its targets: repeated
 * passes are iterations of batch policy evaluation). Returns the mean squared error before the update.
 */
export function trainValue<Obs>(
  critic: ValueCritic<Obs>,
  data: Batch | Episode<Obs, unknown>[],
  options: { method: "mc" | "td0" | "nstep"; gamma: number; n?: number },
): number {
  const b = batchOf("trainValue", data as Batch | Episode<unknown, unknown>[], options?.gamma);
  if (!b) return 0;
  const values = critic.valuesOf(b.observations, b.rows);
  const segment = { ...b, values, nextValues: nextValuesOf(b, values, (o, n) => critic.valuesOf(o, n)) };
  const targets = options.method === "mc" ? discountedReturns(segment) : nStepReturns({ ...segment, n: options.method === "td0" ? 1 : options.n ?? 5 });
  return critic.fitRows(b.observations, targets);
}

/**
 * One pass of Q-critic training: targets of every row first, then one `fit`: Monte Carlo (target
 * R_t), SARSA (r + gamma Q(s', a') with the action actually taken next) or Q-learning
 * (r + gamma max_a' Q(s', a')). Where no next action was taken (an episode cut by a time limit, or the
 * end of a segment), Monte Carlo and SARSA bootstrap from `options.nextValue(s')`: give the value of
 * s' under the policy being evaluated, sum_a' pi(a'|s') Q(s', a'), to keep their fixed point at Q^pi
 * (the actor-critic does); without it they use max_a' Q(s', a'), Q-learning's target.
 * `fitSteps` > 1 repeats the fit on the same targets (for network critics, whose one fit is one
 * optimiser step). Returns the mean squared error before the update.
 */
export function trainActionValue<Obs>(
  critic: ActionValueCritic<Obs>,
  data: Batch | Episode<Obs, number>[],
  options: {
    method: "mc" | "sarsa" | "qlearning";
    gamma: number;
    fitSteps?: number;
    /** V(s') of n observation rows, where no next action was taken (Monte Carlo and SARSA). */
    nextValue?: (observations: Float32Array, n: number) => ArrayLike<number>;
  },
): number {
  const fitSteps = options?.fitSteps ?? 1;
  if (!Number.isSafeInteger(fitSteps) || fitSteps < 1) throw new RangeError(`trainActionValue: fitSteps must be an integer >= 1; received ${String(options.fitSteps)}.`);
  const b = batchOf("trainActionValue", data as Batch | Episode<unknown, unknown>[], options.gamma);
  if (!b) return 0;
  const nA = critic.nActions;
  const maxOf = (o: ArrayLike<number>, n: number) => {
    const q = critic.qRows(o, n);
    return Float64Array.from({ length: n }, (_, i) => {
      let m = -Infinity;
      for (let a = 0; a < nA; a++) m = Math.max(m, q[i * nA + a]);
      return m;
    });
  };
  let targets: Float64Array;
  if (options.method === "qlearning") {
    const max = maxOf(b.observations, b.rows);
    targets = nStepReturns({ ...b, values: max, nextValues: nextValuesOf(b, max, maxOf), n: 1 });
  } else {
    const q = critic.qRows(b.observations, b.rows);
    const taken = Float64Array.from({ length: b.rows }, (_, k) => q[k * nA + b.actions[k]]);
    const next = nextValuesOf(b, taken, options.nextValue ?? maxOf); // Q(s_{t+1}, a_{t+1}) inside an episode, V(s') (or max_a' Q) where no next action was taken
    targets = options.method === "mc" ? discountedReturns({ ...b, nextValues: next }) : nStepReturns({ ...b, values: taken, nextValues: next, n: 1 });
  }
  const first = critic.fitRows(b.observations, b.actions, targets);
  for (let k = 1; k < fitSteps; k++) critic.fitRows(b.observations, b.actions, targets); // more steps on the same targets (networks)
  return first;
}
