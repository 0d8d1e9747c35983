/**
 * Measuring an estimator's bias, variance and mean squared error (src/estimators/measure.ts):
 * the formulas on fixed numbers, the squared bias unbiased and its standard error the spread it
 * claims (over many seeded replications of Gaussian estimates with a known bias), and BatchScores
 * giving exactly estimateGradient's samples.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { makeVector } from "../../src/envs/index";
import { GridWorld } from "../../src/envs/index";
import { BatchScores, discountWeighted, estimateGradient, groupMeans, measureEstimates, measureEstimator, rewardToGo } from "../../src/estimators/index";
import { LinearSoftmax, TabularSoftmax } from "../../src/policies/index";
import { Collector, sampleBatch } from "../../src/rollout/index";
import { Rng } from "../../src/rng";
import { mean, variance } from "../../src/stats";

const close = (a: number, b: number, tol: number, label: string) => assert.ok(Math.abs(a - b) <= tol, `${label}: ${a} vs ${b} (tolerance ${tol})`);

/** B estimates reference + bias + noise, noise ~ N(0, diag(sd^2)), from one seed. */
function gaussianEstimates(B: number, reference: number[], bias: number[], sd: number[], seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: B }, () => Float64Array.from(reference, (g, j) => g + bias[j] + sd[j] * rng.normal()));
}

describe("measureEstimates: the formulas", () => {
  const reference = [1, -2, 0.5];
  const estimates = gaussianEstimates(50, reference, [0.3, 0, -0.1], [1, 2, 0.5], 1);
  const m = measureEstimates(estimates, reference);

  test("mean, bias vector, variance (trace of the covariance) and mse from their definitions", () => {
    for (let j = 0; j < 3; j++) {
      const column = estimates.map((x) => x[j]);
      close(m.mean[j], mean(column), 1e-12, `mean[${j}]`);
      close(m.bias[j], mean(column) - reference[j], 1e-12, `bias[${j}]`);
    }
    const trace = [0, 1, 2].reduce((s, j) => s + variance(estimates.map((x) => x[j])), 0);
    close(m.variance, trace, 1e-12, "variance = sum of component variances");
    close(m.mse, mean(estimates.map((x) => x.reduce((s, v, j) => s + (v - reference[j]) ** 2, 0))), 1e-12, "mse");
    const d2 = m.bias.reduce((s, v) => s + v * v, 0);
    close(m.biasSquared, d2 - trace / 50, 1e-12, "biasSquared = |mean - g|^2 - tr(S) / B");
    close(m.mse, m.biasSquared + m.variance, 1e-12, "mse = biasSquared + variance");
    close(m.z, m.biasSquared / m.nullSe, 1e-12, "z");
    assert.ok(m.nullSe <= m.biasSquaredSe, "the standard error is never below the one without bias");
    assert.ok(m.biasLower <= m.biasNorm && m.biasNorm <= m.biasUpper, "the interval contains the estimate");
  });

  test("an estimator that always returns 0 has the whole gradient as its bias, exactly, and no variance", () => {
    const zero = measureEstimates(Array.from({ length: 10 }, () => new Float64Array(3)), reference);
    close(zero.biasSquared, 1 + 4 + 0.25, 1e-12, "bias^2 = |g|^2");
    assert.equal(zero.variance, 0);
    assert.equal(zero.biasSquaredSe, 0);
    assert.equal(zero.z, Infinity);
    close(zero.biasLower, Math.sqrt(5.25), 1e-12, "lower");
    close(zero.biasUpper, Math.sqrt(5.25), 1e-12, "upper");
  });

  test("tr(S^2) through the covariance (k <= B) and through the Gram matrix (k > B) give the same null standard error", () => {
    /** se0 = sqrt(2 tr(Sigma^2)^ / (B (B - 1))), with S computed from its definition. */
    const directNullSe = (xs: Float64Array[]) => {
      const B = xs.length;
      const k = xs[0].length;
      const mu = Array.from({ length: k }, (_, j) => mean(xs.map((x) => x[j])));
      let trS2 = 0;
      let trS = 0;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const sab = xs.reduce((acc, x) => acc + (x[a] - mu[a]) * (x[b] - mu[b]), 0) / (B - 1);
          trS2 += sab * sab;
          if (a === b) trS += sab;
        }
      }
      const trSigma2 = ((B - 1) ** 2 / ((B - 2) * (B + 1))) * (trS2 - (trS * trS) / (B - 1));
      return Math.sqrt((2 * trSigma2) / (B * (B - 1)));
    };
    const wide = gaussianEstimates(8, new Array(12).fill(0), new Array(12).fill(0.2), new Array(12).fill(1), 2); // k = 12 > B = 8
    close(measureEstimates(wide, new Array(12).fill(0)).nullSe, directNullSe(wide), 1e-12, "through the Gram matrix");
    const tall = gaussianEstimates(40, [0, 0, 0], [0.2, 0.2, 0.2], [1, 2, 3], 3); // k = 3 <= B = 40
    close(measureEstimates(tall, [0, 0, 0]).nullSe, directNullSe(tall), 1e-12, "through the covariance");
  });

  test("bad input is named", () => {
    assert.throws(() => measureEstimates([new Float64Array(3), new Float64Array(3)], reference), /at least 3 independent estimates; received 2/);
    assert.throws(() => measureEstimates([new Float64Array(3), new Float64Array(3), new Float64Array(2)], reference), /estimate 2 must have 3 entries/);
    assert.throws(() => measureEstimates([new Float64Array(3), Float64Array.from([0, NaN, 0]), new Float64Array(3)], reference), /estimate 1\[1\] is NaN/);
    assert.throws(() => measureEstimates([new Float64Array(3), new Float64Array(3), new Float64Array(3)], []), /reference must be a non-empty vector/);
  });
});

