/**
 * Every psi_t estimator against the exact gradient of src/exact: unbiased ones have their sample mean
 * within 4 standard errors of it; baselines lower the variance; a wrong critic biases the TD error.
 * Seeded and deterministic.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConstantBaseline, MovingAverageBaseline, batchMeanBaseline, williamsOptimalBaseline } from "../../src/baselines/index";
import { GridWorld, ShortCorridor, TabularEnv, randomMdp } from "../../src/envs/index";
import type { Episode } from "../../src/envs/index";
import { A2C_ADVANTAGES, ACTOR_CRITIC_PSI, REINFORCE_PSI } from "../../src/algorithms/index";
import { discountWeighted, estimateGradient, rewardToGo, totalReturn, trajectoryGradient } from "../../src/estimators/index";
import { type Batch, episodesOf, nextValuesOf, sampleBatch, sampleEpisodes } from "../../src/rollout/index";
import * as exact from "../../src/exact/index";
import { TabularSoftmax } from "../../src/policies/index";
import { Rng } from "../../src/rng";
import { assertUnbiased, assertVarianceNotHigher, exactGradientFlat, expectedTdGradient, meanAndSe } from "./helpers";

type Ep = Episode<number, number>;

interface Problem {
  name: string;
  env: TabularEnv;
  theta: number[][];
  policy: TabularSoftmax;
  /** the batch the algorithms' collector gives (whole episodes end to end) */
  batch: Batch;
  episodes: Ep[];
  /** an independent batch, for baselines estimated from data */
  pilot: Ep[];
  exactGrad: Float64Array;
}

function problem(name: string, env: TabularEnv, thetaScale: number, m: number, seed: number): Problem {
  const rng = new Rng(seed);
  const theta = env.transitions.map(() => Array.from({ length: env.nActions }, () => thetaScale * rng.normal()));
  const policy = new TabularSoftmax({ nStates: env.nStates, nActions: env.nActions, theta });
  const batch = sampleBatch(env, policy, { episodes: m, seed, maxSteps: 400, gamma: env.gamma });
  return {
    name,
    env,
    theta,
    policy,
    batch,
    episodes: episodesOf(batch, { observations: true, actions: true }) as Ep[],
    pilot: sampleEpisodes(env, policy, { episodes: m, seed: seed + 1, maxSteps: 400 }),
    exactGrad: exactGradientFlat(env, theta),
  };
}

/** A random MDP whose rewards are shifted by -1 per step (a cost per step, so returns are far from 0). */
function shifted(env: TabularEnv): TabularEnv {
  return new TabularEnv(env.name, { ...env.toTabular(), rewards: env.rewards.map((row, s) => row.map((r) => (env.terminal[s] ? 0 : r - 1))) });
}

const problems: Problem[] = [
  problem("GridWorld (slip 0.1, gamma 0.9)", new GridWorld({ slip: 0.1, gamma: 0.9 }), 0.5, 10000, 1),
  problem("random MDP (episodic, gamma 1)", shifted(randomMdp({ nStates: 6, nActions: 3, branching: 3, terminalStates: 2, gamma: 1, seed: 3 })), 1, 3000, 2),
  problem("random MDP (discounted, gamma 0.8)", shifted(randomMdp({ nStates: 5, nActions: 2, branching: 3, gamma: 0.8, seed: 4 })), 1, 3000, 3),
];

/** psi_t = gamma^t x_t */
const weighted = (p: Problem, x: ArrayLike<number>) => discountWeighted(x, p.env.gamma);

