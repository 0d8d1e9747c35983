/**
 * `estimateGradient(policy, batch, psi)` takes a library policy as it is (no cast): this file does not
 * type-check (`npm run typecheck`) if the batch overload's policy type rejects real policies again, as
 * `Policy<never, never>` did (a TabularSoftmax's `sample` returns a number, not `never`). It also runs:
 * the batch form with a segment estimator equals the per-episode form.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GridWorld } from "../../src/envs/index";
import { estimateGradient, rewardToGo } from "../../src/estimators/index";
import { LinearSoftmax, TabularSoftmax } from "../../src/policies/index";
import { sampleBatch, sampleEpisodes } from "../../src/rollout/index";

test("estimateGradient on a batch takes a TabularSoftmax or LinearSoftmax without a cast, and equals the per-episode form", () => {
  const grid = new GridWorld({ slip: 0.1 });
  const policy = new TabularSoftmax({ nStates: grid.nStates, nActions: 4, theta: Array.from({ length: grid.nStates * 4 }, (_, k) => Math.sin(k)) });
  const batch = sampleBatch(grid, policy, { episodes: 20, seed: 3 });
  const fromBatch = estimateGradient(policy, batch, rewardToGo);
  const fromEpisodes = estimateGradient(policy, sampleEpisodes(grid, policy, { episodes: 20, seed: 3 }), (ep) => rewardToGo(ep.rewards));
  assert.equal(fromBatch.samples.length, 20);
  assert.ok(fromBatch.mean.some((x) => x !== 0));
  fromBatch.mean.forEach((x, k) => assert.ok(Math.abs(x - fromEpisodes.mean[k]) < 1e-9, `entry ${k}: ${x} vs ${fromEpisodes.mean[k]}`));
  const linear = new LinearSoftmax({ nFeatures: 1, nActions: 4 });
  const rows = estimateGradient(linear, batch, new Float64Array(batch.rows).fill(1), (row) => [row[0] / 15]);
  assert.equal(rows.mean.length, 4);
});
