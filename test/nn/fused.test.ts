import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { MlpActionValue, MlpValue } from "../../src/critics/mlp";
import { type FusedGradient as Kernel, FusedGradient, type FusedHead, type FusedRows } from "../../src/nn/kernels/fused";
import { Gaussian, MlpCategorical } from "../../src/policies/networks";
import type { TfPolicy } from "../../src/policies/policy";
import { surrogateGradient } from "../../src/estimators/gradient";
import { Rng } from "../../src/rng";
import { emptyBatch } from "../../src/rollout/batch";
import { initTf, tf } from "../../src/tf";
import { actorLoss } from "../../src/update/loss";
import { lossGradient } from "../../src/update/step";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const buildWasm = require(path.join(__dirname, "../../scripts/build-wasm.js")) as { assemble(name: string): Promise<Buffer>; committed(name: string): Buffer };

before(async () => {
  await initTf({ quiet: true });
});

/**
 * Tolerance. The kernel and TF.js both compute in float32 but sum in different orders (the kernel
 * over blocks of 64 rows, TF.js its own way) and with different tanh approximations (each within a
 * few 1e-7 of tanh). A gradient entry is a sum over rows of per-row terms, and two float32
 * evaluations of a sum differ by up to about (a few) u times the sum of the terms' magnitudes,
 * u = 2^-24 = 6e-8, not times the entry: an entry whose terms cancel (a bias whose psi-weighted terms
 * have both signs) can be 2,000 times smaller than that sum (measured on the gSDE case below, where
 * the kernel's entry is within 1 u of that sum of the float64 value). The terms' size is that of the
 * gradient's large entries, so each entry is checked against the largest entry G of the whole
 * gradient: |kernel - tf| <= 2e-5 G + 1e-5 |tf| (about 300 u), and each variable on its own scale S
 * (its largest entry), so that a variable much smaller than G is still checked: error <= 1e-3 S.
 * A wrong sign, a missing term of the loss or a transposed index moves entries by O(1) of these
 * scales (the planted-bug test below checks the comparison fails on the entropy bonus alone).
 */
const GLOBAL_TOL = 2e-5;
const REL_TOL = 1e-5;
const VARIABLE_TOL = 1e-3;

/** Compare flat gradients entry by entry and variable by variable (see the tolerance above); returns the largest error relative to G. */
function assertClose(got: Float32Array, want: Float32Array, shapes: number[][], what: string): number {
  assert.equal(got.length, want.length);
  const G = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let off = 0;
  let worst = 0;
  shapes.forEach((shape, k) => {
    const size = shape.reduce((a, b) => a * b, 1);
    let scale = 0;
    for (let i = off; i < off + size; i++) scale = Math.max(scale, Math.abs(want[i]));
    assert.ok(scale > 0, `${what}: variable ${k} has an all-zero reference gradient (the test would prove nothing)`);
    for (let i = off; i < off + size; i++) {
      const err = Math.abs(got[i] - want[i]);
      worst = Math.max(worst, err / G);
      const where = `${what}: variable ${k} [${shape}] entry ${i - off}: kernel ${got[i]}, TF.js ${want[i]}`;
      assert.ok(err <= GLOBAL_TOL * G + REL_TOL * Math.abs(want[i]), `${where} (largest entry of the gradient ${G})`);
      assert.ok(err <= VARIABLE_TOL * scale, `${where} (largest entry of the variable ${scale})`);
    }
    off += size;
  });
  assert.equal(off, got.length);
  return worst;
}

/** The gradient of `loss` over `vars` through TF.js autodiff (the update step's `lossGradient`, flat form), checked to leave no tensor behind. */
function tfGradient(vars: tf.Variable[], loss: () => tf.Scalar): { grad: Float32Array; loss: number } {
  const before = tf.memory().numTensors;
  const g = lossGradient(vars, loss, "flat");
  const out = { grad: Float32Array.from(g.values as ArrayLike<number>), loss: g.loss as number };
  assert.equal(tf.memory().numTensors, before, "the TF.js reference leaked tensors");
  return out;
}

