/**
 * Training with a student's own function through the psi_t seam: `perEpisode(rewardToGo)` turns a
 * function of one episode's rewards (the exercises' signature) into a psi_t estimator on segments,
 * `(segment) => psi`, which `reinforce` and `actorCritic` accept as `psi`.
 */
import type { PsiEstimator, Segment } from "../rollout/batch";

/**
 * A psi_t estimator that calls `fn(rewards, gamma)` on every episode of a segment (each copy's rows
 * between episode ends; an episode cut by the segment's end or a time limit counts as ended, as the
 * library's Monte Carlo estimators treat it) and puts its values back in the segment's rows. A result
 * of the wrong length or with a value that is not finite is an error naming the episode.
 */
export function perEpisode(fn: (rewards: number[], gamma: number) => ArrayLike<number>, name = "your function"): PsiEstimator {
  if (typeof fn !== "function") throw new TypeError(`perEpisode: expected a function (rewards, gamma) => psi; received ${typeof fn}.`);
  return (seg: Segment) => {
    const copies = seg.copies ?? 1;
    const n = seg.rewards.length;
    const steps = n / copies;
    const out = new Float64Array(n);
    for (let i = 0; i < copies; i++) {
      let start = 0;
      for (let t = 0; t < steps; t++) {
        const k = t * copies + i;
        if (!(t === steps - 1 || seg.terminated[k] || seg.truncated?.[k])) continue;
        const rows = Array.from({ length: t - start + 1 }, (_, j) => (start + j) * copies + i);
        const rewards = rows.map((r) => seg.rewards[r]);
        const psi = fn(rewards, seg.gamma);
        if (!psi || psi.length !== rewards.length) {
          throw new RangeError(`perEpisode: ${name} returned ${psi && typeof psi.length === "number" ? `${psi.length} values` : String(psi)} for an episode of ${rewards.length} rewards; expected one per reward.`);
        }
        rows.forEach((r, j) => {
          if (!Number.isFinite(psi[j])) throw new RangeError(`perEpisode: ${name} returned ${psi[j]} at step ${j} of an episode of ${rewards.length} rewards; expected finite numbers.`);
          out[r] = psi[j];
        });
        start = t + 1;
      }
    }
    return out;
  };
}
