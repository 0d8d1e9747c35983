/**
 * REINFORCE (Williams, 1992) with psi_t = R(tau), R_t, or R_t - b for every baseline of
 * src/baselines. Reads top to bottom: collect whole episodes, compute psi, update the policy (one
 * batched TF.js surrogate step), update the critic (value baseline only), log.
 *
 * ```ts
 * const result = await reinforce({ env: "CartPole-v1", baseline: "value", totalSteps: 150_000, targetReturn: 475 });
 * ```
 */
import { MovingAverageBaseline, batchMeanBaseline, timeDependentBaseline, williamsOptimalBaseline } from "../baselines/index";
import { MlpValue } from "../critics/index";
import { rewardToGo } from "../estimators/returns";
import { surrogateLoss } from "../estimators/gradient";
import type { Activation } from "../policies/mlp";
import { Rng } from "../rng";
import { tf } from "../tf";
import {
  type Callbacks,
  type TrainResult,
  type TrainablePolicy,
  Recorder,
  actorLoss,
  applyClipped,
  checkCriticLoss,
  finite,
  guardedStep,
  intAtLeast,
  makePolicy,
  meanEntropy,
  nonNegative,
  oneOf,
  positive,
  setupEnv,
  standardize,
  unit,
} from "./core";
import { checkKeys, keysOf } from "./config";
import { type CollectedEpisode, EpisodeCollector, batchOf } from "./episodes";

export const REINFORCE_BASELINES = ["none", "constant", "movingAverage", "batchMean", "optimal", "timeDependent", "value"] as const;

export interface ReinforceConfig {
  /** Registered environment id (default "CartPole-v1") and its arguments. */
  env?: string;
  envKwargs?: Record<string, unknown>;
  /** Copies stepped together (default 8). */
  numEnvs?: number;
  /** psi_t before the baseline: R(tau) ("total") or the reward-to-go R_t (default). */
  psi?: "total" | "rewardToGo";
  /** Baseline b subtracted from psi (default "value", a learned V(s)). "optimal" is Williams' per-parameter baseline on R(tau). */
  baseline?: (typeof REINFORCE_BASELINES)[number];
  /** b for the "constant" baseline (default 0). */
  baselineValue?: number;
  /** alpha of the moving-average baseline b <- alpha R + (1 - alpha) b (default 0.1). */
  movingAverageAlpha?: number;
  /** Discount factor (default 0.99). */
  gamma?: number;
  /** Policy network: hidden layer sizes (default [32]) and activation (default "tanh"). */
  hiddenSizes?: number[];
  activation?: Activation;
  /** Adam learning rate of the policy (default 0.01). */
  lr?: number;
  /** Value baseline: learning rate (default 0.02), Adam steps per iteration (default 5), hidden sizes (default [32]). */
  valueLr?: number;
  valueIters?: number;
  valueHiddenSizes?: number[];
  /** Environment steps of complete episodes per update (default 2000). */
  batchSteps?: number;
  /** Standardise psi over the batch (default: true with the value baseline, false otherwise). */
  normalize?: boolean;
  /** Entropy bonus coefficient (default 0). */
  entropyCoef?: number;
  /** Clip the gradient's global norm (default 0: no clipping). */
  maxGradNorm?: number;
  /** "categorical" (discrete actions) or "gaussian" (continuous); default: whichever the environment needs. */
  policy?: "categorical" | "gaussian";
  /** Initial log-std of a Gaussian policy (continuous actions; default -0.5). */
  logStdInit?: number;
  /** Budget in environment steps (default 200,000). */
  totalSteps?: number;
  /** Stop once the mean return of the last 100 episodes reaches it (optional). */
  targetReturn?: number;
  seed?: number;
}

const KEYS = keysOf<ReinforceConfig>({ env: true, envKwargs: true, numEnvs: true, psi: true, baseline: true, baselineValue: true, movingAverageAlpha: true, gamma: true, hiddenSizes: true, activation: true, lr: true, valueLr: true, valueIters: true, valueHiddenSizes: true, batchSteps: true, normalize: true, entropyCoef: true, maxGradNorm: true, policy: true, logStdInit: true, totalSteps: true, targetReturn: true, seed: true });

