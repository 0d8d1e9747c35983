/**
 * psi_t is the seam: every algorithm computes psi only through the library's estimators, so passing
 * the estimator itself (or a faithful copy written by hand) gives, for the same seed, exactly the
 * history of the built-in name, and a different estimator gives a different one. The same holds for
 * REINFORCE's baselines.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { a2c, actorCritic, reinforce } from "../../src/algorithms/index";
import type { IterationStats, ReinforceBaseline } from "../../src/algorithms/index";
import { type Baseline, MovingAverageBaseline, batchMeanBaseline, constantBaseline, movingAverageBaseline, noBaseline, timeDependentBaseline, williamsOptimalBaseline } from "../../src/baselines/index";
import { advantagePsi, gae, nStepAdvantages, qPsi, rewardToGo, tdErrors, totalReturn } from "../../src/estimators/index";
import type { Segment } from "../../src/rollout/index";
import { initTf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

/** The history without its timings (everything else must be bit-identical). */
const strip = (h: IterationStats[]) => h.map(({ wallTime: _w, stepsPerSecond: _s, ...rest }) => rest);

/** GAE as a student writes it from the lecture: backwards, A_t = delta_t + gamma lambda A_{t+1}, reset where an episode ends. */
function myGae(b: Segment): Float64Array {
  const copies = b.copies ?? 1;
  const steps = b.rewards.length / copies;
  const A = new Float64Array(b.rewards.length);
  for (let i = 0; i < copies; i++) {
    let acc = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const k = t * copies + i;
      if (t === steps - 1 || b.terminated[k] || b.truncated?.[k]) acc = 0;
      const next = b.terminated[k] ? 0 : b.nextValues![k];
      acc = A[k] = b.rewards[k] + b.gamma * next - b.values![k] + b.gamma * (b.lambda as number) * acc;
    }
  }
  return A;
}

describe("the built-in names are the library's functions: same seed, bit-identical histories", () => {
  test("REINFORCE: psi 'rewardToGo' = rewardToGo, 'total' = totalReturn; a different psi differs", async () => {
    const base = { env: "CartPole-v1", totalSteps: 6000, batchSteps: 1000, seed: 3 } as const;
    const named = await reinforce({ ...base, psi: "rewardToGo" });
    const fn = await reinforce({ ...base, psi: rewardToGo });
    assert.deepEqual(strip(fn.history), strip(named.history));
    assert.deepEqual(fn.policy.getParams(), named.policy.getParams());
    const total = await reinforce({ ...base, psi: "total", baseline: "batchMean" });
    const totalFn = await reinforce({ ...base, psi: totalReturn, baseline: "batchMean" });
    assert.deepEqual(strip(totalFn.history), strip(total.history));
    assert.notDeepEqual(strip(total.history).map((h) => h.policyLoss), strip(named.history).map((h) => h.policyLoss));
  });

  test("A2C: advantage 'gae' = gae = a hand-written GAE; 'td' = tdErrors; 'nstep' = nStepAdvantages", async () => {
    const base = { env: "CartPole-v1", totalSteps: 5120, seed: 2 } as const;
    const named = await a2c({ ...base, advantage: "gae", lambda: 0.9 });
    const fn = await a2c({ ...base, advantage: gae, lambda: 0.9 });
    const mine = await a2c({ ...base, advantage: myGae, lambda: 0.9 });
    assert.deepEqual(strip(fn.history), strip(named.history));
    assert.deepEqual(strip(mine.history), strip(named.history));
    const td = await a2c({ ...base, advantage: "td" });
    assert.deepEqual(strip((await a2c({ ...base, advantage: tdErrors, lambda: 0 })).history), strip(td.history));
    const nstep = await a2c({ ...base, advantage: "nstep" });
    assert.deepEqual(strip((await a2c({ ...base, advantage: nStepAdvantages, lambda: 1 })).history), strip(nstep.history));
    assert.notDeepEqual(strip(td.history).map((h) => h.policyLoss), strip(named.history).map((h) => h.policyLoss));
  });

  test("actor-critic: psi 'q' = qPsi, 'advantage' = advantagePsi; and the TD error from the Q critic's V trains too", async () => {
    const base = { env: "GridWorld-v0", envKwargs: { slip: 0.1 }, totalSteps: 3000, batchSteps: 500, numEnvs: 4, seed: 1 } as const;
    const q = await actorCritic({ ...base, psi: "q" });
    assert.deepEqual(strip((await actorCritic({ ...base, psi: qPsi })).history), strip(q.history));
    const adv = await actorCritic({ ...base, psi: "advantage" });
    assert.deepEqual(strip((await actorCritic({ ...base, psi: advantagePsi })).history), strip(adv.history));
    assert.notDeepEqual(strip(adv.history).map((h) => h.policyLoss), strip(q.history).map((h) => h.policyLoss));
    const td = await actorCritic({ ...base, psi: tdErrors });
    assert.ok(td.history.every((h) => Number.isFinite(h.policyLoss) || h.episodes === 0));
  });

  test("a user's psi that returns the wrong length or NaN is an error naming the algorithm", async () => {
    await assert.rejects(reinforce({ totalSteps: 2000, batchSteps: 1000, psi: () => [1, 2, 3] }), /reinforce: psi must have one value per row \(\d+\); received 3/);
    await assert.rejects(a2c({ totalSteps: 2000, advantage: (s) => new Float64Array(s.rewards.length).fill(NaN) }), /a2c: psi\[0\] is NaN; expected a finite number/);
  });
});

