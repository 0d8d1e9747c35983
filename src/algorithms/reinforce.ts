/**
 * REINFORCE (Williams, 1992): psi_t = R(tau), R_t, or any psi_t estimator, minus a baseline (a name
 * of src/algorithms/builtins.ts, or any function with the signature `Baseline` of src/baselines).
 * Reads top to bottom: collect a batch of whole episodes, psi_t (the estimator, then the baseline),
 * step (the one update step of src/update/step.ts; Williams' per-parameter baseline gives its own
 * direction, src/algorithms/williams.ts), update the critic (value baseline only), log.
 *
 * ```ts
 * const result = await reinforce({ env: "CartPole-v1", baseline: "value", totalSteps: 150_000, targetReturn: 475 });
 * const same = await reinforce({ psi: rewardToGo });   // the library's estimator passed as a function: the same run
 * ```
 *
 * psi_t carries no factor gamma^t (see src/estimators/gradient.ts): for gamma < 1 the update is the
 * usual discounted-return direction, not the exact gradient of the discounted objective. A time-limit
 * cut counts as the end of an episode (Monte Carlo returns do not bootstrap).
 *
 * **Grouped collection** (`groups`, DeepRM's scheme; src/algorithms/reinforce-grouped.ts): each
 * iteration runs G groups of N whole episodes, the N episodes of a group all started by the same reset
 * (for DeepRM, `{ jobSet: k }`), psi_t and its baseline per group, the groups' gradients summed into
 * one step; on worker threads with `workers`, the same run whatever their number.
 *
 * ```ts
 * const run = await reinforce({
 *   env: "DeepRM-v0", envKwargs: { load: 1.3 }, groups: { count: 100, size: 20 }, gamma: 1,
 *   hiddenSizes: [20], activation: "relu", optimizer: "rmspropDeepRM", lr: 0.001, iterations: 50, workers: 2,
 * });
 * ```
 */
import type { Baseline } from "../baselines/index";
import { MlpValue } from "../critics/mlp";
import type { PsiEstimator } from "../estimators/segment";
import type { Activation } from "../nn/mlp";
import type { SavedPolicy } from "../policies/policy";
import { Collector } from "../rollout/collector";
import { Rng } from "../rng";
import { initTf } from "../tf";
import { type OptimizerName, OPTIMIZERS, makeOptimizer } from "../update/optimizers";
import { entropyOf } from "../update/loss";
import { OptimizerTarget, applyStep, checkDiverged, policyStep } from "../update/step";
import { BASELINES, type BaselineName, ESTIMATORS, baselineEntry, namesOf } from "./builtins";
import { type RunParts, captureState, restoreState } from "./checkpoint";
import { checkKeys, fail, finite, intAtLeast, keysOf, nonNegative, oneOf, optionalFinite, positive, show, sizes, unit } from "./config";
import { StallGuard } from "./episodes";
import { type Callbacks, type IterationStats, NO_UPDATE, Recorder, type TrainResult } from "./recorder";
import { groupedIterations, reinforcePsi } from "./reinforce-grouped";
import { type EnvSetup, type TrainablePolicy, makePolicy, setupEnv } from "./setup";
import { checkCriticLoss, psiMinusBaseline } from "./update";
import { williamsGradient } from "./williams";

/** The built-in baselines' names (src/algorithms/builtins.ts). */
export const REINFORCE_BASELINES = namesOf(BASELINES);
export type ReinforceBaseline = BaselineName;

/** The built-in psi_t before the baseline: the library's estimators, by name (src/algorithms/builtins.ts). */
export const REINFORCE_PSI = ESTIMATORS.reinforce;
export type ReinforcePsiName = keyof typeof ESTIMATORS.reinforce;

/** The baselines that grouped collection computes within each group (the others need the whole iteration or a learned critic). */
export const GROUP_BASELINES = REINFORCE_BASELINES.filter((name) => BASELINES[name].grouped);

