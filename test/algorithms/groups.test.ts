/**
 * REINFORCE's grouped collection (DeepRM's scheme): the vector environment's `active` mask, the
 * collector's `group`, the per-group psi through the library's estimator and time-dependent baseline,
 * the gradient summed over groups into one step, worker threads giving the same run, RMSProp, a
 * starting policy, and no tensor left behind whether a run finishes or fails.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { GroupRunner, groupTasks } from "../../src/algorithms/reinforce-grouped";
import { type ReinforceConfig, reinforce, resolveReinforceConfig } from "../../src/algorithms/reinforce";
import type { IterationStats } from "../../src/algorithms/index";
import { makePolicy, setupEnv } from "../../src/algorithms/setup";
import { timeDependentBaseline } from "../../src/baselines/index";
import { makeVector } from "../../src/envs/index";
import { rewardToGo, surrogateGradient } from "../../src/estimators/index";
import { MlpCategorical } from "../../src/policies/index";
import { Collector } from "../../src/rollout/index";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

/** A small DeepRM: 1 resource of 4 units, 3 slots, job sets of 8 steps (an image of 6 x 20 = 120 cells). */
const SMALL = { resources: 1, capacity: 4, maxDemand: 4, horizon: 6, maxJobLength: 5, slots: 3, backlog: 6, jobSetLength: 8, load: 1.2 };
const strip = (h: IterationStats[]) => h.map(({ wallTime: _w, stepsPerSecond: _s, ...rest }) => rest);
const base: ReinforceConfig = {
  env: "DeepRM-v0",
  envKwargs: SMALL,
  groups: { count: 3, size: 4, options: [{ load: 0.8 }, { load: 1.5 }] },
  gamma: 1,
  hiddenSizes: [8],
  activation: "relu",
  optimizer: "rmspropDeepRM",
  lr: 0.01,
  iterations: 2,
  seed: 4,
};

describe("VectorEnv.step with an active mask", () => {
  test("inactive copies keep their state and observation, read reward 0 and no flags, and are not counted", () => {
    const v = makeVector("CartPole-v1", 3);
    v.reset({ seed: 2 });
    const before = v.states.slice();
    const obs = v.observations.slice();
    v.step([1, 1, 1], [1, 0, 1]);
    assert.deepEqual(Array.from(v.states.subarray(4, 8)), Array.from(before.subarray(4, 8)));
    assert.deepEqual(Array.from(v.observations.subarray(4, 8)), Array.from(obs.subarray(4, 8)));
    assert.notDeepEqual(Array.from(v.states.subarray(0, 4)), Array.from(before.subarray(0, 4)));
    assert.deepEqual(Array.from(v.rewards), [1, 0, 1]);
    assert.equal(v.totalSteps, 2);
    v.step([0, 7, 0], [1, 0, 1]); // an inactive copy's action is not read
    assert.throws(() => v.step([0, 0, 0], [1, 0]), /active must have one entry per copy \(3\); received 2/);
  });
});

describe("Collector.group: N whole episodes from one reset", () => {
  test("every copy runs one episode from the identical start; none is begun after; rows end to end, labelled", () => {
    const env = makeVector("DeepRM-v0", 5, SMALL);
    const policy = new MlpCategorical({ obsSize: env.obsDim, nActions: 4, hiddenSizes: [8], seed: 1 });
    const collector = new Collector(env);
    const b = collector.group(policy, new Rng(3), { reset: { jobSet: 2 }, group: 7 });
    assert.equal(b.episodeReturns.length, 5);
    assert.equal(b.ends.length, 5);
    assert.equal(b.rows, b.episodeLengths.reduce((a, x) => a + x, 0));
    assert.equal(collector.steps, b.rows, "no step beyond the five episodes");
    assert.equal(b.divisor, 5);
    assert.deepEqual(new Set(Array.from(b.groups as Int32Array)), new Set([7]));
    let start = 0;
    b.episodeLengths.forEach((len, i) => {
      // identical first observation (job set 2), the return is the sum of the episode's rewards, one end flag at its last row
      assert.deepEqual(b.observations.subarray(start * env.obsDim, (start + 1) * env.obsDim), b.observations.subarray(0, env.obsDim));
      const r = b.rewards.subarray(start, start + len).reduce((a, x) => a + x, 0);
      assert.ok(Math.abs(r - b.episodeReturns[i]) < 1e-9);
      assert.equal(b.terminated[start + len - 1] + b.truncated[start + len - 1], 1);
      assert.equal(b.ends[i], start + len - 1);
      start += len;
    });
    assert.ok(new Set(b.episodeLengths).size > 1, "the rollouts differ (sampled actions)");
  });

  test("an environment without a step limit is refused (an episode might never end)", () => {
    const env = makeVector("CartPole-v1", 2, {}, { maxEpisodeSteps: null });
    assert.throws(() => new Collector(env).group({ sample: () => 0 }, new Rng(0)), /has no step limit, so an episode might never end/);
  });
});

