/**
 * What the algorithms do between psi_t and the update step (src/update/step.ts): subtract a baseline,
 * standardise psi, and stop a run whose critic's loss is not finite.
 */
import type { Baseline } from "../baselines/index";
import { psiOf } from "../estimators/gradient";
import type { PsiEstimator } from "../estimators/segment";
import type { Batch } from "../rollout/batch";

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

/** Stop with an error naming the iteration if a critic's loss is not finite. */
export function checkCriticLoss(algo: string, iteration: number, loss: number, setting: string, lr: unknown): void {
  if (!Number.isFinite(loss)) throw new Error(`${algo}: iteration ${iteration}: the critic loss is ${loss}; training stopped. Try a smaller learning rate (config.${setting} is ${String(lr)}).`);
}

/**
 * psi_t of REINFORCE: the estimator's psi (checked), minus the baseline's b (one number or one per
 * row, checked), standardised if asked. Returns psi before the baseline too (the critic's targets).
 */
export function psiMinusBaseline(algo: string, batch: Batch, estimator: PsiEstimator, baseline: Baseline, normalize: boolean): { returns: ArrayLike<number>; psi: Float64Array } {
  const returns = psiOf(algo, batch, estimator);
  const b = baseline(returns, batch);
  if (typeof b !== "number") {
    if (b === null || typeof b !== "object" || b.length !== batch.rows) throw new RangeError(`${algo}: the baseline returned ${b === null || typeof b !== "object" ? String(b) : `${b.length} values`} for ${batch.rows} rows; expected one number or one per row.`);
  }
  const psi = Float64Array.from(returns, (x, k) => x - (typeof b === "number" ? b : b[k]));
  for (let k = 0; k < psi.length; k++) if (!Number.isFinite(psi[k])) throw new RangeError(`${algo}: psi - b is ${psi[k]} at row ${k} (b is ${typeof b === "number" ? b : b[k]}); expected a finite number from the baseline.`);
  return { returns, psi: normalize ? standardize([psi])[0] : psi };
}