/** Grouped collection: G groups of N whole episodes per iteration, each group from one reset (see the module comment). */
export interface ReinforceGroups {
  /** G: groups per iteration (DeepRM: job sets; the paper uses 100). */
  count: number;
  /** N: whole episodes per group, all from the group's reset (default 20, the paper's). */
  size?: number;
  /**
   * The reset option that names a group's start (default "jobSet"): group g (0-based) of iteration i
   * starts from id (i - 1) * count + g, fresh starts every iteration, or from that id modulo `pool`.
   */
  key?: string;
  /** Reuse a fixed set of this many starts (ids 0 .. pool - 1) rather than fresh ones. */
  pool?: number;
  /**
   * Further reset options, cycled over the groups (group g gets options[g % length]), e.g.
   * `[{ load: 0.7 }, { load: 1.3 }, { load: 1.9 }]` for DeepRM to train across loads. Default [{}].
   */
  options?: Record<string, unknown>[];
}

/** Reported after each iteration of grouped collection (see `ReinforceCallbacks.onGroups`). */
export interface GroupsReport {
  stats: IterationStats;
  /** The iteration's groups in order: the reset that started them and their episodes' returns and lengths. */
  groups: { reset: Record<string, unknown>; returns: number[]; lengths: number[] }[];
  /** The policy after this iteration's update (e.g. to save a checkpoint). */
  policy: TrainablePolicy;
}

/** `Callbacks`, and for grouped collection a report of each iteration's groups. */
export interface ReinforceCallbacks extends Callbacks {
  /** Grouped collection only: after each iteration's update, before `onIteration` (awaited). */
  onGroups?: (report: GroupsReport) => void | Promise<void>;
}

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
  psi?: ReinforcePsiName | PsiEstimator;
  /**
   * Baseline b subtracted from psi (default "value", a learned V(s)), by name or any function with the
   * library's signature `(psi, segment) => b` (one number or one per row; src/baselines). "movingAverage"
   * averages each episode's mean psi; "optimal" is Williams' per-parameter baseline, for any psi. With
   * `groups` the default is "timeDependent" and a name is one of GROUP_BASELINES.
   */
  baseline?: ReinforceBaseline | Baseline;
  /** b for the "constant" baseline (default 0). */
  baselineValue?: number;
  /** alpha of the moving-average baseline b <- alpha R + (1 - alpha) b, started at the first return (default 0.1). */
  movingAverageAlpha?: number;
  /** Discount factor (default 0.99). */
  gamma?: number;
  /** Policy network: hidden layer sizes (default [32]) and activation (default "tanh"). */
  hiddenSizes?: number[];
  activation?: Activation;
  /** Learning rate of the policy's optimiser (default 0.01). */
  lr?: number;
  /**
   * The policy's optimiser (src/update/optimizers.ts): "adam" (the default), "rmsprop" (decay 0.99,
   * as Stable-Baselines3's A2C) or "rmspropDeepRM" (decay 0.9, epsilon 1e-9: the DeepRM paper's code).
   */
  optimizer?: OptimizerName;
  /** Value baseline: learning rate (default 0.02), Adam steps per iteration (default 5), hidden sizes (default [32]). */
  valueLr?: number;
  valueIters?: number;
  valueHiddenSizes?: number[];
  /** Environment steps per update (default 2000); the update uses the episodes that ended in them. */
  batchSteps?: number;
  /** Standardise psi over the batch, with `groups` within each group (default: true with the value baseline, false otherwise). */
  normalize?: boolean;
  /** Entropy bonus coefficient (default 0). */
  entropyCoef?: number;
  /** Clip the gradient's global norm (default 0: no clipping). */
  maxGradNorm?: number;
  /** "categorical" (discrete actions) or "gaussian" (continuous); default: whichever the environment needs. */
  policy?: "categorical" | "gaussian";
  /** Initial log-std of a Gaussian policy (continuous actions; default -0.5). */
  logStdInit?: number;
  /**
   * Budget in environment steps (default 200,000, or none when `iterations` is given), a hard limit.
   * With `groups` an iteration always completes its groups: a new one starts while steps < totalSteps.
   */
  totalSteps?: number;
  /** Stop after this many iterations (updates); default: no limit but `totalSteps`. */
  iterations?: number;
  /** Stop once the mean return of the last 100 episodes reaches it (optional). */
  targetReturn?: number;
  /**
   * Grouped collection (see the module comment): `{ count: G, size: N }` and how groups start. With it,
   * the vector environment has N copies (numEnvs, if given, must equal N) and `batchSteps` is not used.
   */
  groups?: ReinforceGroups;
  /**
   * Grouped collection: worker threads that run the groups (default 0: in this thread). Each starts
   * its own TF.js and copy of the environment (about a second); the gradient is summed in group order,
   * so any number of workers gives the same run. A psi given as a function cannot go to workers.
   */
  workers?: number;
  /**
   * Start from these parameters (a policy's `toJSON()`, e.g. after imitation pre-training or a saved
   * checkpoint) rather than a fresh network; its kind and shape must match the policy the config builds.
   */
  initialPolicy?: SavedPolicy;
  seed?: number;
}

