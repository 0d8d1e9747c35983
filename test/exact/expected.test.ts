/**
 * exact.expectedPsi / exact.expectedGradient: what an estimator converges to with a given critic.
 * Identities against policyGradient (exact critic, lambda = 1, long n), the TD expectation of the
 * statistical tests' helper, and seeded sampling: the algorithms' estimators with a wrong critic
 * have their sample mean within 4 standard errors of the predicted expectation, with and without
 * the factor gamma^t, and far (in standard errors) from the exact gradient.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { A2C_ADVANTAGES, ACTOR_CRITIC_PSI, REINFORCE_PSI } from "../../src/algorithms/index";
import { GridWorld, TabularEnv, randomMdp } from "../../src/envs/index";
import { BatchScores, discountWeighted } from "../../src/estimators/index";
import * as exact from "../../src/exact/index";
import { TabularSoftmax } from "../../src/policies/index";
import { nextValuesOf, sampleBatch } from "../../src/rollout/index";
import { Rng } from "../../src/rng";
import { assertUnbiased, expectedTdGradient, meanAndSe } from "../estimators/helpers";

const flat = (x: number[][]) => Float64Array.from(x.flat());
function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string): void {
  assert.equal(a.length, b.length, `${label}: lengths`);
  for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j] - b[j]) <= tol, `${label}: entry ${j}: ${a[j]} vs ${b[j]}`);
}

interface Case {
  name: string;
  env: TabularEnv;
  theta: number[][];
}
function makeCase(name: string, env: TabularEnv, seed: number): Case {
  const rng = new Rng(seed);
  return { name, env, theta: env.transitions.map(() => Array.from({ length: env.nActions }, () => 0.7 * rng.normal())) };
}
const cases: Case[] = [
  makeCase("GridWorld (slip 0.1, gamma 0.9)", new GridWorld({ slip: 0.1, gamma: 0.9 }), 1),
  makeCase("random MDP (episodic, gamma 1)", randomMdp({ nStates: 6, nActions: 3, branching: 3, terminalStates: 2, gamma: 1, seed: 3 }), 2),
];

describe("identities", () => {
  for (const c of cases) {
    test(c.name, () => {
      const pi = exact.softmaxPolicy(c.theta);
      const e = exact.evaluate(c.env, pi);
      const g = flat(exact.policyGradient(c.env, c.theta));
      const rng = new Rng(9);
      const wrongV = e.V.map((v) => v + 2 + rng.normal());
      const wrongQ = e.Q.map((row) => row.map((q) => q - 1 + rng.normal()));
      const grad = (model: exact.PsiModel) => flat(exact.expectedGradient(c.env, c.theta, exact.expectedPsi(c.env, pi, model)));
      // unbiased with any critic: R_t - b, GAE(1); with the exact critic: Q, A, TD, n-step, GAE(lambda)
      assertClose(grad({ kind: "q", q: e.Q }), g, 1e-10, "Q^pi gives the policy gradient");
      assertClose(grad({ kind: "rewardToGo" }), g, 1e-10, "R_t");
      assertClose(grad({ kind: "rewardToGo", values: wrongV }), g, 1e-10, "R_t - any baseline");
      assertClose(grad({ kind: "gae", values: wrongV, lambda: 1 }), g, 1e-9, "GAE(1) with a wrong V");
      for (const model of [{ kind: "advantage", q: e.Q, values: e.V }, { kind: "td", values: e.V }, { kind: "nstep", values: e.V, n: 3 }, { kind: "gae", values: e.V, lambda: 0.6 }] as exact.PsiModel[]) {
        assertClose(grad(model), g, 1e-9, `${model.kind} with the exact critic`);
      }
      // the tables themselves: n = 1 and lambda = 0 are the TD error; a long n is GAE(1)
      const td = exact.expectedPsi(c.env, pi, { kind: "td", values: wrongV });
      assertClose(flat(exact.expectedPsi(c.env, pi, { kind: "nstep", values: wrongV, n: 1 })), flat(td), 1e-12, "n = 1");
      assertClose(flat(exact.expectedPsi(c.env, pi, { kind: "gae", values: wrongV, lambda: 0 })), flat(td), 1e-12, "lambda = 0");
      assertClose(flat(exact.expectedPsi(c.env, pi, { kind: "nstep", values: wrongV, n: 400 })), flat(exact.expectedPsi(c.env, pi, { kind: "gae", values: wrongV, lambda: 1 })), 1e-6, "n = 400 vs lambda = 1");
      // the TD expectation of the statistical tests' independent helper, and A with a wrong Q
      assertClose(grad({ kind: "td", values: wrongV }), expectedTdGradient(c.env, c.theta, wrongV), 1e-10, "TD with a wrong V");
      const biased = grad({ kind: "advantage", q: wrongQ, values: wrongV });
      assert.ok(Math.hypot(...biased.map((x, j) => x - g[j])) > 0.05, "a wrong Q biases A");
      // terminal states: their rows are 0, and the values given for them are ignored
      const terminalV = wrongV.map((v, s) => (c.env.terminal[s] ? 1000 : v));
      assertClose(grad({ kind: "gae", values: terminalV, lambda: 0.6 }), grad({ kind: "gae", values: wrongV, lambda: 0.6 }), 1e-12, "terminal values ignored");
    });
  }
});

describe("the algorithms' estimators with a wrong critic converge to the predicted expectation (seeded sampling)", () => {
  const grid = new GridWorld({ slip: 0.1, gamma: 0.9 });
  const c = cases[0];
  const pi = exact.softmaxPolicy(c.theta);
  const e = exact.evaluate(grid, pi);
  const policy = new TabularSoftmax({ nStates: grid.nStates, nActions: 4, theta: c.theta });
  const batch = sampleBatch(grid, policy, { episodes: 6000, seed: 4, gamma: 0.9 });
  const scores = new BatchScores(policy as never, batch);
  const rng = new Rng(11);
  const V = e.V.map((v, s) => (grid.terminal[s] ? 0 : v + 1.5 + 1.5 * rng.normal()));
  const Q = e.Q.map((row, s) => row.map((q) => (grid.terminal[s] ? 0 : q + 1.5 * rng.normal())));
  const vOf = (obs: Float32Array, n: number) => Float64Array.from({ length: n }, (_, i) => V[obs[i]]);
  const values = vOf(batch.observations, batch.rows);
  const segment = { ...batch, values, nextValues: nextValuesOf(batch, values, vOf), q: Float64Array.from({ length: batch.rows }, (_, k) => Q[batch.observations[k]][batch.actions[k]]) };
  const g = flat(exact.policyGradient(grid, c.theta));
  const rows: [string, Float64Array, exact.PsiModel][] = [
    ["n-step (n = 3)", Float64Array.from(A2C_ADVANTAGES.nstep({ ...segment, n: 3 })), { kind: "nstep", values: V, n: 3 }],
    ["GAE (lambda = 0.6)", Float64Array.from(A2C_ADVANTAGES.gae({ ...segment, lambda: 0.6 })), { kind: "gae", values: V, lambda: 0.6 }],
    ["A = Q - V", Float64Array.from(ACTOR_CRITIC_PSI.advantage(segment)), { kind: "advantage", q: Q, values: V }],
    ["R_t - V", Float64Array.from(REINFORCE_PSI.rewardToGo(segment), (x, k) => x - values[k]), { kind: "rewardToGo", values: V }],
  ];
  for (const [label, psi, model] of rows) {
    test(label, () => {
      const table = exact.expectedPsi(grid, pi, model);
      const weighted = scores.samples(discountWeighted(psi, batch));
      const predicted = flat(exact.expectedGradient(grid, c.theta, table));
      assertUnbiased(weighted, predicted, `${label}, gamma^t psi_t`);
      const plain = scores.samples(psi);
      assertUnbiased(plain, flat(exact.expectedGradient(grid, c.theta, table, { discounted: false })), `${label}, psi_t without gamma^t`);
      if (model.kind !== "rewardToGo") {
        // the prediction is not the exact gradient: the bias is many standard errors (the check has power)
        const { se } = meanAndSe(weighted);
        const worst = Math.max(...predicted.map((x, j) => Math.abs(x - g[j]) / Math.max(se[j], 1e-12)));
        assert.ok(worst > 8, `${label}: largest |predicted - exact| / se = ${worst}`);
      }
    });
  }
});

describe("bad input", () => {
  const c = cases[0];
  const pi = exact.softmaxPolicy(c.theta);
  test("is named", () => {
    assert.throws(() => exact.expectedPsi(c.env, pi, { kind: "vtrace" } as never), /exact\.expectedPsi: model\.kind must be one of rewardToGo, q, advantage, td, nstep, gae; received vtrace/);
    assert.throws(() => exact.expectedPsi(c.env, pi, { kind: "td" }), /psi "td" needs values: V\(s\) for each of the 15 states; received undefined/);
    assert.throws(() => exact.expectedPsi(c.env, pi, { kind: "td", values: new Array(15).fill(NaN) }), /values\[0\] is NaN/);
    assert.throws(() => exact.expectedPsi(c.env, pi, { kind: "q", q: [[1]] }), /psi "q" needs q: Q\(s, a\) as 15 rows of 4; received 1 rows/);
    assert.throws(() => exact.expectedPsi(c.env, pi, { kind: "nstep", values: new Array(15).fill(0), n: 0 }), /model\.n must be an integer >= 1; received 0/);
    assert.throws(() => exact.expectedPsi(c.env, pi, { kind: "gae", values: new Array(15).fill(0), lambda: 2 }), /model\.lambda must be in \[0, 1\]; received 2/);
    assert.throws(() => exact.expectedGradient(c.env, c.theta, [[0]]), /psi must be E\[psi_t \| s, a\] \(from expectedPsi\) as 15 rows of 4; received 1 rows/);
    assert.throws(() => exact.expectedGradient(c.env, [[0]], exact.actionValues(c.env, pi)), /theta must have nStates = 15 rows/);
  });
});