describe("the baseline is a seam too: the built-in names are the library's functions", () => {
  const base = { env: "CartPole-v1", totalSteps: 4000, batchSteps: 1000, seed: 3 } as const;
  const same = async (name: ReinforceBaseline, fn: Baseline, extra: Record<string, unknown> = {}) => {
    const named = await reinforce({ ...base, ...extra, baseline: name });
    const given = await reinforce({ ...base, ...extra, baseline: fn });
    assert.deepEqual(strip(given.history), strip(named.history), name);
    assert.deepEqual(given.policy.getParams(), named.policy.getParams(), name);
    return named;
  };

  test("'none', 'constant', 'batchMean', 'movingAverage', 'timeDependent' = noBaseline, constantBaseline(b), batchMeanBaseline, movingAverageBaseline(alpha), timeDependentBaseline", async () => {
    const none = await same("none", noBaseline);
    await same("constant", constantBaseline(7), { baselineValue: 7 });
    const mean = await same("batchMean", batchMeanBaseline);
    await same("movingAverage", movingAverageBaseline(0.3), { movingAverageAlpha: 0.3 });
    await same("timeDependent", timeDependentBaseline, { psi: "total" });
    assert.notDeepEqual(strip(mean.history).map((h) => h.policyLoss), strip(none.history).map((h) => h.policyLoss));
  });

  test("your own baseline: b from psi and the segment; a wrong length is an error naming the algorithm", async () => {
    // the batch mean written by hand: one number, the mean of psi over the rows
    const myMean: Baseline = (psi) => Array.from(psi).reduce((a, x) => a + x, 0) / psi.length;
    const named = await reinforce({ ...base, baseline: "batchMean" });
    const mine = await reinforce({ ...base, baseline: myMean });
    assert.deepEqual(strip(mine.history), strip(named.history));
    await assert.rejects(reinforce({ ...base, baseline: () => [1, 2] }), /reinforce: the baseline returned 2 values for \d+ rows; expected one number or one per row/);
    await assert.rejects(reinforce({ ...base, baseline: () => NaN }), /reinforce: psi - b is NaN at row 0 \(b is NaN\); expected a finite number from the baseline/);
  });

  test("grouped collection: 'timeDependent' = timeDependentBaseline", async () => {
    const SMALL = { resources: 1, capacity: 4, maxDemand: 4, horizon: 6, maxJobLength: 5, slots: 3, backlog: 6, jobSetLength: 8, load: 1.2 };
    const grouped = { env: "DeepRM-v0", envKwargs: SMALL, groups: { count: 2, size: 3 }, gamma: 1, hiddenSizes: [8], iterations: 2, seed: 4 };
    const named = await reinforce({ ...grouped, baseline: "timeDependent" });
    const fn = await reinforce({ ...grouped, baseline: timeDependentBaseline });
    assert.deepEqual(strip(fn.history), strip(named.history));
  });
});

describe("'movingAverage' and 'optimal' read psi (not the total return whatever psi says)", () => {
  /** Two episodes end to end: rewards 1, 2 (ends) and 3 (ends); gamma 1. */
  const segment: Segment = { rewards: [1, 2, 3], terminated: [0, 1, 1], gamma: 1 };

  test("the moving average takes in each episode's mean psi, and compares each episode with b before it", () => {
    const psi = [3, 2, 3]; // R_t of the segment
    const b = new MovingAverageBaseline({ alpha: 0.5, initial: "first" }).ofSegment(psi, segment);
    // episode 1: mean psi 2.5 (b starts there); episode 2 compared with 2.5, then b = 0.5 * 3 + 0.5 * 2.5
    assert.deepEqual(Array.from(b), [2.5, 2.5, 2.5]);
    const m = new MovingAverageBaseline({ alpha: 0.5, initial: "first" });
    m.ofSegment(psi, segment);
    assert.equal(m.value(), 2.75);
    // psi = R(tau): exactly the lecture's moving average of returns
    assert.deepEqual(Array.from(new MovingAverageBaseline({ alpha: 0.5, initial: "first" }).ofSegment([3, 3, 3], segment)), [3, 3, 3]);
  });

  test("Williams' b_k with X_i = sum_t grad log pi psi_t: the R(tau) form when X_i = G_i R_i, and E[X G] / E[G^2] otherwise", () => {
    const G = [
      [1, 2],
      [3, -1],
    ];
    const R = [5, 7];
    const classic = williamsOptimalBaseline(G, R);
    const asVectors = williamsOptimalBaseline(G, G.map((g, i) => g.map((x) => x * R[i])));
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(classic[k] - asVectors[k]) < 1e-12, `${classic[k]} vs ${asVectors[k]}`);
    const X = [
      [2, 1],
      [0, 4],
    ];
    const b = williamsOptimalBaseline(G, X);
    assert.deepEqual(Array.from(b), [(1 * 2 + 3 * 0) / (1 + 9), (2 * 1 + -1 * 4) / (4 + 1)]);
  });

  test("REINFORCE's 'optimal' uses psi: R_t and R(tau) give different runs (it used R(tau) for both)", async () => {
    const run = (psi: "total" | "rewardToGo") => reinforce({ env: "ShortCorridor-v0", gamma: 1, lr: 0.05, numEnvs: 4, batchSteps: 200, totalSteps: 1200, seed: 3, psi, baseline: "optimal" });
    const [total, togo] = [await run("total"), await run("rewardToGo")];
    assert.notDeepEqual(total.policy.getParams(), togo.policy.getParams());
    assert.deepEqual(strip(total.history).map((h) => h.envSteps), strip(togo.history).map((h) => h.envSteps));
  });
});