const KEYS = keysOf<ReinforceConfig>({ env: true, envKwargs: true, maxEpisodeSteps: true, numEnvs: true, psi: true, baseline: true, baselineValue: true, movingAverageAlpha: true, gamma: true, hiddenSizes: true, activation: true, lr: true, optimizer: true, valueLr: true, valueIters: true, valueHiddenSizes: true, batchSteps: true, normalize: true, entropyCoef: true, maxGradNorm: true, policy: true, logStdInit: true, totalSteps: true, iterations: true, targetReturn: true, groups: true, workers: true, initialPolicy: true, seed: true });
const GROUP_KEYS = keysOf<ReinforceGroups>({ count: true, size: true, key: true, pool: true, options: true });

/** `groups` checked, with its defaults; null without it. */
function resolveGroups(A: string, g: unknown) {
  if (g === undefined) return null;
  checkKeys(`${A}: config.groups`, g, GROUP_KEYS);
  const x = g as ReinforceGroups;
  const options = x.options ?? [{}];
  if (!Array.isArray(options) || options.length === 0 || options.some((o) => o === null || typeof o !== "object" || Array.isArray(o))) {
    fail(A, "groups.options", "a non-empty list of reset-option objects, e.g. [{ load: 0.7 }, { load: 1.3 }]", options);
  }
  const key = x.key ?? "jobSet";
  if (typeof key !== "string" || key === "") fail(A, "groups.key", "the name of a reset option, e.g. \"jobSet\"", key);
  return {
    count: intAtLeast(A, "groups.count", x.count, 1),
    size: intAtLeast(A, "groups.size", x.size ?? 20, 1),
    key,
    pool: x.pool === undefined ? null : intAtLeast(A, "groups.pool", x.pool, 1),
    options: options.map((o) => ({ ...o })),
  };
}

function checkSavedPolicy(A: string, p: unknown): SavedPolicy | null {
  if (p === undefined) return null;
  const saved = p as SavedPolicy;
  if (saved === null || typeof saved !== "object" || typeof saved.kind !== "string" || !Array.isArray(saved.params)) {
    fail(A, "initialPolicy", "a saved policy { kind, config, params } (a policy's toJSON())", p);
  }
  return saved;
}

