import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GridWorld, ShortCorridor, randomMdp } from "../../src/envs/index";
import type { TabularMDP } from "../../src/envs/index";
import * as exact from "../../src/exact/index";
import { LinearSoftmax, TabularSoftmax } from "../../src/policies/index";
import { Rng } from "../../src/rng";

function randomTheta(mdp: TabularMDP, rng: Rng, scale = 1): number[][] {
  return Array.from({ length: mdp.nStates }, () => Array.from({ length: mdp.nActions }, () => scale * rng.normal()));
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, k) => Math.abs(x - b[k])));
const norm = (a: ArrayLike<number>) => Math.hypot(...Array.from(a));

/** Features phi(s) of a grid cell: one-hot row and one-hot column (rows + cols entries). */
function rowColFeatures(grid: GridWorld): (s: number) => Float64Array {
  return (s) => {
    const [r, c] = grid.cellOf(s);
    const phi = new Float64Array(grid.rows + grid.cols);
    phi[r] = 1;
    phi[grid.rows + c] = 1;
    return phi;
  };
}

describe("exact.theoremGradient: the theorem's sum for any policy with a score", () => {
  test("tabular softmax with the exact Q^pi equals exact.policyGradient (1e-12) and finite differences (1e-6 relative)", () => {
    const rng = new Rng(11);
    for (const mdp of [new GridWorld({ slip: 0.1, gamma: 1 }), randomMdp({ nStates: 7, nActions: 3, gamma: 0.9, seed: 3 })]) {
      const theta = randomTheta(mdp, rng, 0.5);
      const policy = new TabularSoftmax({ nStates: mdp.nStates, nActions: mdp.nActions, theta });
      const Q = exact.actionValues(mdp, exact.softmaxPolicy(theta));
      const g = exact.theoremGradient(mdp, policy, Q);
      const reference = exact.policyGradient(mdp, theta).flat();
      assert.ok(maxDiff(g, reference) <= 1e-12 * norm(reference), `vs policyGradient: ${maxDiff(g, reference)}`);
      const fd = exact.policyFiniteDifferences(mdp, policy);
      assert.ok(maxDiff(g, fd) <= 1e-6 * norm(reference), `vs finite differences: ${maxDiff(g, fd)}`);
      // a function q(s, a) gives the same as the table
      assert.deepEqual(Array.from(exact.theoremGradient(mdp, policy, (s, a) => Q[s][a])), Array.from(g));
    }
  });

  test("a shared policy that sees only 0 (the short corridor): the theorem equals the chain rule over states and d/dp of the closed form", () => {
    const corridor = new ShortCorridor();
    const theta = [0.2, -0.1];
    const policy = new TabularSoftmax({ nStates: 1, nActions: 2, theta: [theta] });
    const Q = exact.actionValues(corridor, exact.sharedPolicy(corridor, Array.from(policy.probs(0))));
    const g = exact.theoremGradient(corridor, policy, Q, { observation: () => 0 });
    const chain = exact.policyGradient(corridor, [theta, theta, theta, theta]).reduce((acc, row) => acc.map((x, k) => x + row[k]), [0, 0]);
    assert.ok(maxDiff(g, chain) < 1e-12, `${Array.from(g)} vs ${chain}`);
    // dJ/dtheta_right = J'(p) dp/dtheta_right, p = sigmoid(theta_right - theta_left)
    const p = policy.probs(0)[1];
    const h = 1e-6;
    const dJdp = (exact.shortCorridorJ(p + h) - exact.shortCorridorJ(p - h)) / (2 * h);
    assert.ok(Math.abs(g[1] - dJdp * p * (1 - p)) < 1e-6, `${g[1]} vs ${dJdp * p * (1 - p)}`);
    assert.ok(Math.abs(g[0] + g[1]) < 1e-12, "the two logits' derivatives sum to 0");
  });

  test("a linear softmax on features: the theorem equals finite differences of J; 'distribution' weighting divides by Z", () => {
    const grid = new GridWorld({ slip: 0.1, gamma: 0.95 });
    const phi = rowColFeatures(grid);
    const policy = new LinearSoftmax({ nFeatures: grid.rows + grid.cols, nActions: 4, initScale: 0.5, seed: 2 });
    const pi = exact.policyTable(grid, policy, { observation: phi });
    const e = exact.evaluate(grid, pi);
    const g = exact.theoremGradient(grid, policy, e.Q, { observation: phi });
    const fd = exact.policyFiniteDifferences(grid, policy, { observation: phi });
    assert.ok(maxDiff(g, fd) <= 1e-6 * norm(g), `max |theorem - FD| = ${maxDiff(g, fd)}, |g| = ${norm(g)}`);
    const Z = e.visits.reduce((x, y) => x + y, 0);
    const gd = exact.theoremGradient(grid, policy, e.Q, { observation: phi, weighting: "distribution" });
    assert.ok(maxDiff(gd, Array.from(g, (x) => x / Z)) < 1e-12 * norm(g));
    assert.ok(norm(g) > 0.1, "a gradient worth comparing");
  });

  test("policyFiniteDifferences restores the parameters; policyObjective is J; policyTable is the softmax", () => {
    const grid = new GridWorld({ slip: 0.2 });
    const theta = randomTheta(grid, new Rng(4), 0.7);
    const policy = new TabularSoftmax({ nStates: grid.nStates, nActions: 4, theta });
    const before = policy.getParams();
    const fd = exact.policyFiniteDifferences(grid, policy);
    assert.deepEqual(Array.from(policy.getParams()), Array.from(before));
    assert.ok(maxDiff(fd, exact.finiteDifferenceGradient(grid, theta).flat()) < 1e-9);
    assert.ok(Math.abs(exact.policyObjective(grid, policy) - exact.objective(grid, exact.softmaxPolicy(theta))) < 1e-12);
    assert.ok(maxDiff(exact.policyTable(grid, policy).flat(), exact.softmaxPolicy(theta).flat()) < 1e-15);
  });

  test("bad inputs: clear errors naming the value", () => {
    const grid = new GridWorld();
    const policy = new TabularSoftmax({ nStates: grid.nStates, nActions: 4 });
    const Q = exact.actionValues(grid, exact.policyTable(grid, policy));
    assert.throws(() => exact.theoremGradient(grid, {} as never, Q), /exact\.theoremGradient: expected a discrete-action policy with probs/);
    assert.throws(() => exact.theoremGradient(grid, { probs: () => [0.25, 0.25, 0.25, 0.25] }, Q), /has no closed-form score/);
    assert.throws(() => exact.theoremGradient(grid, policy, Q.slice(1)), /q must be a function q\(s, a\) or a table with nStates = 15 rows/);
    assert.throws(() => exact.theoremGradient(grid, policy, Q, { weighting: "uniform" as never }), /weighting must be "visits" or "distribution"; received "uniform"/);
    assert.throws(() => exact.theoremGradient(grid, policy, () => NaN), /q\(0, 0\) is NaN; expected a finite number/);
    assert.throws(() => exact.policyTable(grid, { probs: () => [1, 0] }), /gave 2 probabilities in state 0; expected nActions = 4/);
    assert.throws(() => exact.policyFiniteDifferences(grid, { probs: () => [1, 0, 0, 0] }), /must have getParams\(\) and setParams/);
    assert.throws(() => exact.policyFiniteDifferences(grid, policy, { eps: -1 }), /eps must be a positive number; received -1/);
    assert.throws(() => exact.policyTable(grid, policy, { observation: 3 as never }), /options\.observation must be a function/);
  });
});

