/**
 * The estimators on segments (steps x copies, time-major, episodes ending anywhere, terminated or
 * truncated) equal the per-episode forms applied to each episode cut out of the segment.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { discountedReturns, gae, nStepAdvantages, nStepReturns, rewardToGo, tdErrors, totalReturn } from "../../src/estimators/index";
import { type Segment, spans } from "../../src/rollout/index";
import { Rng } from "../../src/rng";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, label: string, tol = 1e-12) => {
  assert.equal(a.length, b.length, label);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${label}: [${i}] ${a[i]} vs ${b[i]}`);
};

/**
 * A random segment whose values are consistent: inside an episode, nextValues[k] = values[k + copies];
 * where an episode ended, nextValues is V of its final observation (a fresh number, read only after a
 * truncation); at the segment's end, V of the observation the copy acts on next.
 */
function randomSegment(rng: Rng, steps: number, copies: number, gamma: number): Segment & { values: Float64Array; nextValues: Float64Array; terminated: Uint8Array; truncated: Uint8Array } {
  const rows = steps * copies;
  const rewards = Float64Array.from({ length: rows }, () => rng.normal());
  const values = Float64Array.from({ length: rows }, () => 3 * rng.normal());
  const terminated = new Uint8Array(rows);
  const truncated = new Uint8Array(rows);
  const nextValues = new Float64Array(rows);
  for (let k = 0; k < rows; k++) {
    const u = rng.random();
    if (u < 0.12) terminated[k] = 1;
    else if (u < 0.2) truncated[k] = 1;
    const ended = terminated[k] || truncated[k];
    nextValues[k] = ended || k + copies >= rows ? 3 * rng.normal() : values[k + copies];
    if (terminated[k]) nextValues[k] = 1e6; // never read: a terminal state's value is 0
  }
  return { rewards, values, nextValues, terminated, truncated, copies, gamma };
}

/** Each episode of the segment in the per-trajectory form: T rewards, T + 1 values, terminated or not. */
function episodesOf(s: ReturnType<typeof randomSegment>) {
  return spans(s).map((span) => {
    const rows = Array.from({ length: span.length }, (_, t) => span.start + t * span.stride);
    const last = rows[rows.length - 1];
    return {
      rows,
      rewards: rows.map((k) => s.rewards[k]),
      values: [...rows.map((k) => s.values[k]), s.terminated[last] ? 0 : s.nextValues[last]],
      terminated: s.terminated[last] === 1,
    };
  });
}

/** Scatter per-episode results back into rows. */
function perEpisode(s: ReturnType<typeof randomSegment>, f: (e: ReturnType<typeof episodesOf>[number]) => ArrayLike<number>): Float64Array {
  const out = new Float64Array(s.rewards.length);
  for (const e of episodesOf(s)) {
    const r = f(e);
    e.rows.forEach((k, t) => (out[k] = r[t]));
  }
  return out;
}

describe("segment estimators equal the per-episode ones", () => {
  const rng = new Rng(2024);
  for (let trial = 0; trial < 12; trial++) {
    const steps = 1 + rng.integer(0, 40);
    const copies = 1 + rng.integer(0, 6);
    const gamma = trial === 0 ? 1 : rng.uniform(0.5, 1);
    const s = randomSegment(rng, steps, copies, gamma);
    test(`trial ${trial}: ${steps} steps x ${copies} copies, gamma ${gamma.toFixed(3)}, ${s.terminated.reduce((a, b) => a + b, 0)} terminations, ${s.truncated.reduce((a, b) => a + b, 0)} truncations`, () => {
      for (const lambda of [0, 0.5, 0.95, 1]) close(gae({ ...s, lambda }), perEpisode(s, (e) => gae({ ...e, gamma, lambda })), `GAE(${lambda})`);
      close(tdErrors(s), perEpisode(s, (e) => tdErrors({ ...e, gamma })), "TD errors");
      for (const n of [1, 2, 5, 100]) {
        close(nStepReturns({ ...s, n }), perEpisode(s, (e) => nStepReturns({ ...e, gamma, n })), `n-step returns, n = ${n}`);
        close(nStepAdvantages({ ...s, n }), perEpisode(s, (e) => nStepAdvantages({ ...e, gamma, n })), `n-step advantages, n = ${n}`);
      }
      close(discountedReturns(s), perEpisode(s, (e) => discountedReturns({ rewards: e.rewards, gamma, terminated: e.terminated, lastValue: e.values[e.values.length - 1] })), "discounted returns");
      close(rewardToGo(s), perEpisode(s, (e) => rewardToGo(e.rewards, gamma)), "reward-to-go");
      close(totalReturn(s), perEpisode(s, (e) => new Float64Array(e.rewards.length).fill(totalReturn(e.rewards, gamma))), "R(tau)");
      // identities on the segment itself: GAE(0) = TD error, GAE(1) = bootstrapped return - V, n-step with n >= steps = GAE(1)
      close(gae({ ...s, lambda: 0 }), tdErrors(s), "GAE(0) = delta");
      const returns = discountedReturns(s);
      close(gae({ ...s, lambda: 1 }), returns.map((r, k) => r - s.values[k]), "GAE(1) = R - V", 1e-10);
      close(nStepAdvantages({ ...s, n: steps }), gae({ ...s, lambda: 1 }), "n-step (n = steps) = GAE(1)", 1e-10);
    });
  }

  test("a terminated row's next value is never read; a truncated row's is", () => {
    const base = { rewards: [1, 1], values: [0, 0], gamma: 0.5, copies: 1 };
    close(tdErrors({ ...base, nextValues: [0, 123], terminated: [0, 1] }), [1, 1], "terminated: 0 after the end");
    close(tdErrors({ ...base, nextValues: [0, 4], terminated: [0, 0], truncated: [0, 1] }), [1, 3], "truncated: bootstrap");
    // two copies interleaved: copy 0 ends at row 0 (terminated) and restarts at row 2
    close(gae({ rewards: [1, 2, 3, 4], values: [0, 0, 0, 0], nextValues: [9, 0, 5, 6], terminated: [1, 0, 0, 0], gamma: 1, lambda: 1, copies: 2 }), [1, 2 + 4 + 6, 3 + 5, 4 + 6], "interleaved copies");
  });

  test("errors name the estimator and what is missing", () => {
    assert.throws(() => gae({ rewards: [1], terminated: [0], gamma: 1, lambda: 0.9 }), /gae: segment\.values is missing: gae needs V\(s_t\) for every row/);
    assert.throws(() => tdErrors({ rewards: [1, 2], values: [0, 0], nextValues: [0], terminated: [0, 0], gamma: 1 }), /tdErrors: segment\.nextValues must have one entry per row \(2\); received 1/);
    assert.throws(() => rewardToGo({ rewards: [1, 2, 3], terminated: [0, 0, 0], gamma: 1, copies: 2 }), /rewardToGo: 3 rows do not divide into 2 copies/);
    assert.throws(() => nStepReturns({ rewards: [1], values: [0], nextValues: [0], terminated: [0], gamma: 1 }), /nStepReturns: n must be an integer >= 1; received undefined/);
  });
});
