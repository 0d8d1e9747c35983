/**
 * A3C: worker threads that update shared parameters without waiting. Checked: the shared Adam computes
 * what TF.js' Adam computes; the config's checks; with one worker a run is reproducible; with two, both
 * workers' updates interleave, some are applied to parameters another worker moved after they were read
 * (staleness >= 1, which a synchronous barrier would never give), no worker leaks tensors, and the
 * policy learns.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { a3c, resolveA3CConfig, resolveConfig } from "../../src/algorithms/index";
import type { IterationStats } from "../../src/algorithms/index";
import { SharedAdam, sharedNet } from "../../src/algorithms/hogwild";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

const strip = (h: IterationStats[]) => h.map(({ wallTime: _w, stepsPerSecond: _s, ...rest }) => rest);

describe("SharedAdam", () => {
  test("takes the steps TF.js' Adam takes on the same gradients (float32 rounding), and counts them", () => {
    const rng = new Rng(5);
    const initial = Array.from({ length: 40 }, () => rng.normal());
    const counters = new Int32Array(new SharedArrayBuffer(8));
    const adam = new SharedAdam(sharedNet(initial), counters, 1);
    const v = tf.variable(tf.tensor1d(initial));
    const opt = tf.train.adam(0.01);
    for (let step = 0; step < 25; step++) {
      const g = Float32Array.from(initial, () => rng.normal() * 3);
      adam.step(g, 0.5, 0.01);
      const gt = tf.tensor1d(g).mul(0.5);
      opt.applyGradients({ [v.name]: gt } as never);
      gt.dispose();
    }
    const expected = v.dataSync();
    const worst = Math.max(...Array.from(expected, (x, i) => Math.abs(x - adam.params[i])));
    const moved = Math.max(...Array.from(expected, (x, i) => Math.abs(x - initial[i])));
    assert.ok(worst < 1e-5, `largest difference from TF.js' Adam: ${worst}`);
    assert.ok(moved > 0.1, `the parameters moved by ${moved}`); // the comparison is not between two unmoved vectors
    assert.equal(counters[1], 25);
    v.dispose();
    opt.dispose();
  });
});

describe("a3c config", () => {
  test("defaults: 2 workers x 8 copies (a2c's 16 in all), GAE; through the registry too", () => {
    const c = resolveA3CConfig({});
    assert.equal(c.workers, 2);
    assert.equal(c.numEnvs, 8);
    assert.equal(c.advantage, "gae");
    assert.equal(resolveConfig("a3c", { workers: 3 }).workers, 3);
  });
  test("rejects what cannot cross threads or is a2c's only, and bad values, naming them", () => {
    assert.throws(() => resolveA3CConfig({ advantage: (() => [1]) as never }), /a3c: config.advantage must be one of "nstep", "td", "gae" \(a function cannot be sent to worker threads/);
    assert.throws(() => resolveA3CConfig({ qCritic: true } as never), /a3c: unknown config key "qCritic"/);
    assert.throws(() => resolveA3CConfig({ sde: true } as never), /a3c: unknown config key "sde"/);
    // a resolved config (a run folder's config.json) resolves to itself: a2c's fields there are off
    const resolved = resolveA3CConfig({ workers: 3, lr: 0.001 });
    assert.deepEqual(resolveA3CConfig(resolved as never), resolved);
    assert.throws(() => resolveA3CConfig({ workers: 0 }), /a3c: config.workers must be an integer >= 1; received 0/);
    assert.throws(() => resolveA3CConfig({ advantage: "qv" as never }), /a3c: config.advantage must be one of "nstep", "td", "gae"; received "qv"/);
  });
});

describe("a3c runs", () => {
  test("one worker: same seed, same numbers", async () => {
    const config = { env: "CartPole-v1", workers: 1, totalSteps: 2048, seed: 4 };
    const [a, b] = [await a3c(config), await a3c(config)];
    assert.deepEqual(strip(a.history), strip(b.history));
    assert.deepEqual(a.policy.getParams(), b.policy.getParams());
    assert.ok(a.updates.every((u) => u.staleness === 0 && u.worker === 0));
    a.policy.dispose();
    b.policy.dispose();
  });

  test("two workers: interleaved, lock-free (some stale updates), no leaks, and it learns", async () => {
    const totalSteps = 24_576; // 96 updates of 8 x 32 steps
    const r = await a3c({ env: "CartPole-v1", workers: 2, totalSteps, seed: 1 });
    const byWorker = [0, 1].map((w) => r.updates.filter((u) => u.worker === w));
    assert.ok(byWorker.every((u) => u.length >= 20), `updates per worker: ${byWorker.map((u) => u.length)}`);
    // interleaved: the sequence of workers changes many times (not one worker's run after the other's)
    const switches = r.updates.filter((u, i) => i > 0 && u.worker !== r.updates[i - 1].worker).length;
    assert.ok(switches >= 10, `the workers alternated ${switches} times`);
    const stale = r.updates.filter((u) => u.staleness >= 1).length;
    assert.ok(stale >= 1, `no update was applied to parameters moved by the other worker (${r.updates.length} updates)`);
    // the shared budget: every reserved segment started before it ran out
    const last = r.history[r.history.length - 1].envSteps;
    assert.ok(last >= totalSteps && last <= totalSteps + 2 * 256, `env steps ${last}`);
    for (const u of byWorker) assert.equal(new Set(u.slice(1).map((x) => x.tensors)).size, 1, `tensors per update: ${[...new Set(u.map((x) => x.tensors))]}`);
    // a random policy balances for about 22 steps
    const final = r.history[r.history.length - 1].meanReturn100;
    assert.ok(final > 60, `mean return of the last 100 episodes ${final}`);
    r.policy.dispose();
  });
});
