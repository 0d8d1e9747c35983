import assert from "node:assert/strict";
import { test } from "node:test";
import { confidenceBand, mean, meanConfidence, standardError, tQuantile975, variance } from "../src/stats";

test("mean, variance, standard error on a hand-computed sample", () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(xs), 5);
  assert.equal(variance(xs), 32 / 7);
  assert.ok(Math.abs(standardError(xs) - Math.sqrt(32 / 7 / 8)) < 1e-15);
});

test("t quantiles: table values and the large-df expansion", () => {
  assert.equal(tQuantile975(1), 12.706);
  assert.equal(tQuantile975(4), 2.776);
  assert.ok(Math.abs(tQuantile975(60) - 2.0003) < 1e-3);
  assert.ok(Math.abs(tQuantile975(1e6) - 1.95997) < 1e-4);
  assert.throws(() => tQuantile975(0), /df must be an integer >= 1; received 0/);
});

test("meanConfidence and confidenceBand: mean +- t * se, pointwise over curves", () => {
  const ci = meanConfidence([1, 2, 3]);
  const half = 4.303 * Math.sqrt(1 / 3);
  assert.ok(Math.abs(ci.lower - (2 - half)) < 1e-12 && Math.abs(ci.upper - (2 + half)) < 1e-12);
  const band = confidenceBand([[0, 1, 2], [2, 3], [4, 5, 6]]);
  assert.deepEqual(band.mean, [2, 3]);
  assert.ok(Math.abs(band.upper[0] - (2 + 4.303 * 2 / Math.sqrt(3))) < 1e-12);
});

test("bad input is an error naming the value", () => {
  assert.throws(() => mean([]), /at least 1 value/);
  assert.throws(() => variance([1]), /at least 2 value/);
  assert.throws(() => mean([1, NaN]), /value 1 is NaN/);
  assert.throws(() => confidenceBand([]), /at least one curve/);
});