/** The config with every default filled in, checked (unknown keys, types, ranges). */
export function resolveReinforceConfig(c: ReinforceConfig = {}) {
  const A = "reinforce";
  checkKeys(A, c, KEYS);
  const baseline = oneOf(A, "baseline", c.baseline ?? "value", REINFORCE_BASELINES);
  return {
    env: c.env ?? "CartPole-v1",
    envKwargs: c.envKwargs,
    numEnvs: intAtLeast(A, "numEnvs", c.numEnvs ?? 8, 1),
    psi: oneOf(A, "psi", c.psi ?? "rewardToGo", ["total", "rewardToGo"] as const),
    baseline,
    baselineValue: finite(A, "baselineValue", c.baselineValue ?? 0),
    movingAverageAlpha: unit(A, "movingAverageAlpha", c.movingAverageAlpha ?? 0.1),
    gamma: unit(A, "gamma", c.gamma ?? 0.99),
    hiddenSizes: c.hiddenSizes ?? [32],
    activation: c.activation ?? ("tanh" as Activation),
    lr: positive(A, "lr", c.lr ?? 0.01),
    valueLr: positive(A, "valueLr", c.valueLr ?? 0.02),
    valueIters: intAtLeast(A, "valueIters", c.valueIters ?? 5, 1),
    valueHiddenSizes: c.valueHiddenSizes ?? [32],
    batchSteps: intAtLeast(A, "batchSteps", c.batchSteps ?? 2000, 1),
    normalize: c.normalize ?? baseline === "value",
    entropyCoef: nonNegative(A, "entropyCoef", c.entropyCoef ?? 0),
    maxGradNorm: nonNegative(A, "maxGradNorm", c.maxGradNorm ?? 0),
    policy: c.policy === undefined ? undefined : oneOf(A, "policy", c.policy, ["categorical", "gaussian"] as const),
    logStdInit: c.logStdInit ?? -0.5,
    totalSteps: intAtLeast(A, "totalSteps", c.totalSteps ?? 200_000, 1),
    targetReturn: c.targetReturn,
    seed: intAtLeast(A, "seed", c.seed ?? 0, 0),
  };
}
export type ResolvedReinforceConfig = ReturnType<typeof resolveReinforceConfig>;

