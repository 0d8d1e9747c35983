/**
 * The running statistics of src/algorithms/normalize.ts and the a2c options that use them: merged
 * batch by batch they equal the statistics of all the data; the normalisation folded into a network's
 * first layer computes on raw observations what the network computed on normalised ones; rewards are
 * divided by the standard deviation of the discounted return; and the options a2c cannot honour are
 * rejected, naming the fix.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { a2c, resolveA2CConfig } from "../../src/algorithms/index";
import { ObservationNormalizer, RewardScaler, RunningMoments } from "../../src/algorithms/normalize";
import { Mlp } from "../../src/nn/mlp";
import { Rng } from "../../src/rng";
import { initTf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

/** Rows of `dim` numbers with column j of mean 3j - 2 and standard deviation j + 1. */
function data(rows: number, dim: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: rows * dim }, (_, k) => 3 * (k % dim) - 2 + ((k % dim) + 1) * rng.normal());
}

describe("RunningMoments", () => {
  test("merged in uneven batches, equals the mean and variance of all the rows", () => {
    const dim = 3, x = data(500, dim, 1);
    const m = new RunningMoments(dim);
    for (const [from, to] of [[0, 1], [1, 40], [40, 41], [41, 300], [300, 500]]) m.update(x.subarray(from * dim, to * dim), to - from);
    assert.equal(m.count, 500);
    for (let j = 0; j < dim; j++) {
      const col = Array.from({ length: 500 }, (_, i) => x[i * dim + j]);
      const mean = col.reduce((a, b) => a + b, 0) / 500;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / 500;
      assert.ok(Math.abs(m.mean[j] - mean) < 1e-10, `mean ${j}: ${m.mean[j]} vs ${mean}`);
      assert.ok(Math.abs(m.variance[j] - variance) < 1e-9, `variance ${j}: ${m.variance[j]} vs ${variance}`);
    }
    assert.ok(Math.abs(m.mean[2] - m.mean[0]) > 4 && m.variance[2] > 4 * m.variance[0], "the columns differ, so a per-column mix-up would show");
  });
});

describe("ObservationNormalizer", () => {
  test("folded into the first layer, the network computes on raw observations what it computed on normalised ones", () => {
    const dim = 3, rows = 20;
    const norm = new ObservationNormalizer(dim);
    norm.moments.update(data(400, dim, 2), 400);
    const net = new Mlp({ inputSize: dim, hiddenSizes: [8], outputSize: 2, activation: "tanh", seed: 3 });
    const raw = Float32Array.from(data(rows, dim, 4));
    const normalised = Float32Array.from(norm.apply(raw, rows));
    const before = Array.from({ length: rows }, (_, i) => Array.from(net.forwardPlain(normalised, i * dim)));
    const unfoldedOnRaw = Array.from({ length: rows }, (_, i) => Array.from(net.forwardPlain(raw, i * dim)));
    net.setParams(norm.foldInto(net.getParams(), 8));
    const after = Array.from({ length: rows }, (_, i) => Array.from(net.forwardPlain(raw, i * dim)));
    const gap = (a: number[][], b: number[][]) => Math.max(...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i][j]))));
    assert.ok(gap(before, after) < 1e-5, `folded vs normalised: ${gap(before, after)}`);
    assert.ok(gap(before, unfoldedOnRaw) > 1e-2, "without the fold the outputs differ (the check can fail)");
    net.dispose();
  });
});

describe("RewardScaler", () => {
  test("divides by the standard deviation of the discounted return, restarted where episodes end", () => {
    const copies = 2, gamma = 0.5;
    const rewards = Float64Array.from([1, 2, 1, 2, 1, 2, 1, 2]);
    const ends = [0, 0, 0, 0, 1, 0, 0, 0]; // copy 0's episode ends at step 2
    const scaler = new RewardScaler(copies, gamma);
    const seg = { rewards: Float64Array.from(rewards), terminated: ends, truncated: new Array(8).fill(0) };
    scaler.scale(seg);
    // discounted returns, copy 0: 1, 1.5, 1.75 (then restart) 1; copy 1: 2, 3, 3.5, 3.75
    const g = [1, 2, 1.5, 3, 1.75, 3.5, 1, 3.75];
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const std = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length + 1e-8);
    assert.ok(Math.abs(scaler.scaleFactor - std) < 1e-12, `${scaler.scaleFactor} vs ${std}`);
    seg.rewards.forEach((r, k) => assert.ok(Math.abs(r - rewards[k] / std) < 1e-12));
  });
});

describe("a2c options", () => {
  test("bad values and combinations are rejected, naming the field and the fix", () => {
    assert.throws(() => resolveA2CConfig({ scaleRewards: 1 as never }), /a2c: config.scaleRewards must be true or false; received 1/);
    assert.throws(() => resolveA2CConfig({ advantage: "qv", qCritic: false }), /a2c: config.qCritic must be true \(or left out\) with advantage "qv"/);
    assert.equal(resolveA2CConfig({ advantage: "qv" }).qCritic, true);
    assert.equal(resolveA2CConfig({}).qCritic, false);
  });
  test("Q - V needs discrete actions; stateDependentStd needs continuous ones", async () => {
    await assert.rejects(a2c({ env: "Pendulum-v1", advantage: "qv", totalSteps: 64 }), /a2c: config.qCritic \(or advantage "qv"\) needs discrete actions/);
    await assert.rejects(a2c({ env: "CartPole-v1", stateDependentStd: true, totalSteps: 64 }), /a2c: config.stateDependentStd is for Gaussian policies/);
  });
});
