/**
 * Critics converge to the exact values on a tabular problem: V by Monte Carlo, TD(0) and n-step to
 * V^pi; Q by Monte Carlo and SARSA to Q^pi; Q-learning to Q*. Checked on the states (and pairs) visited
 * in at least 300 episodes. Tolerance: 4 standard errors of the Monte Carlo estimate there (the sample
 * standard deviation of first-visit returns over the square root of the number of episodes), plus,
 * for bootstrapping methods, 2% of the largest |V| for the passes not run (each pass averages the
 * targets, an iteration of batch policy evaluation contracting by gamma = 0.9; 40 passes leave 1.5%).
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { LinearValue, MlpValue, TabularActionValue, TabularValue, trainActionValue, trainValue } from "../../src/critics/index";
import { GridWorld, make } from "../../src/envs/index";
import { sampleEpisodes } from "../../src/rollout/index";
import * as exact from "../../src/exact/index";
import { TabularSoftmax } from "../../src/policies/index";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";

const env = new GridWorld({ slip: 0.1, gamma: 0.9 });
const rng = new Rng(12);
const theta = env.transitions.map(() => [0, 1, 2, 3].map(() => 0.5 * rng.normal()));
const policy = new TabularSoftmax({ nStates: env.nStates, nActions: 4, theta });
const truth = exact.evaluate(env, exact.softmaxPolicy(theta));
const optimal = exact.optimalValues(env);
const episodes = sampleEpisodes(env, policy, { episodes: 4000, seed: 21, maxSteps: 400 });
/** Standard error of the first-visit Monte Carlo estimate of each state (key s) or pair (key s * 4 + a). */
function firstVisitSe(pairs: boolean): { se: number[]; episodesWith: number[] } {
  const n = env.nStates * (pairs ? 4 : 1);
  const returns: number[][] = Array.from({ length: n }, () => []);
  for (const ep of episodes) {
    let g = 0;
    const R = new Array(ep.actions.length);
    for (let t = ep.actions.length - 1; t >= 0; t--) R[t] = g = ep.rewards[t] + env.gamma * g;
    const seen = new Set<number>();
    ep.actions.forEach((a, t) => {
      const key = pairs ? ep.observations[t] * 4 + a : ep.observations[t];
      if (!seen.has(key)) {
        seen.add(key);
        returns[key].push(R[t]);
      }
    });
  }
  const se = returns.map((r) => {
    if (r.length < 2) return Infinity;
    const m = r.reduce((x, y) => x + y, 0) / r.length;
    return Math.sqrt(r.reduce((x, y) => x + (y - m) ** 2, 0) / (r.length - 1) / r.length);
  });
  return { se, episodesWith: returns.map((r) => r.length) };
}
const stateSe = firstVisitSe(false);
const pairSe = firstVisitSe(true);
const scale = Math.max(...truth.V.map(Math.abs));

function assertClose(estimate: (s: number, a: number) => number, target: (s: number, a: number) => number, bootstrapping: boolean, label: string, pairs = false) {
  const { se, episodesWith } = pairs ? pairSe : stateSe;
  let checked = 0;
  for (let s = 0; s < env.nStates; s++) {
    for (let a = 0; a < (pairs ? 4 : 1); a++) {
      const key = pairs ? s * 4 + a : s;
      if (episodesWith[key] < 300) continue;
      checked++;
      const tol = 4 * se[key] + (bootstrapping ? 0.02 * scale : 0);
      const err = Math.abs(estimate(s, a) - target(s, a));
      assert.ok(err <= tol, `${label}: state ${s}${pairs ? `, action ${a}` : ""}: ${estimate(s, a)} vs ${target(s, a)} (tolerance ${tol})`);
    }
  }
  assert.ok(checked >= 5, `${label}: only ${checked} entries were visited enough to check`);
}

const PASSES = 40;

describe("state-value critics converge to V^pi", () => {
  for (const method of ["mc", "td0", "nstep"] as const) {
    test(`tabular, ${method}`, () => {
      const critic = new TabularValue({ nStates: env.nStates, lr: "average" });
      for (let pass = 0; pass < (method === "mc" ? 1 : PASSES); pass++) {
        critic.resetCounts();
        trainValue(critic, episodes, { method, gamma: env.gamma, n: 3 });
      }
      assertClose((s) => critic.value(s), (s) => truth.V[s], method !== "mc", `V by ${method}`);
    });
  }
  test("linear with one-hot features makes exactly the tabular updates", () => {
    const linear = new LinearValue({ nFeatures: env.nStates, lr: 0.01 });
    const tabular = new TabularValue({ nStates: env.nStates, lr: 0.01 });
    const oneHot = (s: number) => Array.from({ length: env.nStates }, (_, i) => (i === s ? 1 : 0));
    const some = episodes.slice(0, 300);
    trainValue(linear, some.map((ep) => ({ ...ep, observations: ep.observations.map(oneHot) })), { method: "td0", gamma: env.gamma });
    trainValue(tabular, some, { method: "td0", gamma: env.gamma });
    for (let s = 0; s < env.nStates; s++) assert.ok(Math.abs(linear.value(oneHot(s)) - tabular.value(s)) < 1e-12);
  });
});