describe("measureEstimates: statistics over seeded replications", () => {
  // 1000 replications of B = 40 estimates of a 6-vector with unequal variances.
  const R = 1000;
  const B = 40;
  const reference = [0.5, -1, 2, 0, 1, -0.5];
  const sd = [1, 1.5, 0.5, 1.2, 1, 2];
  for (const [label, bias] of [
    ["no bias", [0, 0, 0, 0, 0, 0]],
    ["a bias of norm 0.5", [0.3, -0.3, 0.1, 0.2, 0, 0.158]],
  ] as [string, number[]][]) {
    test(`${label}: biasSquared is unbiased for |b|^2, and its standard error matches its spread`, () => {
      const runs = Array.from({ length: R }, (_, r) => measureEstimates(gaussianEstimates(B, reference, bias, sd, 100 + r), reference));
      const b2 = runs.map((m) => m.biasSquared);
      const truth = bias.reduce((s, v) => s + v * v, 0);
      const seOfMean = Math.sqrt(variance(b2) / R);
      assert.ok(Math.abs(mean(b2) - truth) <= 4 * seOfMean, `mean of biasSquared ${mean(b2)} vs |b|^2 ${truth} (4 se = ${4 * seOfMean})`);
      // the reported se against the observed standard deviation of biasSquared: the null se when there is
      // no bias, the full one otherwise. The sd of R values is known to about 1 / sqrt(2 R) = 2.2% (more
      // for the skewed null distribution) and the reported se is a noisy plug-in: allow 15%. A formula
      // missing a term (e.g. the 4 b^T Sigma b / B of a nonzero bias) or with an uncorrected plug-in is off by more.
      const observed = Math.sqrt(variance(b2));
      const reported = mean(runs.map((m) => (truth === 0 ? m.nullSe : m.biasSquaredSe)));
      assert.ok(Math.abs(reported / observed - 1) < 0.15, `reported se ${reported} vs observed spread ${observed}`);
      // the variance and the mse are unbiased for tr(Sigma) and |b|^2 + tr(Sigma)
      const trace = sd.reduce((s, v) => s + v * v, 0);
      const v = runs.map((m) => m.variance);
      assert.ok(Math.abs(mean(v) - trace) <= 4 * Math.sqrt(variance(v) / R), `variance ${mean(v)} vs ${trace}`);
      const mse = runs.map((m) => m.mse);
      assert.ok(Math.abs(mean(mse) - truth - trace) <= 4 * Math.sqrt(variance(mse) / R), `mse ${mean(mse)} vs ${truth + trace}`);
      // and the reported varianceSe matches the spread of the variance estimates (to 20%)
      close(mean(runs.map((m) => m.varianceSe)) / Math.sqrt(variance(v)), 1, 0.2, "varianceSe vs spread");
    });
  }

  test("the 95% interval of the bias covers |b| in about 95% of replications when there is a bias", () => {
    const bias = [0.3, -0.3, 0.1, 0.2, 0, 0.158];
    const norm = Math.hypot(...bias);
    const covered = Array.from({ length: R }, (_, r) => measureEstimates(gaussianEstimates(B, reference, bias, sd, 5000 + r), reference)).filter((m) => m.biasLower <= norm && norm <= m.biasUpper).length;
    // binomial(1000, 0.95): sd 6.9 replications; 4 sd around 950 is 922 .. 978. An se half or double the truth covers about 68% or 99.99%.
    assert.ok(covered >= 922 && covered <= 978, `covered ${covered} of ${R}`);
  });
});