describe("R(tau) and reward-to-go against the exact gradient (the algorithms' batches and estimators)", () => {
  for (const p of problems) {
    test(p.name, () => {
      // REINFORCE's built-in psi: the library's totalReturn and rewardToGo, on the collector's batch
      const total = estimateGradient(p.policy as never, p.batch, REINFORCE_PSI.total);
      const togo = estimateGradient(p.policy as never, p.batch, discountWeighted(REINFORCE_PSI.rewardToGo(p.batch), p.batch));
      assertUnbiased(total.samples, p.exactGrad, `${p.name}, psi = R(tau)`);
      assertUnbiased(togo.samples, p.exactGrad, `${p.name}, psi = gamma^t R_t`);
      assert.ok(meanAndSe(togo.samples).totalVariance < meanAndSe(total.samples).totalVariance, "reward-to-go has lower variance than R(tau)");
      // the batch path and the per-episode path give the same samples
      const perEpisode = estimateGradient(p.policy, p.episodes, (ep) => new Float64Array(ep.actions.length).fill(totalReturn(ep.rewards, p.env.gamma)));
      perEpisode.samples.forEach((x, i) => x.forEach((v, j) => assert.ok(Math.abs(v - total.samples[i][j]) < 1e-9)));
    });
  }

  test("short corridor: one shared parameter vector for states that look alike", () => {
    const env = new ShortCorridor();
    const theta = [0, 0.3];
    const policy = new TabularSoftmax({ nStates: 1, nActions: 2, theta: [theta] });
    const episodes = sampleEpisodes(env, policy, { episodes: 4000, seed: 7 });
    // chain rule: the shared gradient is the sum of the per-state exact gradients at theta_s = theta
    const perState = exact.policyGradient(env, [theta, theta, theta, theta]);
    const shared = [0, 1].map((b) => perState.reduce((acc, row) => acc + row[b], 0));
    const total = estimateGradient(policy, episodes, (ep) => new Float64Array(ep.actions.length).fill(totalReturn(ep.rewards)));
    const togo = estimateGradient(policy, episodes, (ep) => rewardToGo(ep.rewards));
    assertUnbiased(total.samples, shared, "short corridor, R(tau)");
    assertUnbiased(togo.samples, shared, "short corridor, R_t");
    assert.ok(meanAndSe(togo.samples).totalVariance < meanAndSe(total.samples).totalVariance);
  });
});

describe("baselines keep the mean and lower the variance", () => {
  for (const p of problems) {
    test(p.name, () => {
      const g = p.env.gamma;
      const R = (ep: Ep) => totalReturn(ep.rewards, g);
      const fill = (ep: Ep, v: number) => new Float64Array(ep.actions.length).fill(v);
      const none = estimateGradient(p.policy, p.episodes, (ep) => fill(ep, R(ep)));
      // a constant a user would try: the pilot batch's mean return, rounded
      const constant = new ConstantBaseline(Math.round(batchMeanBaseline(p.pilot.map(R))));
      const withConstant = estimateGradient(p.policy, p.episodes, (ep) => fill(ep, R(ep) - constant.value()));
      const moving = new MovingAverageBaseline({ alpha: 0.05, initial: batchMeanBaseline(p.pilot.map(R)) });
      // b is computed from earlier trajectories only, then updated: it never depends on the current one
      const withMoving = estimateGradient(p.policy, p.episodes, (ep) => {
        const psi = fill(ep, R(ep) - moving.value());
        moving.update(R(ep));
        return psi;
      });
      const bMean = batchMeanBaseline(p.pilot.map(R));
      const withBatchMean = estimateGradient(p.policy, p.episodes, (ep) => fill(ep, R(ep) - bMean));
      // Williams' optimal baseline, one per parameter, estimated on the independent pilot batch
      const pilotScores = p.pilot.map((ep) => trajectoryGradient(p.policy, ep, fill(ep, 1)));
      const bK = williamsOptimalBaseline(pilotScores, p.pilot.map(R));
      const williams = p.episodes.map((ep) => {
        const G = trajectoryGradient(p.policy, ep, fill(ep, 1));
        return G.map((gk, k) => gk * (R(ep) - bK[k]));
      });
      // the exact state value as a baseline, with reward-to-go
      const V = exact.stateValues(p.env, exact.softmaxPolicy(p.theta));
      const withV = estimateGradient(p.policy, p.episodes, (ep) => {
        const Rt = rewardToGo(ep.rewards, g);
        return weighted(p, Rt.map((r, t) => r - V[ep.observations[t]]));
      });
      const variants: [string, Float64Array[]][] = [
        ["constant (rounded guess)", withConstant.samples],
        ["moving average", withMoving.samples],
        ["batch mean", withBatchMean.samples],
        ["Williams optimal", williams],
        ["exact V(s_t)", withV.samples],
      ];
      const base = meanAndSe(none.samples).totalVariance;
      const variances: Record<string, number> = {};
      for (const [name, samples] of variants) {
        assertUnbiased(samples, p.exactGrad, `${p.name}, baseline ${name}`);
        variances[name] = meanAndSe(samples).totalVariance;
        assert.ok(variances[name] < base, `${p.name}, ${name}: variance ${variances[name]} not below ${base} (no baseline)`);
      }
      // Williams' baseline is the optimal constant (per parameter): no constant tried does better
      const samplesOf = Object.fromEntries(variants);
      for (const name of ["constant (rounded guess)", "moving average", "batch mean"]) {
        assertVarianceNotHigher(williams, samplesOf[name], `${p.name}: Williams vs ${name}`);
      }
      assert.ok(variances["exact V(s_t)"] < variances["Williams optimal"], `exact V ${variances["exact V(s_t)"]} vs Williams ${variances["Williams optimal"]}`);
    });
  }
});

