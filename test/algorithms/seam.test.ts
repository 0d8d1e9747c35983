/**
 * psi_t is the seam: every algorithm computes psi only through the library's estimators, so passing
 * the estimator itself (or a faithful copy written by hand) gives, for the same seed, exactly the
 * history of the built-in name, and a different estimator gives a different one.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { a2c, actorCritic, reinforce } from "../../src/algorithms/index";
import type { IterationStats } from "../../src/algorithms/index";
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
