import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { GridWorld, make } from "../../src/envs/index";
import { estimateGradient, rewardToGo, surrogateGradient } from "../../src/estimators/index";
import { sampleEpisodes } from "../../src/rollout/index";
import { Mlp } from "../../src/nn/index";
import { Gaussian, LinearSoftmax, MlpCategorical, TabularSoftmax, loadPolicy, savePolicy } from "../../src/policies/index";
import { FUSED_BACKENDS } from "../../src/nn/mlp";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

describe("closed-form scores", () => {
  test("TabularSoftmax: score = e_a - pi(.|s) in row s; matches finite differences of log pi", () => {
    const p = new TabularSoftmax({ nStates: 3, nActions: 4, theta: [[0.1, -0.2, 0.3, 0], [1, 2, 3, 4], [0, 0, 0, 0]] });
    const s = p.score(1, 2);
    const pi = p.probs(1);
    for (let k = 0; k < 12; k++) assert.ok(Math.abs(s[k] - (k >= 4 && k < 8 ? (k - 4 === 2 ? 1 : 0) - pi[k - 4] : 0)) < 1e-15);
    const theta = p.getParams();
    for (let k = 0; k < 12; k++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[k] += 1e-6;
      minus[k] -= 1e-6;
      const q = new TabularSoftmax({ nStates: 3, nActions: 4, theta: plus });
      const r = new TabularSoftmax({ nStates: 3, nActions: 4, theta: minus });
      assert.ok(Math.abs((q.logProb(1, 2) - r.logProb(1, 2)) / 2e-6 - s[k]) < 1e-8);
    }
    assert.ok(Math.abs(p.entropy(2) - Math.log(4)) < 1e-15);
  });
  test("LinearSoftmax: score = phi (e_a - pi)^T", () => {
    const p = new LinearSoftmax({ nFeatures: 3, nActions: 2, initScale: 0.5, seed: 1 });
    const phi = [0.5, -1, 2];
    const s = p.score(phi, 1);
    const pi = p.probs(phi);
    for (let i = 0; i < 3; i++) for (let b = 0; b < 2; b++) assert.ok(Math.abs(s[i * 2 + b] - phi[i] * ((b === 1 ? 1 : 0) - pi[b])) < 1e-15);
  });
});

describe("the TF.js surrogate gradient equals the analytic score-function gradient", () => {
  test("TabularSoftmax on GridWorld (one batched call)", () => {
    const env = new GridWorld({ slip: 0.1 });
    const rng = new Rng(2);
    const p = new TabularSoftmax({ nStates: env.nStates, nActions: 4, theta: env.transitions.map(() => [0, 1, 2, 3].map(() => rng.normal())) });
    const eps = sampleEpisodes(env, p, { episodes: 40, seed: 3 });
    const psis = eps.map((ep) => rewardToGo(ep.rewards, 0.9));
    const analytic = estimateGradient(p, eps, (_, i) => psis[i]).mean;
    const viaTf = surrogateGradient(p, eps, psis);
    const scale = Math.max(...analytic.map(Math.abs));
    analytic.forEach((g, k) => assert.ok(Math.abs(g - viaTf[k]) < 1e-4 * scale, `component ${k}: ${g} vs ${viaTf[k]}`));
  });
  test("LinearSoftmax on CartPole observations", () => {
    const env = make("CartPole-v1");
    const p = new LinearSoftmax({ nFeatures: 4, nActions: 2, initScale: 0.3, seed: 4 });
    const eps = sampleEpisodes(env, { sample: (o: Float32Array, r: Rng) => p.sample(o, r) }, { episodes: 10, seed: 5 });
    const psis = eps.map((ep) => rewardToGo(ep.rewards, 0.99));
    const analytic = estimateGradient(p as never, eps as never, (_: unknown, i: number) => psis[i]).mean;
    const viaTf = surrogateGradient(p, eps, psis);
    const scale = Math.max(...analytic.map(Math.abs));
    analytic.forEach((g, k) => assert.ok(Math.abs(g - viaTf[k]) < 1e-4 * scale, `component ${k}: ${g} vs ${viaTf[k]}`));
  });
});

