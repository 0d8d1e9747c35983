/**
 * REINFORCE (Williams, 1992): psi_t = R(tau), R_t, or any psi_t estimator, minus a baseline from
 * src/baselines. Reads top to bottom: collect a batch of whole episodes, compute psi (the estimator,
 * then the baseline), update the policy (one batched TF.js surrogate step), update the critic (value
 * baseline only), log.
 *
 * ```ts
 * const result = await reinforce({ env: "CartPole-v1", baseline: "value", totalSteps: 150_000, targetReturn: 475 });
 * const same = await reinforce({ psi: rewardToGo });   // the library's estimator passed as a function: the same run
 * ```
 *
 * psi_t carries no factor gamma^t (see src/estimators/gradient.ts): for gamma < 1 the update is the
 * usual discounted-return direction, not the exact gradient of the discounted objective. A time-limit
 * cut counts as the end of an episode (Monte Carlo returns do not bootstrap).
 */
import { ConstantBaseline, MovingAverageBaseline, batchMeanBaseline, timeDependentBaseline, williamsOptimalBaseline } from "../baselines/index";
import { MlpValue } from "../critics/mlp";
import { psiOf, surrogateGradient } from "../estimators/gradient";
import { rewardToGo, totalReturn } from "../estimators/returns";
import type { Activation } from "../nn/mlp";
import { type Batch, type PsiEstimator, spanBatch, spans } from "../rollout/batch";
import { Collector } from "../rollout/collector";
import { Rng } from "../rng";
import { initTf, tf } from "../tf";
import { checkKeys, finite, intAtLeast, keysOf, nonNegative, oneOf, optionalFinite, positive, sizes, unit } from "./config";
import { StallGuard } from "./episodes";
import { type Callbacks, NO_UPDATE, Recorder, type TrainResult } from "./recorder";
import { type TrainablePolicy, makePolicy, setupEnv } from "./setup";
import { actorLoss, applyClipped, checkCriticLoss, checkDiverged, entropyOf, guardedStep, standardize } from "./update";

export const REINFORCE_BASELINES = ["none", "constant", "movingAverage", "batchMean", "optimal", "timeDependent", "value"] as const;
export type ReinforceBaseline = (typeof REINFORCE_BASELINES)[number];

/** The built-in psi_t before the baseline: the library's estimators, by name. */
export const REINFORCE_PSI: Record<"total" | "rewardToGo", PsiEstimator> = { total: totalReturn, rewardToGo };

export interface ReinforceConfig {
  /** Registered environment id (default "CartPole-v1") and its arguments. */
  env?: string;
  envKwargs?: Record<string, unknown>;
  /** Cut episodes after this many steps (marked truncated); default: the environment's registered limit. */
  maxEpisodeSteps?: number;
  /** Copies stepped together (default 8). */
  numEnvs?: number;
  /**
   * psi_t before the baseline: "total" (R(tau), `totalReturn`), "rewardToGo" (R_t, the default), or
   * any estimator with the library's signature `(segment) => psi` (e.g. `rewardToGo` itself, or your own).
   */
  psi?: "total" | "rewardToGo" | PsiEstimator;
  /** Baseline b subtracted from psi (default "value", a learned V(s)). "optimal" is Williams' per-parameter baseline on R(tau). */
  baseline?: ReinforceBaseline;
  /** b for the "constant" baseline (default 0). */
  baselineValue?: number;
  /** alpha of the moving-average baseline b <- alpha R + (1 - alpha) b, started at the first return (default 0.1). */
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
  /** Environment steps per update (default 2000); the update uses the episodes that ended in them. */
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
  /** Budget in environment steps (default 200,000), a hard limit. */
  totalSteps?: number;
  /** Stop once the mean return of the last 100 episodes reaches it (optional). */
  targetReturn?: number;
  seed?: number;
}

const KEYS = keysOf<ReinforceConfig>({ env: true, envKwargs: true, maxEpisodeSteps: true, numEnvs: true, psi: true, baseline: true, baselineValue: true, movingAverageAlpha: true, gamma: true, hiddenSizes: true, activation: true, lr: true, valueLr: true, valueIters: true, valueHiddenSizes: true, batchSteps: true, normalize: true, entropyCoef: true, maxGradNorm: true, policy: true, logStdInit: true, totalSteps: true, targetReturn: true, seed: true });

