/**
 * The training losses of the policy, as TF.js scalars: the surrogate whose gradient is the policy
 * gradient, and the actor's loss (the surrogate minus an entropy bonus). The update step
 * (src/update/step.ts) differentiates them.
 */
import type { TfPolicy } from "../policies/policy";
import type { Batch } from "../rollout/batch";
import { tf } from "../tf";

/** The batch's observation rows as a [rows, obsSize] tensor. */
function observationRows(batch: Batch): tf.Tensor2D {
  return tf.tensor2d(batch.observations.subarray(0, batch.rows * batch.obsSize), [batch.rows, batch.obsSize]);
}

/**
 * The surrogate loss -(1/divisor) sum_rows log pi(a|s) psi over a batch, as a TF.js scalar, psi held
 * constant: minimising it ascends the policy gradient (1/divisor) sum_rows grad log pi(a|s) psi. Its
 * value is not a performance measure; only its gradient means something (for the right data, it is
 * the policy gradient).
 */
export function surrogateLoss(policy: TfPolicy, batch: Batch, psi: ArrayLike<number>): tf.Scalar {
  return tf.tidy(() => {
    const n = batch.rows;
    const actions = batch.actionSize === 1 ? tf.tensor1d(batch.actions.subarray(0, n)) : tf.tensor2d(batch.actions.subarray(0, n * batch.actionSize), [n, batch.actionSize]);
    const logp = policy.logProbTensor(observationRows(batch), actions);
    const weights = tf.tensor1d(psi instanceof Float32Array ? psi : Float32Array.from(psi));
    return tf.neg(tf.div(tf.sum(tf.mul(logp, weights)), batch.divisor)) as tf.Scalar;
  });
}

/** Mean entropy of the policy over the batch's rows, as a TF.js scalar. */
function meanEntropy(policy: TfPolicy, batch: Batch): tf.Scalar {
  return tf.tidy(() => tf.mean(policy.entropyTensor(observationRows(batch))) as tf.Scalar);
}

/** The actor's loss: the surrogate loss, minus entropyCoef times the batch's mean entropy when entropyCoef > 0. */
export function actorLoss(policy: TfPolicy, batch: Batch, psi: ArrayLike<number>, entropyCoef: number): tf.Scalar {
  const loss = surrogateLoss(policy, batch, psi);
  return entropyCoef > 0 ? (tf.sub(loss, tf.mul(entropyCoef, meanEntropy(policy, batch))) as tf.Scalar) : loss;
}

/** The batch's mean entropy as a number (for the history). */
export function entropyOf(policy: TfPolicy, batch: Batch): number {
  return tf.tidy(() => meanEntropy(policy, batch).dataSync()[0]);
}