/** The library's actor loss: -(1/D) sum_t psi_t log pi(a_t|s_t) - beta mean_t H(pi(.|s_t)), from the policy's own TF.js methods. */
function actorLossOf(policy: TfPolicy, data: FusedRows & { actionSize: number; obsSize: number }, psi: Float32Array, beta: number): () => tf.Scalar {
  return () =>
    tf.tidy(() => {
      const obs = tf.tensor2d(data.observations, [data.rows, data.obsSize]);
      const actions = data.actionSize === 1 ? tf.tensor1d(data.actions as Float32Array) : tf.tensor2d(data.actions as Float32Array, [data.rows, data.actionSize]);
      const surrogate = tf.neg(tf.div(tf.sum(tf.mul(policy.logProbTensor(obs, actions), tf.tensor1d(psi))), data.divisor as number));
      return (beta > 0 ? tf.sub(surrogate, tf.mul(beta, tf.mean(policy.entropyTensor(obs)))) : surrogate) as tf.Scalar;
    });
}

/** Random rows: observations (a share `density` of them non-zero), actions, psi. */
function randomRows(rng: Rng, rows: number, obsSize: number, action: (rng: Rng) => number[], density = 1) {
  const observations = Float32Array.from({ length: rows * obsSize }, () => (rng.random() < density ? rng.normal() : 0));
  const actions = Float32Array.from(Array.from({ length: rows }, () => action(rng)).flat());
  const psi = Float32Array.from({ length: rows }, () => rng.normal() * 2);
  return { observations, actions, psi };
}

/**
 * For each case [rows, divisor, beta]: random rows (actions from `action`), the kernel's gradient and
 * loss against TF.js autodiff of the library's actor loss.
 */
function checkPolicyCases(policy: TfPolicy, kernel: Kernel, obsSize: number, actionSize: number, rng: Rng, action: (rng: Rng) => number[], cases: readonly (readonly [number, number, number])[]): void {
  for (const [rows, divisor, beta] of cases) {
    const r = randomRows(rng, rows, obsSize, action);
    const data = { rows, observations: r.observations, actions: r.actions, divisor, obsSize, actionSize };
    const want = tfGradient(policy.variables(), actorLossOf(policy, data, r.psi, beta));
    const got = new Float32Array(kernel.numParams);
    const loss = kernel.policyGradient(data, r.psi, { entropyCoef: beta }, got);
    assertClose(got, want.grad, kernel.shapes, `rows ${rows} beta ${beta}`);
    assert.ok(Math.abs(loss - want.loss) <= 1e-5 * (1 + Math.abs(want.loss)), `loss ${loss} vs ${want.loss}`);
  }
}

function kernelFor(head: FusedHead, sizes: number[], activation: string, extra: { actionSize?: number; sparseInput?: boolean } = {}): Kernel {
  const k = FusedGradient.create({ sizes, activation, head, ...extra });
  assert.ok(k, "WebAssembly SIMD is available here");
  return k;
}

const SHAPES: [number[], "tanh" | "relu"][] = [
  [[4, 64, 64], "tanh"],
  [[4, 64, 64], "relu"],
  [[3, 5, 7], "tanh"],
  [[13, 9], "relu"],
  [[6], "tanh"], // no hidden layer
];