/** The config with every default filled in, checked (unknown keys, types, ranges). */
export function resolveReinforceConfig(c: ReinforceConfig = {}) {
  const A = "reinforce";
  checkKeys(A, c, KEYS);
  const groups = resolveGroups(A, c.groups);
  const baseline = typeof c.baseline === "function" ? c.baseline : oneOf(A, "baseline", c.baseline ?? (groups ? "timeDependent" : "value"), REINFORCE_BASELINES);
  if (groups) {
    if (typeof baseline === "string" && !GROUP_BASELINES.includes(baseline)) fail(A, "baseline", `with groups, one of ${GROUP_BASELINES.map((b) => JSON.stringify(b)).join(", ")} (computed within each group)`, baseline);
    if (c.numEnvs !== undefined && c.numEnvs !== groups.size) fail(A, "numEnvs", `left out or equal to groups.size (${groups.size}): the copies are a group's rollouts`, c.numEnvs);
  }
  const workers = intAtLeast(A, "workers", c.workers ?? 0, 0);
  if (workers > 0 && !groups) fail(A, "workers", "0 without groups (worker threads run grouped collection)", workers);
  for (const field of ["psi", "baseline"] as const) {
    const f = c[field];
    if (workers > 0 && typeof f === "function") throw new TypeError(`${A}: config.${field} is a function (${f.name || "anonymous"}), which cannot be sent to worker threads; use workers: 0, or a built-in ${field} name.`);
  }
  const iterations = c.iterations === undefined ? null : intAtLeast(A, "iterations", c.iterations, 1);
  return {
    env: c.env ?? "CartPole-v1",
    envKwargs: c.envKwargs,
    maxEpisodeSteps: c.maxEpisodeSteps === undefined ? undefined : intAtLeast(A, "maxEpisodeSteps", c.maxEpisodeSteps, 1),
    numEnvs: groups ? groups.size : intAtLeast(A, "numEnvs", c.numEnvs ?? 8, 1),
    psi: typeof c.psi === "function" ? c.psi : oneOf(A, "psi", c.psi ?? "rewardToGo", namesOf(ESTIMATORS.reinforce)),
    baseline,
    baselineValue: finite(A, "baselineValue", c.baselineValue ?? 0),
    movingAverageAlpha: unit(A, "movingAverageAlpha", c.movingAverageAlpha ?? 0.1),
    gamma: unit(A, "gamma", c.gamma ?? 0.99),
    hiddenSizes: sizes(A, "hiddenSizes", c.hiddenSizes ?? [32]),
    activation: oneOf(A, "activation", c.activation ?? "tanh", ["tanh", "relu", "elu"] as const),
    lr: positive(A, "lr", c.lr ?? 0.01),
    optimizer: oneOf(A, "optimizer", c.optimizer ?? "adam", OPTIMIZERS),
    valueLr: positive(A, "valueLr", c.valueLr ?? 0.02),
    valueIters: intAtLeast(A, "valueIters", c.valueIters ?? 5, 1),
    valueHiddenSizes: sizes(A, "valueHiddenSizes", c.valueHiddenSizes ?? [32]),
    batchSteps: intAtLeast(A, "batchSteps", c.batchSteps ?? 2000, 1),
    normalize: c.normalize ?? baseline === "value",
    entropyCoef: nonNegative(A, "entropyCoef", c.entropyCoef ?? 0),
    maxGradNorm: nonNegative(A, "maxGradNorm", c.maxGradNorm ?? 0),
    policy: c.policy === undefined ? undefined : oneOf(A, "policy", c.policy, ["categorical", "gaussian"] as const),
    logStdInit: finite(A, "logStdInit", c.logStdInit ?? -0.5),
    totalSteps: intAtLeast(A, "totalSteps", c.totalSteps ?? (iterations === null ? 200_000 : Number.MAX_SAFE_INTEGER), 1),
    iterations,
    targetReturn: optionalFinite(A, "targetReturn", c.targetReturn),
    groups,
    workers,
    initialPolicy: checkSavedPolicy(A, c.initialPolicy),
    seed: intAtLeast(A, "seed", c.seed ?? 0, 0),
  };
}
export type ResolvedReinforceConfig = ReturnType<typeof resolveReinforceConfig>;

export async function reinforce(config: ReinforceConfig = {}, callbacks: ReinforceCallbacks = {}): Promise<TrainResult<TrainablePolicy>> {
  // ---- setup
  const c = resolveReinforceConfig(config);
  await initTf({ quiet: true });
  const setup = setupEnv(c.env, c.envKwargs, c.numEnvs, c.maxEpisodeSteps);
  const policy = makePolicy("reinforce", setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed, logStdInit: c.logStdInit, continuous: c.policy === undefined ? undefined : c.policy === "gaussian" });
  let critic: MlpValue | null = null;
  let target: OptimizerTarget | null = null;
  const recorder = new Recorder();
  try {
    if (c.initialPolicy) startFrom(policy, c.initialPolicy);
    critic = typeof c.baseline === "string" && baselineEntry(c.baseline).critic ? new MlpValue({ obsSize: setup.env.obsDim, hiddenSizes: c.valueHiddenSizes, lr: c.valueLr, seed: c.seed + 1 }) : null;
    target = new OptimizerTarget(makeOptimizer(c.optimizer, c.lr), policy);
    if (c.groups) await groupedIterations(c, setup, policy, target, recorder, callbacks);
    else await batchIterations(c, setup, policy, critic, target, recorder, callbacks);
  } catch (e) {
    policy.dispose();
    throw e;
  } finally {
    target?.dispose();
    critic?.dispose();
    setup.env.close();
  }
  const saved = c.initialPolicy ? { kind: c.initialPolicy.kind, config: c.initialPolicy.config } : null; // not its parameters
  return recorder.result(policy, { ...c, initialPolicy: saved });
}

