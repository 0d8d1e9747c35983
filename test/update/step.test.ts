/**
 * The one update step (src/update/step.ts): the guard stops a non-finite loss or gradient before the
 * weights change, clipping scales to maxGradNorm, both gradient forms (tensors, flat) reach both
 * targets (TF.js variables, shared flat parameters) alike, and divergence is caught after the step.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { initTf, tf } from "../../src/tf";
import { OptimizerTarget, SharedTarget, applyStep, lossGradient } from "../../src/update/step";

before(async () => {
  await initTf({ quiet: true });
});

describe("the update step", () => {
  test("a NaN loss stops the step with an error naming the iteration and the quantity; the weights are untouched", () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const owner = { variables: () => [v], maxAbsParam: () => 2 };
    const target = new OptimizerTarget(tf.train.adam(0.1), owner);
    const opts = { algo: "test", what: "policy", iteration: 7, maxGradNorm: 0, setting: "lr", lr: 0.1 };
    for (const form of ["tensors", "flat"] as const) {
      const before = tf.memory().numTensors;
      assert.throws(() => applyStep(target, lossGradient([v], () => tf.sum(tf.mul(v, NaN)) as tf.Scalar, form), opts), /test: iteration 7: the policy loss is NaN; training stopped before corrupting the weights \(try a smaller learning rate: config\.lr is 0\.1\)/);
      assert.equal(tf.memory().numTensors, before, `${form}: the gradient's tensors are disposed`);
    }
    assert.throws(() => applyStep(target, { norm: Infinity, values: new Float64Array([Infinity, 0]) }, { ...opts, iteration: "worker 1, update 3" }), /test: worker 1, update 3: the policy gradient norm is Infinity/);
    assert.deepEqual(Array.from(v.dataSync()), [1, 2]);
    v.dispose();
    target.dispose();
  });

  test("one step, two forms: the same gradient as tensors or flat, clipped to maxGradNorm, moves the parameters alike", () => {
    const loss = (v: tf.Variable) => () => tf.sum(tf.mul(tf.square(v), tf.tensor1d([3, 4]))) as tf.Scalar; // gradient 6 v_1, 8 v_2
    const run = (form: "tensors" | "flat") => {
      const v = tf.variable(tf.tensor1d([1, 1]));
      const target = new OptimizerTarget(tf.train.sgd(1), { variables: () => [v], maxAbsParam: () => 1 });
      const g = lossGradient([v], loss(v), form);
      const step = applyStep(target, g, { algo: "test", what: "policy", iteration: 1, maxGradNorm: 5, setting: "lr", lr: 1 });
      const after = Array.from(v.dataSync());
      v.dispose();
      target.dispose();
      return { step, after };
    };
    for (const form of ["tensors", "flat"] as const) {
      const { step, after } = run(form);
      assert.ok(Math.abs(step.gradNorm - 10) < 1e-5, `${form}: norm of (6, 8) is 10; got ${step.gradNorm}`);
      assert.equal(step.loss, 7);
      // clipped to norm 5: the step is (3, 4)
      assert.ok(Math.abs(after[0] - -2) < 1e-5 && Math.abs(after[1] - -3) < 1e-5, `${form}: ${after}`);
    }
    // a shared (flat) target gets the same scaled gradient
    const seen: number[][] = [];
    const shared = new SharedTarget({ step: (g, scale, lr) => (seen.push([...Array.from(g, (x) => x * scale), lr]), 42), maxAbs: () => 0 }, 0.5);
    const v = tf.variable(tf.tensor1d([1, 1]));
    applyStep(shared, lossGradient([v], loss(v), "tensors"), { algo: "test", what: "actor", iteration: 1, maxGradNorm: 5, setting: "lr", lr: 0.5 });
    v.dispose();
    assert.equal(shared.lastUpdate, 42);
    assert.ok(Math.abs(seen[0][0] - 3) < 1e-5 && Math.abs(seen[0][1] - 4) < 1e-5 && seen[0][2] === 0.5, String(seen[0]));
  });

  test("a parameter beyond DIVERGENCE_BOUND after the step stops the run, naming the learning rate", () => {
    const v = tf.variable(tf.tensor1d([1]));
    const target = new OptimizerTarget(tf.train.sgd(1), { variables: () => [v], maxAbsParam: () => Math.max(...Array.from(v.dataSync(), Math.abs)) });
    assert.throws(() => applyStep(target, { loss: 0, norm: 1e6, values: new Float32Array([-1e6]) }, { algo: "test", what: "policy", iteration: 2, maxGradNorm: 0, setting: "lr", lr: 1 }), /test: iteration 2: the policy's parameters have diverged .*config\.lr is 1\)/);
    v.dispose();
    target.dispose();
  });
});
