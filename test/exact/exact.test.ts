import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GridWorld, ShortCorridor, make, randomMdp, shortCorridorMdp } from "../../src/envs/index";
import type { TabularMDP } from "../../src/envs/index";
import * as exact from "../../src/exact/index";
import { Rng } from "../../src/rng";

function randomTheta(mdp: TabularMDP, rng: Rng, scale = 1): number[][] {
  return Array.from({ length: mdp.nStates }, () => Array.from({ length: mdp.nActions }, () => scale * rng.normal()));
}

function maxAbs(m: number[][]): number {
  return Math.max(...m.flat().map(Math.abs));
}

/** max |g - fd| <= tol * max |g| (relative to the gradient's size). */
function assertGradientsAgree(mdp: TabularMDP, theta: number[][], label: string, tol = 1e-6) {
  const g = exact.policyGradient(mdp, theta);
  const fd = exact.finiteDifferenceGradient(mdp, theta);
  const err = Math.max(...g.flat().map((v, i) => Math.abs(v - fd.flat()[i])));
  const scale = Math.max(maxAbs(g), 1e-12);
  assert.ok(err <= tol * scale, `${label}: max |PGT - FD| = ${err}, relative ${err / scale}`);
}

describe("policy gradient theorem = finite differences (1e-6 relative)", () => {
  test("60 random MDPs: 30 discounted, 30 episodic with gamma = 1", () => {
    const rng = new Rng(2024);
    for (let i = 0; i < 30; i++) {
      const mdp = randomMdp({ nStates: 3 + (i % 8), nActions: 2 + (i % 3), branching: 2 + (i % 2), gamma: 0.5 + 0.45 * rng.random(), seed: i });
      assertGradientsAgree(mdp, randomTheta(mdp, rng), `discounted #${i}`);
    }
    for (let i = 0; i < 30; i++) {
      const mdp = randomMdp({ nStates: 4 + (i % 7), nActions: 2 + (i % 3), branching: 3, gamma: 1, terminalStates: 1 + (i % 2), seed: 100 + i });
      assertGradientsAgree(mdp, randomTheta(mdp, rng), `episodic #${i}`);
    }
  });
  test("GridWorld (with slip) and the short corridor", () => {
    const rng = new Rng(7);
    const grid = new GridWorld({ slip: 0.2 });
    assertGradientsAgree(grid, randomTheta(grid, rng, 0.5), "GridWorld");
    assertGradientsAgree(make("GridWorld-v0", { gamma: 1 }).toTabular(), randomTheta(grid, rng, 0.5), "GridWorld, gamma = 1");
    const sc = new ShortCorridor();
    assertGradientsAgree(sc, randomTheta(sc, rng), "short corridor");
  });
});

