import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CARTPOLE_CONSTANTS, CartPole, Pendulum, angleNormalize, make, renderCartPole, renderPendulum } from "../../src/envs/index";

// Expected next states computed independently in Python (float64, math.cos/sin) from Gymnasium's
// cartpole.py and pendulum.py step() formulas.
const CARTPOLE_CASES: [number[], number, number[]][] = [
  [[0.01, -0.02, 0.03, 0.04], 0, [0.009600000000000001, -0.21553901710278936, 0.030799999999999998, 0.34199522377603914]],
  [[0.01, -0.02, 0.03, 0.04], 1, [0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081]],
  [[1.5, 0.7, -0.15, 1.3], 0, [1.514, 0.5070660143110977, -0.124, 1.5422165065529312]],
  [[1.5, 0.7, -0.15, 1.3], 1, [1.514, 0.8966732864341995, -0.124, 0.9643679029096106]],
  [[-2.3, -1.1, 0.2, -2.5], 0, [-2.3219999999999996, -1.2961365226033883, 0.15000000000000002, -2.153250940999876]],
  [[-2.3, -1.1, 0.2, -2.5], 1, [-2.3219999999999996, -0.907016403897928, 0.15000000000000002, -2.725296375663133]],
  [[0, 0, 0, 0], 0, [0, -0.1951219512195122, 0, 0.2926829268292683]],
  [[0, 0, 0, 0], 1, [0, 0.1951219512195122, 0, -0.2926829268292683]],
];
const PENDULUM_CASES: [number[], number, number[], number][] = [
  [[0.5, -0.3], 1.2, [0.5119784576976576, 0.23956915395315231], -0.26044],
  [[3.5, 7.9], -3.0, [3.8668456289616393, 7.336912579232785], -13.991120454100328],
  [[-7.0, 2.0], 0.4, [-6.921636997451954, 1.567260050960908], -0.9139833038432242],
  [[Math.PI, 0.0], 2.0, [3.1565926535897932, 0.3000000000000001], -9.873604401089358],
];

function close(actual: number[], expected: number[], tol: number, what: string) {
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `${what}[${i}] = ${v}, expected ${expected[i]}`));
}

describe("CartPole-v1", () => {
  test("constants as Gymnasium's", () => {
    assert.equal(CARTPOLE_CONSTANTS.totalMass, 1.1);
    assert.equal(CARTPOLE_CONSTANTS.polemassLength, 0.05);
    assert.equal(CARTPOLE_CONSTANTS.thetaThresholdRadians, (12 * 2 * Math.PI) / 360);
    assert.equal(CARTPOLE_CONSTANTS.tau, 0.02);
  });

  test("one step from given states matches Gymnasium's float64 values to 1e-12, both actions", () => {
    const env = make("CartPole-v1");
    for (const [state, action, expected] of CARTPOLE_CASES) {
      env.reset({ seed: 0 });
      env.setState(state);
      const r = env.step(action);
      close(env.getState(), expected, 1e-12, `state after ${action} from [${state}]`);
      assert.deepEqual(Array.from(r.observation), expected.map(Math.fround), "the observation is the state rounded to float32");
      assert.ok(r.observation instanceof Float32Array);
      assert.equal(r.reward, 1);
    }
  });

  test("termination exactly at the bounds (strict inequalities), reward 1 on the terminating step", () => {
    const env = new CartPole();
    const th = CARTPOLE_CONSTANTS.thetaThresholdRadians;
    const cases: [number[], boolean][] = [
      [[2.4, 0, 0, 0], false], // x reaches exactly 2.4: not beyond
      [[2.4, 1e-9 / 0.02, 0, 0], true], // a hair beyond
      [[-2.4, 0, 0, 0], false],
      [[0, 0, th, 0], false],
      [[0, 0, -th - 1e-12, 0], true],
    ];
    for (const [state, terminated] of cases) {
      env.reset({ seed: 1 });
      // choose a zero-velocity state so the position stays at the bound after the step
      env.setState(state);
      const before = env.getState();
      const r = env.step(0);
      assert.equal(r.terminated, terminated, `from [${before}]`);
      assert.equal(r.reward, 1);
    }
  });

  test("reset draws each state variable uniformly in (-0.05, 0.05); seeded", () => {
    const env = make("CartPole-v1");
    const a = env.reset({ seed: 42 }).observation;
    const b = env.reset({ seed: 42 }).observation;
    assert.deepEqual(a, b);
    let max = 0;
    for (let i = 0; i < 200; i++) for (const v of env.reset().observation) max = Math.max(max, Math.abs(v));
    assert.ok(max < 0.05 && max > 0.045, `max |state| ${max}`);
    env.reset({ seed: 1, options: { low: -0.2, high: -0.1 } });
    assert.ok(env.getState().every((v) => v >= -0.2 && v < -0.1));
    assert.throws(() => env.reset({ options: { low: 1, high: 0 } }), /low <= high; received low=1, high=0/);
  });

  test("truncation at 500 steps (not terminated), then step is an error until reset", () => {
    const env = make("CartPole-v1");
    assert.equal(env.spec?.rewardThreshold, 475);
    assert.equal(env.spec?.maxEpisodeSteps, 500);
    env.reset({ seed: 0 });
    let r = env.step(0);
    for (let t = 1; t < 500; t++) {
      env.setState([0, 0, 0, 0]); // keep it balanced
      r = env.step(t % 2);
      if (t < 499) assert.equal(r.truncated, false);
    }
    assert.equal(r.truncated, true);
    assert.equal(r.terminated, false);
    assert.throws(() => env.step(0), /after the episode was truncated at 500 steps: call reset\(\)/);
    env.reset();
    assert.doesNotThrow(() => env.step(1));
  });

  test("bad actions and states are errors naming the env, the value and the valid set", () => {
    const env = make("CartPole-v1");
    assert.throws(() => env.step(0), /CartPole-v1\.step\(\) was called before reset\(\)/);
    env.reset({ seed: 0 });
    assert.throws(() => env.step(2), (e: Error) => e instanceof RangeError && /CartPole-v1.*Discrete\(2\).*received 2/.test(e.message));
    assert.throws(() => env.step(NaN), RangeError);
    assert.throws(() => env.step(0.5), RangeError);
    assert.throws(() => env.step("1" as unknown as number), (e: Error) => e instanceof TypeError && /received "1"/.test(e.message));
    assert.throws(() => env.setState([0, 0, 0]), /expected 4 numbers \[x, xDot, theta, thetaDot\]; received 3/);
    assert.throws(() => env.setState([0, NaN, 0, 0]), /xDot is NaN; expected a finite number/);
    env.setState([0, 0, 1, 0]);
    assert.equal(env.step(0).terminated, true);
    assert.throws(() => env.step(0), /after the episode terminated: call reset\(\)/);
  });

  test("renders an SVG", () => {
    const svg = renderCartPole([0.5, 0, 0.1, 0]);
    assert.match(svg, /^<svg[\s\S]*<\/svg>$/);
  });
});

