/**
 * REINFORCE's update with Williams' optimal baseline (`baseline: "optimal"`), which is one b_k per
 * parameter and so changes the gradient itself, not psi_t. Per trajectory i of a batch of whole
 * episodes: the total score G_i = sum_t grad log pi(a_t|s_t) and X_i = sum_t grad log pi(a_t|s_t) psi_t
 * (= G_i R_i when psi_t = R(tau), constant along it); b_k = sum_i X_ik G_ik / sum_i G_ik^2
 * (`williamsOptimalBaseline`); the ascent direction is (1/M) sum_i (X_i - b G_i). Each gradient is the
 * update step's (`surrogateGradient` calls `policyGradient`), and the direction goes through the one
 * step as a flat gradient (it has no loss value).
 */
import { williamsOptimalBaseline } from "../baselines/index";
import { surrogateGradient } from "../estimators/gradient";
import { type Batch, type Span, spanBatch, spans } from "../rollout/batch";
import { type Gradient, flatNorm } from "../update/step";
import type { TrainablePolicy } from "./setup";

/** psi along a span: one number if it is the same at every row (R(tau)), else the span's values. */
function alongSpan(psi: ArrayLike<number>, s: Span): number | Float64Array {
  const w = Float64Array.from({ length: s.length }, (_, t) => psi[s.start + t * s.stride]);
  return w.every((x) => x === w[0]) ? w[0] : w;
}

/** The descent direction (the negated ascent direction above) as a flat gradient without a loss. */
export function williamsGradient(policy: TrainablePolicy, batch: Batch, psi: ArrayLike<number>): Gradient {
  const episodes = spans(batch);
  const rows = episodes.map((s) => spanBatch(batch, s));
  const scores = rows.map((b, i) => surrogateGradient(policy, b, new Float64Array(episodes[i].length).fill(1)));
  // R_i where psi is constant along trajectory i, else X_i
  const weighted = episodes.map((s, i) => {
    const w = alongSpan(psi, s);
    return typeof w === "number" ? w : surrogateGradient(policy, rows[i], w);
  });
  const b = williamsOptimalBaseline(scores, weighted);
  const direction = new Float64Array(b.length);
  scores.forEach((g, i) => {
    const r = weighted[i];
    if (typeof r === "number") g.forEach((gk, k) => (direction[k] += (gk * (r - b[k])) / scores.length));
    else g.forEach((gk, k) => (direction[k] += (r[k] - b[k] * gk) / scores.length));
  });
  return { norm: flatNorm(direction), values: direction.map((x) => -x) }; // minimised: the negated ascent direction
}
