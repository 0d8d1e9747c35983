/**
 * Training DeepRM's policy as the paper does, through the library's `reinforce` (grouped collection):
 * each iteration, `jobSets` fresh training job sets, `rollouts` whole episodes of each from the
 * identical start; psi_t = R_t (gamma = 1) minus the time-dependent baseline b_t of its job set (the
 * mean over that job set's rollouts of R_t, shorter rollouts counting 0 past their end); the groups'
 * gradients summed, one job set at a time, into one RMSProp step (lr 0.001; the optimiser
 * "rmspropDeepRM": decay 0.9, epsilon 1e-9).
 * The policy: one hidden layer of 20 ReLU units over the 20 x 224 state image, softmax over M + 1
 * actions (the reference code's network). Optionally, imitation pre-training on SJF first.
 *
 * One departure from the paper, which trains a network per load: one policy for every load, its
 * job sets cycling through `loads` (group g of an iteration runs at loads[g % loads.length]), so that
 * the shipped policy serves the whole curve of Figure 4.
 *
 * ```ts
 * const run = await trainDeepRM({ iterations: 20, jobSets: 10, rollouts: 20, loads: [1.3] }, {
 *   onIteration: (row) => console.log(row.iteration, row.meanSlowdown),
 * });
 * ```
 */
import { type GroupsReport, type ReinforceConfig, reinforce } from "../algorithms/reinforce";
import type { DeepRMArgs } from "../envs/deeprm/config";
import { deepRMConfig } from "../envs/deeprm/config";
import { DeepRM } from "../envs/deeprm/env";
import { MlpCategorical } from "../policies/networks";
import type { SavedPolicy } from "../policies/policy";
import { initTf } from "../tf";
import { type ImitationEpoch, collectDemonstrations, imitate } from "./imitation";
import { SJF } from "./schedulers";

export interface DeepRMTrainOptions {
  /** Policy-gradient iterations (updates). */
  iterations: number;
  /** G: job sets per iteration (the paper: 100). */
  jobSets?: number;
  /** N: rollouts per job set (the paper: 20). */
  rollouts?: number;
  /** Loads the training job sets cycle through (default [0.7, 1.0, 1.3, 1.6, 1.9]). */
  loads?: number[];
  /** RMSProp learning rate (default 0.001, the paper's). */
  lr?: number;
  /** Seed of the network, the sampling and the training job sets (default 0). */
  seed?: number;
  /** Worker threads (default 0: this thread). */
  workers?: number;
  /** Imitation pre-training on SJF before the policy gradient (default none). */
  imitation?: { jobSets: number; epochs: number } | null;
  /** Start from this policy instead (a checkpoint), skipping imitation. */
  initialPolicy?: SavedPolicy;
  /** DeepRM-v0's other arguments (default: the paper's; job sets of 50 steps). */
  env?: Omit<DeepRMArgs, "load" | "seed">;
}

/** One row of the learning curve. */
export interface DeepRMCurveRow {
  iteration: number;
  /** Mean over the iteration's rollouts of the rollout's mean job slowdown (-return / jobs). */
  meanSlowdown: number;
  meanReturn: number;
  /** Decisions per rollout. */
  meanLength: number;
  entropy: number;
  gradNorm: number;
  envSteps: number;
  /** Seconds since training (after imitation) started. */
  wallTime: number;
}

export interface DeepRMTrainResult {
  policy: MlpCategorical;
  curve: DeepRMCurveRow[];
  /** The reinforce config the run used (without the initial parameters). */
  config: Record<string, unknown>;
  /** Imitation's history, when it ran. */
  imitation: ImitationEpoch[] | null;
}

export const DEEPRM_TRAINING_LOADS: readonly number[] = Object.freeze([0.7, 1.0, 1.3, 1.6, 1.9]);

function checked(o: DeepRMTrainOptions) {
  const where = "trainDeepRM";
  const int = (name: string, v: unknown, min: number) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new RangeError(`${where}: ${name} must be an integer >= ${min}; received ${String(v)}.`);
    return v;
  };
  const loads = o.loads ?? [...DEEPRM_TRAINING_LOADS];
  if (!Array.isArray(loads) || loads.length === 0 || loads.some((l) => typeof l !== "number" || !(l > 0) || !Number.isFinite(l))) {
    throw new RangeError(`${where}: loads must be a non-empty list of numbers > 0; received ${JSON.stringify(loads)}.`);
  }
  const imitation = o.imitation ?? null;
  if (imitation) {
    int("imitation.jobSets", imitation.jobSets, 1);
    int("imitation.epochs", imitation.epochs, 1);
  }
  deepRMConfig({ ...o.env }, where); // bad environment arguments fail here
  return {
    iterations: int("iterations", o.iterations, 1),
    jobSets: int("jobSets", o.jobSets ?? 100, 1),
    rollouts: int("rollouts", o.rollouts ?? 20, 1),
    loads,
    lr: o.lr ?? 0.001,
    seed: int("seed", o.seed ?? 0, 0),
    workers: int("workers", o.workers ?? 0, 0),
    imitation,
    env: { ...o.env },
  };
}