describe("Mlp's hand-written gradients (dense layers, tanh) equal TF.js' automatic ones", () => {
  for (const [activation, fused] of [["tanh", true], ["relu", true], ["elu", true], ["tanh", false], ["elu", false]] as const) {
    // 4-64-32-8-3 takes every branch of weightGrads: x^T dz, (dz^T x)^T, and the transposed product (8 x 3)
    test(`4-64-32-8-3 (${activation}, ${fused ? "fused kernel" : "separate kernels, as on backends without a tested fused kernel"}), gradient of sum(out * R) for every weight and bias`, () => {
      const backend = tf.getBackend();
      if (!fused) FUSED_BACKENDS.delete(backend);
      try {
        const net = new Mlp({ inputSize: 4, hiddenSizes: [64, 32, 8], outputSize: 3, activation, outputGain: 1, seed: 5 });
        const layers = net.vars.length / 2;
        const rng = new Rng(6);
        const n = 4096;
        const x = tf.tensor2d(Float32Array.from({ length: n * 4 }, () => rng.normal()), [n, 4]);
        const r = tf.tensor2d(Float32Array.from({ length: n * 3 }, () => rng.normal()), [n, 3]);
        const builtIn = { tanh: tf.tanh, relu: tf.relu, elu: tf.elu }[activation];
        const reference = () => {
          let h: tf.Tensor2D = x;
          for (let l = 0; l < layers; l++) {
            h = tf.add(tf.matMul(h, net.vars[2 * l] as tf.Tensor2D), net.vars[2 * l + 1]);
            if (l + 1 < layers) h = builtIn(h);
          }
          return tf.sum(tf.mul(h, r)) as tf.Scalar;
        };
        // Both sides are float32 sums over n = 4,096 rows in different orders (and tanh as 2 sigmoid(2z) - 1):
        // rounding of order sqrt(n) u ~ 4e-6 of the largest component, so 1e-4 leaves a 25x margin, while
        // a wrong formula (a missing factor, a dropped term) is off by O(1) of it.
        const ours = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), r)) as tf.Scalar, net.vars);
        const want = tf.variableGrads(reference, net.vars);
        assert.ok(Math.abs(ours.value.dataSync()[0] - want.value.dataSync()[0]) < 1e-3 * Math.abs(want.value.dataSync()[0]) + 1e-2);
        for (const v of net.vars) {
          const a = ours.grads[v.name].dataSync();
          const b = want.grads[v.name].dataSync();
          const scale = Math.max(...Array.from(b, Math.abs));
          assert.equal(a.length, b.length);
          b.forEach((g, k) => assert.ok(Math.abs(a[k] - g) < 1e-4 * scale, `${v.name}[${k}]: ${a[k]} vs ${g}`));
        }
        tf.dispose([x, r, ours.value, want.value, ...Object.values(ours.grads), ...Object.values(want.grads)]);
        net.dispose();
      } finally {
        FUSED_BACKENDS.add(backend);
      }
    });
  }
});

describe("fast sampling: the single-observation forward passes (wasm SIMD and plain TypeScript) match TF.js to 1e-6", () => {
  for (const activation of ["tanh", "relu", "elu"] as const) {
    test(`MlpCategorical 4-64-64-2 (${activation})`, () => {
      const p = new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [64, 64], activation, outputGain: 1, seed: 7 });
      const rng = new Rng(8);
      const obs = Array.from({ length: 50 }, () => [0, 1, 2, 3].map(() => rng.normal()));
      const viaTf = tf.tidy(() => p.probsTensor(tf.tensor2d(obs)).arraySync());
      assert.equal(p.net.kernel, activation === "elu" ? "typescript" : "wasm-simd");
      obs.forEach((o, i) => p.probs(o).forEach((q, a) => assert.ok(Math.abs(q - viaTf[i][a]) < 1e-6, `${q} vs ${viaTf[i][a]}`)));
      // the plain-TypeScript pass too (the fallback where the wasm kernel does not run)
      obs.forEach((o, i) => {
        const [z0, z1] = p.net.forwardPlain(o);
        const q0 = 1 / (1 + Math.exp(z1 - z0));
        assert.ok(Math.abs(q0 - viaTf[i][0]) < 1e-6, `${q0} vs ${viaTf[i][0]}`);
      });
      p.dispose();
    });
  }
  test("Gaussian: mean from both paths; log-probabilities agree", () => {
    for (const stateDependentStd of [false, true]) {
      const p = new Gaussian({ obsSize: 3, actionSize: 1, hiddenSizes: [16], outputGain: 1, stateDependentStd, seed: 9 });
      const rng = new Rng(1);
      const obs = Array.from({ length: 20 }, () => [rng.normal(), rng.normal(), rng.normal()]);
      const actions = obs.map(() => [rng.normal()]);
      const viaTf = tf.tidy(() => p.logProbTensor(tf.tensor2d(obs), tf.tensor2d(actions)).arraySync());
      obs.forEach((o, i) => assert.ok(Math.abs(p.logProb(o, actions[i]) - viaTf[i]) < 1e-5, `${p.logProb(o, actions[i])} vs ${viaTf[i]}`));
      const a = p.sample(obs[0], rng);
      assert.equal(a.length, 1);
      p.dispose();
    }
  });
});

