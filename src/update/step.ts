/**
 * The one update step of every algorithm: surrogate loss -> gradient -> non-finite guard -> clipping
 * -> apply. An algorithm collects a batch, computes psi_t, and calls
 *
 * ```ts
 * const step = policyStep(target, policy, batch, psi, { algo: "a2c", what: "actor", iteration, maxGradNorm: 0.5, setting: "lr", lr });
 * ```
 *
 * (or `applyStep` with a gradient it assembled itself: the sum of worker threads' gradients, Williams'
 * per-parameter direction). The target is where the parameters live: TF.js variables with a TF.js
 * optimiser (`OptimizerTarget`), or a flat array shared between threads with lock-free Adam
 * (`SharedTarget`, A3C). After applying, the step stops a run whose parameters passed
 * `DIVERGENCE_BOUND`.
 *
 * A gradient comes in one of two forms, and every target takes both: one TF.js tensor per variable
 * (from TF.js' automatic differentiation; its norm computed by TF.js), or one flat vector in the
 * variables' order (summed over groups, posted by a worker, or computed by another kernel; its norm
 * summed in float64). `policyGradient` is the one place that computes the policy's gradient from
 * (network, rows, psi): through TF.js, or through the fused WebAssembly kernel when `PG_GRAD_KERNEL=fused`
 * and the kernel covers the policy (src/update/kernel.ts); both return the same `Gradient` (the kernel's
 * norm summed in float64 from its flat vector), and no algorithm knows which path computed it.
 */
import type { TfPolicy } from "../policies/policy";
import type { Batch } from "../rollout/batch";
import { tf } from "../tf";
import { fusedPolicyGradient } from "./kernel";
import { actorLoss } from "./loss";
import { setLearningRate } from "./optimizers";

/**
 * Parameters beyond this magnitude count as diverged. Trained networks and tabular logits stay far
 * below it (well under 100 in every run of the library's tests and notebooks); an exploding learning
 * rate passes it within an iteration or two.
 */
export const DIVERGENCE_BOUND = 1e4;

/** The gradient of a loss (to be minimised) with respect to a network's parameters. */
export interface Gradient {
  /** The loss's value; undefined for a direction that is not a loss's gradient (Williams' per-parameter baseline). */
  loss?: number;
  /** Global L2 norm of the gradient. */
  norm: number;
  /** One tensor per variable (TF.js' autodiff), or one flat vector in the variables' order. */
  values: tf.Tensor[] | Float32Array | Float64Array;
}

/** Which form a target takes without conversion. */
export type GradientForm = "tensors" | "flat";

/** sqrt(sum of squares) of a flat gradient, summed in float64 in index order. */
export function flatNorm(values: ArrayLike<number>): number {
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += values[i] * values[i];
  return Math.sqrt(sq);
}

/** The gradient of `loss` with respect to `vars`, through TF.js, in the given form. */
export function lossGradient(vars: tf.Variable[], loss: () => tf.Scalar, form: GradientForm): Gradient {
  const { value, grads } = tf.variableGrads(loss, vars);
  const lossValue = value.dataSync()[0];
  value.dispose();
  const list = vars.map((v) => grads[v.name]);
  if (form === "tensors") {
    const sq = tf.tidy(() => tf.addN(list.map((g) => tf.sum(tf.square(g)))));
    const norm = Math.sqrt(sq.dataSync()[0]);
    sq.dispose();
    return { loss: lossValue, norm, values: list };
  }
  const flat = flatten(list);
  return { loss: lossValue, norm: flatNorm(flat), values: flat };
}

/**
 * The gradient of the actor's loss (the surrogate -(1/divisor) sum_rows log pi(a|s) psi, minus
 * entropyCoef times the mean entropy) with respect to the policy's parameters: the policy gradient
 * estimate, negated. The one place that computes it (see the module comment); `PG_GRAD_KERNEL` chooses
 * the path (src/update/kernel.ts).
 */
export function policyGradient(policy: TfPolicy, batch: Batch, psi: ArrayLike<number>, entropyCoef: number, form: GradientForm): Gradient {
  const fused = fusedPolicyGradient(policy, batch, psi, entropyCoef);
  if (!fused) return lossGradient(policy.variables(), () => actorLoss(policy, batch, psi, entropyCoef), form);
  return { loss: fused.loss, norm: flatNorm(fused.values), values: form === "flat" ? fused.values : splitFlat(fused.values, policy.variables()) };
}

/** Where the parameters live and how a (scaled) gradient is applied to them. */
export interface ParameterTarget {
  /** The form `apply` takes without conversion (what `policyStep` asks the gradient in). */
  readonly form: GradientForm;
  /** Apply `scale` times the gradient (one descent step); takes ownership of tensors. */
  apply(values: Gradient["values"], scale: number): void;
  /** The largest |parameter| after the step (NaN and infinities count as infinite). */
  maxAbs(): number;
  setLearningRate(lr: number): void;
}

/** What owns the TF.js variables an optimiser updates: a policy or a network. */
export interface VariableOwner {
  variables(): tf.Variable[];
  maxAbsParam(): number;
  /** Called after each step (a policy refreshes its plain-TypeScript copy of the weights). */
  markUpdated?(): void;
}

/** TF.js variables updated by a TF.js optimiser (see src/update/optimizers.ts). */
export class OptimizerTarget implements ParameterTarget {
  readonly form = "tensors";
  constructor(
    readonly optimizer: tf.Optimizer,
    private readonly owner: VariableOwner,
  ) {}

