/**
 * REINFORCE's grouped collection (`groups`, DeepRM's scheme; see src/algorithms/reinforce.ts): each
 * iteration runs G groups of N whole episodes, the N episodes of a group all started by the same reset
 * (for DeepRM, `{ jobSet: k }`: N rollouts of job set k from the identical start). Per group: collect,
 * psi_t (the estimator minus the group's own baseline, e.g. the time-dependent b_t over its N
 * rollouts), and the group's share of the gradient (memory holds one group's rows, never the
 * iteration's). The groups' gradients are summed in group order and go through the one update step.
 * Groups can run on worker threads (`workers`, src/algorithms/reinforce-worker.ts), each with its own
 * copy of the environment and the policy; the sum is in group order, so the run does not depend on
 * how many workers there are.
 */
import type { Baseline } from "../baselines/index";
import type { PsiEstimator } from "../estimators/segment";
import { type Batch, emptyBatch } from "../rollout/batch";
import { Collector } from "../rollout/collector";
import { Rng } from "../rng";
import { entropyOf } from "../update/loss";
import { type ParameterTarget, applyStep, flatNorm, policyGradient } from "../update/step";
import { BASELINES, ESTIMATORS } from "./builtins";
import { cannotCapture, refuseResume } from "./checkpoint";
import type { Recorder } from "./recorder";
import type { GroupsReport, ReinforceCallbacks, ResolvedReinforceConfig } from "./reinforce";
import type { EnvSetup, TrainablePolicy } from "./setup";
import { psiMinusBaseline } from "./update";
import { WorkerPool } from "./workers";

type Resolved = ResolvedReinforceConfig;

/** Rows of a group between two samples of the entropy that `onIteration` reports (1 in 8 rows: it costs a forward pass). */
const ENTROPY_STRIDE = 8;

/** One group to collect: its position in the iteration and the reset that starts it. */
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

/** What a worker of grouped collection is started with. */
export interface GroupWorkerData {
  config: Resolved;
}

/** The groups of an iteration: group g starts from id (i - 1) G + g (modulo the pool) with options[g % length]. */
export function groupTasks(groups: NonNullable<Resolved["groups"]>, iteration: number): GroupTask[] {
  return Array.from({ length: groups.count }, (_, index) => {
    const id = (iteration - 1) * groups.count + index;
    return { iteration, index, reset: { ...groups.options[index % groups.options.length], [groups.key]: groups.pool === null ? id : id % groups.pool } };
  });
}

/** The run's psi_t estimator and baseline, by name or as given. */
export function reinforcePsi(c: Resolved): { estimator: PsiEstimator; baseline: Baseline } {
  return { estimator: typeof c.psi === "function" ? c.psi : ESTIMATORS.reinforce[c.psi], baseline: typeof c.baseline === "function" ? c.baseline : BASELINES[c.baseline].make(c) };
}

/**
 * Collects groups and computes each one's gradient, in the main thread or in a worker: N whole
 * episodes from the group's reset, psi from the library's estimator minus the group's baseline, and
 * the gradient of the surrogate loss (divisor G N, so the groups' gradients add up to the mean over
 * the iteration's trajectories).
 */
export class GroupRunner {
  private readonly collector: Collector;
  private readonly psi: { estimator: PsiEstimator; baseline: Baseline };

  constructor(
    private readonly c: Resolved,
    readonly setup: EnvSetup,
    readonly policy: TrainablePolicy,
  ) {
    this.collector = new Collector(setup.env);
    this.psi = reinforcePsi(c);
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
    const { psi } = psiMinusBaseline("reinforce", batch, this.psi.estimator, this.psi.baseline, c.normalize);

    // ---- this group's share of the gradient
    const g = policyGradient(policy, batch, psi, c.entropyCoef, "flat");
    const sample = everyKthRow(batch, ENTROPY_STRIDE);
    return {
      gradient: g.values as Float32Array,
      loss: g.loss as number,
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

/** Iterations of grouped collection: G groups (here or on workers), their gradients summed in order, one step. */
export async function groupedIterations(c: Resolved, setup: EnvSetup, policy: TrainablePolicy, target: ParameterTarget, recorder: Recorder, callbacks: ReinforceCallbacks): Promise<void> {
  refuseResume("reinforce with groups", callbacks.checkpoint);
  const groups = c.groups as NonNullable<Resolved["groups"]>;
  const local = c.workers === 0 ? new GroupRunner(c, setup, policy) : null;
  const pool = c.workers > 0 ? await WorkerPool.start<GroupTask, GroupResult>(c.workers, __dirname, "reinforce-worker", { config: { ...c, initialPolicy: null } } satisfies GroupWorkerData, "reinforce") : null;
  let steps = 0;
  try {
    for (let iteration = 1; steps < c.totalSteps && (c.iterations === null || iteration <= c.iterations); iteration++) {
      // ---- collect every group, its psi_t and its gradient (workers get the current parameters first)
      const tasks = groupTasks(groups, iteration);
      let results: GroupResult[];
      if (pool) {
        pool.broadcast({ type: "params", params: policy.getParams() });
        results = await pool.run(tasks);
      } else results = tasks.map((t) => (local as GroupRunner).run(t));

      // ---- step: the groups' gradients summed in group order (float64)
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
      const step = applyStep(target, { loss, norm: flatNorm(total), values: total }, { algo: "reinforce", what: "policy", iteration, maxGradNorm: c.maxGradNorm, setting: "lr", lr: c.lr });

      // ---- log
      const stats = recorder.finish(iteration, steps, { policyLoss: loss, criticLoss: NaN, entropy: entropySum / entropyRows, gradNorm: step.gradNorm }, c.targetReturn);
      await callbacks.onGroups?.({ stats, groups: tasks.map((t, i) => ({ reset: t.reset, returns: results[i].returns, lengths: results[i].lengths })), policy } satisfies GroupsReport);
      await callbacks.onIteration?.(stats);
      if (recorder.solvedAtSteps !== null || (await callbacks.checkpoint?.after?.(iteration, cannotCapture("reinforce with groups")))) break;
    }
  } finally {
    await pool?.close();
  }
}
