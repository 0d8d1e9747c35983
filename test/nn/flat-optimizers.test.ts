import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { variableOf } from "../../src/nn/mlp";
import { FlatAdam, FlatRmsProp, clipByGlobalNorm, globalNorm } from "../../src/nn/kernels/flat-optimizers";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

/** Backends on which the flat steps are expected bit-equal to TF.js's (checked here on wasm). */
const EXACT_BACKENDS = new Set(["wasm", "cpu"]);

/** Variables of several shapes (as a policy's), flat parameters and gradients in their order. */
const SHAPES = [[4, 16], [16], [16, 3], [3], [3]];
const SIZE = SHAPES.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);

/**
 * Run `steps` steps of a TF.js optimiser and of a flat one from the same parameters on the same
 * gradients (of widely varying size, some zero); after each step, the parameters must agree to float32
 * rounding: within 2 ulp of the TF.js value (each TF.js op rounds to float32, and the flat step does
 * the same ops in the same order, so they are expected to agree exactly; 2 ulp leaves room for a
 * backend whose division or root is not correctly rounded). Returns how many entries were bit-equal.
 */
function compare(makeTfOptimizer: () => tf.Optimizer, flat: { step(p: Float32Array, g: ArrayLike<number>): void; lr: number }, steps: number, seed: number, anneal = false): { equal: number; total: number } {
  const rng = new Rng(seed);
  const before = tf.memory().numTensors;
  const tfOptimizer = makeTfOptimizer();
  const params = Float32Array.from({ length: SIZE }, () => rng.normal());
  const vars: tf.Variable[] = [];
  let off = 0;
  for (const s of SHAPES) {
    const size = s.reduce((a, b) => a * b, 1);
    vars.push(variableOf(tf.tensor(params.slice(off, off + size), s)));
    off += size;
  }
  let equal = 0;
  let total = 0;
  for (let t = 1; t <= steps; t++) {
    if (anneal) {
      const lr = 0.01 / t;
      (tfOptimizer as unknown as { learningRate: number }).learningRate = lr;
      flat.lr = lr;
    }
    const scale = 10 ** rng.integer(-4, 3);
    const grad = Float32Array.from({ length: SIZE }, () => (rng.random() < 0.1 ? 0 : rng.normal() * scale));
    const named: Record<string, tf.Tensor> = {};
    off = 0;
    vars.forEach((v, k) => {
      named[v.name] = tf.tensor(grad.slice(off, off + v.size), SHAPES[k]);
      off += v.size;
    });
    tfOptimizer.applyGradients(named as tf.NamedTensorMap);
    tf.dispose(Object.values(named));
    flat.step(params, grad);
    off = 0;
    for (const v of vars) {
      const want = v.dataSync();
      for (let i = 0; i < want.length; i++) {
        const got = params[off + i];
        const ulp = 2 ** (Math.floor(Math.log2(Math.abs(want[i]) || 2 ** -126)) - 23);
        assert.ok(Math.abs(got - want[i]) <= 2 * ulp, `step ${t}, parameter ${off + i}: flat ${got}, TF.js ${want[i]}`);
        if (got === want[i]) equal++;
        total++;
      }
      off += v.size;
    }
  }
  tf.dispose(vars);
  tfOptimizer.dispose();
  assert.equal(tf.memory().numTensors, before, "the comparison leaked tensors");
  return { equal, total };
}

describe("flat-buffer optimisers", () => {
  test("FlatAdam takes TF.js's tf.train.adam steps (default and custom constants, annealed learning rate)", () => {
    const a = compare(() => tf.train.adam(0.01), new FlatAdam(SIZE, 0.01), 12, 1);
    const b = compare(() => tf.train.adam(0.003, 0.8, 0.99, 1e-5), new FlatAdam(SIZE, 0.003, 0.8, 0.99, 1e-5), 12, 2);
    const c = compare(() => tf.train.adam(0.01), new FlatAdam(SIZE, 0.01), 8, 3, true);
    // the same float32 operations in the same order: every parameter bit-equal on the backends whose ops round each result (wasm, cpu)
    if (EXACT_BACKENDS.has(tf.getBackend())) for (const r of [a, b, c]) assert.equal(r.equal, r.total);
  });

  for (const [decay, epsilon, where] of [
    [0.99, 1e-10, "rmsprop"],
    [0.9, 1e-9, "rmspropDeepRM"],
  ] as const) {
    test(`FlatRmsProp (decay ${decay}, epsilon ${epsilon}, as ${where}) takes TF.js's tf.train.rmsprop steps`, () => {
      const a = compare(() => tf.train.rmsprop(0.001, decay, 0, epsilon), new FlatRmsProp(SIZE, 0.001, decay, epsilon), 12, 4);
      const b = compare(() => tf.train.rmsprop(0.01, decay, 0, epsilon), new FlatRmsProp(SIZE, 0.01, decay, epsilon), 8, 5, true);
      if (EXACT_BACKENDS.has(tf.getBackend())) for (const r of [a, b]) assert.equal(r.equal, r.total);
    });
  }

  test("the check can fail: epsilon outside the root (PyTorch's form) does not match TF.js's RMSProp", () => {
    class OutsideRoot extends FlatRmsProp {
      override step(params: Float32Array, grad: ArrayLike<number>): void {
        for (let i = 0; i < params.length; i++) params[i] -= (this.lr * grad[i]) / (Math.sqrt(0.01 * grad[i] * grad[i]) + 1e-5);
      }
    }
    assert.throws(() => compare(() => tf.train.rmsprop(0.001, 0.99, 0, 1e-10), new OutsideRoot(SIZE, 0.001, 0.99, 1e-10), 2, 6), /flat .* TF\.js/);
  });

  test("clipByGlobalNorm scales to the maximum norm like the update step, and leaves a smaller gradient alone", () => {
    const rng = new Rng(7);
    const g = Float32Array.from({ length: 100 }, () => rng.normal());
    const norm = globalNorm(g);
    const want = tf.tidy(() => tf.mul(tf.tensor1d(g), 0.5 / norm).dataSync());
    const clipped = Float32Array.from(g);
    assert.equal(clipByGlobalNorm(clipped, 0.5), norm);
    assert.deepEqual(Array.from(clipped), Array.from(want));
    assert.ok(Math.abs(globalNorm(clipped) - 0.5) < 1e-6);
    const kept = Float32Array.from(g);
    assert.equal(clipByGlobalNorm(kept, norm * 2), norm);
    assert.deepEqual(kept, g);
    assert.equal(clipByGlobalNorm(Float32Array.from(g), 0), norm);
    assert.throws(() => clipByGlobalNorm(g, -1), /maxNorm must be >= 0 \(0: no clipping\); received -1/);
  });

  test("bad arguments are errors that name the value", () => {
    assert.throws(() => new FlatAdam(0, 0.01), /size must be an integer >= 1; received 0/);
    assert.throws(() => new FlatAdam(3, -1), /lr must be in \(0, Infinity\); received -1/);
    assert.throws(() => new FlatRmsProp(3, 0.01, 1, 1e-9), /decay must be in \(0, 1\); received 1/);
    assert.throws(() => new FlatAdam(3, 0.01).step(new Float32Array(2), [0, 0, 0]), /params must be a Float32Array of 3 numbers; received 2/);
    assert.throws(() => new FlatRmsProp(3, 0.01, 0.9, 1e-9).step(new Float32Array(3), [0]), /grad must hold 3 numbers; received 1/);
  });
});
