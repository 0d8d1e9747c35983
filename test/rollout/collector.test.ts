/** The one rollout path: the collector's three modes, and sampling episodes from a single environment. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GridWorld, make, makeVector, recordEpisode } from "../../src/envs/index";
import { TabularSoftmax } from "../../src/policies/index";
import { Collector, episodesOf, sampleEpisodes, spans } from "../../src/rollout/index";
import { Rng } from "../../src/rng";

const grid = () => new GridWorld({ slip: 0.2 });
const policy = new TabularSoftmax({ nStates: grid().nStates, nActions: 4, theta: Array.from({ length: grid().nStates * 4 }, (_, k) => Math.sin(k)) });

/** Every episode of a batch: its rewards sum to its recorded return, and only its last row ends it. */
function checkWhole(batch: ReturnType<Collector["episodes"]>): void {
  const ss = spans(batch);
  assert.equal(ss.length, batch.episodeReturns.length);
  ss.forEach((s, e) => {
    let total = 0;
    for (let t = 0; t < s.length; t++) {
      const k = s.start + t * s.stride;
      total += batch.rewards[k];
      const ends = batch.terminated[k] + batch.truncated[k];
      assert.equal(ends, t === s.length - 1 ? 1 : 0, `episode ${e}, step ${t}`);
    }
    assert.ok(Math.abs(total - batch.episodeReturns[e]) < 1e-9, `episode ${e}: rewards sum to ${total}, recorded return ${batch.episodeReturns[e]}`);
    assert.equal(s.length, batch.episodeLengths[e]);
  });
}

describe("Collector", () => {
  test("segment: steps x copies rows; ends, final and last observations as the vector env gave them", () => {
    const env = makeVector("GridWorld-v0", 5, { slip: 0.2 });
    const c = new Collector(env, { seed: 3 });
    const b = c.segment(policy, new Rng(1), 40, 0.9);
    assert.equal(b.rows, 200);
    assert.equal(b.copies, 5);
    assert.equal(b.divisor, 200);
    assert.deepEqual(Array.from(b.lastObservations), Array.from(env.observations, (x) => Math.fround(x)));
    const ended = Array.from({ length: b.rows }, (_, k) => k).filter((k) => b.terminated[k] || b.truncated[k]);
    assert.deepEqual(Array.from(b.ends), ended);
    assert.ok(ended.length > 0);
    assert.equal(c.steps, 200);
  });

  test("episodes: exactly the steps asked (a multiple of the copies), whole episodes, unfinished ones carried to the next call", () => {
    const c = new Collector(makeVector("GridWorld-v0", 4, { slip: 0.2 }), { seed: 5 });
    let total = 0;
    for (let call = 1; call <= 5; call++) {
      const b = c.episodes(policy, new Rng(call), 101);
      assert.equal(c.steps, 104 * call);
      checkWhole(b);
      total += b.episodeReturns.length;
    }
    assert.ok(total > 5);
  });

  test("count: exactly that many whole episodes, even when several copies end at once", () => {
    const c = new Collector(makeVector("GridWorld-v0", 8, { slip: 0.2 }), { seed: 9 });
    for (const k of [3, 17, 1]) {
      const b = c.count(policy, new Rng(k), k);
      assert.equal(b.episodeReturns.length, k);
      assert.equal(b.divisor, k);
      checkWhole(b);
    }
  });
});

describe("sampleEpisodes goes through the collector and gives what recording episodes one by one gives", () => {
  test("same seed, same episodes as env.reset({ seed }) then recordEpisode per episode", () => {
    const a = sampleEpisodes(grid(), policy, { episodes: 30, seed: 11 });
    const env = grid();
    const rng = new Rng(11).stream(1);
    env.reset({ seed: 11 });
    const b = Array.from({ length: 30 }, () => recordEpisode(env, (s) => policy.sample(s, rng)));
    assert.deepEqual(a.map((e) => e.rewards), b.map((e) => e.rewards));
    assert.deepEqual(a.map((e) => e.observations), b.map((e) => e.observations));
    assert.deepEqual(a.map((e) => e.actions), b.map((e) => e.actions));
    assert.deepEqual(a.map((e) => e.terminated), b.map((e) => e.terminated));
  });

  test("continuous observations and actions come back as arrays; a step cap marks the episode truncated", () => {
    const env = make("Pendulum-v1");
    const eps = sampleEpisodes(env, { sample: () => [0.5] }, { episodes: 2, seed: 0, maxSteps: 50 });
    assert.equal(eps[0].actions.length, 50);
    assert.ok(eps[0].truncated && !eps[0].terminated);
    assert.ok(eps[0].observations[0] instanceof Float32Array && eps[0].observations[0].length === 3);
    assert.deepEqual(Array.from(eps[0].actions[0] as ArrayLike<number>), [0.5]);
    const batch = new Collector(makeVector("Pendulum-v1", 2), { seed: 1 }).count({ sample: () => Float64Array.of(0) }, new Rng(0), 2);
    assert.equal(episodesOf(batch, { observations: false, actions: false })[0].actions.length, 200);
  });
});