describe("action-value critics", () => {
  test("Monte Carlo and SARSA converge to Q^pi", () => {
    for (const method of ["mc", "sarsa"] as const) {
      const critic = new TabularActionValue({ nStates: env.nStates, nActions: 4, lr: "average" });
      for (let pass = 0; pass < (method === "mc" ? 1 : PASSES); pass++) {
        critic.resetCounts();
        trainActionValue(critic, episodes, { method, gamma: env.gamma });
      }
      assertClose((s, a) => critic.q(s, a), (s, a) => truth.Q[s][a], method !== "mc", `Q by ${method}`, true);
    }
  });
  test("Q-learning converges to Q* (off-policy, from the same behaviour)", () => {
    const critic = new TabularActionValue({ nStates: env.nStates, nActions: 4, lr: "average" });
    for (let pass = 0; pass < PASSES; pass++) {
      critic.resetCounts();
      trainActionValue(critic, episodes, { method: "qlearning", gamma: env.gamma });
    }
    assertClose((s, a) => critic.q(s, a), (s, a) => optimal.Q[s][a], true, "Q by Q-learning", true);
    // and Q* differs from Q^pi: the test could tell them apart
    assert.ok(Math.max(...optimal.Q.flat().map((q, i) => Math.abs(q - truth.Q.flat()[i]))) > 1);
  });
});

describe("bootstrapping where an episode was cut by a time limit", () => {
  // one episode, state 0 --(action 1, reward 2)--> state 3, truncated there: no next action was taken
  const cut = [{ observations: [0, 3], actions: [1], rewards: [2], terminated: false, truncated: true, frames: [] }];
  for (const method of ["mc", "sarsa"] as const) {
    test(`${method}: the target is r + gamma nextValue(s'), else r + gamma max_a' Q(s', a')`, () => {
      const fresh = () => {
        const c = new TabularActionValue({ nStates: 4, nActions: 2, lr: "average" });
        c.fitRows(Float32Array.of(3, 3), Int32Array.of(0, 1), Float64Array.of(1, 4)); // Q(3, .) = [1, 4]
        c.resetCounts();
        return c;
      };
      const withValue = fresh();
      const seen: number[] = [];
      trainActionValue(withValue, cut, {
        method,
        gamma: 0.5,
        nextValue: (obs, n) => {
          for (let i = 0; i < n; i++) seen.push(obs[i]);
          return Float64Array.from({ length: n }, () => 10);
        },
      });
      assert.ok(seen.includes(3), `nextValue was asked about ${JSON.stringify(seen)}, not about the state the episode was cut in (3)`);
      assert.equal(withValue.q(0, 1), 2 + 0.5 * 10);
      const withMax = fresh();
      trainActionValue(withMax, cut, { method, gamma: 0.5 });
      assert.equal(withMax.q(0, 1), 2 + 0.5 * 4);
    });
  }
});

describe("MLP critic (TF.js)", () => {
  before(async () => {
    await initTf({ quiet: true });
  });
  test("fits a smooth function of CartPole observations; trains on returns; no tensor leak", () => {
    const cp = make("CartPole-v1");
    const eps = sampleEpisodes(cp, { sample: (_o: Float32Array, r: Rng) => r.integer(0, 2) }, { episodes: 30, seed: 4 });
    const obs = eps.flatMap((ep) => ep.observations);
    const flat = Float32Array.from(obs.flatMap((o) => Array.from(o)));
    const f = (o: ArrayLike<number>) => 3 * o[0] - 20 * o[2] + 1;
    const targets = Float32Array.from(obs.map(f));
    const critic = new MlpValue({ obsSize: 4, hiddenSizes: [32], lr: 0.01, seed: 1 });
    const first = critic.fitRows(flat, targets);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 300; i++) last = critic.fitRows(flat, targets);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(last < 0.02 * first, `loss ${first} -> ${last}`);
    assert.ok(Math.abs(critic.value(obs[3]) - f(obs[3])) < 0.3);
    // Monte Carlo training on returns runs through the same interface
    const mse = trainValue(critic, eps, { method: "mc", gamma: 0.99 });
    assert.ok(Number.isFinite(mse));
    assert.equal(tf.memory().numTensors, before);
    critic.dispose();
  });
});

test("bad input", () => {
  assert.throws(() => new TabularValue({ nStates: 3, lr: -1 }), /lr must be a positive number; received -1/);
  assert.throws(() => new TabularValue({ nStates: 3, lr: 0.1 }).fit([5], [1]), /state must be an integer in 0 \.\. 2; received 5/);
  assert.throws(() => new TabularValue({ nStates: 3, lr: 0.1 }).fit([0, 1], [1]), /2 observations but 1 targets/);
  assert.throws(() => new TabularActionValue({ nStates: 3, nActions: 2, lr: 0.1 }).fit([0], [0], [NaN]), /target 0 is NaN/);
  assert.throws(() => trainValue(new TabularValue({ nStates: 3, lr: 0.1 }), [], { method: "mc", gamma: 2 }), /gamma must be in \[0, 1\]; received 2/);
});
