/**
 * One update of the policy: the actor's loss (the surrogate, minus an entropy bonus), one guarded
 * optimiser step (clipped, and stopped before corrupting the weights if anything is NaN or infinite),
 * and the checks that stop a run whose parameters have diverged.
 */
import { surrogateLoss } from "../estimators/gradient";
import type { Batch } from "../rollout/batch";
import { tf } from "../tf";
import type { TrainablePolicy } from "./setup";

/**
 * Parameters beyond this magnitude count as diverged. Trained networks and tabular logits stay far
 * below it (well under 100 in every run of the library's tests and notebooks); an exploding learning
 * rate passes it within an iteration or two.
 */
export const DIVERGENCE_BOUND = 1e4;

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

/** Mean entropy of the policy over the batch's rows, as a TF.js scalar. */
export function meanEntropy(policy: TrainablePolicy, batch: Batch): tf.Scalar {
  return tf.tidy(() => tf.mean(policy.entropyTensor(tf.tensor2d(batch.observations.subarray(0, batch.rows * batch.obsSize), [batch.rows, batch.obsSize]))) as tf.Scalar);
}

/** The actor's loss: the surrogate loss, minus entropyCoef times the batch's mean entropy when entropyCoef > 0. */
export function actorLoss(policy: TrainablePolicy, batch: Batch, psi: ArrayLike<number>, entropyCoef: number): tf.Scalar {
  const loss = surrogateLoss(policy, batch, psi);
  return entropyCoef > 0 ? (tf.sub(loss, tf.mul(entropyCoef, meanEntropy(policy, batch))) as tf.Scalar) : loss;
}

/** The batch's mean entropy as a number. */
export function entropyOf(policy: TrainablePolicy, batch: Batch): number {
  return tf.tidy(() => meanEntropy(policy, batch).dataSync()[0]);
}

/** Stop with an error naming the iteration if a critic's loss is not finite. */
export function checkCriticLoss(algo: string, iteration: number, loss: number, setting: string, lr: unknown): void {
  if (!Number.isFinite(loss)) throw new Error(`${algo}: iteration ${iteration}: the critic loss is ${loss}; training stopped. Try a smaller learning rate (config.${setting} is ${String(lr)}).`);
}

/**
 * Stop with an error naming the iteration and the learning rate if a parameter is NaN, infinite or
 * beyond `DIVERGENCE_BOUND`.
 */
export function checkDiverged(algo: string, what: string, iteration: number, largest: number, setting: string, lr: unknown): void {
  if (largest <= DIVERGENCE_BOUND) return;
  throw new Error(
    `${algo}: iteration ${iteration}: the ${what}'s parameters have diverged (largest |parameter| ${Number.isFinite(largest) ? largest.toExponential(2) : String(largest)}, beyond ${DIVERGENCE_BOUND}); training stopped. Try a smaller learning rate (config.${setting} is ${String(lr)}).`,
  );
}

/**
 * Minimise `loss` over `vars` with `optimizer`: computes the gradients, their global norm, clips it
 * to `maxGradNorm` (if > 0), and stops with an error naming the iteration and the quantity if the loss
 * or a gradient is NaN or infinite, before anything is applied. Returns loss and gradient norm.
 */
export function guardedStep(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  loss: () => tf.Scalar,
  opts: { maxGradNorm: number; iteration: number; what: string; algo?: string; lr?: unknown },
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
    const quantity = Number.isFinite(lossValue) ? `gradient norm is ${gradNorm}` : `loss is ${lossValue}`;
    throw new Error(
      `${opts.algo ? `${opts.algo}: ` : ""}iteration ${opts.iteration}: the ${opts.what} ${quantity}; training stopped before corrupting the weights (try a smaller learning rate${opts.lr === undefined ? "" : `: config.lr is ${String(opts.lr)}`}).`,
    );
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