describe("reinforce with groups", () => {
  test("a group's gradient is that of the surrogate with psi = R_t - b_t, b_t the time-dependent baseline over the group", () => {
    const c = resolveReinforceConfig(base);
    const setup = setupEnv(c.env, c.envKwargs, c.numEnvs, c.maxEpisodeSteps);
    const policy = makePolicy("reinforce", setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed });
    const [task] = groupTasks(c.groups!, 1);
    assert.deepEqual(task.reset, { load: 0.8, jobSet: 0 });
    const got = new GroupRunner(c, setup, policy).run(task);
    // by hand: the same rollouts (same streams), psi from the library's estimator and baseline
    const env = makeVector("DeepRM-v0", 4, SMALL);
    const seed = new Rng(c.seed, [8, 1, 0]).integer(0, 2 ** 31);
    const batch = new Collector(env).group(policy, new Rng(c.seed, [7, 1, 0]), { reset: task.reset, seed, group: 0 });
    batch.divisor = 3 * 4;
    const R = rewardToGo(batch);
    const b = timeDependentBaseline(R, batch);
    const expected = surrogateGradient(policy, batch, Float64Array.from(R, (x, k) => x - b[k])); // ascent direction
    assert.deepEqual(got.returns, batch.episodeReturns);
    const scale = Math.max(...expected.map(Math.abs));
    expected.forEach((g, k) => assert.ok(Math.abs(-got.gradient[k] - g) <= 1e-5 * scale, `parameter ${k}: ${-got.gradient[k]} vs ${g}`));
    // and the baseline is not zero: it changed psi
    assert.ok(b.some((x) => x !== 0));
    policy.dispose();
  });

  test("fresh job sets each iteration, loads cycled, or a fixed pool", () => {
    const g = resolveReinforceConfig(base).groups!;
    assert.deepEqual(groupTasks(g, 2).map((t) => t.reset), [
      { load: 0.8, jobSet: 3 },
      { load: 1.5, jobSet: 4 },
      { load: 0.8, jobSet: 5 },
    ]);
    const pooled = resolveReinforceConfig({ ...base, groups: { count: 3, pool: 4 } }).groups!;
    assert.deepEqual(groupTasks(pooled, 2).map((t) => t.reset), [{ jobSet: 3 }, { jobSet: 0 }, { jobSet: 1 }]);
  });

  test("worker threads give the same run, bit for bit; the built-in psi is the library's rewardToGo; no tensor leak", async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const here = await reinforce(base, { onIteration: () => void counts.push(tf.memory().numTensors) });
    assert.equal(counts[0], counts[1], "tensors constant across iterations");
    const two = await reinforce({ ...base, workers: 2 });
    assert.deepEqual(strip(two.history), strip(here.history));
    assert.deepEqual(two.policy.getParams(), here.policy.getParams());
    const fn = await reinforce({ ...base, psi: rewardToGo });
    assert.deepEqual(fn.policy.getParams(), here.policy.getParams());
    const none = await reinforce({ ...base, baseline: "none" });
    assert.notDeepEqual(none.policy.getParams(), here.policy.getParams());
    for (const r of [here, two, fn, none]) r.policy.dispose();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(here.history.length, 2);
    assert.equal(here.history[0].episodes, 12);
    assert.equal(here.history[1].totalEpisodes, 24);
  });

  test("onGroups reports each group's reset and returns, and the policy; an error in a run disposes what it made", async () => {
    const seen: { reset: Record<string, unknown>; n: number }[] = [];
    const r = await reinforce({ ...base, iterations: 1 }, { onGroups: (rep) => void rep.groups.forEach((g) => seen.push({ reset: g.reset, n: g.returns.length })) });
    assert.deepEqual(seen, [
      { reset: { load: 0.8, jobSet: 0 }, n: 4 },
      { reset: { load: 1.5, jobSet: 1 }, n: 4 },
      { reset: { load: 0.8, jobSet: 2 }, n: 4 },
    ]);
    r.policy.dispose();
    const before = tf.memory().numTensors;
    await assert.rejects(reinforce({ ...base, iterations: 3 }, { onIteration: (s) => { if (s.iteration === 2) throw new Error("stop here"); } }), /stop here/);
    await assert.rejects(reinforce({ ...base, workers: 1, groups: { count: 2, size: 2, options: [{ load: -1 }] } }), /reinforce: .*options\.load must be a finite number > 0/);
    assert.equal(tf.memory().numTensors, before);
  });

  test("starting from a saved policy; one of another shape is an error", async () => {
    const first = await reinforce({ ...base, iterations: 1 });
    const saved = first.policy.toJSON();
    const tiny = await reinforce({ ...base, iterations: 1, lr: 1e-9, initialPolicy: saved });
    const p = tiny.policy.getParams();
    saved.params.forEach((x, k) => assert.ok(Math.abs(p[k] - x) < 1e-5, `parameter ${k}`));
    assert.deepEqual(tiny.config.initialPolicy, { kind: saved.kind, config: saved.config });
    await assert.rejects(reinforce({ ...base, hiddenSizes: [4], initialPolicy: saved }), /config\.initialPolicy is hiddenSizes \[8\]; the config builds hiddenSizes \[4\]/);
    first.policy.dispose();
    tiny.policy.dispose();
  });

  test("bad configs are clear errors", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, baseline: "value" }, /config\.baseline must be with groups, one of "none", "constant", "batchMean", "timeDependent"/],
      [{ ...base, numEnvs: 8 }, /config\.numEnvs must be left out or equal to groups\.size \(4\)/],
      [{ env: "CartPole-v1", workers: 2 }, /config\.workers must be 0 without groups/],
      [{ ...base, groups: { count: 0 } }, /config\.groups\.count must be an integer >= 1; received 0/],
      [{ ...base, groups: { count: 2, options: [] } }, /config\.groups\.options must be a non-empty list of reset-option objects/],
      [{ ...base, groups: { count: 2, sizes: 3 } }, /config\.groups: unknown config key "sizes" \(did you mean size\?\)/],
      [{ ...base, optimizer: "sgd" }, /config\.optimizer must be one of "adam", "rmsprop", "rmspropDeepRM"; received "sgd"/],
      [{ ...base, iterations: 0 }, /config\.iterations must be an integer >= 1; received 0/],
      [{ ...base, initialPolicy: [1, 2] }, /config\.initialPolicy must be a saved policy/],
    ];
    for (const [config, message] of cases) await assert.rejects(reinforce(config as never), message);
    await assert.rejects(reinforce({ ...base, workers: 1, psi: rewardToGo }), /config\.psi is a function \(rewardToGo\), which cannot be sent to worker threads/);
    await assert.rejects(reinforce({ ...base, workers: 1, baseline: timeDependentBaseline }), /config\.baseline is a function \(timeDependentBaseline\), which cannot be sent to worker threads; use workers: 0, or a built-in baseline name/);
  });

  test("iterations also bounds batch collection; RMSProp trains CartPole's REINFORCE too", async () => {
    const r = await reinforce({ env: "CartPole-v1", batchSteps: 500, iterations: 3, optimizer: "rmsprop", lr: 0.003, seed: 1 });
    assert.equal(r.history.length, 3);
    assert.equal(r.history[2].envSteps, 3 * 504); // 500 steps, rounded up to a multiple of 8 copies, three times
    const adam = await reinforce({ env: "CartPole-v1", batchSteps: 500, iterations: 3, lr: 0.003, seed: 1 });
    assert.notDeepEqual(adam.policy.getParams(), r.policy.getParams());
    r.policy.dispose();
    adam.policy.dispose();
  });
});