type Resolved = ResolvedReinforceConfig;

/** Iterations of `batchSteps` environment steps: the episodes that ended in them, one update each. */
async function batchIterations(c: Resolved, setup: EnvSetup, policy: TrainablePolicy, critic: MlpValue | null, target: OptimizerTarget, recorder: Recorder, callbacks: Callbacks): Promise<void> {
  const { estimator, baseline } = reinforcePsi(c);
  const perParameter = typeof c.baseline === "string" && baselineEntry(c.baseline).perParameter === true;
  const rng = new Rng(c.seed).stream(7);
  const collector = new Collector(setup.env, { seed: c.seed });
  const stall = new StallGuard("reinforce", collector, c.lr);
  const opts = { algo: "reinforce", what: "policy", maxGradNorm: c.maxGradNorm, setting: "lr", lr: c.lr, entropyCoef: c.entropyCoef };
  const parts: RunParts = {
    params: { policy, ...(critic ? { critic: critic.net } : {}) },
    optimizers: { policy: target.optimizer, ...(critic ? { critic: critic.optimizer } : {}) },
    rngs: { actions: rng },
    moments: {},
    objects: baseline.state ? { baseline: baseline.state } : {},
    collector,
    recorder,
  };
  const resumed = callbacks.checkpoint?.resume ? await restoreState("reinforce", callbacks.checkpoint.resume, parts) : 0;
  for (let iteration = resumed + 1; collector.steps < c.totalSteps && (c.iterations === null || iteration <= c.iterations) && recorder.solvedAtSteps === null; iteration++) {
    // ---- collect: batchSteps steps (never past the budget); the episodes that ended in them
    const batch = collector.episodes(policy, rng, Math.min(c.batchSteps, c.totalSteps - collector.steps), c.gamma);
    recorder.record(batch);
    stall.check(batch, iteration);
    let losses = NO_UPDATE;
    if (batch.rows > 0) {
      // ---- psi_t = (R(tau), R_t or your estimator) - b
      if (critic) batch.values = critic.valuesOf(batch.observations, batch.rows);
      const { returns, psi } = psiMinusBaseline("reinforce", batch, estimator, baseline, c.normalize);

      // ---- step: one batched surrogate step (Williams' baseline: his per-parameter direction)
      const step = perParameter ? applyStep(target, williamsGradient(policy, batch, returns), { ...opts, iteration }) : policyStep(target, policy, batch, psi, { ...opts, iteration });

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
    if (await callbacks.checkpoint?.after?.(iteration, () => captureState("reinforce", iteration, parts))) break;
  }
}

/** Set the policy's parameters from a saved policy, after checking it is the same kind and shape. */
function startFrom(policy: TrainablePolicy, saved: SavedPolicy): void {
  const own = policy.toJSON();
  const shape = ["obsSize", "nActions", "actionSize", "nStates", "nFeatures", "hiddenSizes", "activation", "stateDependentStd"];
  const differs = shape.filter((k) => k in own.config && JSON.stringify(own.config[k]) !== JSON.stringify(saved.config?.[k]));
  if (saved.kind !== own.kind || differs.length) {
    const what = saved.kind !== own.kind ? `a ${saved.kind}` : differs.map((k) => `${k} ${show(saved.config?.[k])}`).join(", ");
    const want = saved.kind !== own.kind ? `a ${own.kind}` : differs.map((k) => `${k} ${show(own.config[k])}`).join(", ");
    throw new RangeError(`reinforce: config.initialPolicy is ${what}; the config builds ${want}.`);
  }
  policy.setParams(saved.params);
}