describe("exact.singleTransitionObjective: J over single transitions", () => {
  test("the short corridor: -1 per step, so the per-transition objective is -1 and Z = -J", () => {
    const corridor = new ShortCorridor();
    for (const p of [0.3, exact.SHORT_CORRIDOR_P_STAR, 0.8]) {
      const v = exact.singleTransitionObjective(corridor, exact.sharedPolicy(corridor, [1 - p, p]));
      assert.ok(Math.abs(v.J - exact.shortCorridorJ(p)) < 1e-9);
      assert.ok(Math.abs(v.rewardPerStep + 1) < 1e-12, `${v.rewardPerStep}`);
      assert.ok(Math.abs(v.steps + v.J) < 1e-9, `Z = ${v.steps}, J = ${v.J}`);
    }
  });

  test("rewardPerStep * steps = J; a continuing task has Z = 1 / (1 - gamma); meanValue is E_d[V]", () => {
    const mdp = randomMdp({ nStates: 6, nActions: 2, gamma: 0.8, seed: 9 });
    const pi = exact.softmaxPolicy(randomTheta(mdp, new Rng(1)));
    const v = exact.singleTransitionObjective(mdp, pi);
    const e = exact.evaluate(mdp, pi);
    assert.ok(Math.abs(v.steps - 5) < 1e-9, `Z = ${v.steps}`);
    assert.ok(Math.abs(v.rewardPerStep * v.steps - v.J) < 1e-9);
    assert.ok(Math.abs(v.meanValue - e.distribution.reduce((acc, d, s) => acc + d * e.V[s], 0)) < 1e-12);
    const grid = new GridWorld({ slip: 0.1, gamma: 1 });
    const g = exact.singleTransitionObjective(grid, exact.softmaxPolicy(randomTheta(grid, new Rng(2), 0.5)));
    assert.ok(Math.abs(g.rewardPerStep * g.steps - g.J) < 1e-9 * Math.abs(g.J));
    assert.ok(g.steps > 2, "an episode lasts several steps");
  });
});