describe("the fused gradient kernel", () => {
  test("the committed module is the AssemblyScript build of assembly/fused-grad.ts", async () => {
    assert.ok((await buildWasm.assemble("fused")).equals(buildWasm.committed("fused")), "run npm run build:wasm");
  });

  for (const [trunk, activation] of SHAPES) {
    for (const nA of [2, 5]) {
      const sizes = [...trunk, nA];
      test(`categorical ${sizes.join("-")} ${activation}: gradient and loss equal TF.js autodiff (psi, divisor, entropy bonus)`, () => {
        const policy = new MlpCategorical({ obsSize: sizes[0], nActions: nA, hiddenSizes: sizes.slice(1, -1), activation, outputGain: 1, seed: 5 });
        const kernel = kernelFor("categorical", policy.net.sizes, activation);
        kernel.setParams(policy.getParams());
        checkPolicyCases(policy, kernel, sizes[0], 1, new Rng(11), (g) => [g.integer(0, nA)], [[300, 7, 0], [129, 129, 0.05]]);
        policy.dispose();
      });
    }
  }

  for (const [head, label] of [
    ["gaussian", "log-std a learned vector"],
    ["gaussian-state-std", "state-dependent std (mean and log-std heads)"],
    ["gaussian-sde", "gSDE"],
  ] as const) {
    for (const [trunk, activation] of SHAPES.slice(0, 4)) {
      for (const d of [1, 3]) {
        test(`Gaussian, ${label}, ${[...trunk, d].join("-")} ${activation}: gradient and loss equal TF.js autodiff`, () => {
          const policy = new Gaussian({ obsSize: trunk[0], actionSize: d, hiddenSizes: trunk.slice(1), activation, outputGain: 1, stateDependentStd: head === "gaussian-state-std", sde: head === "gaussian-sde", seed: 6 });
          const rng = new Rng(12);
          // log-stds away from their single initial value, so each entry's gradient differs
          policy.setParams(Float64Array.from(policy.getParams(), (v, i) => (i >= policy.net.numParams ? -0.5 + 0.3 * rng.normal() : v)));
          const kernel = kernelFor(head, policy.net.sizes, activation, { actionSize: d });
          kernel.setParams(policy.getParams());
          checkPolicyCases(policy, kernel, trunk[0], d, rng, (g) => Array.from({ length: d }, () => g.normal()), [[200, 13, 0], [77, 77, 0.02]]);
          policy.dispose();
        });
      }
    }
  }

  for (const [trunk, activation] of SHAPES) {
    test(`value critic ${[...trunk, 1].join("-")} ${activation}: the mean squared error's gradient equals TF.js autodiff`, () => {
      const critic = new MlpValue({ obsSize: trunk[0], hiddenSizes: trunk.slice(1), activation, lr: 1e-3, seed: 7 });
      const kernel = kernelFor("value", critic.net.sizes, activation);
      kernel.setParams(critic.net.getParams());
      const rng = new Rng(13);
      const rows = 150;
      const r = randomRows(rng, rows, trunk[0], () => []);
      const targets = r.psi;
      const want = tfGradient(critic.net.vars, () =>
        tf.tidy(() => tf.mean(tf.square(tf.sub(tf.reshape(critic.net.apply(tf.tensor2d(r.observations, [rows, trunk[0]])), [-1]), tf.tensor1d(targets)))) as tf.Scalar),
      );
      const got = new Float32Array(kernel.numParams);
      const loss = kernel.criticGradient({ rows, observations: r.observations }, targets, got);
      assertClose(got, want.grad, kernel.shapes, "value");
      assert.ok(Math.abs(loss - want.loss) <= 1e-5 * want.loss, `loss ${loss} vs ${want.loss}`);
      critic.dispose();
    });

    test(`Q critic ${[...trunk, 3].join("-")} ${activation}: the squared error at the action taken equals TF.js autodiff`, () => {
      const critic = new MlpActionValue({ obsSize: trunk[0], nActions: 3, hiddenSizes: trunk.slice(1), activation, lr: 1e-3, seed: 8 });
      const kernel = kernelFor("q", critic.net.sizes, activation);
      kernel.setParams(critic.net.getParams());
      const rng = new Rng(14);
      const rows = 150;
      const r = randomRows(rng, rows, trunk[0], (g) => [g.integer(0, 3)]);
      const want = tfGradient(critic.net.vars, () =>
        tf.tidy(() => {
          const q = critic.net.apply(tf.tensor2d(r.observations, [rows, trunk[0]]));
          const taken = tf.sum(tf.mul(q, tf.oneHot(tf.tensor1d(Int32Array.from(r.actions), "int32"), 3)), 1);
          return tf.mean(tf.square(tf.sub(taken, tf.tensor1d(r.psi)))) as tf.Scalar;
        }),
      );
      const got = new Float32Array(kernel.numParams);
      const loss = kernel.criticGradient({ rows, observations: r.observations, actions: r.actions }, r.psi, got);
      assertClose(got, want.grad, kernel.shapes, "q");
      assert.ok(Math.abs(loss - want.loss) <= 1e-5 * want.loss, `loss ${loss} vs ${want.loss}`);
      critic.dispose();
    });
  }

  test("DeepRM's sparse network (4480-20-11 relu): the sparse first layer's gradient equals the library's TF.js path", () => {
    const policy = new MlpCategorical({ obsSize: 4480, nActions: 11, hiddenSizes: [20], activation: "relu", outputGain: 1, seed: 9 });
    assert.equal(policy.net.sparseInput, true);
    const kernel = kernelFor("categorical", policy.net.sizes, "relu", { sparseInput: true });
    kernel.setParams(policy.getParams());
    const rng = new Rng(15);
    const rows = 200; // more than three blocks
    const r = randomRows(rng, rows, 4480, (g) => [g.integer(0, 11)], 0.05);
    for (let i = 0; i < r.observations.length; i++) if (r.observations[i] !== 0) r.observations[i] = rng.random() < 0.7 ? 1 : r.observations[i]; // mostly 0/1 cells, as the image
    const data = { rows, observations: r.observations, actions: r.actions, divisor: 20, obsSize: 4480, actionSize: 1 };
    const want = tfGradient(policy.variables(), actorLossOf(policy, data, r.psi, 0.01));
    const got = new Float32Array(kernel.numParams);
    kernel.policyGradient(data, r.psi, { entropyCoef: 0.01 }, got);
    assertClose(got, want.grad, kernel.shapes, "deeprm");
    // the dense first layer gives the same gradient
    const dense = kernelFor("categorical", policy.net.sizes, "relu");
    dense.setParams(policy.getParams());
    const viaDense = new Float32Array(dense.numParams);
    dense.policyGradient(data, r.psi, { entropyCoef: 0.01 }, viaDense);
    assertClose(viaDense, want.grad, kernel.shapes, "deeprm, dense first layer");
    policy.dispose();
  });

  test("a Gaussian gSDE policy on wide sparse inputs (1100-16-2, sparse first layer): the gradient equals TF.js's", () => {
    const policy = new Gaussian({ obsSize: 1100, actionSize: 2, hiddenSizes: [16], activation: "tanh", outputGain: 1, sde: true, seed: 10 });
    assert.equal(policy.net.sparseInput, true);
    const kernel = kernelFor("gaussian-sde", policy.net.sizes, "tanh", { actionSize: 2, sparseInput: true });
    kernel.setParams(policy.getParams());
    const rng = new Rng(18);
    const r = randomRows(rng, 150, 1100, (g) => [g.normal(), g.normal()], 0.05);
    const data = { rows: 150, observations: r.observations, actions: r.actions, divisor: 150, obsSize: 1100, actionSize: 2 };
    const want = tfGradient(policy.variables(), actorLossOf(policy, data, r.psi, 0.01));
    const got = new Float32Array(kernel.numParams);
    kernel.policyGradient(data, r.psi, { entropyCoef: 0.01 }, got);
    assertClose(got, want.grad, kernel.shapes, "sparse gSDE");
    policy.dispose();
  });

  test("the library's own TF.js losses: actorLoss (update/loss.ts) and surrogateGradient (its negation without the bonus)", () => {
    const rng = new Rng(19);
    const categorical = new MlpCategorical({ obsSize: 4, nActions: 3, hiddenSizes: [32, 32], outputGain: 1, seed: 4 });
    const gaussian = new Gaussian({ obsSize: 3, actionSize: 2, hiddenSizes: [16], activation: "relu", outputGain: 1, stateDependentStd: true, seed: 4 });
    for (const [policy, head, actionSize] of [
      [categorical, "categorical", 1],
      [gaussian, "gaussian-state-std", 2],
    ] as const) {
      const sizes = policy.net.sizes;
      const batch = emptyBatch(250, 5, sizes[0], actionSize, 17);
      const r = randomRows(rng, 250, sizes[0], (g) => (head === "categorical" ? [g.integer(0, 3)] : [g.normal(), g.normal()]));
      batch.observations.set(r.observations);
      batch.actions.set(r.actions);
      const kernel = kernelFor(head, sizes, policy.net.config.activation, { actionSize });
      kernel.setParams(policy.getParams());
      const got = new Float32Array(kernel.numParams);
      kernel.policyGradient(batch, r.psi, { entropyCoef: 0.03 }, got);
      assertClose(got, tfGradient(policy.variables(), () => actorLoss(policy, batch, r.psi, 0.03)).grad, kernel.shapes, `${head}, actorLoss`);
      kernel.policyGradient(batch, r.psi, {}, got);
      const ascent = surrogateGradient(policy, batch, r.psi);
      assertClose(got, Float32Array.from(ascent, (g) => -g), kernel.shapes, `${head}, surrogateGradient`);
      policy.dispose();
    }
  });

  test("the comparison can fail: leaving out the entropy bonus (beta 0.05) is caught", () => {
    const policy = new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [16], outputGain: 1, seed: 5 });
    const kernel = kernelFor("categorical", policy.net.sizes, "tanh");
    kernel.setParams(policy.getParams());
    const r = randomRows(new Rng(16), 100, 4, (g) => [g.integer(0, 2)]);
    const data = { rows: 100, observations: r.observations, actions: r.actions, divisor: 100, obsSize: 4, actionSize: 1 };
    const want = tfGradient(policy.variables(), actorLossOf(policy, data, r.psi, 0.05));
    const got = new Float32Array(kernel.numParams);
    kernel.policyGradient(data, r.psi, { entropyCoef: 0 }, got);
    assert.throws(() => assertClose(got, want.grad, kernel.shapes, "planted"), /kernel .* TF\.js/);
    policy.dispose();
  });

  test("same inputs, same bits: twice, and on a second instance; block size changes only the rounding", () => {
    const policy = new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [64, 64], outputGain: 1, seed: 3 });
    const r = randomRows(new Rng(17), 1000, 4, (g) => [g.integer(0, 2)]);
    const data = { rows: 1000, observations: r.observations, actions: r.actions, divisor: 10 };
    const run = (blockRows?: number) => {
      const k = FusedGradient.create({ sizes: policy.net.sizes, activation: "tanh", head: "categorical", blockRows }) as Kernel;
      k.setParams(policy.getParams());
      const a = new Float32Array(k.numParams);
      const b = new Float32Array(k.numParams);
      const la = k.policyGradient(data, r.psi, { entropyCoef: 0.01 }, a);
      const lb = k.policyGradient(data, r.psi, { entropyCoef: 0.01 }, b);
      assert.deepEqual(b, a);
      assert.equal(lb, la);
      return a;
    };
    const first = run();
    assert.deepEqual(run(), first);
    assertClose(run(7), first, FusedGradient.create({ sizes: policy.net.sizes, activation: "tanh", head: "categorical" })!.shapes, "block 7 vs 64");
    policy.dispose();
  });

  test("elu networks are not covered (null: TF.js computes them), PG_MLP_KERNEL does not turn the kernel off; bad specs and inputs are errors that name the value", () => {
    assert.equal(FusedGradient.create({ sizes: [4, 8, 2], activation: "elu", head: "categorical" }), null);
    const saved = process.env.PG_MLP_KERNEL;
    process.env.PG_MLP_KERNEL = "typescript"; // chooses the acting pass only
    assert.ok(FusedGradient.create({ sizes: [4, 8, 2], activation: "tanh", head: "categorical" }));
    if (saved === undefined) delete process.env.PG_MLP_KERNEL;
    else process.env.PG_MLP_KERNEL = saved;
    assert.throws(() => FusedGradient.create({ sizes: [4, 8, 2], activation: "tanh", head: "gaussian" }), /head gaussian needs actionSize, an integer >= 1; received undefined/);
    assert.throws(() => FusedGradient.create({ sizes: [4, 8, 2], activation: "tanh", head: "gaussian-state-std", actionSize: 2 }), /needs 4 outputs; sizes end in 2/);
    assert.throws(() => FusedGradient.create({ sizes: [4, 2], activation: "tanh", head: "gaussian-sde", actionSize: 2 }), /sizes \[4,2\] have none/);
    assert.throws(() => FusedGradient.create({ sizes: [4, 8, 2], activation: "tanh", head: "value" }), /a value head has one output; sizes end in 2/);
    assert.throws(() => FusedGradient.create({ sizes: [4, 8, 2], activation: "tanh", head: "softmax" as FusedHead }), /head must be one of .*received "softmax"/);
    const k = kernelFor("categorical", [4, 8, 2], "tanh");
    assert.throws(() => k.setParams([1, 2, 3]), /expected 58 parameters; received 3/);
    assert.throws(() => k.setVariables([new Float32Array(32), new Float32Array(8)]), /expected 4 arrays \(one per variable\); received 2/);
    assert.throws(() => k.setVariables([new Float32Array(32), new Float32Array(8), new Float32Array(15), new Float32Array(2)]), /variable 2 \(shape \[8, 2\]\) needs 16 values; received 15/);
    const out = new Float32Array(k.numParams);
    const obs = new Float32Array(8);
    assert.throws(() => k.policyGradient({ rows: 2, observations: obs, actions: [0, 2], divisor: 2 }, [1, 1], {}, out), /the action of row 1 is 2; expected an integer in 0 .. 1/);
    assert.throws(() => k.policyGradient({ rows: 2, observations: obs, actions: [0, 1], divisor: 0 }, [1, 1], {}, out), /divisor must be a positive number; received 0/);
    assert.throws(() => k.policyGradient({ rows: 2, observations: obs, actions: [0, 1] }, [1], {}, out), /one weight \(psi or target\) per row \(2\); received 1/);
    assert.throws(() => k.policyGradient({ rows: 3, observations: obs, actions: [0, 1, 1] }, [1, 1, 1], {}, out), /at least rows x 4 = 12 numbers; received 8/);
    assert.throws(() => k.policyGradient({ rows: 2, observations: obs, actions: [0, 1] }, [1, 1], { entropyCoef: -1 }, out), /entropyCoef must be a finite number >= 0; received -1/);
    assert.throws(() => k.criticGradient({ rows: 2, observations: obs, actions: [0, 1] }, [1, 1], out), /categorical policy's loss; use policyGradient/);
  });
});
