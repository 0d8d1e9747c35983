/**
 * Training cannot hang, leak or mislead: each fault a new user meets in the first week stops with an
 * error that says what happened and what to do, and leaves no tensor behind.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { a2c, actorCritic, reinforce } from "../../src/algorithms/index";
import type { IterationStats } from "../../src/algorithms/index";
import { register } from "../../src/envs/registry";
import { ShortCorridor } from "../../src/envs/index";
import { Gaussian, LinearSoftmax, MlpCategorical, TabularSoftmax } from "../../src/policies/index";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";

const root = path.join(__dirname, "..", "..");

before(async () => {
  await initTf({ quiet: true });
});

describe("a policy that stops ending episodes: the budget holds, iterations still report, then a clear error", () => {
  for (const [name, run] of [
    ["reinforce", (cb: (s: IterationStats) => void) => reinforce({ env: "ShortCorridor-v0", lr: 10, totalSteps: 2000, batchSteps: 50, numEnvs: 2 }, { onIteration: cb })],
    ["actorCritic", (cb: (s: IterationStats) => void) => actorCritic({ env: "ShortCorridor-v0", lr: 10, totalSteps: 2000, batchSteps: 50, numEnvs: 2 }, { onIteration: cb })],
  ] as const) {
    test(`${name} on ShortCorridor-v0 at lr 10`, async () => {
      const seen: IterationStats[] = [];
      const before = tf.memory().numTensors;
      await assert.rejects(run((s) => seen.push(s)), new RegExp(`${name}: iteration \\d+: no episode has ended in the last 5 iterations.*config\\.lr is 10.*ShortCorridor-v0 has no step limit.*config\\.maxEpisodeSteps`));
      assert.ok(seen.some((s) => s.episodes === 0), "iterations without a finished episode reach onIteration");
      assert.ok(seen.every((s, i) => s.envSteps === 50 * (i + 1)), `batchSteps per iteration: ${seen.map((s) => s.envSteps)}`);
      assert.equal(tf.memory().numTensors, before, "no tensor left behind");
    });
  }

  test("with a step limit the same run finishes within its budget", async () => {
    const r = await reinforce({ env: "ShortCorridor-v0", lr: 10, totalSteps: 2000, batchSteps: 50, numEnvs: 2, maxEpisodeSteps: 40 });
    const last = r.history[r.history.length - 1];
    assert.equal(last.envSteps, 2000);
    assert.ok(r.history.some((h) => h.episodes > 0));
    r.policy.dispose();
  });
});

describe("divergence is an error naming the learning rate and the iteration", () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ["reinforce, lr 1e12", () => reinforce({ lr: 1e12, totalSteps: 20_000 }), /reinforce: iteration 1: the policy's parameters have diverged .*config\.lr is 1000000000000/],
    ["a2c, lr 1e12", () => a2c({ lr: 1e12, totalSteps: 20_000 }), /a2c: iteration 1: the actor's parameters have diverged .*config\.lr is 1000000000000/],
    ["actorCritic, lr 1e12", () => actorCritic({ lr: 1e12, totalSteps: 20_000 }), /actorCritic: iteration 1: the actor's parameters have diverged .*config\.lr is 1000000000000/],
    ["a2c on Pendulum, lr 1e6: the policy is blamed, not the environment", () => a2c({ env: "Pendulum-v1", lr: 1e6, totalSteps: 20_000 }), /a2c: iteration \d+: the actor's parameters have diverged .*config\.lr is 1000000/],
    ["a2c, critic lr 1e12", () => a2c({ valueLr: 1e12, totalSteps: 20_000 }), /a2c: iteration \d+: the critic's parameters have diverged .*config\.valueLr is 1000000000000/],
  ];
  for (const [name, run, message] of cases) {
    test(name, async () => {
      const before = tf.memory().numTensors;
      await assert.rejects(run(), message);
      assert.equal(tf.memory().numTensors, before, "the failed run disposed what it made");
    });
  }

  test("a reasonable run stays far below the bound", async () => {
    const r = await a2c({ totalSteps: 20_000, seed: 1 });
    assert.ok(r.policy.maxAbsParam() < 100, `largest |parameter| ${r.policy.maxAbsParam()}`);
    r.policy.dispose();
  });
});

describe("no tensor leaks: after any run, finished or failed, and after dispose()", () => {
  test("building and disposing each policy", () => {
    const before = tf.memory().numTensors;
    const policies = [
      new MlpCategorical({ obsSize: 4, nActions: 2 }),
      new Gaussian({ obsSize: 3, actionSize: 1 }),
      new Gaussian({ obsSize: 3, actionSize: 2, stateDependentStd: true }),
      new TabularSoftmax({ nStates: 3, nActions: 2 }),
      new LinearSoftmax({ nFeatures: 3, nActions: 2 }),
    ];
    for (const p of policies) p.variables(); // the softmax policies make their TF.js mirror on first use
    assert.ok(tf.memory().numTensors > before);
    for (const p of policies) {
      p.dispose();
      p.dispose(); // idempotent
    }
    assert.equal(tf.memory().numTensors, before);
  });

  test("a finished run, after disposing its policy (and critic)", async () => {
    const before = tf.memory().numTensors;
    (await reinforce({ totalSteps: 4000, batchSteps: 1000 })).policy.dispose();
    (await a2c({ totalSteps: 2048 })).policy.dispose();
    const ac = await actorCritic({ totalSteps: 4000, batchSteps: 1000 });
    ac.policy.dispose();
    (ac.critic as unknown as { dispose(): void }).dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test("a run stopped by a callback that throws", async () => {
    const before = tf.memory().numTensors;
    const stop = {
      onIteration: (s: IterationStats) => {
        if (s.iteration === 2) throw new Error("stop here");
      },
    };
    await assert.rejects(reinforce({ totalSteps: 10_000, batchSteps: 1000 }, stop), /stop here/);
    await assert.rejects(a2c({ totalSteps: 10_000 }, stop), /stop here/);
    await assert.rejects(actorCritic({ totalSteps: 10_000, batchSteps: 1000 }, stop), /stop here/);
    assert.equal(tf.memory().numTensors, before);
  });

  test("a run stopped by an environment error", async () => {
    // a corridor whose dynamics fail after 300 steps (a bug in a user's environment)
    const kernel = new ShortCorridor().kernel();
    let steps = 0;
    register({
      id: "BrokenCorridor-v0",
      create: () => new ShortCorridor(),
      kwargs: [],
      maxEpisodeSteps: 100,
      rewardThreshold: null,
      description: "test only",
      kernel: () => ({
        ...kernel,
        step: (s, o, a, ao, rng) => {
          if (++steps > 300) throw new Error("broken dynamics");
          return kernel.step(s, o, a, ao, rng);
        },
      }),
    });
    const before = tf.memory().numTensors;
    await assert.rejects(reinforce({ env: "BrokenCorridor-v0", totalSteps: 2000, batchSteps: 100 }), /broken dynamics/);
    steps = 0;
    await assert.rejects(a2c({ env: "BrokenCorridor-v0", totalSteps: 2000 }), /broken dynamics/);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("non-finite observations are rejected by every policy, naming the index and the value", () => {
  const rng = new Rng(0);
  test("single observations and rows", () => {
    assert.throws(() => new Gaussian({ obsSize: 3, actionSize: 1 }).sample([0, NaN, 0], rng), /Gaussian\.sample: observation has NaN at index 1/);
    assert.throws(() => new MlpCategorical({ obsSize: 4, nActions: 2 }).sample([0, 0, Infinity, 0], rng), /MlpCategorical\.sample: observation has Infinity at index 2/);
    assert.throws(() => new LinearSoftmax({ nFeatures: 2, nActions: 2 }).sample([NaN, 1], rng), /LinearSoftmax\.sample: observation has NaN at index 0/);
    assert.throws(() => new TabularSoftmax({ nStates: 3, nActions: 2 }).sample(NaN, rng), /TabularSoftmax\.sample: observation must be a state index in 0 \.\. 2; received NaN/);
    const out = new Float64Array(2);
    assert.throws(() => new MlpCategorical({ obsSize: 2, nActions: 2 }).sampleRows([0, 0, 0, NaN], 2, rng, out), /MlpCategorical\.sample: observation of row 1 has NaN at index 1/);
    assert.throws(() => new Gaussian({ obsSize: 1, actionSize: 1 }).sampleRows([-Infinity], 1, rng, out), /Gaussian\.sample: observation of row 0 has -Infinity at index 0/);
  });
});

describe("configs and environments that do not fit", () => {
  test("the Q actor-critic on continuous actions, or asked for a Gaussian policy, suggests a2c or reinforce", async () => {
    await assert.rejects(actorCritic({ env: "Pendulum-v1" }), /actorCritic: Pendulum-v1 has continuous actions, and the Q actor-critic needs discrete ones .*use a2c or reinforce/);
    await assert.rejects(actorCritic({ policy: "gaussian" } as never), /actorCritic: config\.policy is "gaussian", but the Q actor-critic needs discrete actions .*use a2c or reinforce/);
  });
});

describe("results do not depend on whether the caller ran initTf first", () => {
  const script = (init: boolean) =>
    `const { a2c } = require("./src/algorithms/index"); const { tf, initTf } = require("./src/tf");
     (async () => { ${init ? "await initTf({ quiet: true });" : ""}
       const r = await a2c({ totalSteps: 2048, seed: 4 });
       console.log(JSON.stringify({ backend: tf.getBackend(), history: r.history.map(({ wallTime, stepsPerSecond, ...h }) => h) }));
     })();`;
  test("the same seed gives the same history, on the same backend, without a banner", () => {
    const runs = [false, true].map((init) => spawnSync(process.execPath, ["--import", "tsx", "-e", script(init)], { cwd: root, encoding: "utf8" }));
    for (const r of runs) assert.equal(r.status, 0, r.stderr);
    const [without, withInit] = runs.map((r) => JSON.parse(r.stdout.trim().split("\n").pop() as string));
    assert.equal(without.backend, withInit.backend);
    assert.notEqual(without.backend, "cpu", "the library chose its backend (wasm here) rather than TF.js' default");
    assert.deepEqual(without.history, withInit.history);
    for (const r of runs) assert.doesNotMatch(r.stdout + r.stderr, /looks like you are running TensorFlow\.js in Node/);
  });
});
