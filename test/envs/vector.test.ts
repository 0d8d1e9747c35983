import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CartPole, checkEnv, make, makeVector } from "../../src/envs/index";
import type { Env } from "../../src/envs/index";

describe("VectorEnv", () => {
  test("each copy follows exactly the single environment's dynamics", () => {
    const v = makeVector("CartPole-v1", 4);
    v.reset({ seed: 9 });
    const singles = [0, 1, 2, 3].map((i) => {
      const e = new CartPole();
      e.reset({ seed: 0 });
      e.setState(Array.from(v.states.subarray(i * 4, i * 4 + 4)));
      return e;
    });
    const actions = new Float64Array(4);
    for (let t = 0; t < 8; t++) {
      for (let i = 0; i < 4; i++) actions[i] = (t + i) % 2;
      v.step(actions);
      singles.forEach((e, i) => {
        const r = e.step(actions[i]);
        assert.equal(v.terminated[i], 0);
        assert.deepEqual(Array.from(v.observations.subarray(i * 4, i * 4 + 4)), Array.from(r.observation));
      });
    }
  });

  test("same seed, same numbers; copies draw from independent streams", () => {
    const a = makeVector("CartPole-v1", 3).reset({ seed: 5 }).slice();
    const b = makeVector("CartPole-v1", 3).reset({ seed: 5 }).slice();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.subarray(0, 4), a.subarray(4, 8));
  });

  test("automatic reset in the same step, keeping the final observation and the episode's return", () => {
    const v = makeVector("CartPole-v1", 2);
    v.reset({ seed: 1 });
    const pushLeft = new Float64Array(2);
    let steps = 0;
    while (!v.terminated[0]) {
      const before = Array.from(v.states.subarray(0, 4));
      v.step(pushLeft);
      steps++;
      if (v.terminated[0]) {
        // the final observation is the terminal state; observations hold the new episode's first one
        const fin = Array.from(v.finalObservations.subarray(0, 4));
        assert.ok(Math.abs(fin[2]) > (12 * 2 * Math.PI) / 360 || Math.abs(fin[0]) > 2.4, `final ${fin} from ${before}`);
        assert.ok(Array.from(v.observations.subarray(0, 4)).every((x) => Math.abs(x) < 0.05), "reset observation");
        assert.equal(v.episodeLengths[0], steps);
        assert.equal(v.episodeReturns[0], steps);
      }
    }
  });

  test("truncation at the registered limit, with the final observation kept", () => {
    const v = makeVector("Pendulum-v1", 3);
    v.reset({ seed: 2 });
    const actions = new Float64Array(3);
    for (let t = 1; t <= 200; t++) {
      v.step(actions);
      assert.equal(v.truncated[1], t === 200 ? 1 : 0);
      assert.equal(v.terminated[1], 0);
    }
    assert.equal(v.episodeLengths[2], 200);
    assert.equal(v.totalSteps, 600);
  });

  test("tabular environments vectorise through their model", () => {
    const v = makeVector("ShortCorridor-v0", 5);
    v.reset({ seed: 0 });
    const right = new Float64Array(5).fill(1);
    v.step(right);
    assert.ok(v.rewards.every((r) => r === -1));
  });

  test("bad input: clear errors", () => {
    const v = makeVector("CartPole-v1", 2);
    assert.throws(() => v.step([0, 1]), /before reset\(\)/);
    v.reset({ seed: 0 });
    assert.throws(() => v.step([0]), /expected 2 action values \(2 copies x 1\); received 1/);
    assert.throws(() => v.step([0, 2]), /action of copy 1 is 2; expected an integer in 0 \.\. 1/);
    assert.throws(() => makeVector("Pendulum-v1", 1).reset({ seed: 0 }) && makeVector("CartPole-v1", 0), /numEnvs must be an integer >= 1; received 0/);
    const p = makeVector("Pendulum-v1", 1);
    p.reset({ seed: 0 });
    assert.throws(() => p.step([NaN]), /expected a finite number/);
  });
});

test("checkEnv catches a broken environment", () => {
  const broken: Env<number, number> = {
    observationSpace: make("ShortCorridor-v0").observationSpace,
    actionSpace: make("ShortCorridor-v0").actionSpace,
    reset: () => ({ observation: 3, info: {} }),
    step: () => ({ observation: 0, reward: NaN, terminated: true, truncated: false, info: {} }),
    close: () => undefined,
  };
  assert.throws(() => checkEnv(broken), /reset observation 3 is not in Discrete\(1\)/);
});
