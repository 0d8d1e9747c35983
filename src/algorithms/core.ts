/**
 * What every algorithm shares: config checks, the environment and networks they build, collecting
 * experience from a VectorEnv, one guarded optimiser step, and the per-iteration history.
 */
import { makeVector, registration } from "../envs/registry";
import { type StepBatch, surrogateLoss } from "../estimators/gradient";
import { Discrete } from "../envs/spaces";
import type { VectorEnv } from "../envs/vector";
import { Gaussian, MlpCategorical } from "../policies/networks";
import type { Activation } from "../policies/mlp";
import type { TfPolicy } from "../policies/policy";
import { TabularSoftmax } from "../policies/softmax";
import { Rng } from "../rng";
import { tf } from "../tf";

/** One row of a training history. */
export interface IterationStats {
  iteration: number;
  /** Episodes finished during this iteration, and in total. */
  episodes: number;
  totalEpisodes: number;
  /** Undiscounted returns of the episodes finished in this iteration (NaN if none). */
  meanReturn: number;
  maxReturn: number;
  meanLength: number;
  /** Mean return of the last 100 finished episodes (the usual "solved" criterion). */
  meanReturn100: number;
  /** Environment steps so far (summed over copies). */
  envSteps: number;
  policyLoss: number;
  criticLoss: number;
  entropy: number;
  gradNorm: number;
  stepsPerSecond: number;
  /** Seconds since training started. */
  wallTime: number;
}

export interface Callbacks {
  /** Called after every iteration (awaited: a live plot can redraw here). */
  onIteration?: (stats: IterationStats) => void | Promise<void>;
}

export interface TrainResult<P> {
  history: IterationStats[];
  /** Undiscounted return of every finished episode, in order. */
  episodeReturns: number[];
  policy: P;
  /** True if `targetReturn` was reached (mean of the last 100 episodes). */
  solved: boolean;
  /** Env steps when it was reached, or null. */
  solvedAtSteps: number | null;
  config: Record<string, unknown>;
}

export { fail, finite, intAtLeast, nonNegative, oneOf, positive, unit } from "./config";

// ---- environment and networks --------------------------------------------------------------------

export interface EnvSetup {
  env: VectorEnv;
  discrete: boolean;
  /** Observations are state indices (tabular environments). */
  tabular: boolean;
  obsSize: number;
  nActions: number;
  actionSize: number;
}

export function setupEnv(id: string, kwargs: Record<string, unknown> | undefined, numEnvs: number): EnvSetup {
  const spec = registration(id); // unknown ids: an error listing the registered ones
  const probe = spec.create(kwargs ?? {});
  const env = makeVector(id, numEnvs, kwargs);
  const discrete = env.kernel.action.kind === "discrete";
  const tabular = probe.observationSpace instanceof Discrete;
  return {
    env,
    discrete,
    tabular,
    obsSize: tabular ? (probe.observationSpace as Discrete).n : env.obsDim,
    nActions: env.kernel.action.kind === "discrete" ? env.kernel.action.n : 0,
    actionSize: env.actionDim,
  };
}

export type TrainablePolicy = (MlpCategorical | Gaussian | TabularSoftmax) & TfPolicy;

export function makePolicy(
  algo: string,
  setup: EnvSetup,
  opts: { hiddenSizes: number[]; activation: Activation; seed: number; logStdInit?: number; continuous?: boolean },
): TrainablePolicy {
  if (opts.continuous === false && !setup.discrete) {
    throw new RangeError(`${algo}: config.policy is "categorical" but ${setup.env.name} has continuous actions; use "gaussian".`);
  }
  if (opts.continuous === true && setup.discrete) {
    throw new RangeError(`${algo}: config.policy is "gaussian" (continuous) but ${setup.env.name} has discrete actions; use "categorical".`);
  }
  if (setup.tabular) return new TabularSoftmax({ nStates: setup.obsSize, nActions: setup.nActions });
  if (setup.discrete) return new MlpCategorical({ obsSize: setup.obsSize, nActions: setup.nActions, hiddenSizes: opts.hiddenSizes, activation: opts.activation, seed: opts.seed });
  return new Gaussian({ obsSize: setup.obsSize, actionSize: setup.actionSize, hiddenSizes: opts.hiddenSizes, activation: opts.activation, seed: opts.seed, logStdInit: opts.logStdInit });
}

/** Fill `actions` (N or N x actionSize) for the observations of all copies. */
export function sampleActions(policy: TrainablePolicy, observations: Float64Array, n: number, rng: Rng, actions: Float64Array): void {
  if (policy instanceof MlpCategorical) for (let i = 0; i < n; i++) actions[i] = policy.sampleAt(observations, i, rng);
  else if (policy instanceof Gaussian) for (let i = 0; i < n; i++) policy.sampleInto(observations, i, rng, actions);
  else for (let i = 0; i < n; i++) actions[i] = policy.sample(observations[i], rng);
}

/** Standardise values pooled over several arrays: (x - mean) / sd (sd 1 if all equal). New arrays. */
export function standardize(arrays: ArrayLike<number>[]): Float64Array[] {
  let n = 0;
  let sum = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++, n++) sum += a[i];
  const m = sum / n;
  let ss = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) ss += (a[i] - m) ** 2;
  const sd = Math.sqrt(ss / n) || 1;
  return arrays.map((a) => Float64Array.from(a, (x) => (x - m) / sd));
}

/** Mean entropy of the policy over a batch of observation rows (null for policies without one). */
export function meanEntropy(policy: TrainablePolicy, observations: Float32Array, rows: number, width: number): tf.Scalar | null {
  if (!(policy instanceof MlpCategorical || policy instanceof Gaussian)) return null;
  return tf.mean(policy.entropyTensor(tf.tensor2d(observations.subarray(0, rows * width), [rows, width]))) as tf.Scalar;
}