describe("measureEstimator and groupMeans", () => {
  test("measureEstimator calls estimate(seed) for firstSeed, firstSeed + 1, ... and measures them", () => {
    const seen: number[] = [];
    const m = measureEstimator((seed) => {
      seen.push(seed);
      return [seed, 0];
    }, [0, 0], { batches: 4, firstSeed: 10 });
    assert.deepEqual(seen, [10, 11, 12, 13]);
    close(m.mean[0], 11.5, 1e-12, "mean");
    assert.throws(() => measureEstimator(() => [0], [0], { batches: 2 }), /batches must be an integer >= 3; received 2/);
  });

  test("groupMeans averages consecutive groups and drops an incomplete last group", () => {
    const g = groupMeans([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]], 2);
    assert.equal(g.length, 2);
    assert.deepEqual(Array.from(g[0]), [2, 3]);
    assert.deepEqual(Array.from(g[1]), [6, 7]);
    assert.throws(() => groupMeans([[1]], 2), /1 samples make no group of 2/);
    assert.throws(() => groupMeans([[1]], 0), /size must be an integer >= 1; received 0/);
  });
});

describe("BatchScores", () => {
  const grid = new GridWorld({ slip: 0.1, gamma: 0.9 });
  const rng = new Rng(4);
  const theta = grid.transitions.map(() => [0, 1, 2, 3].map(() => 0.5 * rng.normal()));
  const policy = new TabularSoftmax({ nStates: grid.nStates, nActions: 4, theta });

  test("whole episodes: the same samples as estimateGradient, for an estimator and for weights", () => {
    const batch = sampleBatch(grid, policy, { episodes: 60, seed: 3, gamma: 0.9 });
    const scores = new BatchScores(policy as never, batch);
    assert.equal(scores.episodes, 60);
    for (const psi of [rewardToGo, discountWeighted(rewardToGo(batch), batch)]) {
      const fast = scores.samples(psi);
      const reference = estimateGradient(policy as never, batch, psi).samples;
      assert.equal(fast.length, reference.length);
      fast.forEach((x, i) => x.forEach((v, j) => assert.ok(Math.abs(v - reference[i][j]) <= 1e-12, `sample ${i}[${j}]: ${v} vs ${reference[i][j]}`)));
    }
  });

  test("a vector segment (copies interleaved, episodes cut at the segment's ends), and a linear policy", () => {
    const collector = new Collector(makeVector("GridWorld-v0", 3, { slip: 0.1, gamma: 0.9 }), { seed: 5 });
    const segment = collector.segment(policy, new Rng(6), 40, 0.9);
    const psi = rewardToGo(segment);
    const fast = new BatchScores(policy as never, segment).samples(psi);
    const reference = estimateGradient(policy as never, segment, psi).samples;
    assert.ok(fast.length > 3);
    fast.forEach((x, i) => x.forEach((v, j) => assert.ok(Math.abs(v - reference[i][j]) <= 1e-12)));
    // a policy with dense scores over observation rows (one-hot features of the state)
    const linear = new LinearSoftmax({ nFeatures: grid.nStates, nActions: 4, initScale: 0.5, seed: 1 });
    const features = (row: Float32Array) => Float64Array.from({ length: grid.nStates }, (_, j) => (j === row[0] ? 1 : 0.1));
    const dense = new BatchScores(linear as never, segment, features).samples(psi);
    const denseRef = estimateGradient(linear as never, segment, psi, features).samples;
    dense.forEach((x, i) => x.forEach((v, j) => assert.ok(Math.abs(v - denseRef[i][j]) <= 1e-12)));
  });

  test("bad input is named", () => {
    const batch = sampleBatch(grid, policy, { episodes: 2, seed: 3, gamma: 0.9 });
    assert.throws(() => new BatchScores({ kind: "NoScore", numParams: 1 } as never, batch), /BatchScores: NoScore has no closed-form score/);
    assert.throws(() => new BatchScores(policy as never, batch).samples(new Float64Array(batch.rows + 1)), /BatchScores\.samples: psi must have one value per row/);
  });
});