describe("Pendulum-v1", () => {
  test("one step matches Gymnasium's float64 values: cost from the angle before the update, clipping", () => {
    const env = make("Pendulum-v1");
    assert.equal(env.spec?.maxEpisodeSteps, 200);
    for (const [state, u, expected, reward] of PENDULUM_CASES) {
      env.reset({ seed: 0 });
      env.setState(state);
      const r = env.step([u]);
      close(env.getState(), expected, 1e-12, `state after u=${u} from [${state}]`);
      assert.ok(Math.abs(r.reward - reward) < 1e-12, `reward ${r.reward} vs ${reward}`);
      const [th, thd] = env.getState();
      assert.deepEqual(Array.from(r.observation), [Math.cos(th), Math.sin(th), thd].map(Math.fround));
    }
  });

  test("angle normalisation uses the floored modulo (Python's %)", () => {
    assert.ok(Math.abs(angleNormalize(-7) - (-7 + 2 * Math.PI)) < 1e-15);
    assert.ok(Math.abs(angleNormalize(3.5) - (3.5 - 2 * Math.PI)) < 1e-15);
    assert.equal(angleNormalize(0), 0);
  });

  test("never terminates; truncated at 200; reset ranges; bad actions", () => {
    const env = make("Pendulum-v1", { g: 9.81 });
    assert.equal((env.env as Pendulum).g, 9.81);
    env.reset({ seed: 3 });
    let r = env.step([0]);
    for (let t = 1; t < 200; t++) {
      assert.equal(r.terminated, false);
      r = env.step([t % 3 - 1]);
    }
    assert.equal(r.truncated, true);
    for (let i = 0; i < 100; i++) {
      env.reset();
      const [th, thd] = env.getState();
      assert.ok(Math.abs(th) <= Math.PI && Math.abs(thd) <= 1);
    }
    env.reset();
    assert.throws(() => env.step(1 as unknown as number[]), TypeError);
    assert.throws(() => env.step([1, 2]), /must have 1 value\(s\)/);
    assert.throws(() => env.step([Infinity]), RangeError);
    assert.doesNotThrow(() => env.step([5]), "finite out-of-range torques are clipped, as in Gymnasium");
    assert.throws(() => make("Pendulum-v1", { gravity: 3 }), /unknown argument\(s\) gravity; accepted: g/);
    assert.match(renderPendulum([0.3, 0], 1), /<svg/);
  });
});