describe("save and load (JSON, no tfjs-node)", () => {
  test("every policy kind round-trips with its config", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-policy-"));
    const policies = [
      new TabularSoftmax({ nStates: 2, nActions: 3, theta: [1, 2, 3, 4, 5, 6] }),
      new LinearSoftmax({ nFeatures: 2, nActions: 2, theta: [1, -1, 0.5, 2] }),
      new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [8], activation: "relu", seed: 3 }),
      new Gaussian({ obsSize: 3, actionSize: 1, hiddenSizes: [8], seed: 4, logStdInit: -1 }),
    ];
    for (const p of policies) {
      const file = path.join(dir, `${p.kind}.json`);
      savePolicy(p, file);
      const q = loadPolicy<typeof p>(file);
      assert.equal(q.kind, p.kind);
      assert.deepEqual(Array.from(q.getParams()), Array.from(p.getParams()));
      assert.deepEqual(q.toJSON().config, p.toJSON().config);
    }
    fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ kind: "Nope", config: {}, params: [] }));
    assert.throws(() => loadPolicy(path.join(dir, "bad.json")), /unknown policy kind "Nope"; known kinds: TabularSoftmax, LinearSoftmax, MlpCategorical, Gaussian/);
    assert.throws(() => loadPolicy(path.join(dir, "missing.json")), /could not read/);
  });
});

describe("no tensor leaks", () => {
  test("tf.memory().numTensors is unchanged after repeated calls of every TF.js path", () => {
    const env = new GridWorld();
    const tab = new TabularSoftmax({ nStates: env.nStates, nActions: 4 });
    const eps = sampleEpisodes(env, tab, { episodes: 5, seed: 1 });
    const psis = eps.map((ep) => rewardToGo(ep.rewards));
    const mlp = new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [8], seed: 1 });
    const gauss = new Gaussian({ obsSize: 3, actionSize: 1, hiddenSizes: [8], seed: 1 });
    const cp = sampleEpisodes(make("CartPole-v1"), { sample: (o: Float32Array, r: Rng) => mlp.sample(o, r) }, { episodes: 3, seed: 2 });
    const cpPsis = cp.map((ep) => rewardToGo(ep.rewards));
    const all = () => {
      surrogateGradient(tab, eps, psis);
      surrogateGradient(mlp, cp, cpPsis);
      mlp.setParams(mlp.getParams());
      gauss.setParams(gauss.getParams());
      tf.tidy(() => {
        gauss.entropyTensor(tf.zeros([2, 3]) as tf.Tensor2D);
      });
    };
    all(); // burn-in: creates the variables that persist
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) all();
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("bad input", () => {
  test("configs, observations, actions, parameters", () => {
    assert.throws(() => new TabularSoftmax({ nStates: 0, nActions: 2 }), /nStates must be an integer >= 1; received 0/);
    assert.throws(() => new TabularSoftmax({ nStates: 2, nActions: 2 }).probs(5), /observation must be a state index in 0 \.\. 1; received 5/);
    assert.throws(() => new TabularSoftmax({ nStates: 2, nActions: 2 }).logProb(0, 2), /action must be an integer in 0 \.\. 1; received 2/);
    assert.throws(() => new TabularSoftmax({ nStates: 1, nActions: 2, theta: [[NaN, 0]] }), /parameter 0 is NaN/);
    assert.throws(() => new TabularSoftmax({ nStates: 1, nActions: 2 }).setParams([1]), /expected 2 parameters; received 1/);
    assert.throws(() => new MlpCategorical({ obsSize: 4, nActions: 2, activation: "sigmoid" as never }), /activation must be one of tanh, relu, elu; received "sigmoid"/);
    assert.throws(() => new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [0] }), /hiddenSizes\[0\] must be an integer >= 1; received 0/);
    assert.throws(() => new LinearSoftmax({ nFeatures: 2, nActions: 2 }).probs([1]), /observation must be 2 features; received 1 values/);
    const p = new TabularSoftmax({ nStates: 1, nActions: 2 });
    (p as unknown as { theta: Float64Array }).theta[0] = NaN;
    assert.throws(() => p.probs(0), /logits contain NaN/);
  });
});