/** The config with every default filled in, checked (unknown keys, types, ranges). */
export function resolveReinforceConfig(c: ReinforceConfig = {}) {
  const A = "reinforce";
  checkKeys(A, c, KEYS);
  const baseline = oneOf(A, "baseline", c.baseline ?? "value", REINFORCE_BASELINES);
  return {
    env: c.env ?? "CartPole-v1",
    envKwargs: c.envKwargs,
    maxEpisodeSteps: c.maxEpisodeSteps === undefined ? undefined : intAtLeast(A, "maxEpisodeSteps", c.maxEpisodeSteps, 1),
    numEnvs: intAtLeast(A, "numEnvs", c.numEnvs ?? 8, 1),
    psi: typeof c.psi === "function" ? c.psi : oneOf(A, "psi", c.psi ?? "rewardToGo", ["total", "rewardToGo"] as const),
    baseline,
    baselineValue: finite(A, "baselineValue", c.baselineValue ?? 0),
    movingAverageAlpha: unit(A, "movingAverageAlpha", c.movingAverageAlpha ?? 0.1),
    gamma: unit(A, "gamma", c.gamma ?? 0.99),
    hiddenSizes: sizes(A, "hiddenSizes", c.hiddenSizes ?? [32]),
    activation: oneOf(A, "activation", c.activation ?? "tanh", ["tanh", "relu", "elu"] as const),
    lr: positive(A, "lr", c.lr ?? 0.01),
    valueLr: positive(A, "valueLr", c.valueLr ?? 0.02),
    valueIters: intAtLeast(A, "valueIters", c.valueIters ?? 5, 1),
    valueHiddenSizes: sizes(A, "valueHiddenSizes", c.valueHiddenSizes ?? [32]),
    batchSteps: intAtLeast(A, "batchSteps", c.batchSteps ?? 2000, 1),
    normalize: c.normalize ?? baseline === "value",
    entropyCoef: nonNegative(A, "entropyCoef", c.entropyCoef ?? 0),
    maxGradNorm: nonNegative(A, "maxGradNorm", c.maxGradNorm ?? 0),
    policy: c.policy === undefined ? undefined : oneOf(A, "policy", c.policy, ["categorical", "gaussian"] as const),
    logStdInit: finite(A, "logStdInit", c.logStdInit ?? -0.5),
    totalSteps: intAtLeast(A, "totalSteps", c.totalSteps ?? 200_000, 1),
    targetReturn: optionalFinite(A, "targetReturn", c.targetReturn),
    seed: intAtLeast(A, "seed", c.seed ?? 0, 0),
  };
}
export type ResolvedReinforceConfig = ReturnType<typeof resolveReinforceConfig>;

/** What a baseline rule may read. */
interface BaselineInput {
  batch: Batch;
  /** psi before the baseline, per row. */
  returns: ArrayLike<number>;
  config: ResolvedReinforceConfig;
  moving: MovingAverageBaseline;
}

/** R(tau) of each episode of a batch of whole episodes, in order (the value at its first row). */
function episodeTotals(batch: Batch): Float64Array {
  const total = totalReturn(batch);
  return Float64Array.from(spans(batch), (s) => total[s.start]);
}

/** Per-episode values spread over each episode's rows. */
function perRow(batch: Batch, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(batch.rows);
  spans(batch).forEach((s, e) => {
    for (let t = 0; t < s.length; t++) out[s.start + t * s.stride] = values[e];
  });
  return out;
}

/** The baselines, each from its function in src/baselines ("optimal" changes the update itself: see williamsStep). */
const BASELINES: Record<Exclude<ReinforceBaseline, "optimal">, (x: BaselineInput) => number | ArrayLike<number>> = {
  none: () => 0,
  constant: ({ config }) => new ConstantBaseline(config.baselineValue).value(),
  batchMean: ({ returns }) => batchMeanBaseline(returns),
  movingAverage: ({ batch, moving }) => perRow(batch, moving.sequence(episodeTotals(batch))),
  timeDependent: ({ batch, returns }) => timeDependentBaseline(returns, batch),
  value: ({ batch }) => batch.values as ArrayLike<number>,
};

