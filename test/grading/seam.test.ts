/**
 * perEpisode: a per-episode function through the psi_t seam gives the library's reward-to-go on
 * segments with several copies, terminations and truncations, and trains REINFORCE to the same history.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pg from "../../src/index";

const plainRewardToGo = (rewards: number[], gamma: number) => {
  const out = new Array<number>(rewards.length);
  let R = 0;
  for (let t = rewards.length - 1; t >= 0; t--) out[t] = R = rewards[t] + gamma * R;
  return out;
};

test("perEpisode(rewardToGo) equals the library's rewardToGo on an interleaved segment with ends and cuts", () => {
  const rng = new pg.Rng(3);
  const copies = 3, steps = 20, n = copies * steps;
  const seg = {
    rewards: Float64Array.from({ length: n }, () => rng.normal()),
    terminated: Uint8Array.from({ length: n }, () => (rng.uniform() < 0.15 ? 1 : 0)),
    truncated: Uint8Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 1 : 0)),
    copies,
    gamma: 0.9,
  };
  const mine = pg.grading.perEpisode(plainRewardToGo)(seg);
  const lib = pg.rewardToGo(seg);
  assert.ok(Array.from(mine).every((x, k) => x === lib[k]), `${Array.from(mine).slice(0, 6)} vs ${Array.from(lib).slice(0, 6)}`);
  assert.ok(seg.terminated.some((x) => x) && seg.truncated.some((x) => x));
  // a wrong function differs, and a wrong length is an error that says so
  assert.ok(Array.from(pg.grading.perEpisode((r: number[]) => r)(seg)).some((x, k) => x !== lib[k]));
  assert.throws(() => pg.grading.perEpisode((r: number[]) => r.slice(1))(seg), /returned \d+ values for an episode of \d+ rewards; expected one per reward/);
});

test("REINFORCE with psi = perEpisode(your rewardToGo) trains exactly as psi: \"rewardToGo\"", async () => {
  const config = { env: "CartPole-v1", totalSteps: 4000, seed: 1 };
  const mine = await pg.reinforce({ ...config, psi: pg.grading.perEpisode(plainRewardToGo) });
  const ref = await pg.reinforce({ ...config, psi: "rewardToGo" });
  assert.equal(mine.history.length, ref.history.length);
  assert.deepEqual(mine.history.map((h) => h.meanReturn100), ref.history.map((h) => h.meanReturn100));
  assert.deepEqual(Array.from(mine.policy.getParams?.() ?? []), Array.from(ref.policy.getParams?.() ?? []));
});