describe("policyFiniteDifferences of another objective: the per-transition one", () => {
  test("continuing task (Z = 1 / (1 - gamma) fixed): its gradient is grad J / Z; short corridor: constant -1, gradient 0", () => {
    const mdp = randomMdp({ nStates: 6, nActions: 3, gamma: 0.75, seed: 4 });
    const policy = new TabularSoftmax({ nStates: 6, nActions: 3, theta: randomTheta(mdp, new Rng(6)) });
    const perStep = exact.policyFiniteDifferences(mdp, policy, { objective: (pi) => exact.singleTransitionObjective(mdp, pi).rewardPerStep });
    const g = exact.policyFiniteDifferences(mdp, policy);
    assert.ok(maxDiff(perStep, Array.from(g, (x) => x / 4)) < 1e-8 * norm(g), `${maxDiff(perStep, Array.from(g, (x) => x / 4))}`);
    const corridor = new ShortCorridor();
    const shared = new TabularSoftmax({ nStates: 1, nActions: 2, theta: [[0.1, 0.4]] });
    const flat = exact.policyFiniteDifferences(corridor, shared, { observation: () => 0, objective: (pi) => exact.singleTransitionObjective(corridor, pi).rewardPerStep });
    assert.ok(norm(flat) < 1e-9, `${Array.from(flat)}`);
    assert.throws(() => exact.policyFiniteDifferences(mdp, policy, { objective: () => NaN }), /the objective is NaN; expected a finite number/);
    assert.throws(() => exact.policyFiniteDifferences(mdp, policy, { objective: 1 as never }), /options\.objective must be a function of the policy table/);
  });
});