/** The actor's loss: the surrogate loss, minus entropyCoef times the batch's mean entropy when entropyCoef > 0. */
export function actorLoss(policy: TrainablePolicy, batch: StepBatch, entropyCoef: number): tf.Scalar {
  const loss = surrogateLoss(policy, batch);
  const h = entropyCoef > 0 ? meanEntropy(policy, batch.observations, batch.count, batch.obsSize) : null;
  return h ? (tf.sub(loss, tf.mul(entropyCoef, h)) as tf.Scalar) : loss;
}

/** Stop with an error naming the iteration if a critic's loss is not finite. */
export function checkCriticLoss(iteration: number, loss: number, setting: string): void {
  if (!Number.isFinite(loss)) throw new Error(`iteration ${iteration}: the critic loss is ${loss}; training stopped (try a smaller ${setting}).`);
}

// ---- one guarded optimiser step ---------------------------------------------------------------------

/**
 * Minimise `loss` over `vars` with `optimizer`: computes the gradients, their global norm, clips it
 * to `maxGradNorm` (if > 0), and stops with an error naming the iteration and the quantity if the loss
 * or a gradient is NaN or infinite, before anything is applied. Returns loss and gradient norm.
 */
export function guardedStep(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  loss: () => tf.Scalar,
  opts: { maxGradNorm: number; iteration: number; what: string },
): { loss: number; gradNorm: number } {
  const { value, grads } = tf.variableGrads(loss, vars);
  const lossValue = value.dataSync()[0];
  const list = vars.map((v) => grads[v.name]);
  const sq = tf.tidy(() => tf.addN(list.map((g) => tf.sum(tf.square(g)))));
  const gradNorm = Math.sqrt(sq.dataSync()[0]);
  sq.dispose();
  value.dispose();
  if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
    tf.dispose(list);
    throw new Error(`iteration ${opts.iteration}: the ${opts.what} ${Number.isFinite(lossValue) ? "gradient norm" : "loss"} is ${Number.isFinite(lossValue) ? gradNorm : lossValue}; training stopped before corrupting the weights (try a smaller learning rate).`);
  }
  applyClipped(optimizer, vars, list, gradNorm, opts.maxGradNorm);
  return { loss: lossValue, gradNorm };
}

/**
 * Apply the gradients `grads` (one per variable, global norm `gradNorm`) scaled down to `maxGradNorm`
 * if it is > 0 and exceeded; disposes `grads`.
 */
export function applyClipped(optimizer: tf.Optimizer, vars: tf.Variable[], grads: tf.Tensor[], gradNorm: number, maxGradNorm: number): void {
  const scale = maxGradNorm > 0 && gradNorm > maxGradNorm ? maxGradNorm / gradNorm : 1;
  const named: Record<string, tf.Tensor> = {};
  vars.forEach((v, k) => (named[v.name] = scale === 1 ? grads[k] : tf.mul(grads[k], scale)));
  optimizer.applyGradients(named as tf.NamedTensorMap);
  tf.dispose(grads);
  if (scale !== 1) tf.dispose(Object.values(named));
}

// ---- the history --------------------------------------------------------------------------------

export class Recorder {
  readonly history: IterationStats[] = [];
  readonly episodeReturns: number[] = [];
  private readonly start = performance.now();
  private lastTime = performance.now();
  private lastSteps = 0;
  private iterationReturns: number[] = [];
  private iterationLengths: number[] = [];
  solvedAtSteps: number | null = null;

  /** Record the episodes that ended at the VectorEnv's last step. */
  collect(env: VectorEnv): void {
    for (let i = 0; i < env.numEnvs; i++) {
      if (env.terminated[i] || env.truncated[i]) {
        this.episodeReturns.push(env.episodeReturns[i]);
        this.iterationReturns.push(env.episodeReturns[i]);
        this.iterationLengths.push(env.episodeLengths[i]);
      }
    }
  }

  /** The result of a finished run. */
  result<P>(policy: P, config: object): TrainResult<P> {
    return {
      history: this.history,
      episodeReturns: this.episodeReturns,
      policy,
      solved: this.solvedAtSteps !== null,
      solvedAtSteps: this.solvedAtSteps,
      config: config as Record<string, unknown>,
    };
  }

  meanReturn100(): number {
    const last = this.episodeReturns.slice(-100);
    return last.length ? last.reduce((a, b) => a + b, 0) / last.length : NaN;
  }

  finish(iteration: number, envSteps: number, losses: { policyLoss: number; criticLoss: number; entropy: number; gradNorm: number }, target: number | undefined): IterationStats {
    const now = performance.now();
    const r = this.iterationReturns;
    const stats: IterationStats = {
      iteration,
      episodes: r.length,
      totalEpisodes: this.episodeReturns.length,
      meanReturn: r.length ? r.reduce((a, b) => a + b, 0) / r.length : NaN,
      maxReturn: r.length ? Math.max(...r) : NaN,
      meanLength: r.length ? this.iterationLengths.reduce((a, b) => a + b, 0) / r.length : NaN,
      meanReturn100: this.meanReturn100(),
      envSteps,
      ...losses,
      stepsPerSecond: (envSteps - this.lastSteps) / Math.max((now - this.lastTime) / 1000, 1e-9),
      wallTime: (now - this.start) / 1000,
    };
    this.lastTime = now;
    this.lastSteps = envSteps;
    this.iterationReturns = [];
    this.iterationLengths = [];
    this.history.push(stats);
    if (target !== undefined && this.solvedAtSteps === null && this.episodeReturns.length >= 100 && stats.meanReturn100 >= target) {
      this.solvedAtSteps = envSteps;
    }
    return stats;
  }
}
