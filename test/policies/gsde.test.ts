/**
 * gSDE exploration (Gaussian with sde: true) and a2c's options for it: the distribution the policy
 * reports is the one its samples follow; the TF.js log-probability equals the plain one and its
 * gradient in L matches finite differences; the variance treats the features as constants (no
 * gradient through them); a held exploration matrix gives actions that vary smoothly with the state;
 * errors name the value and the fix; a2c with sde and RMSProp is reproducible and leaks no tensors.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { a2c, resolveA2CConfig } from "../../src/algorithms/index";
import { Gaussian, policyFromJSON } from "../../src/policies/index";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

const make = (seed = 1, logStdInit = -1) => new Gaussian({ obsSize: 3, actionSize: 2, hiddenSizes: [16, 8], outputGain: 1, sde: true, logStdInit, seed });

describe("Gaussian with gSDE", () => {
  test("the reported variance is sum_j z_j(s)^2 exp(2 L_jk) + 1e-6, from the last hidden layer", () => {
    const p = make();
    const obs = [0.3, -0.9, 1.2];
    const z = Float64Array.from(p.net.forwardWithFeatures(obs).features);
    assert.equal(z.length, 8);
    const L = p.getParams().subarray(p.net.numParams);
    assert.equal(L.length, 16);
    const { logStd } = p.distribution(obs);
    for (let k = 0; k < 2; k++) {
      let v = 1e-6;
      for (let j = 0; j < 8; j++) v += z[j] ** 2 * Math.exp(2 * L[j * 2 + k]);
      assert.ok(Math.abs(logStd[k] - 0.5 * Math.log(v)) < 1e-12, `${logStd[k]} vs ${0.5 * Math.log(v)}`);
    }
    p.dispose();
  });

  test("log-probabilities agree between TF.js and plain TypeScript; the gradient in L matches finite differences", () => {
    const p = make(2, -0.7);
    const rng = new Rng(3);
    const obs = Array.from({ length: 12 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const actions = obs.map(() => [rng.normal(), rng.normal()]);
    const viaTf = tf.tidy(() => p.logProbTensor(tf.tensor2d(obs), tf.tensor2d(actions)).arraySync());
    obs.forEach((o, i) => assert.ok(Math.abs(p.logProb(o, actions[i]) - viaTf[i]) < 1e-4, `${p.logProb(o, actions[i])} vs ${viaTf[i]}`));
    // d/dL of the summed log-probability: TF.js against central differences of the plain form
    const L = p.logStd as tf.Variable;
    const g = tf.tidy(() => tf.variableGrads(() => tf.sum(p.logProbTensor(tf.tensor2d(obs), tf.tensor2d(actions))) as tf.Scalar, [L]).grads[L.name].dataSync());
    const base = p.getParams();
    const total = (params: Float64Array) => {
      p.setParams(params);
      return obs.reduce((s, o, i) => s + p.logProb(o, actions[i]), 0);
    };
    let largest = 0;
    for (let k = 0; k < 16; k++) {
      const h = 1e-3;
      const plus = Float64Array.from(base);
      const minus = Float64Array.from(base);
      plus[p.net.numParams + k] += h;
      minus[p.net.numParams + k] -= h;
      const fd = (total(plus) - total(minus)) / (2 * h);
      largest = Math.max(largest, Math.abs(fd));
      assert.ok(Math.abs(fd - g[k]) < 2e-3 * Math.max(1, Math.abs(fd)), `L[${k}]: finite differences ${fd}, TF.js ${g[k]}`);
    }
    assert.ok(largest > 0.1, "the test needs a gradient in L that is not negligible");
    p.setParams(base);
    p.dispose();
  });

  test("the features enter the variance as constants: the first layer's gradient is the mean's alone", () => {
    const p = make(4, 0);
    const obs = [[0.5, -0.2, 0.9], [-1, 0.4, 0.1]];
    const actions = [[1.5, -2], [0.3, 0.8]];
    const w0 = p.net.vars[0];
    const grads = (f: () => tf.Scalar) => tf.tidy(() => tf.variableGrads(f, [w0]).grads[w0.name].dataSync());
    const full = grads(() => tf.sum(p.logProbTensor(tf.tensor2d(obs), tf.tensor2d(actions))) as tf.Scalar);
    // the same log-probability with log sigma computed outside the tape (a constant) and the mean inside
    const logStd = tf.tensor2d(obs.map((o) => Array.from(p.distribution(o).logStd)));
    const meanOnly = grads(() => tf.tidy(() => {
      const mean = p.net.apply(tf.tensor2d(obs));
      const zs = tf.div(tf.sub(tf.tensor2d(actions), mean), tf.exp(logStd));
      return tf.sum(tf.mul(-0.5, tf.square(zs))) as tf.Scalar;
    }));
    let diff = 0;
    let size = 0;
    full.forEach((x, i) => {
      diff = Math.max(diff, Math.abs(x - meanOnly[i]));
      size = Math.max(size, Math.abs(x));
    });
    assert.ok(size > 1e-3, "the first layer's gradient must not vanish for this test to mean anything");
    assert.ok(diff < 1e-4 * size, `first-layer gradients differ by ${diff} (largest ${size})`);
    logStd.dispose();
    p.dispose();
  });

  test("sampling with fresh matrices follows the reported distribution (means and standard deviations within 4 SE)", () => {
    const p = make(5, -0.5);
    const obs = Float32Array.from([0.1, 0.7, -0.4]);
    const { mean, logStd } = p.distribution(obs);
    const rng = new Rng(6);
    const n = 20000;
    const out = new Float64Array(2);
    const sums = [0, 0];
    const squares = [0, 0];
    for (let i = 0; i < n; i++) {
      p.sampleRowsWithNoise(obs, 1, p.explorationNoise(1, rng), out);
      for (let k = 0; k < 2; k++) {
        sums[k] += out[k];
        squares[k] += out[k] ** 2;
      }
    }
    for (let k = 0; k < 2; k++) {
      const m = sums[k] / n;
      const sd = Math.sqrt(squares[k] / n - m * m);
      const sigma = Math.exp(logStd[k]);
      // SE of the mean sigma / sqrt(n); of the standard deviation about sigma / sqrt(2n)
      assert.ok(Math.abs(m - mean[k]) < (4 * sigma) / Math.sqrt(n), `mean ${m} vs ${mean[k]}`);
      assert.ok(Math.abs(sd - sigma) < (4 * sigma) / Math.sqrt(2 * n), `sd ${sd} vs ${sigma}`);
    }
    // `sample` (fresh noise every call) draws from the same distribution
    let s = 0;
    for (let i = 0; i < n; i++) s += p.sample(obs, rng)[0];
    assert.ok(Math.abs(s / n - mean[0]) < (4 * Math.exp(logStd[0])) / Math.sqrt(n));
    p.dispose();
  });

  test("a held matrix makes the noise a smooth function of the state; rows use their own copy's matrix", () => {
    const p = make(7, 0);
    const rng = new Rng(8);
    const E = p.explorationNoise(2, rng);
    const noiseAt = (o: number[], copy: number) => {
      const out = new Float64Array(4);
      const two = Float32Array.from([...o, ...o]);
      p.sampleRowsWithNoise(two, 2, E, out);
      return out[copy * 2] - p.distribution(o).mean[0];
    };
    const o = [0.2, 0.3, -0.1];
    const near = [0.2 + 1e-4, 0.3, -0.1];
    // held: a nearby state gets nearly the same noise (it changes by O(1e-4)), unlike independent draws
    assert.ok(Math.abs(noiseAt(o, 0) - noiseAt(near, 0)) < 1e-3);
    assert.ok(Math.abs(noiseAt(o, 0)) > 1e-2, "the noise itself must not be negligible");
    // the second copy's matrix gives different noise in the same state
    assert.ok(Math.abs(noiseAt(o, 0) - noiseAt(o, 1)) > 1e-3);
    assert.throws(() => p.sampleRowsWithNoise(Float32Array.from([...o, ...o, ...o]), 3, E, new Float64Array(6)), /noise holds 2 matrices for 3 rows/);
    p.dispose();
  });

  test("saved and rebuilt with the same parameters and distribution", () => {
    const p = make(9, -1.5);
    const q = policyFromJSON(p.toJSON()) as unknown as Gaussian;
    assert.deepEqual(Array.from(q.getParams()), Array.from(p.getParams()));
    assert.deepEqual(q.distribution([1, 2, 3]), p.distribution([1, 2, 3]));
    p.dispose();
    q.dispose();
  });

  test("bad combinations are rejected, naming the fix", () => {
    assert.throws(() => new Gaussian({ obsSize: 3, actionSize: 1, sde: true, stateDependentStd: true }), /sde and stateDependentStd are two ways .* choose one/);
    assert.throws(() => new Gaussian({ obsSize: 3, actionSize: 1, sde: true, hiddenSizes: [] }), /sde draws its noise from the last hidden layer; hiddenSizes must not be empty/);
    assert.throws(() => new Gaussian({ obsSize: 3, actionSize: 1, sde: 1 as never }), /Gaussian: sde must be true or false; received 1/);
    const plain = new Gaussian({ obsSize: 3, actionSize: 1 });
    assert.throws(() => plain.explorationNoise(1, new Rng(0)), /made without sde: true/);
    plain.dispose();
  });
});

describe("a2c with gSDE and RMSProp", () => {
  test("reproducible with a seed, no tensor leaks, and the noise matrices change the run", async () => {
    const config = { env: "Pendulum-v1", sde: true, optimizer: "rmsprop" as const, numEnvs: 4, nSteps: 8, logStdInit: -2, totalSteps: 2048, seed: 3 };
    await a2c({ ...config, totalSteps: 64 }); // TF.js' first-use tensors
    const before = tf.memory().numTensors;
    const [a, b] = [await a2c(config), await a2c(config)];
    const plain = await a2c({ ...config, sde: false });
    assert.deepEqual(Array.from(a.policy.getParams()), Array.from(b.policy.getParams()));
    assert.deepEqual(a.episodeReturns, b.episodeReturns);
    assert.notDeepEqual(a.episodeReturns, plain.episodeReturns);
    // gSDE's policy has L: [last hidden, actions] = 64 numbers instead of one log-std
    assert.equal(a.policy.getParams().length, plain.policy.getParams().length + 63);
    for (const r of [a, b, plain]) r.policy.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test("bad values are rejected, naming the field", async () => {
    assert.throws(() => resolveA2CConfig({ optimizer: "sgd" as never }), /a2c: config.optimizer must be one of "adam", "rmsprop", "rmspropDeepRM"; received "sgd"/);
    assert.throws(() => resolveA2CConfig({ sde: "yes" as never }), /a2c: config.sde must be true or false; received "yes"/);
    await assert.rejects(a2c({ env: "CartPole-v1", sde: true, totalSteps: 64 }), /a2c: config.sde \(gSDE exploration\) is for Gaussian policies, but CartPole-v1 has discrete actions/);
    await assert.rejects(a2c({ env: "Pendulum-v1", sde: true, stateDependentStd: true, totalSteps: 64 }), /a2c: config.sde and config.stateDependentStd are two ways .* set one of them/);
  });
});