  apply(values: Gradient["values"], scale: number): void {
    const vars = this.owner.variables();
    const grads = isFlat(values) ? splitFlat(values, vars) : values;
    const named: Record<string, tf.Tensor> = {};
    vars.forEach((v, k) => (named[v.name] = scale === 1 ? grads[k] : tf.mul(grads[k], scale)));
    this.optimizer.applyGradients(named as tf.NamedTensorMap);
    tf.dispose(grads);
    if (scale !== 1) tf.dispose(Object.values(named));
    this.owner.markUpdated?.();
  }

  maxAbs(): number {
    return this.owner.maxAbsParam();
  }

  setLearningRate(lr: number): void {
    setLearningRate(this.optimizer, lr);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** Whether a gradient is in the flat form (one vector) rather than one tensor per variable. */
function isFlat(values: Gradient["values"]): values is Float32Array | Float64Array {
  return values instanceof Float32Array || values instanceof Float64Array;
}

/** A flat gradient as one float32 tensor per variable. */
function splitFlat(flat: Float32Array | Float64Array, vars: tf.Variable[]): tf.Tensor[] {
  let off = 0;
  return vars.map((v) => {
    const g = tf.tensor(Float32Array.from(flat.subarray(off, off + v.size)), v.shape);
    off += v.size;
    return g;
  });
}

/** An optimiser that updates a flat parameter array in place (A3C's shared Adam, src/algorithms/hogwild.ts). */
export interface FlatOptimizer {
  /** Apply `scale * grad` with learning rate `lr`; returns the update's number. */
  step(grad: ArrayLike<number>, scale: number, lr: number): number;
  maxAbs(): number;
}

/** Flat parameters (e.g. shared between threads) updated by a `FlatOptimizer`. */
export class SharedTarget implements ParameterTarget {
  readonly form = "flat";
  /** The number the optimiser gave the last update (A3C's staleness counts updates in between). */
  lastUpdate = 0;
  constructor(
    private readonly optimizer: FlatOptimizer,
    private lr: number,
  ) {}

  apply(values: Gradient["values"], scale: number): void {
    const flat = isFlat(values) ? values : flatten(values);
    this.lastUpdate = this.optimizer.step(flat, scale, this.lr);
  }

  maxAbs(): number {
    return this.optimizer.maxAbs();
  }

  setLearningRate(lr: number): void {
    this.lr = lr;
  }
}

/** Tensors as one float32 vector (disposes them). */
function flatten(tensors: tf.Tensor[]): Float32Array {
  const flat = new Float32Array(tensors.reduce((n, t) => n + t.size, 0));
  let off = 0;
  for (const t of tensors) {
    flat.set(t.dataSync(), off);
    off += t.size;
  }
  tf.dispose(tensors);
  return flat;
}

/** Who is stepping, for the error messages, and the clipping. */
export interface StepOptions {
  algo: string;
  /** What is updated: "policy", "actor", "critic". */
  what: string;
  /** The iteration (errors say "iteration N"), or where else the step happened (e.g. "worker 1, update 3"). */
  iteration: number | string;
  /** Clip the gradient's global norm to this (0: no clipping). */
  maxGradNorm: number;
  /** The config field of the learning rate and its value, named by the errors. */
  setting: string;
  lr: unknown;
}

/** What a step reports to the history. */
export interface StepResult {
  /** The loss (NaN for a direction without one). */
  loss: number;
  gradNorm: number;
}

/**
 * Guard, clip, apply and check one gradient: stops with an error naming the iteration and the quantity
 * if the loss or the norm is NaN or infinite (before anything is applied), scales the gradient down to
 * `maxGradNorm` if it is exceeded, applies it, and stops if a parameter then passes `DIVERGENCE_BOUND`.
 */
export function applyStep(target: ParameterTarget, gradient: Gradient, opts: StepOptions): StepResult {
  const { loss, norm, values } = gradient;
  const where = typeof opts.iteration === "number" ? `iteration ${opts.iteration}` : opts.iteration;
  if ((loss !== undefined && !Number.isFinite(loss)) || !Number.isFinite(norm)) {
    if (Array.isArray(values)) tf.dispose(values);
    const quantity = loss !== undefined && !Number.isFinite(loss) ? `loss is ${loss}` : `gradient norm is ${norm}`;
    throw new Error(`${opts.algo}: ${where}: the ${opts.what} ${quantity}; training stopped before corrupting the weights (try a smaller learning rate: config.${opts.setting} is ${String(opts.lr)}).`);
  }
  target.apply(values, opts.maxGradNorm > 0 && norm > opts.maxGradNorm ? opts.maxGradNorm / norm : 1);
  checkDiverged(opts.algo, opts.what, where, target.maxAbs(), opts.setting, opts.lr);
  return { loss: loss ?? NaN, gradNorm: norm };
}

/** The policy's step on a batch with weights psi (and an entropy bonus): `policyGradient`, then `applyStep`. */
export function policyStep(target: ParameterTarget, policy: TfPolicy, batch: Batch, psi: ArrayLike<number>, opts: StepOptions & { entropyCoef?: number }): StepResult {
  return applyStep(target, policyGradient(policy, batch, psi, opts.entropyCoef ?? 0, target.form), opts);
}

/**
 * Stop with an error naming the iteration and the learning rate if a parameter is NaN, infinite or
 * beyond `DIVERGENCE_BOUND` (critics fitted outside the step check themselves with it too).
 */
export function checkDiverged(algo: string, what: string, iteration: number | string, largest: number, setting: string, lr: unknown): void {
  if (largest <= DIVERGENCE_BOUND) return;
  const where = typeof iteration === "number" ? `iteration ${iteration}` : iteration;
  throw new Error(
    `${algo}: ${where}: the ${what}'s parameters have diverged (largest |parameter| ${Number.isFinite(largest) ? largest.toExponential(2) : String(largest)}, beyond ${DIVERGENCE_BOUND}); training stopped. Try a smaller learning rate (config.${setting} is ${String(lr)}).`,
  );
}