describe("critic-based psi (the algorithms' estimators on the collector's batches)", () => {
  for (const p of problems) {
    test(`${p.name}: exact Q and A are unbiased; the TD error and GAE are unbiased with the exact V and biased with a wrong one`, () => {
      const pi = exact.softmaxPolicy(p.theta);
      const e = exact.evaluate(p.env, pi);
      const b = p.batch;
      const vOf = (V: number[]) => (obs: Float32Array, n: number) => Float64Array.from({ length: n }, (_, i) => V[obs[i]]);
      const withCritic = (V: number[]) => {
        const values = vOf(V)(b.observations, b.rows);
        return { ...b, values, nextValues: nextValuesOf(b, values, vOf(V)), q: Float64Array.from({ length: b.rows }, (_, k) => e.Q[b.observations[k]][b.actions[k]]), lambda: 0.7 };
      };
      const exactCritic = withCritic(e.V);
      const weighted = (psi: ArrayLike<number>) => discountWeighted(psi, b);
      const est = (psi: ArrayLike<number>) => estimateGradient(p.policy as never, b, weighted(psi)).samples;
      // the actor-critic's psi (Q; A = Q - V with V the exact state value) and A2C's (TD error, GAE)
      assertUnbiased(est(ACTOR_CRITIC_PSI.q(exactCritic)), p.exactGrad, `${p.name}, psi = Q`);
      assertUnbiased(est(ACTOR_CRITIC_PSI.advantage(exactCritic)), p.exactGrad, `${p.name}, psi = A`);
      assertUnbiased(est(A2C_ADVANTAGES.td(exactCritic)), p.exactGrad, `${p.name}, psi = delta (exact V)`);
      assertUnbiased(est(A2C_ADVANTAGES.gae(exactCritic)), p.exactGrad, `${p.name}, psi = GAE(0.7) (exact V)`);
      const wrongV = e.V.map((v, s) => v + (s % 2 === 0 ? 3 : -2));
      const withWrong = est(A2C_ADVANTAGES.td(withCritic(wrongV)));
      const expected = expectedTdGradient(p.env, p.theta, wrongV);
      assertUnbiased(withWrong, expected, `${p.name}, psi = delta (wrong V) around its exact expectation`);
      const bias = expected.map((x, j) => x - p.exactGrad[j]);
      const { se } = meanAndSe(withWrong);
      const worst = Math.max(...bias.map((x, j) => Math.abs(x) / Math.max(se[j], 1e-12)));
      assert.ok(worst > 8, `the bias of a wrong critic is measurable: largest |bias| / se = ${worst}`);
    });
  }
});