describe("exact.leastSquares and exact.fitActionValues", () => {
  test("least squares: exact on a consistent system, the normal equations' solution otherwise, dependent columns allowed", () => {
    const rng = new Rng(5);
    const rows = 12;
    const cols = 4;
    const a = Float64Array.from({ length: rows * cols }, () => rng.normal());
    const xTrue = [1, -2, 0.5, 3];
    const y = Float64Array.from({ length: rows }, (_, i) => xTrue.reduce((s, x, j) => s + x * a[i * cols + j], 0));
    const fit = exact.leastSquares(a, rows, cols, y);
    assert.equal(fit.rank, 4);
    assert.ok(maxDiff(fit.x, xTrue) < 1e-12, `${Array.from(fit.x)}`);
    // inconsistent: the residual is orthogonal to every column
    const noisy = y.map((v) => v + rng.normal());
    const x = exact.leastSquares(a, rows, cols, noisy).x;
    for (let j = 0; j < cols; j++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[i * cols + j] * (noisy[i] - xTrue.reduce((s, _, k) => s + x[k] * a[i * cols + k], 0));
      assert.ok(Math.abs(dot) < 1e-10, `column ${j}: A^T r = ${dot}`);
    }
    // a duplicated column: rank 4 of 5, same fitted values
    const dup = Float64Array.from({ length: rows * 5 }, (_, k) => a[Math.floor(k / 5) * cols + Math.min(k % 5, 3)]);
    const d = exact.leastSquares(dup, rows, 5, noisy);
    assert.equal(d.rank, 4);
    for (let i = 0; i < rows; i++) {
      const f1 = [0, 1, 2, 3].reduce((s, j) => s + x[j] * a[i * cols + j], 0);
      const f2 = [0, 1, 2, 3, 4].reduce((s, j) => s + d.x[j] * dup[i * 5 + j], 0);
      assert.ok(Math.abs(f1 - f2) < 1e-10);
    }
    assert.throws(() => exact.leastSquares([1, 2, 3], 2, 2, [1, 2]), /expected 4 entries for a 2 x 2 matrix; received 3/);
    assert.throws(() => exact.leastSquares([1, 2, 3, 4], 2, 2, [1]), /expected 2 targets/);
    assert.throws(() => exact.leastSquares([1, NaN, 3, 4], 2, 2, [1, 2]), /entry 1 of the matrix is NaN/);
  });

  test("one-hot (s, a) features reproduce Q^pi; compatible features give the exact gradient though their Q is far from Q^pi", () => {
    const grid = new GridWorld({ slip: 0.1, gamma: 1 });
    const phi = rowColFeatures(grid);
    const policy = new LinearSoftmax({ nFeatures: grid.rows + grid.cols, nActions: 4, initScale: 0.5, seed: 7 });
    const pi = exact.policyTable(grid, policy, { observation: phi });
    const e = exact.evaluate(grid, pi);
    const oneHot = exact.fitActionValues(grid, pi, (s, a) => Float64Array.from({ length: grid.nStates * 4 }, (_, k) => (k === s * 4 + a ? 1 : 0)));
    assert.ok(oneHot.rmse < 1e-9, `${oneHot.rmse}`);
    assert.ok(exact.actionValueError(grid, pi, oneHot.q) < 1e-9);

    const exactGrad = exact.theoremGradient(grid, policy, e.Q, { observation: phi });
    const compatible = exact.fitActionValues(grid, pi, (s, a) => policy.score(phi(s), a));
    const gc = exact.theoremGradient(grid, policy, compatible.q, { observation: phi });
    assert.ok(exact.gradientError(gc, exactGrad).relativeError < 1e-9, `compatible: ${exact.gradientError(gc, exactGrad).relativeError}`);
    assert.ok(compatible.rank < 32, `compatible features are dependent (rank ${compatible.rank})`);
    assert.ok(Math.abs(compatible.rmse - exact.actionValueError(grid, pi, compatible.q)) < 1e-9);
    assert.ok(compatible.rmse > 1, `the compatible critic is a poor Q (rmse ${compatible.rmse}) and still gives the exact gradient`);
    // the same number of weights on phi(s) per action (not compatible): a biased gradient
    const perAction = exact.fitActionValues(grid, pi, (s, a) => Float64Array.from({ length: 32 }, (_, k) => (Math.floor(k / 8) === a ? phi(s)[k % 8] : 0)));
    const bias = exact.gradientError(exact.theoremGradient(grid, policy, perAction.q, { observation: phi }), exactGrad);
    assert.ok(bias.relativeError > 0.05, `non-compatible: relative error ${bias.relativeError}`);
  });

  test("actionValueError against a reference; bad inputs", () => {
    const grid = new GridWorld({ slip: 0.1 });
    const pi = exact.softmaxPolicy(randomTheta(grid, new Rng(8), 0.3));
    const Q = exact.actionValues(grid, pi);
    assert.equal(exact.actionValueError(grid, pi, Q), 0);
    assert.ok(Math.abs(exact.actionValueError(grid, pi, Q.map((r) => r.map((x) => x + 2))) - 2) < 1e-12);
    assert.equal(exact.actionValueError(grid, pi, Q, { reference: Q.map((r) => r.map((x) => x - 1)) }), 1);
    assert.throws(() => exact.actionValueError(grid, pi, Q.slice(2)), /q must be a table of nStates x nActions = 15 x 4 values/);
    assert.throws(() => exact.fitActionValues(grid, pi, 3 as never), /features must be a function/);
    assert.throws(() => exact.fitActionValues(grid, pi, (s) => (s === 0 ? [1, 2] : [1])), /features\(\d+, \d\) has 1 entries; expected 2/);
    assert.throws(() => exact.fitActionValues(grid, pi, () => [1], { weight: () => -1 }), /weight\(0, 0\) is -1; expected a finite number >= 0/);
  });
});

describe("exact.gradientError", () => {
  test("angle and norms", () => {
    const g = [3, 4];
    assert.deepEqual(exact.gradientError([6, 8], g), { cosine: 1, angle: 0, errorNorm: 5, relativeError: 1, normRatio: 2 });
    const opposite = exact.gradientError([-3, -4], g);
    assert.equal(opposite.angle, 180);
    assert.equal(opposite.relativeError, 2);
    assert.ok(Math.abs(exact.gradientError([-4, 3], g).angle - 90) < 1e-12);
    const zero = exact.gradientError([0, 0], g);
    assert.ok(Number.isNaN(zero.angle) && zero.relativeError === 1 && zero.normRatio === 0);
    assert.throws(() => exact.gradientError([1, 2], [0, 0]), /the exact gradient is the zero vector/);
    assert.throws(() => exact.gradientError([1], g), /the estimate has 1 entries and the exact gradient 2/);
    assert.throws(() => exact.gradientError([1, Infinity], g), /estimate\[1\] is Infinity/);
  });
});
