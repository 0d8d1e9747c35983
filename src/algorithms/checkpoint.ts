/**
 * Checkpoints: the whole state of a training run at the end of an iteration, as plain JSON, so that
 * a run can stop (Ctrl-C, a time limit) and continue later exactly where it was.
 *
 * A run's state is its networks' parameters, its optimisers' slots (Adam's moments, RMSProp's mean
 * squares, through `optimizer.getWeights()` / `setWeights()`), its random streams, its normalisers'
 * running statistics and small stateful helpers (a baseline's `state`: the moving average), its
 * collector (the environments' physical states, their random streams, the episodes in progress) and
 * its record (history and every episode's return). Continued from it with the same config, a run takes the
 * same steps and computes the same numbers as a run that never stopped; only `wallTime` and
 * `stepsPerSecond` differ (the clock).
 *
 * An algorithm takes part through `callbacks.checkpoint`:
 *
 * ```ts
 * // stop after iteration 3 and keep the state, then continue it
 * let saved: TrainingState | undefined;
 * await a2c(config, { checkpoint: { after: async (it, capture) => { if (it === 3) { saved = await capture(); return true; } return false; } } });
 * const rest = await a2c(config, { checkpoint: { resume: saved } });   // rest.history: iterations 1 .. the end
 * ```
 *
 * a2c, reinforce (batch collection, not `groups`) and actorCritic (with a network critic) support
 * it; the others (a3c, grouped reinforce, actorCritic with a table critic) stop when asked (`after`
 * returning true) but cannot capture their state yet (`capture` throws and says so) and refuse a
 * `resume`.
 */
import type { CollectorSnapshot, Collector } from "../rollout/collector";
import type { Rng } from "../rng";
import { tf } from "../tf";
import type { RunningMoments } from "./normalize";
import type { Recorder, RecorderSnapshot } from "./recorder";

export const CHECKPOINT_FORMAT = "policy-gradient-lab checkpoint 1";

/** One optimiser's slots: its step count and one array per slot variable, in the optimiser's order. */
export interface SavedOptimizer {
  weights: { name: string; shape: number[]; values: number[] }[];
  /** Adam's running beta1^t and beta2^t (see `restoreOptimizer`). */
  accBetas?: [number, number];
}

/** The state of a run at the end of an iteration (JSON-safe). */
export interface TrainingState {
  format: typeof CHECKPOINT_FORMAT;
  algorithm: string;
  /** The last iteration done; the run continues with the next one. */
  iteration: number;
  envSteps: number;
  params: Record<string, number[]>;
  optimizers: Record<string, SavedOptimizer>;
  rngs: Record<string, number[]>;
  moments: Record<string, { mean: number[]; variance: number[]; count: number }>;
  /** Small objects of plain fields (e.g. a moving-average baseline), field by field. */
  objects?: Record<string, Record<string, unknown>>;
  collector: CollectorSnapshot;
  record: RecorderSnapshot;
}

export interface CheckpointHooks {
  /** A state to continue from (the run's config must be the one it was saved with). */
  resume?: TrainingState;
  /**
   * Called after every iteration (after `onIteration`). `capture()` returns the state now (call it
   * only when you keep it: it reads every optimiser slot). Return true to stop the run here: it then
   * returns as a finished run would, with the history so far.
   */
  after?: (iteration: number, capture: () => Promise<TrainingState>) => boolean | Promise<boolean>;
}

/** What a run is made of, for capturing and restoring: each part by a stable name. */
export interface RunParts {
  params: Record<string, { getParams(): ArrayLike<number>; setParams(p: ArrayLike<number>): void }>;
  optimizers: Record<string, tf.Optimizer>;
  rngs: Record<string, Rng>;
  moments: Record<string, RunningMoments>;
  /** Objects whose own fields are plain numbers and flags (saved and put back field by field). */
  objects?: Record<string, object>;
  collector: Collector;
  recorder: Recorder;
}

/** Adam keeps beta^t in variables that `setWeights` recomputes as a power, which differs in the last bits from the product it accumulates. */
type WithAccBetas = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

async function saveOptimizer(optimizer: tf.Optimizer): Promise<SavedOptimizer> {
  const named = await optimizer.getWeights();
  const weights = await Promise.all(named.map(async (w) => ({ name: w.name, shape: w.tensor.shape, values: Array.from(await w.tensor.data()) })));
  named[0]?.tensor.dispose(); // the step count is a new scalar; the slots are the optimiser's own variables
  const { accBeta1, accBeta2 } = optimizer as unknown as WithAccBetas;
  return { weights, ...(accBeta1 && accBeta2 ? { accBetas: [accBeta1.dataSync()[0], accBeta2.dataSync()[0]] as [number, number] } : {}) };
}

