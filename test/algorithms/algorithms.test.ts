import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { a2c, actorCritic, reinforce, runSeeds } from "../../src/algorithms/index";
import { GridWorld } from "../../src/envs/index";
import { rewardToGo } from "../../src/estimators/index";
import { sampleEpisodes } from "../../src/rollout/index";
import * as exact from "../../src/exact/index";
import { TabularSoftmax } from "../../src/policies/index";
import { initTf, tf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

const strip = (h: { wallTime: number; stepsPerSecond: number }[]) => h.map(({ wallTime: _w, stepsPerSecond: _s, ...rest }) => rest);

describe("small-budget runs that must improve", () => {
  test("REINFORCE on the short corridor approaches the stochastic optimum p* = 2 - sqrt(2)", async () => {
    const r = await reinforce({ env: "ShortCorridor-v0", gamma: 1, baseline: "batchMean", psi: "total", lr: 0.05, numEnvs: 4, batchSteps: 400, totalSteps: 40_000, seed: 3 });
    const p = (r.policy as TabularSoftmax).probs(0)[1];
    const J = exact.shortCorridorJ(p);
    assert.ok(Math.abs(p - exact.SHORT_CORRIDOR_P_STAR) < 0.1, `p(right) = ${p}, p* = ${exact.SHORT_CORRIDOR_P_STAR}`);
    assert.ok(J > exact.SHORT_CORRIDOR_J_STAR - 0.5, `J(p) = ${J}, J* = ${exact.SHORT_CORRIDOR_J_STAR}`);
  });

  test("A2C on CartPole-v1 passes a mean return of 200 within 100,000 steps (seeded)", async () => {
    const r = await a2c({ env: "CartPole-v1", totalSteps: 100_000, targetReturn: 200, seed: 0 });
    assert.ok(r.solved, `best mean return of 100 episodes: ${Math.max(...r.history.map((h) => h.meanReturn100))}`);
  });

  test("the actor-critic's Monte Carlo Q critic converges to the exact Q^pi of its policy on GridWorld", async () => {
    // The actor's learning rate is negligible, so the policy stays uniform and Q^pi is fixed; the tabular
    // critic averages its targets (step 1 / visits). Tolerance per pair: 4 standard errors of that
    // average, from the spread of first-visit returns in an independent sample and the number of
    // training episodes that visit the pair.
    const env = new GridWorld({ slip: 0.1, gamma: 0.9 });
    const r = await actorCritic({ env: "GridWorld-v0", envKwargs: { slip: 0.1, gamma: 0.9 }, gamma: 0.9, critic: "mc", lr: 1e-12, criticLr: "average", criticPasses: 1, batchSteps: 2000, totalSteps: 60_000, seed: 1 });
    const policy = r.policy as TabularSoftmax;
    const truth = exact.evaluate(env, exact.softmaxPolicy(policy.table()));
    const q = (r.critic as unknown as { rows(): number[][] }).rows();
    const sample = sampleEpisodes(env, policy, { episodes: 3000, seed: 99 });
    const returns: number[][] = Array.from({ length: env.nStates * 4 }, () => []);
    for (const ep of sample) {
      const R = rewardToGo(ep.rewards, 0.9);
      const seen = new Set<number>();
      ep.actions.forEach((a, t) => {
        const k = ep.observations[t] * 4 + a;
        if (!seen.has(k)) {
          seen.add(k);
          returns[k].push(R[t]);
        }
      });
    }
    const trainingEpisodes = r.history[r.history.length - 1].totalEpisodes;
    let checked = 0;
    returns.forEach((rs, k) => {
      if (rs.length < 300) return;
      const m = rs.reduce((x, y) => x + y, 0) / rs.length;
      const sd = Math.sqrt(rs.reduce((x, y) => x + (y - m) ** 2, 0) / (rs.length - 1));
      const visits = (trainingEpisodes * rs.length) / sample.length;
      const [s, a] = [Math.floor(k / 4), k % 4];
      const tol = (4 * sd) / Math.sqrt(visits);
      checked++;
      assert.ok(Math.abs(q[s][a] - truth.Q[s][a]) <= tol, `state ${s}, action ${a}: critic ${q[s][a]} vs exact ${truth.Q[s][a]} (tolerance ${tol})`);
    });
    assert.ok(checked >= 10, `only ${checked} pairs checked`);
  });
});

describe("reproducible, leak-free, guarded", () => {
  test("same seed, same history, bit for bit (wall-clock fields aside)", async () => {
    const run = () => reinforce({ totalSteps: 6000, batchSteps: 1000, seed: 5, baseline: "value" });
    const [a, b] = [await run(), await run()];
    assert.deepEqual(strip(a.history), strip(b.history));
    assert.deepEqual(Array.from(a.policy.getParams()), Array.from(b.policy.getParams()));
    const c = await reinforce({ totalSteps: 6000, batchSteps: 1000, seed: 6, baseline: "value" });
    assert.notDeepEqual(strip(a.history), strip(c.history));
  });

  for (const baseline of ["none", "constant", "movingAverage", "batchMean", "optimal", "timeDependent", "value"] as const) {
    test(`REINFORCE with baseline "${baseline}": runs; tf.memory().numTensors constant across iterations`, async () => {
      const counts: number[] = [];
      await reinforce({ baseline, totalSteps: 4000, batchSteps: 800, seed: 1 }, { onIteration: () => void counts.push(tf.memory().numTensors) });
      assert.ok(counts.length >= 4);
      assert.ok(counts.every((n) => n === counts[0]), `tensors per iteration: ${counts.join(", ")}`);
    });
  }

  test("A2C (GAE, TD, n-step) and a Gaussian policy on Pendulum: constant tensor count", async () => {
    for (const advantage of ["gae", "td", "nstep"] as const) {
      const counts: number[] = [];
      await a2c({ env: "Pendulum-v1", advantage, numEnvs: 4, nSteps: 8, totalSteps: 400, seed: 2 }, { onIteration: () => void counts.push(tf.memory().numTensors) });
      assert.ok(counts.every((n) => n === counts[0]), `${advantage}: ${counts.join(", ")}`);
    }
  });
});

describe("runSeeds", () => {
  test("runs seeds in worker threads and aggregates a mean and 95% band on a common grid", async () => {
    const r = await runSeeds({ algorithm: "reinforce", config: { totalSteps: 6000, batchSteps: 1000 } }, [0, 1, 2]);
    assert.equal(r.runs.length, 3);
    assert.deepEqual(r.runs.map((x) => x.seed), [0, 1, 2]);
    assert.equal(r.curve.perSeed.length, 3);
    r.curve.mean.forEach((m, k) => assert.ok(r.curve.lower[k] <= m && m <= r.curve.upper[k]));
    // the worker's run equals the same run in this thread
    const local = await reinforce({ totalSteps: 6000, batchSteps: 1000, seed: 1 });
    assert.deepEqual(strip(r.runs[1].history), strip(local.history));
    assert.ok(r.runs[0].policy && r.runs[0].policy.kind === "MlpCategorical");
  });
});

describe("invalid configs are errors naming the field", () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ["negative lr", () => reinforce({ lr: -1 }), /reinforce: config\.lr must be a positive number; received -1/],
    ["zero batch", () => reinforce({ batchSteps: 0 }), /config\.batchSteps must be an integer >= 1; received 0/],
    ["gamma > 1", () => a2c({ gamma: 1.5 }), /a2c: config\.gamma must be a number in \[0, 1\]; received 1\.5/],
    ["unknown baseline", () => reinforce({ baseline: "median" as never }), /config\.baseline must be one of "none", "constant"/],
    ["continuous policy on a discrete env", () => a2c({ env: "CartPole-v1", policy: "gaussian" }), /config\.policy is "gaussian" \(continuous\) but CartPole-v1 has discrete actions/],
    ["unknown env", () => a2c({ env: "Nope-v0" }), /unknown environment id "Nope-v0"/],
    ["Q critic on continuous actions", () => actorCritic({ env: "Pendulum-v1" }), /actorCritic: Pendulum-v1 has continuous actions, and the Q actor-critic needs discrete ones .*use a2c or reinforce/],
  ];
  for (const [name, run, message] of cases) test(name, async () => assert.rejects(run(), message));
});