describe("values", () => {
  test("V^pi equals a seeded Monte Carlo estimate within 4 standard errors", () => {
    const env = new GridWorld({ slip: 0.1, gamma: 0.9 });
    const pi = exact.softmaxPolicy(randomTheta(env, new Rng(3), 0.5));
    const V = exact.stateValues(env, pi);
    const rng = new Rng(11);
    const n = 4000;
    const returns: number[] = [];
    env.reset({ seed: 5 });
    for (let i = 0; i < n; i++) {
      env.reset();
      let g = 0;
      let discount = 1;
      for (let t = 0; t < 400; t++) {
        const r = env.step(rng.categorical(pi[env.state]));
        g += discount * r.reward;
        discount *= env.gamma;
        if (r.terminated) break;
      }
      returns.push(g);
    }
    const mean = returns.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const start = env.stateOf(0, 0);
    assert.ok(Math.abs(mean - V[start]) < 4 * sd / Math.sqrt(n), `MC ${mean} vs exact ${V[start]} (se ${sd / Math.sqrt(n)})`);
  });

  test("Bellman identities: Q = R + gamma P V, V = sum pi Q, A sums to 0 under pi, J = sum visits r_pi", () => {
    const mdp = randomMdp({ nStates: 7, nActions: 3, seed: 9, gamma: 0.8 });
    const pi = exact.softmaxPolicy(randomTheta(mdp, new Rng(1)));
    const e = exact.evaluate(mdp, pi);
    for (let s = 0; s < 7; s++) {
      assert.ok(Math.abs(e.V[s] - pi[s].reduce((acc, p, a) => acc + p * e.Q[s][a], 0)) < 1e-10);
      assert.ok(Math.abs(pi[s].reduce((acc, p, a) => acc + p * e.A[s][a], 0)) < 1e-10);
    }
    const rPi = pi.map((row, s) => row.reduce((acc, p, a) => acc + p * mdp.rewards[s][a], 0));
    assert.ok(Math.abs(e.J - e.visits.reduce((acc, v, s) => acc + v * rPi[s], 0)) < 1e-10);
    assert.ok(Math.abs(e.visits.reduce((a, b) => a + b, 0) - 1 / (1 - 0.8)) < 1e-9, "without terminal states, total discounted visits = 1/(1 - gamma)");
    assert.ok(Math.abs(e.distribution.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.deepEqual(exact.actionValues(mdp, pi), e.Q);
    assert.deepEqual(exact.advantages(mdp, pi), e.A);
    assert.equal(exact.objective(mdp, pi), e.J);
  });
});

describe("short corridor", () => {
  test("the general solver gives the closed form J(p) = (2p - 4) / (p (1 - p))", () => {
    const sc = new ShortCorridor();
    for (const p of [0.05, 0.2, 0.5, exact.SHORT_CORRIDOR_P_STAR, 0.8, 0.95]) {
      const J = exact.objective(sc, exact.sharedPolicy(sc, [1 - p, p]));
      assert.ok(Math.abs(J - exact.shortCorridorJ(p)) < 1e-9 * Math.abs(J), `p = ${p}: ${J} vs ${exact.shortCorridorJ(p)}`);
    }
    assert.ok(Math.abs(exact.shortCorridorJ(0.05) - -82.105) < 1e-3);
    assert.ok(Math.abs(exact.shortCorridorJ(0.95) - -44.211) < 1e-3);
  });
  test("p* = 2 - sqrt(2) and J(p*) = -(6 + 4 sqrt(2)), symbolically with mathjs and numerically", () => {
    const sym = exact.shortCorridorSymbolic();
    assert.deepEqual(sym.coefficients, [4, -8, 2]);
    assert.ok(Math.abs(sym.pStar - (2 - Math.SQRT2)) < 1e-15);
    assert.ok(Math.abs(sym.JStar - -(6 + 4 * Math.SQRT2)) < 1e-12);
    assert.equal(sym.tex.numerator, "2\\cdot{ p}^{2}-8\\cdot p+4");
    assert.match(sym.tex.rational, /^\\frac\{2\\cdot\{ p\}\^\{2\}-8\\cdot p\+4\}\{.+\}$/);
    for (const t of Object.values(sym.tex)) assert.ok(!/[*^]\s*\(/.test(t) && !t.includes(" * "), `TeX, not mathjs syntax: ${t}`);
    // numerically: J is maximal at p* on a fine grid
    const grid = Array.from({ length: 999 }, (_, i) => (i + 1) / 1000);
    const best = grid.reduce((b, p) => (exact.shortCorridorJ(p) > exact.shortCorridorJ(b) ? p : b));
    assert.ok(Math.abs(best - exact.SHORT_CORRIDOR_P_STAR) < 1e-3);
  });
  test("deterministic policies never terminate: a clear error naming the states and suggesting gamma < 1", () => {
    const sc = new ShortCorridor();
    assert.throws(() => exact.objective(sc, exact.sharedPolicy(sc, [0, 1])), /state\(s\) 0, 1 never reach a terminal state.*gamma < 1/);
    assert.throws(() => exact.stateValues(sc, exact.sharedPolicy(sc, [1, 0])), /state\(s\) 0, 1, 2 never reach a terminal state/);
    const discounted = { ...shortCorridorMdp(), gamma: 0.9 };
    assert.ok(Number.isFinite(exact.objective(discounted, exact.sharedPolicy(discounted, [0, 1]))));
  });
});

describe("trajectory enumeration", () => {
  test("probabilities sum to 1 with the remainder, and sum rho R approaches J", () => {
    const sc = new ShortCorridor();
    const pi = exact.sharedPolicy(sc, [0.4, 0.6]);
    const J = exact.objective(sc, pi);
    let previousGap = Infinity;
    for (const horizon of [8, 16, 24]) {
      const e = exact.enumerateTrajectories(sc, pi, { horizon, maxTrajectories: 5e6 });
      const mass = e.trajectories.reduce((a, t) => a + t.probability, 0);
      assert.ok(Math.abs(mass + e.remainder - 1) < 1e-9, `horizon ${horizon}: mass ${mass} + remainder ${e.remainder}`);
      const gap = Math.abs(e.expectedReturn - J);
      assert.ok(gap < previousGap, "the gap shrinks as the horizon grows");
      previousGap = gap;
      for (const t of e.trajectories.slice(0, 50)) assert.equal(t.return, -t.actions.length);
    }
    const dist = exact.returnDistribution(sc, pi, { horizon: 10 });
    assert.ok(dist.returns.every((r, i) => i === 0 || r > dist.returns[i - 1]));
    assert.ok(Math.abs(dist.probabilities.reduce((a, b) => a + b, 0) + dist.remainder - 1) < 1e-12);
    assert.throws(() => exact.enumerateTrajectories(sc, pi, { horizon: 30, maxTrajectories: 100 }), /more than 100 trajectories within horizon 30/);
  });

  test("finished trajectories and unfinished prefixes give J and a zero total score exactly, at any horizon", () => {
    const grid = new GridWorld({ slip: 0.2, gamma: 0.9 });
    const theta = randomTheta(grid.toTabular(), new Rng(5), 0.5);
    const pi = exact.softmaxPolicy(theta);
    const V = exact.stateValues(grid, pi);
    const J = exact.objective(grid, pi);
    for (const horizon of [1, 2, 4]) {
      const e = exact.enumerateTrajectories(grid, pi, { horizon, keepUnfinished: true });
      const identity = e.expectedReturn + e.remainderReturn + e.horizonDiscount * e.remainderByState.reduce((a, p, s) => a + p * V[s], 0);
      assert.ok(Math.abs(identity - J) < 1e-10, `horizon ${horizon}: ${identity} vs J = ${J}`);
      assert.ok(e.remainder > 0.01, "the identity is checked where the tail matters");
      assert.ok(Math.abs(e.remainderByState.reduce((a, b) => a + b, 0) - e.remainder) < 1e-12);
      const unfinished = e.unfinished ?? [];
      assert.ok(Math.abs(unfinished.reduce((a, t) => a + t.probability, 0) - e.remainder) < 1e-12);
      assert.ok(unfinished.every((t) => t.actions.length === horizon));
      // sum over the partition of rho * d log rho / d theta[s][a] = sum rho (1[s_t = s](1[a_t = a] - pi(a|s))) = 0
      let worst = 0;
      for (let s = 0; s < pi.length; s++) {
        for (let a = 0; a < pi[s].length; a++) {
          let total = 0;
          for (const t of [...e.trajectories, ...unfinished]) {
            let score = 0;
            t.actions.forEach((b, k) => {
              if (t.states[k] === s) score += (b === a ? 1 : 0) - pi[s][a];
            });
            total += t.probability * score;
          }
          worst = Math.max(worst, Math.abs(total));
        }
      }
      assert.ok(worst < 1e-12, `horizon ${horizon}: largest |sum rho grad log rho| = ${worst}`);
    }
    assert.equal(exact.enumerateTrajectories(grid, pi, { horizon: 2 }).unfinished, undefined);
  });
});

describe("bad input", () => {
  const good = () => shortCorridorMdp();
  const uniform = [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]];
  test("models: rows not summing to 1, negative probabilities, wrong shapes, gamma outside [0, 1]", () => {
    const m1 = good();
    m1.transitions[2][1] = [0, 0.5, 0, 0.5 + 2e-9];
    assert.throws(() => exact.objective(m1, uniform), /P\[s=2\]\[a=1\]\[\.\] sum to 1.000000002/);
    const m2 = good();
    m2.transitions[0][0] = [1.2, -0.2, 0, 0];
    assert.throws(() => exact.objective(m2, uniform), /P\[s=0\]\[a=0\]\[s'=0\] is 1.2/);
    const m3 = good();
    m3.transitions[1] = [[0, 0, 1, 0]];
    assert.throws(() => exact.stateValues(m3, uniform), /transitions\[1\] must have nActions = 2 rows; received 1/);
    assert.throws(() => exact.objective({ ...good(), gamma: -0.1 }, uniform), /gamma must be in \[0, 1\]; received -0.1/);
  });
  test("policies: rows not summing to 1, wrong shapes, bad logits", () => {
    assert.throws(() => exact.objective(good(), [[0.5, 0.5], [0.5, 0.25], [0.5, 0.5], [0.5, 0.5]]), /pi\(\.\|s=1\) sums to 0.75;/);
    assert.throws(() => exact.objective(good(), [[0.5, 0.5]]), /nStates = 4 rows/);
    assert.throws(() => exact.objective(good(), [[1.5, -0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), /pi\(a=0\|s=0\) is 1.5/);
    assert.throws(() => exact.policyGradient(good(), [[0, 0], [0, 0], [0, 0]]), /theta must have nStates = 4 rows/);
    assert.throws(() => exact.policyGradient(good(), [[0, NaN], [0, 0], [0, 0], [0, 0]]), /logit theta\[0\]\[1\] is NaN/);
    assert.throws(() => exact.finiteDifferenceGradient(good(), [[0, 0], [0, 0], [0, 0], [0, 0]], -1), /eps must be a positive number/);
  });
  test("accepts environments: wrapped (toTabular) and unwrapped (the env is its own model)", () => {
    const theta = [[0, 0], [0, 0], [0, 0], [0, 0]];
    assert.deepEqual(exact.policyGradient(make("ShortCorridor-v0"), theta), exact.policyGradient(shortCorridorMdp(), theta));
    const grid = make("GridWorld-v0");
    assert.equal(exact.objective(grid, exact.softmaxPolicy(grid.toTabular().transitions.map(() => [0, 0, 0, 0]))), exact.objective(new GridWorld(), exact.softmaxPolicy(new GridWorld().transitions.map(() => [0, 0, 0, 0]))));
  });
});

test("the LU solver: A x = b and A^T y = c on a random system", () => {
  const rng = new Rng(4);
  const n = 12;
  const a = Float64Array.from({ length: n * n }, (_, i) => rng.normal() + (i % (n + 1) === 0 ? 5 : 0));
  const b = Array.from({ length: n }, () => rng.normal());
  const lu = new exact.LU(a, n);
  const x = lu.solve(b);
  const y = lu.solveTransposed(b);
  for (let i = 0; i < n; i++) {
    let ax = 0;
    let aty = 0;
    for (let j = 0; j < n; j++) {
      ax += a[i * n + j] * x[j];
      aty += a[j * n + i] * y[j];
    }
    assert.ok(Math.abs(ax - b[i]) < 1e-10 && Math.abs(aty - b[i]) < 1e-10);
  }
  assert.throws(() => new exact.LU(new Float64Array(4), 2), exact.SingularMatrixError);
});