export async function reinforce(config: ReinforceConfig = {}, callbacks: Callbacks = {}): Promise<TrainResult<TrainablePolicy>> {
  // ---- setup
  const c = resolveReinforceConfig(config);
  const setup = setupEnv(c.env, c.envKwargs, c.numEnvs);
  const policy = makePolicy("reinforce", setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed, logStdInit: c.logStdInit, continuous: c.policy === undefined ? undefined : c.policy === "gaussian" });
  const obsWidth = setup.env.obsDim;
  const critic = c.baseline === "value" ? new MlpValue({ obsSize: obsWidth, hiddenSizes: c.valueHiddenSizes, lr: c.valueLr, seed: c.seed + 1 }) : null;
  const optimizer = tf.train.adam(c.lr);
  const moving = new MovingAverageBaseline({ alpha: c.movingAverageAlpha, initial: 0 });
  let movingStarted = false;
  const rng = new Rng(c.seed).stream(7);
  const collector = new EpisodeCollector(setup.env, c.seed);
  const recorder = new Recorder();
  let envSteps = 0;
  try {
    for (let iteration = 1; envSteps < c.totalSteps; iteration++) {
      // ---- collect whole episodes
      const { episodes, steps } = collector.collect(policy, rng, c.batchSteps, recorder);
      envSteps += steps;

      // ---- psi_t = (R(tau) or R_t) - b
      const togo = episodes.map((e) => rewardToGo(e.rewards, c.gamma));
      const totals = togo.map((r) => r[0]);
      const returns = c.psi === "total" ? togo.map((r) => new Float64Array(r.length).fill(r[0])) : togo;
      let psis: Float64Array[] = returns.map((r) => Float64Array.from(r));
      let criticLoss = NaN;
      if (c.baseline === "constant") psis = psis.map((p) => p.map((x) => x - c.baselineValue));
      else if (c.baseline === "batchMean") {
        const b = batchMeanBaseline(psis.flatMap((p) => Array.from(p)));
        psis = psis.map((p) => p.map((x) => x - b));
      } else if (c.baseline === "movingAverage") {
        psis = psis.map((p, i) => {
          if (!movingStarted) {
            moving.update(totals[i]); // start from the first return rather than from 0
            movingStarted = true;
          }
          const out = p.map((x) => x - moving.value());
          moving.update(totals[i]);
          return out;
        });
      } else if (c.baseline === "timeDependent") {
        const b = timeDependentBaseline(returns);
        psis = psis.map((p) => p.map((x, t) => x - b[t]));
      } else if (c.baseline === "value" && critic) {
        psis = episodes.map((e, i) => {
          const v = critic.values(e.observations, e.length);
          return returns[i].map((x, t) => x - v[t]);
        });
      }
      if (c.normalize) psis = standardize(psis);

      // ---- update the policy: one batched surrogate step (Williams' baseline: per-parameter weights)
      const batch = batchOf(episodes, psis, obsWidth, setup.actionSize);
      const vars = policy.variables();
      let step: { loss: number; gradNorm: number };
      if (c.baseline === "optimal") {
        step = williamsStep(policy, episodes, totals, obsWidth, setup.actionSize, optimizer, vars, c.maxGradNorm, iteration);
      } else {
        step = guardedStep(optimizer, vars, () => actorLoss(policy, batch, c.entropyCoef), { maxGradNorm: c.maxGradNorm, iteration, what: "policy" });
      }
      policy.markUpdated();
      const entropy = tf.tidy(() => {
        const h = meanEntropy(policy, batch.observations, batch.count, obsWidth);
        return h ? h.dataSync()[0] : NaN;
      });

      // ---- update the critic (value baseline): Monte Carlo targets R_t
      if (critic) {
        const targets = Float32Array.from(returns.flatMap((r) => Array.from(r)));
        for (let k = 0; k < c.valueIters; k++) criticLoss = critic.fitFlat(batch.observations, targets);
        checkCriticLoss(iteration, criticLoss, "valueLr");
      }

      // ---- log
      const stats = recorder.finish(iteration, envSteps, { policyLoss: step.loss, criticLoss, entropy, gradNorm: step.gradNorm }, c.targetReturn);
      await callbacks.onIteration?.(stats);
      if (recorder.solvedAtSteps !== null) break;
    }
  } finally {
    optimizer.dispose();
    critic?.dispose();
  }
  return recorder.result(policy, c);
}

/**
 * Williams' optimal baseline for a network policy: per trajectory, the total score
 * G_i = grad sum_t log pi(a_t|s_t) (one TF.js gradient each); b_k = sum_i G_ik^2 R_i / sum_i G_ik^2;
 * the update direction is mean_i G_i (R_i - b).
 */
function williamsStep(
  policy: TrainablePolicy,
  episodes: CollectedEpisode[],
  totals: number[],
  obsWidth: number,
  actionSize: number,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  maxGradNorm: number,
  iteration: number,
): { loss: number; gradNorm: number } {
  const scores = episodes.map((e) => {
    const one = batchOf([e], [new Float64Array(e.length).fill(1)], obsWidth, actionSize);
    one.count = 1;
    const { value, grads } = tf.variableGrads(() => surrogateLoss(policy, one), vars);
    value.dispose();
    const flat: number[] = [];
    for (const v of vars) for (const g of grads[v.name].dataSync()) flat.push(-g);
    tf.dispose(Object.values(grads));
    return Float64Array.from(flat);
  });
  const b = williamsOptimalBaseline(scores, totals);
  const direction = new Float64Array(b.length);
  scores.forEach((g, i) => g.forEach((gk, k) => (direction[k] += (gk * (totals[i] - b[k])) / scores.length)));
  const norm = Math.sqrt(direction.reduce((s, x) => s + x * x, 0));
  if (!Number.isFinite(norm)) throw new Error(`iteration ${iteration}: the policy gradient norm is ${norm}; training stopped before corrupting the weights.`);
  let off = 0;
  const grads = vars.map((v) => {
    const g = tf.tensor(Float32Array.from(direction.subarray(off, off + v.size), (x) => -x), v.shape); // minimised: the negated ascent direction
    off += v.size;
    return g;
  });
  applyClipped(optimizer, vars, grads, norm, maxGradNorm);
  return { loss: NaN, gradNorm: norm };
}