async function restoreOptimizer(optimizer: tf.Optimizer, saved: SavedOptimizer): Promise<void> {
  const tensors = saved.weights.map((w) => ({ name: w.name, tensor: w.name === "iter" ? tf.scalar(w.values[0], "int32") : tf.tensor(w.values, w.shape, "float32") }));
  await optimizer.setWeights(tensors);
  for (const t of tensors) t.tensor.dispose(); // setWeights made variables of its own
  const betas = optimizer as unknown as WithAccBetas;
  if (saved.accBetas && betas.accBeta1 && betas.accBeta2) {
    betas.accBeta1.assign(tf.scalar(saved.accBetas[0]));
    betas.accBeta2.assign(tf.scalar(saved.accBetas[1]));
  }
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v, k)]));
}

/** The state of a run made of `parts`, after `iteration`. */
export async function captureState(algorithm: string, iteration: number, parts: RunParts): Promise<TrainingState> {
  const optimizers: Record<string, SavedOptimizer> = {};
  for (const [name, o] of Object.entries(parts.optimizers)) optimizers[name] = await saveOptimizer(o);
  return {
    format: CHECKPOINT_FORMAT,
    algorithm,
    iteration,
    envSteps: parts.collector.steps,
    params: mapValues(parts.params, (p) => Array.from(p.getParams())),
    optimizers,
    rngs: mapValues(parts.rngs, (r) => r.getState()),
    moments: mapValues(parts.moments, (m) => ({ mean: Array.from(m.mean), variance: Array.from(m.variance), count: m.count })),
    objects: mapValues(parts.objects ?? {}, (o) => ({ ...o }) as Record<string, unknown>),
    collector: parts.collector.snapshot(),
    record: parts.recorder.snapshot(),
  };
}

/** Put `state` back into `parts` (a run built from the same config); returns the last iteration done. */
export async function restoreState(algorithm: string, state: TrainingState, parts: RunParts): Promise<number> {
  if (state?.format !== CHECKPOINT_FORMAT) throw new TypeError(`${algorithm}: checkpoint.resume is not a checkpoint (expected format ${JSON.stringify(CHECKPOINT_FORMAT)}; received ${JSON.stringify(state?.format)}).`);
  if (state.algorithm !== algorithm) throw new RangeError(`${algorithm}: checkpoint.resume is a ${state.algorithm} run's; continue it with ${state.algorithm}.`);
  const same = (what: string, saved: object, here: object) => {
    const [a, b] = [Object.keys(saved).sort().join(", "), Object.keys(here).sort().join(", ")];
    if (a !== b) throw new RangeError(`${algorithm}: the checkpoint's ${what} (${a || "none"}) differ from this run's (${b || "none"}): resume with the config it was saved with.`);
  };
  same("networks", state.params, parts.params);
  same("optimisers", state.optimizers, parts.optimizers);
  same("normalisers", state.moments, parts.moments);
  same("other parts", state.objects ?? {}, parts.objects ?? {});
  for (const [name, p] of Object.entries(parts.params)) {
    const saved = state.params[name];
    if (saved.length !== p.getParams().length) throw new RangeError(`${algorithm}: the checkpoint's ${name} has ${saved.length} parameters, this run's ${p.getParams().length}: resume with the config it was saved with.`);
    p.setParams(saved);
  }
  for (const [name, o] of Object.entries(parts.optimizers)) await restoreOptimizer(o, state.optimizers[name]);
  for (const [name, r] of Object.entries(parts.rngs)) r.setState(state.rngs[name]);
  for (const [name, m] of Object.entries(parts.moments)) {
    m.mean.set(state.moments[name].mean);
    m.variance.set(state.moments[name].variance);
    m.count = state.moments[name].count;
  }
  for (const [name, o] of Object.entries(parts.objects ?? {})) Object.assign(o, state.objects![name]);
  parts.collector.restore(state.collector);
  parts.recorder.restore(state.record);
  return state.iteration;
}

/** For the algorithms that cannot continue a run yet: a `resume` given to them is an error, not ignored. */
export function refuseResume(algorithm: string, hooks: CheckpointHooks | undefined): void {
  if (hooks?.resume) throw new RangeError(`${algorithm} cannot continue a run from a checkpoint yet (a2c, reinforce without groups and actorCritic with a network critic can); start it afresh.`);
}

/** For the algorithms that cannot capture their state yet: `capture` says so. */
export function cannotCapture(algorithm: string): () => Promise<TrainingState> {
  return () => Promise.reject(new Error(`${algorithm} cannot save its training state yet (a2c, reinforce without groups and actorCritic with a network critic can): the policy is saved, but the run cannot be continued.`));
}
