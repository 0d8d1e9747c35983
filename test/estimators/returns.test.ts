import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { discountedReturns, gae, nStepAdvantages, nStepReturns, qPsi, rewardToGo, tdErrors, totalReturn } from "../../src/estimators/index";
import { discountWeighted } from "../../src/estimators/gradient";
import { Rng } from "../../src/rng";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) =>
  assert.ok(a.length === b.length && Array.from(a).every((x, i) => Math.abs(x - b[i]) <= tol), `${Array.from(a)} vs ${Array.from(b)}`);

describe("hand-computed small arrays", () => {
  test("R(tau), R_t, discounted returns with bootstrap", () => {
    assert.equal(totalReturn([1, 1, 1], 0.5), 1.75);
    close(rewardToGo([1, 2, 3]), [6, 5, 3]);
    close(rewardToGo([1, 2, 3], 0.5), [1 + 0.5 * (2 + 0.5 * 3), 2 + 0.5 * 3, 3]);
    close(discountedReturns({ rewards: [1, 1], gamma: 0.5, terminated: false, lastValue: 4 }), [2.5, 3]);
    close(discountedReturns({ rewards: [1, 1], gamma: 0.5, terminated: true, lastValue: 4 }), [1.5, 1], 1e-15);
    close(discountWeighted([1, 1, 1], 0.5), [1, 0.5, 0.25]);
  });
  test("TD errors: terminated uses 0 after the end, truncated bootstraps", () => {
    close(tdErrors({ rewards: [1], values: [2, 5], gamma: 0.5, terminated: true }), [-1]);
    close(tdErrors({ rewards: [1], values: [2, 5], gamma: 0.5, terminated: false }), [1.5]);
    close(tdErrors({ rewards: [1, 0], values: [0, 1, 2], gamma: 1, terminated: false }), [2, 1]);
  });
  test("n-step returns and advantages, GAE", () => {
    close(nStepReturns({ rewards: [1, 1, 1], values: [0, 0, 0, 0], gamma: 1, terminated: true, n: 2 }), [2, 2, 1]);
    close(nStepReturns({ rewards: [1, 1, 1], values: [0, 10, 20, 30], gamma: 0.5, terminated: false, n: 1 }), [6, 11, 16]);
    close(nStepAdvantages({ rewards: [1, 1, 1], values: [0, 10, 20, 30], gamma: 0.5, terminated: false, n: 1 }), [6, 1, -4]);
    // deltas [1, 1] with gamma lambda = 0.5 -> [1.5, 1]
    close(gae({ rewards: [1, 1], values: [0, 0, 0], gamma: 1, lambda: 0.5, terminated: true }), [1.5, 1]);
    close(qPsi([0, 1], [1, 0], [[0, 7], [3, 0]]), [7, 3]);
  });
});

describe("identities on random trajectories", () => {
  const rng = new Rng(5);
  for (let trial = 0; trial < 20; trial++) {
    const T = 1 + rng.integer(0, 12);
    const rewards = Array.from({ length: T }, () => rng.normal());
    const values = Array.from({ length: T + 1 }, () => rng.normal());
    const gamma = rng.uniform(0.5, 1);
    const terminated = trial % 2 === 0;
    const args = { rewards, values, gamma, terminated };
    test(`trial ${trial} (T = ${T}, ${terminated ? "terminated" : "truncated"})`, () => {
      const returns = discountedReturns({ rewards, gamma, terminated, lastValue: values[T] });
      // GAE(lambda = 1) = R_t - V(s_t); GAE(lambda = 0) = delta_t
      close(gae({ ...args, lambda: 1 }), returns.map((r, t) => r - values[t]), 1e-10);
      close(gae({ ...args, lambda: 0 }), tdErrors(args), 1e-12);
      // the n-step return with n >= T is the Monte Carlo return (bootstrapped if truncated)
      close(nStepReturns({ ...args, n: T + rng.integer(0, 3) }), returns, 1e-10);
      if (terminated) close(returns, rewardToGo(rewards, gamma), 1e-12);
      // R_0 = R(tau) for a terminated trajectory
      if (terminated) assert.ok(Math.abs(returns[0] - totalReturn(rewards, gamma)) < 1e-12);
    });
  }
});

describe("bad input: errors name the function, the value and the expectation", () => {
  test("lengths, gamma, lambda, non-finite rewards, missing bootstrap", () => {
    assert.throws(() => totalReturn([1, NaN]), /totalReturn: rewards\[1\] is NaN; expected a finite number/);
    assert.throws(() => rewardToGo([1], 1.5), /rewardToGo: gamma must be in \[0, 1\]; received 1.5/);
    assert.throws(() => tdErrors({ rewards: [1, 2], values: [0, 0], gamma: 1, terminated: true }), /tdErrors: values must hold V\(s_0\) \.\. V\(s_T\): 3 numbers for 2 rewards; received 2/);
    assert.throws(() => gae({ rewards: [1], values: [0, 0], gamma: 1, lambda: -0.1, terminated: true }), /gae: lambda must be in \[0, 1\]; received -0.1/);
    assert.throws(() => discountedReturns({ rewards: [1], gamma: 1, terminated: false }), /truncated trajectory needs lastValue = V\(s_T\)/);
    assert.throws(() => nStepReturns({ rewards: [1], values: [0, 0], gamma: 1, terminated: true, n: 0 }), /n must be an integer >= 1; received 0/);
    assert.throws(() => tdErrors({ rewards: [1], values: [0, 0], gamma: 1, terminated: "yes" as unknown as boolean }), /terminated must be true/);
    assert.throws(() => qPsi([0], [0], [[NaN]]), /Q\(s_0, a_0\) is NaN/);
  });
});
