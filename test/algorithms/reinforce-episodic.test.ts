/**
 * Sutton & Barto's per-step REINFORCE (src/algorithms/reinforce-episodic.ts): the update it makes is
 * the book's, step by step; it learns on the short corridor; its inputs are checked.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { reinforceEpisodic } from "../../src/algorithms/reinforce-episodic";
import { GridWorld, ShortCorridor } from "../../src/envs/index";
import { rewardToGo } from "../../src/estimators/index";
import * as exact from "../../src/exact/index";
import { TabularSoftmax } from "../../src/policies/index";
import { Rng } from "../../src/rng";

const start = () => new TabularSoftmax({ nStates: 1, nActions: 2, theta: [[0, Math.log(0.05 / 0.95)]] });

/** One episode by hand, as the book writes the algorithm: the same draws as reinforceEpisodic (Rng(seed).stream(1)). */
function byHand(seed: number, alpha: number, gamma: number, alphaW?: number): { theta: Float64Array; w: number; actions: number[] } {
  const env = new ShortCorridor();
  const policy = start();
  const rng = new Rng(seed).stream(1);
  env.reset({ seed });
  let obs = env.reset().observation;
  const actions: number[] = [];
  const rewards: number[] = [];
  for (;;) {
    const a = policy.sample(obs, rng);
    const step = env.step(a);
    actions.push(a);
    rewards.push(step.reward);
    obs = step.observation;
    if (step.terminated) break;
  }
  const G = rewardToGo(rewards, gamma);
  let w = 0;
  for (let t = 0; t < actions.length; t++) {
    const delta = alphaW === undefined ? G[t] : G[t] - w;
    if (alphaW !== undefined) w += alphaW * delta;
    const score = policy.score(0, actions[t]); // at the current theta
    const theta = policy.getParams();
    policy.setParams(theta.map((x, k) => x + alpha * gamma ** t * delta * score[k]));
  }
  return { theta: policy.getParams(), w, actions };
}

describe("reinforceEpisodic", () => {
  test("one episode makes the book's updates: theta += alpha gamma^t (G_t - w) grad log pi at the current theta, w += alpha_w (G_t - w)", () => {
    for (const [gamma, alphaW] of [[1, undefined], [0.9, undefined], [1, 2 ** -6]] as const) {
      const expected = byHand(7, 0.01, gamma, alphaW);
      assert.ok(expected.actions.length > 3, "an episode of several steps");
      const policy = start();
      const r = reinforceEpisodic(new ShortCorridor(), policy, { alpha: 0.01, episodes: 1, seed: 7, gamma, ...(alphaW ? { baseline: { alpha: alphaW } } : {}) });
      assert.equal(r.lengths[0], expected.actions.length);
      assert.equal(r.returns[0], -expected.actions.length);
      const got = policy.getParams();
      for (let k = 0; k < 2; k++) assert.ok(Math.abs(got[k] - expected.theta[k]) < 1e-12, `gamma ${gamma}, alpha_w ${alphaW}: theta[${k}] = ${got[k]}, by hand ${expected.theta[k]}`);
      assert.deepEqual(r.w, alphaW ? [expected.w] : []);
    }
  });

  test("learns the short corridor from the epsilon-greedy-left policy (10 seeded runs, alpha = 2^-13)", () => {
    const finals = Array.from({ length: 10 }, (_, run) => {
      const policy = start();
      reinforceEpisodic(new ShortCorridor(), policy, { alpha: 2 ** -13, episodes: 1000, seed: run, maxSteps: 1000 });
      return exact.shortCorridorJ(policy.probs(0)[1]);
    });
    const mean = finals.reduce((a, b) => a + b, 0) / finals.length;
    // from J(0.05) = -82.1 to within 3 steps of the optimum -11.66 on average
    assert.ok(mean > exact.SHORT_CORRIDOR_J_STAR - 3, `mean J of the final policies ${mean}`);
  });

  test("same seed, same run; episodes longer than maxSteps are cut and counted", () => {
    const a = reinforceEpisodic(new ShortCorridor(), start(), { alpha: 2 ** -12, episodes: 50, seed: 3 });
    const b = reinforceEpisodic(new ShortCorridor(), start(), { alpha: 2 ** -12, episodes: 50, seed: 3 });
    assert.deepEqual(a, b);
    const cut = reinforceEpisodic(new ShortCorridor(), start(), { alpha: 2 ** -12, episodes: 50, seed: 3, maxSteps: 5 });
    assert.ok(cut.lengths.every((n) => n <= 5));
    assert.ok(cut.truncated > 0 && cut.truncated <= cut.lengths.filter((n) => n === 5).length, `${cut.truncated} cut episodes`);
  });

  test("bad input: a policy without a closed-form score, step sizes, counts, gamma", () => {
    const env = new GridWorld();
    const policy = new TabularSoftmax({ nStates: env.nStates, nActions: 4 });
    const noScore = { ...policy, kind: "Opaque", score: undefined } as unknown as TabularSoftmax;
    assert.throws(() => reinforceEpisodic(env, noScore, { alpha: 0.1, episodes: 1, seed: 0 }), /needs a closed-form score.*received Opaque/);
    assert.throws(() => reinforceEpisodic(env, policy, { alpha: 0, episodes: 1, seed: 0 }), /alpha must be a positive number; received 0/);
    assert.throws(() => reinforceEpisodic(env, policy, { alpha: 0.1, episodes: 1.5, seed: 0 }), /episodes must be an integer >= 1; received 1.5/);
    assert.throws(() => reinforceEpisodic(env, policy, { alpha: 0.1, episodes: 1, seed: 0, gamma: 2 }), /gamma must be in \[0, 1\]; received 2/);
    assert.throws(() => reinforceEpisodic(env, policy, { alpha: 0.1, episodes: 1, seed: -1 }), /seed must be an integer >= 0; received -1/);
    assert.throws(() => reinforceEpisodic(env, policy, { alpha: 0.1, episodes: 1, seed: 0, baseline: { alpha: -1 } }), /baseline.alpha must be a positive number; received -1/);
  });
});
