/**
 * Learning curves over seeds on one grid (src/plot/curves.ts), as runSeeds, npm run train and npm
 * run plot compute them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregate, interpolate } from "../../src/plot/curves";
import { tQuantile975 } from "../../src/stats";

const rows = (pairs: [number, number][]) => pairs.map(([envSteps, r]) => ({ envSteps, r }));
const a = { rows: rows([[0, NaN], [10, 1], [20, 3]]) }; // no value at 0 (no episode had ended)
const b = { rows: rows([[10, 5], [30, 5]]) };

test("range all: from the first point of any seed to the last of any; missing before a seed's first point, held after its last", () => {
  const g = aggregate([a, b], "envSteps", "r", "minmax", { points: 3 });
  assert.deepEqual(g.x, [10, 20, 30]);
  assert.deepEqual(g.perSeed, [[1, 3, 3], [5, 5, 5]]);
  assert.deepEqual(g.mean, [3, 4, 4]);
  assert.deepEqual([g.lower, g.upper], [[1, 3, 3], [5, 5, 5]]);
  assert.match(g.bandName, /range from the lowest to the highest seed \(2 seeds\)/);
});

test("range common: only where every seed has values, integer grid; the 95% band is Student's t over seeds", () => {
  const g = aggregate([a, b], "envSteps", "r", "ci95", { points: 4, range: "common" });
  assert.deepEqual(g.x, [10, 13, 17, 20], "rounded env steps");
  assert.equal(g.perSeed[0][1], interpolate([10, 20], [1, 3], 13));
  const half = tQuantile975(1) * (Math.abs(g.perSeed[0][3] - g.perSeed[1][3]) / 2); // t(1) * sd / sqrt(2), sd = |d| / sqrt(2)
  assert.ok(Math.abs(g.upper[3] - g.mean[3] - half) < 1e-9 && Math.abs(g.mean[3] - g.lower[3] - half) < 1e-9);
});

test("no value anywhere (no episode ended): an empty aggregate, not an error", () => {
  assert.deepEqual(aggregate([{ rows: rows([[5, NaN]]) }], "envSteps", "r", "ci95"), { x: [], perSeed: [], mean: [], lower: [], upper: [], bandName: "" });
});