/** The `reinforce` config of a DeepRM training run (the paper's scheme; see the module comment). */
export function deepRMReinforceConfig(options: DeepRMTrainOptions): ReinforceConfig {
  const o = checked(options);
  return {
    env: "DeepRM-v0",
    envKwargs: { ...o.env, seed: o.seed },
    groups: { count: o.jobSets, size: o.rollouts, key: "jobSet", options: o.loads.map((load) => ({ load })) },
    psi: "rewardToGo",
    baseline: "timeDependent",
    gamma: 1,
    hiddenSizes: [20],
    activation: "relu",
    optimizer: "rmspropDeepRM",
    lr: o.lr,
    iterations: o.iterations,
    workers: o.workers,
    seed: o.seed,
  };
}

/** The network DeepRM trains: 20 ReLU units over the state image, softmax over M + 1 actions. */
export function deepRMNetwork(env: Omit<DeepRMArgs, "load" | "seed"> = {}, seed = 0): MlpCategorical {
  const cfg = deepRMConfig({ ...env });
  return new MlpCategorical({ obsSize: cfg.obsDim, nActions: cfg.slots + 1, hiddenSizes: [20], activation: "relu", seed });
}

/**
 * The mean slowdown of each rollout of an iteration's groups: -return / jobs of its job set (job sets
 * without jobs are skipped). `jobs` counts a job set's jobs from its reset options.
 */
export function rolloutSlowdowns(report: Pick<GroupsReport, "groups">, jobs: (reset: Record<string, unknown>) => number): number[] {
  const out: number[] = [];
  for (const g of report.groups) {
    const n = jobs(g.reset);
    if (n > 0) for (const r of g.returns) out.push(-r / n);
  }
  return out;
}

/** Train DeepRM's policy (see the module comment); `onIteration` gets each row of the curve and the policy. */
export async function trainDeepRM(
  options: DeepRMTrainOptions,
  callbacks: {
    onImitationEpoch?: (row: ImitationEpoch) => void | Promise<void>;
    onIteration?: (row: DeepRMCurveRow, policy: MlpCategorical) => void | Promise<void>;
  } = {},
): Promise<DeepRMTrainResult> {
  const o = checked(options);
  await initTf({ quiet: true });
  const config = deepRMReinforceConfig(options);
  let initialPolicy = options.initialPolicy;
  let imitation: ImitationEpoch[] | null = null;
  if (!initialPolicy && o.imitation) {
    // demonstrations: SJF on training job sets at every training load (numbers far above the policy gradient's)
    const network = deepRMNetwork(o.env, o.seed);
    try {
      const per = Math.ceil(o.imitation.jobSets / o.loads.length);
      const first = 1_000_000_000; // job set numbers the policy gradient's fresh job sets do not reach
      const parts = o.loads.map((load, k) => collectDemonstrations(new SJF({ ...o.env, load }), { jobSets: per, firstJobSet: first + k * per, env: { ...o.env, load, seed: o.seed } }));
      const count = parts.reduce((n, d) => n + d.count, 0);
      const obsSize = parts[0].obsSize;
      const observations = new Uint8Array(count * obsSize);
      const actions = new Int32Array(count);
      let at = 0;
      for (const d of parts) {
        observations.set(d.observations, at * obsSize);
        actions.set(d.actions, at);
        at += d.count;
      }
      imitation = await imitate(network, { observations, actions, count, obsSize }, { epochs: o.imitation.epochs, seed: o.seed }, { onEpoch: callbacks.onImitationEpoch });
      initialPolicy = network.toJSON();
    } finally {
      network.dispose();
    }
  }
  const counter = new DeepRM({ ...o.env, seed: o.seed });
  const jobs = (reset: Record<string, unknown>) => counter.reset({ options: reset }).info.jobs as number;
  const curve: DeepRMCurveRow[] = [];
  const result = await reinforce(
    { ...config, ...(initialPolicy ? { initialPolicy } : {}) },
    {
      onGroups: async (report) => {
        const slowdowns = rolloutSlowdowns(report, jobs);
        const s = report.stats;
        const row: DeepRMCurveRow = {
          iteration: s.iteration,
          meanSlowdown: slowdowns.reduce((a, b) => a + b, 0) / slowdowns.length,
          meanReturn: s.meanReturn,
          meanLength: s.meanLength,
          entropy: s.entropy,
          gradNorm: s.gradNorm,
          envSteps: s.envSteps,
          wallTime: s.wallTime,
        };
        curve.push(row);
        await callbacks.onIteration?.(row, report.policy as MlpCategorical);
      },
    },
  );
  return { policy: result.policy as MlpCategorical, curve, config: result.config, imitation };
}
