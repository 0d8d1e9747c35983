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
 *
 * **Grouped collection** (`groups`, DeepRM's scheme): each iteration runs G groups of N whole
 * episodes, the N episodes of a group all started by the same reset (for DeepRM, `{ jobSet: k }`: N
 * rollouts of job set k from the identical start). psi and its baseline are computed per group (the
 * time-dependent baseline b_t = mean over the group's rollouts of R_t, the default there), the
 * gradient of each group is computed and added up one group at a time (memory holds one group's
 * rows, never the iteration's), and one optimiser step follows. The groups can run on worker threads
 * (`workers`), each with its own copy of the environment and the policy; the gradient is summed in
 * group order, so the run does not depend on how many workers there are.
 *
 * ```ts
 * const run = await reinforce({
 *   env: "DeepRM-v0", envKwargs: { load: 1.3 }, groups: { count: 100, size: 20 }, gamma: 1,
 *   hiddenSizes: [20], activation: "relu", optimizer: "rmsprop", lr: 0.001, iterations: 50, workers: 2,
 * });
 * ```
 */
import { ConstantBaseline, MovingAverageBaseline, batchMeanBaseline, timeDependentBaseline, williamsOptimalBaseline } from "../baselines/index";
import { MlpValue } from "../critics/mlp";
import { psiOf, surrogateGradient } from "../estimators/gradient";
import { rewardToGo, totalReturn } from "../estimators/returns";
import type { Activation } from "../nn/mlp";
import type { SavedPolicy } from "../policies/policy";
import { type Batch, type PsiEstimator, emptyBatch, spanBatch, spans } from "../rollout/batch";
import { Collector } from "../rollout/collector";
import { Rng } from "../rng";
import { initTf, tf } from "../tf";
import { type RunParts, cannotCapture, captureState, refuseResume, restoreState } from "./checkpoint";
import { checkKeys, fail, finite, intAtLeast, keysOf, nonNegative, oneOf, optionalFinite, positive, show, sizes, unit } from "./config";
import { StallGuard } from "./episodes";
import { type Callbacks, type IterationStats, NO_UPDATE, Recorder, type TrainResult } from "./recorder";
import { type EnvSetup, type TrainablePolicy, makePolicy, setupEnv } from "./setup";
import { actorLoss, applyClipped, checkCriticLoss, checkDiverged, entropyOf, guardedStep, standardize } from "./update";
import { WorkerPool } from "./workers";

export const REINFORCE_BASELINES = ["none", "constant", "movingAverage", "batchMean", "optimal", "timeDependent", "value"] as const;
export type ReinforceBaseline = (typeof REINFORCE_BASELINES)[number];

/** The built-in psi_t before the baseline: the library's estimators, by name. */
export const REINFORCE_PSI: Record<"total" | "rewardToGo", PsiEstimator> = { total: totalReturn, rewardToGo };

/** The baselines that grouped collection computes within each group (the others need the whole iteration or a learned critic). */
export const GROUP_BASELINES = ["none", "constant", "batchMean", "timeDependent"] as const;

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
  psi?: "total" | "rewardToGo" | PsiEstimator;
  /**
   * Baseline b subtracted from psi (default "value", a learned V(s)). "optimal" is Williams' per-parameter
   * baseline on R(tau). With `groups` the default is "timeDependent" and the choice is one of GROUP_BASELINES.
   */
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
  /** Learning rate of the policy's optimiser (default 0.01). */
  lr?: number;
  /**
   * The policy's optimiser: "adam" (the default) or "rmsprop" (decay 0.9, no momentum, epsilon 1e-9:
   * the DeepRM paper's and its reference code's settings).
   */
  optimizer?: "adam" | "rmsprop";
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
  const baseline = oneOf(A, "baseline", c.baseline ?? (groups ? "timeDependent" : "value"), REINFORCE_BASELINES);
  if (groups) {
    if (!(GROUP_BASELINES as readonly string[]).includes(baseline)) fail(A, "baseline", `with groups, one of ${GROUP_BASELINES.map((b) => JSON.stringify(b)).join(", ")} (computed within each group)`, baseline);
    if (c.numEnvs !== undefined && c.numEnvs !== groups.size) fail(A, "numEnvs", `left out or equal to groups.size (${groups.size}): the copies are a group's rollouts`, c.numEnvs);
  }
  const workers = intAtLeast(A, "workers", c.workers ?? 0, 0);
  if (workers > 0 && !groups) fail(A, "workers", "0 without groups (worker threads run grouped collection)", workers);
  if (workers > 0 && typeof c.psi === "function") {
    throw new TypeError(`${A}: config.psi is a function (${c.psi.name || "anonymous"}), which cannot be sent to worker threads; use workers: 0, or a built-in psi name.`);
  }
  const iterations = c.iterations === undefined ? null : intAtLeast(A, "iterations", c.iterations, 1);
  return {
    env: c.env ?? "CartPole-v1",
    envKwargs: c.envKwargs,
    maxEpisodeSteps: c.maxEpisodeSteps === undefined ? undefined : intAtLeast(A, "maxEpisodeSteps", c.maxEpisodeSteps, 1),
    numEnvs: groups ? groups.size : intAtLeast(A, "numEnvs", c.numEnvs ?? 8, 1),
    psi: typeof c.psi === "function" ? c.psi : oneOf(A, "psi", c.psi ?? "rewardToGo", ["total", "rewardToGo"] as const),
    baseline,
    baselineValue: finite(A, "baselineValue", c.baselineValue ?? 0),
    movingAverageAlpha: unit(A, "movingAverageAlpha", c.movingAverageAlpha ?? 0.1),
    gamma: unit(A, "gamma", c.gamma ?? 0.99),
    hiddenSizes: sizes(A, "hiddenSizes", c.hiddenSizes ?? [32]),
    activation: oneOf(A, "activation", c.activation ?? "tanh", ["tanh", "relu", "elu"] as const),
    lr: positive(A, "lr", c.lr ?? 0.01),
    optimizer: oneOf(A, "optimizer", c.optimizer ?? "adam", ["adam", "rmsprop"] as const),
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

export async function reinforce(config: ReinforceConfig = {}, callbacks: ReinforceCallbacks = {}): Promise<TrainResult<TrainablePolicy>> {
  // ---- setup
  const c = resolveReinforceConfig(config);
  await initTf({ quiet: true });
  const setup = setupEnv(c.env, c.envKwargs, c.numEnvs, c.maxEpisodeSteps);
  const policy = makePolicy("reinforce", setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed, logStdInit: c.logStdInit, continuous: c.policy === undefined ? undefined : c.policy === "gaussian" });
  const obsWidth = setup.env.obsDim;
  let critic: MlpValue | null = null;
  let optimizer: tf.Optimizer | null = null;
  const recorder = new Recorder();
  try {
    if (c.initialPolicy) startFrom(policy, c.initialPolicy);
    critic = c.baseline === "value" ? new MlpValue({ obsSize: obsWidth, hiddenSizes: c.valueHiddenSizes, lr: c.valueLr, seed: c.seed + 1 }) : null;
    optimizer = c.optimizer === "rmsprop" ? tf.train.rmsprop(c.lr, 0.9, 0, 1e-9) : tf.train.adam(c.lr);
    if (c.groups) await groupedIterations(c, setup, policy, optimizer, recorder, callbacks);
    else await batchIterations(c, setup, policy, critic, optimizer, recorder, callbacks);
  } catch (e) {
    policy.dispose();
    throw e;
  } finally {
    optimizer?.dispose();
    critic?.dispose();
    setup.env.close();
  }
  const saved = c.initialPolicy ? { kind: c.initialPolicy.kind, config: c.initialPolicy.config } : null; // not its parameters
  return recorder.result(policy, { ...c, initialPolicy: saved });
}

type Resolved = ResolvedReinforceConfig;

/** Iterations of `batchSteps` environment steps: the episodes that ended in them, one update each. */
async function batchIterations(c: Resolved, setup: EnvSetup, policy: TrainablePolicy, critic: MlpValue | null, optimizer: tf.Optimizer, recorder: Recorder, callbacks: Callbacks): Promise<void> {
  const psiFn = typeof c.psi === "function" ? c.psi : REINFORCE_PSI[c.psi];
  const moving = new MovingAverageBaseline({ alpha: c.movingAverageAlpha, initial: "first" });
  const rng = new Rng(c.seed).stream(7);
  const collector = new Collector(setup.env, { seed: c.seed });
  const stall = new StallGuard("reinforce", collector, c.lr);
  const parts: RunParts = {
    params: { policy, ...(critic ? { critic: critic.net } : {}) },
    optimizers: { policy: optimizer, ...(critic ? { critic: critic.optimizer } : {}) },
    rngs: { actions: rng },
    moments: {},
    objects: { movingAverage: moving },
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

// ---- grouped collection

/** Rows of a group between two samples of the entropy that `onIteration` reports (1 in 8 rows: it costs a forward pass). */
const ENTROPY_STRIDE = 8;

/** One group to collect: its position in the iteration, the reset that starts it, and its random seeds. */
export interface GroupTask {
  iteration: number;
  index: number;
  reset: Record<string, unknown>;
}

/** A group's contribution: the gradient of its share of the surrogate loss (minimised), flat, and what to log. */
export interface GroupResult {
  gradient: Float32Array;
  loss: number;
  /** Sum of the policy's entropy over the sampled rows, and their number. */
  entropySum: number;
  entropyRows: number;
  steps: number;
  returns: number[];
  lengths: number[];
}

/** The groups of an iteration: group g starts from id (i - 1) G + g (modulo the pool) with options[g % length]. */
export function groupTasks(groups: NonNullable<Resolved["groups"]>, iteration: number): GroupTask[] {
  return Array.from({ length: groups.count }, (_, index) => {
    const id = (iteration - 1) * groups.count + index;
    return { iteration, index, reset: { ...groups.options[index % groups.options.length], [groups.key]: groups.pool === null ? id : id % groups.pool } };
  });
}

/**
 * Collects groups and computes each one's gradient, in the main thread or in a worker: N whole
 * episodes from the group's reset, psi from the library's estimator minus the group's baseline, and
 * the gradient of the surrogate loss through TF.js (divisor G N, so the groups' gradients add up to
 * the mean over the iteration's trajectories).
 */
export class GroupRunner {
  private readonly collector: Collector;
  private readonly psiFn: PsiEstimator;

  constructor(
    private readonly c: Resolved,
    readonly setup: EnvSetup,
    readonly policy: TrainablePolicy,
  ) {
    this.collector = new Collector(setup.env);
    this.psiFn = typeof c.psi === "function" ? c.psi : REINFORCE_PSI[c.psi];
  }

  run(task: GroupTask): GroupResult {
    const { c, policy } = this;
    const groups = c.groups as NonNullable<Resolved["groups"]>;
    // ---- collect: N whole episodes from the group's reset, on the group's own random streams
    const rng = new Rng(c.seed, [7, task.iteration, task.index]);
    const seed = new Rng(c.seed, [8, task.iteration, task.index]).integer(0, 2 ** 31);
    const batch = this.collector.group(policy, rng, { reset: task.reset, seed, group: task.index, gamma: c.gamma });
    batch.divisor = groups.count * groups.size;

    // ---- psi_t = R_t (or your estimator) - b, b from the group alone (time-dependent: b_t over its N rollouts)
    const returns = psiOf("reinforce", batch, this.psiFn);
    const b = BASELINES[c.baseline as (typeof GROUP_BASELINES)[number]]({ batch, returns, config: c, moving: null as never });
    let psi: Float64Array = Float64Array.from(returns, (x, k) => x - (typeof b === "number" ? b : b[k]));
    if (c.normalize) psi = standardize([psi])[0];

    // ---- this group's share of the gradient
    const vars = policy.variables();
    const { value, grads } = tf.variableGrads(() => actorLoss(policy, batch, psi, c.entropyCoef), vars);
    const gradient = new Float32Array(vars.reduce((n, v) => n + v.size, 0));
    let off = 0;
    for (const v of vars) {
      gradient.set(grads[v.name].dataSync(), off);
      off += v.size;
    }
    const loss = value.dataSync()[0];
    value.dispose();
    tf.dispose(Object.values(grads));
    const sample = everyKthRow(batch, ENTROPY_STRIDE);
    return {
      gradient,
      loss,
      entropySum: entropyOf(policy, sample) * sample.rows,
      entropyRows: sample.rows,
      steps: batch.rows,
      returns: batch.episodeReturns,
      lengths: batch.episodeLengths,
    };
  }
}

/** Rows 0, k, 2k, ... of a batch (observations and actions only), for a cheap estimate of a mean over rows. */
function everyKthRow(batch: Batch, k: number): Batch {
  const rows = Math.ceil(batch.rows / k);
  const { obsSize, actionSize } = batch;
  const out = emptyBatch(rows, 1, obsSize, actionSize, 1);
  for (let r = 0; r < rows; r++) {
    out.observations.set(batch.observations.subarray(r * k * obsSize, (r * k + 1) * obsSize), r * obsSize);
    out.actions.set(batch.actions.subarray(r * k * actionSize, (r * k + 1) * actionSize), r * actionSize);
  }
  return out;
}

/** What a worker of grouped collection is started with. */
export interface GroupWorkerData {
  config: Resolved;
}

/** Iterations of grouped collection: G groups (here or on workers), their gradients summed in order, one step. */
async function groupedIterations(c: Resolved, setup: EnvSetup, policy: TrainablePolicy, optimizer: tf.Optimizer, recorder: Recorder, callbacks: ReinforceCallbacks): Promise<void> {
  refuseResume("reinforce with groups", callbacks.checkpoint);
  const groups = c.groups as NonNullable<Resolved["groups"]>;
  const local = c.workers === 0 ? new GroupRunner(c, setup, policy) : null;
  const pool = c.workers > 0 ? await WorkerPool.start<GroupTask, GroupResult>(c.workers, __dirname, "reinforce-worker", { config: { ...c, initialPolicy: null } } satisfies GroupWorkerData, "reinforce") : null;
  const vars = policy.variables();
  let steps = 0;
  try {
    for (let iteration = 1; steps < c.totalSteps && (c.iterations === null || iteration <= c.iterations); iteration++) {
      // ---- collect every group and its gradient (workers get the current parameters first)
      const tasks = groupTasks(groups, iteration);
      let results: GroupResult[];
      if (pool) {
        pool.broadcast({ type: "params", params: policy.getParams() });
        results = await pool.run(tasks);
      } else results = tasks.map((t) => (local as GroupRunner).run(t));

      // ---- sum the groups' gradients in group order (float64) and take one optimiser step
      const total = new Float64Array(results[0].gradient.length);
      let loss = 0;
      let entropySum = 0;
      let entropyRows = 0;
      for (const r of results) {
        for (let k = 0; k < total.length; k++) total[k] += r.gradient[k];
        loss += r.loss;
        entropySum += r.entropySum;
        entropyRows += r.entropyRows;
        steps += r.steps;
        recorder.record({ episodeReturns: r.returns, episodeLengths: r.lengths });
      }
      const gradNorm = Math.sqrt(total.reduce((a, x) => a + x * x, 0));
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        throw new Error(`reinforce: iteration ${iteration}: the policy ${Number.isFinite(loss) ? `gradient norm is ${gradNorm}` : `loss is ${loss}`}; training stopped before corrupting the weights (try a smaller learning rate: config.lr is ${c.lr}).`);
      }
      let off = 0;
      const grads = vars.map((v) => {
        const g = tf.tensor(Float32Array.from(total.subarray(off, off + v.size)), v.shape);
        off += v.size;
        return g;
      });
      applyClipped(optimizer, vars, grads, gradNorm, c.maxGradNorm);
      policy.markUpdated();
      checkDiverged("reinforce", "policy", iteration, policy.maxAbsParam(), "lr", c.lr);

      // ---- log
      const stats = recorder.finish(iteration, steps, { policyLoss: loss, criticLoss: NaN, entropy: entropySum / entropyRows, gradNorm }, c.targetReturn);
      await callbacks.onGroups?.({ stats, groups: tasks.map((t, i) => ({ reset: t.reset, returns: results[i].returns, lengths: results[i].lengths })), policy });
      await callbacks.onIteration?.(stats);
      if (recorder.solvedAtSteps !== null || (await callbacks.checkpoint?.after?.(iteration, cannotCapture("reinforce with groups")))) break;
    }
  } finally {
    await pool?.close();
  }
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