export async function reinforce(config: ReinforceConfig = {}, callbacks: Callbacks = {}): Promise<TrainResult<TrainablePolicy>> {
  // ---- setup
  const c = resolveReinforceConfig(config);
  await initTf({ quiet: true });
  const setup = setupEnv(c.env, c.envKwargs, c.numEnvs, c.maxEpisodeSteps);
  const policy = makePolicy("reinforce", setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed, logStdInit: c.logStdInit, continuous: c.policy === undefined ? undefined : c.policy === "gaussian" });
  const obsWidth = setup.env.obsDim;
  const critic = c.baseline === "value" ? new MlpValue({ obsSize: obsWidth, hiddenSizes: c.valueHiddenSizes, lr: c.valueLr, seed: c.seed + 1 }) : null;
  const optimizer = tf.train.adam(c.lr);
  const psiFn = typeof c.psi === "function" ? c.psi : REINFORCE_PSI[c.psi];
  const moving = new MovingAverageBaseline({ alpha: c.movingAverageAlpha, initial: "first" });
  const rng = new Rng(c.seed).stream(7);
  const collector = new Collector(setup.env, { seed: c.seed });
  const stall = new StallGuard("reinforce", collector, c.lr);
  const recorder = new Recorder();
  try {
    for (let iteration = 1; collector.steps < c.totalSteps; iteration++) {
      // ---- collect: batchSteps steps (never past the budget); the episodes that ended in them
      const batch = collector.episodes(policy, rng, Math.min(c.batchSteps, c.totalSteps - collector.steps), c.gamma);
      recorder.record(batch);
      stall.check(batch, iteration);
      let losses = NO_UPDATE;
      if (batch.rows > 0) {
        // ---- psi_t = (R(tau), R_t or your estimator) - b
        if (critic) batch.values = critic.valuesOf(batch.observations, batch.rows);
        const returns = psiOf("reinforce", batch, psiFn);
        const b = c.baseline === "optimal" ? 0 : BASELINES[c.baseline]({ batch, returns, config: c, moving });
        let psi: Float64Array = Float64Array.from(returns, (x, k) => x - (typeof b === "number" ? b : b[k]));
        if (c.normalize) psi = standardize([psi])[0];

        // ---- update the policy: one batched surrogate step (Williams' baseline: per-parameter weights)
        const step =
          c.baseline === "optimal"
            ? williamsStep(policy, batch, optimizer, c.maxGradNorm, iteration)
            : guardedStep(optimizer, policy.variables(), () => actorLoss(policy, batch, psi, c.entropyCoef), { maxGradNorm: c.maxGradNorm, iteration, what: "policy", algo: "reinforce", lr: c.lr });
        policy.markUpdated();
        checkDiverged("reinforce", "policy", iteration, policy.maxAbsParam(), "lr", c.lr);

        // ---- update the critic (value baseline): Monte Carlo targets, psi before the baseline
        let criticLoss = NaN;
        if (critic) {
          const targets = Float32Array.from(returns);
          for (let k = 0; k < c.valueIters; k++) criticLoss = critic.fitRows(batch.observations, targets);
          checkCriticLoss("reinforce", iteration, criticLoss, "valueLr", c.valueLr);
          checkDiverged("reinforce", "value baseline", iteration, critic.net.maxAbs(), "valueLr", c.valueLr);
        }
        losses = { policyLoss: step.loss, criticLoss, entropy: entropyOf(policy, batch), gradNorm: step.gradNorm };
      }

      // ---- log
      const stats = recorder.finish(iteration, collector.steps, losses, c.targetReturn);
      await callbacks.onIteration?.(stats);
      if (recorder.solvedAtSteps !== null) break;
    }
  } catch (e) {
    policy.dispose();
    throw e;
  } finally {
    optimizer.dispose();
    critic?.dispose();
    setup.env.close();
  }
  return recorder.result(policy, c);
}

/**
 * Williams' optimal baseline for a network policy: per trajectory, the total score
 * G_i = grad sum_t log pi(a_t|s_t) (one TF.js gradient each); b_k = sum_i G_ik^2 R_i / sum_i G_ik^2;
 * the update direction is mean_i G_i (R_i - b), with R_i = R(tau_i).
 */
function williamsStep(policy: TrainablePolicy, batch: Batch, optimizer: tf.Optimizer, maxGradNorm: number, iteration: number): { loss: number; gradNorm: number } {
  const vars = policy.variables();
  const totals = episodeTotals(batch);
  const scores = spans(batch).map((s) => surrogateGradient(policy, spanBatch(batch, s), new Float64Array(s.length).fill(1)));
  const b = williamsOptimalBaseline(scores, totals);
  const direction = new Float64Array(b.length);
  scores.forEach((g, i) => g.forEach((gk, k) => (direction[k] += (gk * (totals[i] - b[k])) / scores.length)));
  const norm = Math.sqrt(direction.reduce((s, x) => s + x * x, 0));
  if (!Number.isFinite(norm)) throw new Error(`reinforce: iteration ${iteration}: the policy gradient norm is ${norm}; training stopped before corrupting the weights (try a smaller learning rate).`);
  let off = 0;
  const grads = vars.map((v) => {
    const g = tf.tensor(Float32Array.from(direction.subarray(off, off + v.size), (x) => -x), v.shape); // minimised: the negated ascent direction
    off += v.size;
    return g;
  });
  applyClipped(optimizer, vars, grads, norm, maxGradNorm);
  return { loss: NaN, gradNorm: norm };
}
