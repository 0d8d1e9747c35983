/**
 * The graded exercises: for each, the function a student writes (its name is the check's name), its
 * point value, the inputs it is checked on (a few fixed ones a human can follow, then seeded random
 * ones), the reference answer from the library, and the typical mistakes a failure is compared with,
 * so that a verdict can name the symptom ("each reward discounted by its own step", "lambda and gamma
 * swapped") rather than only say "wrong".
 *
 * Adding an exercise: add an entry here, mark the solution in a notebook (`// BEGIN SOLUTION` ...
 * `// END SOLUTION`) and call `pg.grading.check.NAME(NAME)` in a cell after it (README, "For teachers").
 */
import { Rng } from "../rng";
import { standardError } from "../stats";
import { discountedReturns, gae, nStepAdvantages, rewardToGo, tdErrors, totalReturn } from "../estimators/returns";
import { MovingAverageBaseline, timeDependentBaseline, williamsOptimalBaseline } from "../baselines/index";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Args = any[];

export interface Mistake {
  /** The symptom, as the verdict names it. */
  symptom: string;
  /** What the function returns with this mistake (compared with what the student's returned). */
  wrong: (...args: Args) => unknown;
}

export interface Exercise {
  /** The function the student writes; also the check's name: `pg.grading.check[name]`. */
  name: string;
  /** The call, typed, as the student version shows it. */
  signature: string;
  /** One line: what the function computes. */
  task: string;
  points: number;
  /** Names of the arguments, for printing an input. */
  args: string[];
  /** Argument lists: a few fixed inputs, then random ones drawn from `seed`. */
  cases: (seed: number) => Args[];
  reference: (...args: Args) => unknown;
  /**
   * The library's own implementations of the function (its path in `pg`, and the module of the library
   * that defines it): while the exercise is graded they throw, so that calling them earns nothing.
   */
  counterparts?: { pg: string; module: string }[];
  /** Relative tolerance (of max(1, |expected|)). */
  tolerance: number;
  mistakes: Mistake[];
  /** Said when a failure matches none of the mistakes. */
  hint: string;
}

const RANDOM_CASES = 12;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const randomRewards = (rng: Rng, n: number) => Array.from({ length: n }, () => round(rng.normal(0, 2)));
const randomCases = (seed: number, make: (rng: Rng, i: number) => Args): Args[] => {
  const rng = new Rng(seed);
  return Array.from({ length: RANDOM_CASES }, (_, i) => make(rng.stream(i), i));
};
const gammaOf = (rng: Rng) => [0.5, 0.9, 0.99, 0.7][rng.integer(0, 4)];
const arr = (x: ArrayLike<number>) => Array.from(x);
const softmax = (logits: number[]) => {
  const m = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};
const discounted = (rewards: number[], gamma: number) => rewards.reduce((acc, r, t) => acc + gamma ** t * r, 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** sum_t w_t * scores[t] */
const weightedScores = (scores: number[][], w: ArrayLike<number>) => scores[0].map((_, k) => scores.reduce((acc, g, t) => acc + g[k] * w[t], 0));
const randomScores = (rng: Rng, T: number, k: number) => Array.from({ length: T }, () => Array.from({ length: k }, () => round(rng.normal(), 3)));

export const EXERCISES: Record<string, Exercise> = {};
function define(e: Exercise): void {
  EXERCISES[e.name] = e;
}

// ---- 00-setup: the notation (equation 3) and the standard error behind every check
define({
  name: "discountedReturn",
  signature: "discountedReturn(rewards: number[], gamma: number): number",
  task: "the discounted return R(tau) = sum_t gamma^t r_{t+1} of one episode (rewards[t] is r_{t+1})",
  points: 2,
  args: ["rewards", "gamma"],
  cases: (seed) => [[[1, 1, 1], 0.9], [[0, 0, 10], 0.5], [[], 0.9], [[5], 0.99], ...randomCases(seed, (r) => [randomRewards(r, r.integer(1, 15)), gammaOf(r)])],
  reference: (rewards: number[], gamma: number) => totalReturn(rewards, gamma),
  counterparts: [{ pg: "totalReturn", module: "estimators/returns" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "the discount starts one step late: the first reward is multiplied by gamma instead of gamma^0 = 1", wrong: (r: number[], g: number) => g * discounted(r, g) },
    { symptom: "gamma is ignored: the rewards are summed without discounting", wrong: (r: number[]) => r.reduce((a, b) => a + b, 0) },
    { symptom: "the discounts are reversed: the last reward gets gamma^0 and the first gamma^(T-1)", wrong: (r: number[], g: number) => discounted(r.slice().reverse(), g) },
  ],
  hint: "R(tau) = r_1 + gamma r_2 + gamma^2 r_3 + ...: rewards[0] is not discounted; an empty episode has return 0.",
});

define({
  name: "standardError",
  signature: "standardError(xs: number[]): number",
  task: "the standard error of the mean of xs, s / sqrt(n), with the sample variance s^2 = sum (x - mean)^2 / (n - 1)",
  points: 2,
  args: ["xs"],
  cases: (seed) => [[[1, 2, 3, 4]], [[0, 10]], [[5, 5, 5]], ...randomCases(seed, (r) => [randomRewards(r, r.integer(2, 30)).map((x) => x + 3)])],
  reference: (xs: number[]) => standardError(xs),
  counterparts: [{ pg: "standardError", module: "stats" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "the variance divides by n instead of n - 1 (the biased sample variance)", wrong: (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / xs.length / xs.length) },
    { symptom: "this is the standard deviation s, not divided by sqrt(n)", wrong: (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)) },
    { symptom: "this is the variance of the mean, s^2 / n: the square root is missing", wrong: (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length },
  ],
  hint: "mean m = sum x / n; s^2 = sum (x - m)^2 / (n - 1); standard error = s / sqrt(n).",
});

// ---- 01-policy-search: the policy, the probability of a trajectory, the Monte Carlo estimate of J
define({
  name: "softmaxPolicy",
  signature: "softmaxPolicy(logits: number[]): number[]",
  task: "the softmax probabilities pi(a) = exp(theta_a) / sum_b exp(theta_b), without overflow for large logits",
  points: 2,
  args: ["logits"],
  cases: (seed) => [[[0, 0]], [[0, Math.log(3)]], [[1, 2, 3]], [[1000, 999]], [[-1000, -1001, -1002]], ...randomCases(seed, (r) => [Array.from({ length: r.integer(2, 6) }, () => round(r.normal(0, 3)))])],
  reference: (logits: number[]) => softmax(logits),
  counterparts: [{ pg: "exact.softmaxPolicy", module: "exact/solve" }],
  tolerance: 1e-9,
  mistakes: [
    {
      symptom: "overflow: exp of a large logit is Infinity (or underflows to 0), giving NaN; subtract the largest logit before exponentiating",
      wrong: (l: number[]) => { const e = l.map(Math.exp); const z = e.reduce((a, b) => a + b, 0); return e.map((x) => x / z); },
    },
    { symptom: "the exponentials are not normalised (they do not sum to 1)", wrong: (l: number[]) => l.map(Math.exp) },
    { symptom: "the logits are normalised without exponentiating", wrong: (l: number[]) => { const z = l.reduce((a, b) => a + b, 0); return l.map((x) => x / z); } },
  ],
  hint: "subtract max(logits) from every logit, exponentiate, divide by the sum; the result sums to 1.",
});

define({
  name: "trajectoryProbability",
  signature: "trajectoryProbability(p0: number[], policy: number[][], transitions: number[][][], states: number[], actions: number[]): number",
  task: "rho(tau) = p0(s_0) prod_t pi(a_t | s_t) p(s_{t+1} | s_t, a_t) for states s_0..s_T and actions a_0..a_{T-1} (policy[s][a], transitions[s][a][s'])",
  points: 2,
  args: ["p0", "policy", "transitions", "states", "actions"],
  cases: (seed) => {
    const mdp = (r: Rng, nS: number, nA: number) => {
      const dist = (n: number) => { const w = Array.from({ length: n }, () => round(0.1 + r.uniform(), 3)); const z = w.reduce((a, b) => a + b, 0); return w.map((x) => x / z); };
      const p0 = dist(nS);
      const policy = Array.from({ length: nS }, () => dist(nA));
      const transitions = Array.from({ length: nS }, () => Array.from({ length: nA }, () => dist(nS)));
      const T = r.integer(1, 6);
      const states = [r.integer(0, nS)];
      const actions: number[] = [];
      for (let t = 0; t < T; t++) { actions.push(r.integer(0, nA)); states.push(r.integer(0, nS)); }
      return [p0, policy, transitions, states, actions];
    };
    return [
      [[1, 0], [[0.5, 0.5], [0.2, 0.8]], [[[0, 1], [1, 0]], [[0.5, 0.5], [0, 1]]], [0, 1, 1], [0, 1]],
      [[0.25, 0.75], [[1, 0], [0.5, 0.5]], [[[0.5, 0.5], [1, 0]], [[0, 1], [0, 1]]], [1], []],
      ...randomCases(seed, (r) => mdp(r, r.integer(2, 5), r.integer(2, 4))),
    ];
  },
  reference: (p0: number[], policy: number[][], P: number[][][], s: number[], a: number[]) => a.reduce((acc, at, t) => acc * policy[s[t]][at] * P[s[t]][at][s[t + 1]], p0[s[0]]),
  tolerance: 1e-9,
  mistakes: [
    { symptom: "the dynamics p(s_{t+1} | s_t, a_t) are missing: this is only p0(s_0) times the policy's probabilities", wrong: (p0: number[], policy: number[][], _P: number[][][], s: number[], a: number[]) => a.reduce((acc, at, t) => acc * policy[s[t]][at], p0[s[0]]) },
    { symptom: "the initial probability p0(s_0) is missing", wrong: (_p0: number[], policy: number[][], P: number[][][], s: number[], a: number[]) => a.reduce((acc, at, t) => acc * policy[s[t]][at] * P[s[t]][at][s[t + 1]], 1) },
  ],
  hint: "start from p0[states[0]] and multiply, for each t, policy[states[t]][actions[t]] * transitions[states[t]][actions[t]][states[t + 1]].",
});

define({
  name: "monteCarloJ",
  signature: "monteCarloJ(episodes: number[][], gamma: number): number",
  task: "the Monte Carlo estimate of J, the mean over the sampled episodes of their discounted returns R(tau_i) (episodes[i] holds episode i's rewards)",
  points: 2,
  args: ["episodes", "gamma"],
  cases: (seed) => [[[[1, 1], [1, 1, 1, 1]], 1], [[[-1, -1, -1], [-1]], 0.5], ...randomCases(seed, (r) => [Array.from({ length: r.integer(1, 8) }, () => randomRewards(r, r.integer(1, 10))), gammaOf(r)])],
  reference: (episodes: number[][], gamma: number) => mean(episodes.map((e) => totalReturn(e, gamma))),
  tolerance: 1e-9,
  mistakes: [
    { symptom: "this averages over all rewards of all steps instead of summing each episode's rewards and averaging over episodes", wrong: (eps: number[][]) => mean(eps.flat()) },
    { symptom: "the returns are summed over episodes, not averaged (divide by the number of episodes M)", wrong: (eps: number[][], g: number) => eps.reduce((a, e) => a + discounted(e, g), 0) },
    { symptom: "gamma is ignored: the returns are not discounted", wrong: (eps: number[][]) => mean(eps.map((e) => e.reduce((a, b) => a + b, 0))) },
  ],
  hint: "J_M = (1/M) sum_i R(tau_i), with R(tau_i) = sum_t gamma^t r_{t+1} of episode i.",
});

// ---- 02-reinforce: the score of a tabular softmax, the reward-to-go, the REINFORCE estimate
define({
  name: "softmaxScore",
  signature: "softmaxScore(logits: number[], action: number): number[]",
  task: "the score grad_theta log pi(a | s) of a softmax over the logits theta of one state: e_a - pi",
  points: 2,
  args: ["logits", "action"],
  cases: (seed) => [[[0, 0], 1], [[0, Math.log(3)], 0], [[1, 2, 3], 2], [[500, 499], 1], ...randomCases(seed, (r) => { const n = r.integer(2, 6); return [Array.from({ length: n }, () => round(r.normal(0, 2))), r.integer(0, n)]; })],
  reference: (logits: number[], a: number) => softmax(logits).map((p, b) => (b === a ? 1 : 0) - p),
  tolerance: 1e-9,
  mistakes: [
    { symptom: "the sign is flipped: pi - e_a instead of e_a - pi (gradient ascent would then descend)", wrong: (l: number[], a: number) => softmax(l).map((p, b) => p - (b === a ? 1 : 0)) },
    { symptom: "this is e_a alone: the normaliser's derivative, - pi, is missing", wrong: (l: number[], a: number) => l.map((_, b) => (b === a ? 1 : 0)) },
    { symptom: "this is (e_a - pi) pi(a), the gradient of pi(a | s), not of log pi(a | s)", wrong: (l: number[], a: number) => { const p = softmax(l); return p.map((q, b) => ((b === a ? 1 : 0) - q) * p[a]); } },
    { symptom: "these are the probabilities pi, not the score", wrong: (l: number[]) => softmax(l) },
  ],
  hint: "log pi(a) = theta_a - log sum_b exp(theta_b), so its derivative in theta_b is [b = a] - pi(b).",
});

define({
  name: "rewardToGo",
  signature: "rewardToGo(rewards: number[], gamma: number): number[]",
  task: "the reward-to-go R_t = sum_{k >= t} gamma^(k - t) r_{k+1} for every step t (rewards[t] is r_{t+1})",
  points: 2,
  args: ["rewards", "gamma"],
  cases: (seed) => [[[1, 1, 1], 0.9], [[1, 2, 3], 0.5], [[0, 0, 10], 1], [[7], 0.9], [[], 0.9], ...randomCases(seed, (r) => [randomRewards(r, r.integer(2, 15)), gammaOf(r)])],
  reference: (rewards: number[], gamma: number) => arr(rewardToGo(rewards, gamma)),
  counterparts: [{ pg: "rewardToGo", module: "estimators/returns" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "each reward is discounted by its own step, gamma^t r_{t+1}: this is a term of the discounted return, not the reward-to-go (which sums all the rewards from t on)", wrong: (r: number[], g: number) => r.map((x, t) => g ** t * x) },
    { symptom: "the discount is counted from the start of the episode: this is gamma^t R_t, not R_t (the exponent must be k - t)", wrong: (r: number[], g: number) => arr(rewardToGo(r, g)).map((x, t) => g ** t * x) },
    { symptom: "R_t starts one reward late: r_{t+1}, the reward right after a_t, is missing", wrong: (r: number[], g: number) => arr(rewardToGo(r, g)).map((x, t) => (x - r[t]) / g) },
    { symptom: "the sums run backwards: R_t sums the rewards before step t instead of from t on", wrong: (r: number[], g: number) => r.map((_, t) => r.slice(0, t + 1).reduceRight((acc, x, k) => acc + g ** (t - k) * x, 0)) },
    { symptom: "every step gets the whole return R(tau): the rewards before step t must be left out (causality)", wrong: (r: number[], g: number) => r.map(() => discounted(r, g)) },
  ],
  hint: "compute it backwards: R_{T-1} = r_T, then R_t = r_{t+1} + gamma R_{t+1}; one value per reward.",
});

define({
  name: "reinforceGradient",
  signature: "reinforceGradient(scores: number[][], rewards: number[], gamma: number): number[]",
  task: "the single-trajectory REINFORCE estimate with causality, sum_t grad log pi(a_t | s_t) gamma^t R_t (scores[t] is grad log pi(a_t | s_t)), equation (6)",
  points: 3,
  args: ["scores", "rewards", "gamma"],
  cases: (seed) => [[[[1, -1], [-0.5, 0.5]], [1, 2], 1], [[[0.2, -0.2], [-0.7, 0.7], [0.4, -0.4]], [0, 0, 1], 0.9], ...randomCases(seed, (r) => { const T = r.integer(1, 10); return [randomScores(r, T, r.integer(1, 5)), randomRewards(r, T), gammaOf(r)]; })],
  reference: (scores: number[][], rewards: number[], gamma: number) => weightedScores(scores, arr(rewardToGo(rewards, gamma)).map((x, t) => gamma ** t * x)),
  tolerance: 1e-9,
  mistakes: [
    { symptom: "the factor gamma^t is missing: sum_t score_t R_t is not the gradient of J when gamma < 1", wrong: (s: number[][], r: number[], g: number) => weightedScores(s, rewardToGo(r, g)) },
    { symptom: "every score is weighted by the whole return R(tau): equation (5), not the reward-to-go of equation (6)", wrong: (s: number[][], r: number[], g: number) => weightedScores(s, r.map(() => discounted(r, g))) },
    { symptom: "each score is weighted by its own reward gamma^t r_{t+1} only, not by the reward-to-go", wrong: (s: number[][], r: number[], g: number) => weightedScores(s, r.map((x, t) => g ** t * x)) },
  ],
  hint: "weight score t by gamma^t R_t (R_t computed backwards) and sum over t, component by component.",
});

// ---- 03-baselines: the moving average, Williams' optimal baseline, the time-dependent baseline
define({
  name: "movingAverageBaseline",
  signature: "movingAverageBaseline(returns: number[], alpha: number, initial: number): number[]",
  task: "the baseline b_i that trajectory i's return is compared with: b_0 = initial, then b_{i+1} = alpha R_i + (1 - alpha) b_i, equation (3)",
  points: 2,
  args: ["returns", "alpha", "initial"],
  cases: (seed) => [[[10, 20, 30], 0.5, 0], [[1, 1, 1, 1], 0.1, 1], ...randomCases(seed, (r) => [randomRewards(r, r.integer(2, 12)).map((x) => 5 * x), [0.05, 0.1, 0.3, 0.5][r.integer(0, 4)], round(r.normal(0, 5))])],
  reference: (returns: number[], alpha: number, initial: number) => arr(new MovingAverageBaseline({ alpha, initial }).sequence(returns)),
  counterparts: [{ pg: "MovingAverageBaseline", module: "baselines/index" }],
  tolerance: 1e-9,
  mistakes: [
    {
      symptom: "the baseline is updated before it is used, so b_i already contains R_i: it depends on trajectory i's own actions, which biases the gradient (use b_i, then update)",
      wrong: (R: number[], a: number, b0: number) => { let b = b0; return R.map((x) => (b = a * x + (1 - a) * b)); },
    },
    { symptom: "alpha and 1 - alpha are swapped: the new return gets weight 1 - alpha", wrong: (R: number[], a: number, b0: number) => { let b = b0; return R.map((x) => { const out = b; b = (1 - a) * x + a * b; return out; }); } },
    { symptom: "this is the running mean of all returns so far, not the exponential moving average with step alpha", wrong: (R: number[], _a: number, b0: number) => R.map((_, i) => (i === 0 ? b0 : mean(R.slice(0, i)))) },
  ],
  hint: "for each i: first record b (the baseline for R_i), then b = alpha * R_i + (1 - alpha) * b.",
});

define({
  name: "williamsBaseline",
  signature: "williamsBaseline(scores: number[][], returns: number[]): number[]",
  task: "Williams' optimal baseline per parameter, b_k = sum_i g_ik^2 R_i / sum_i g_ik^2, from the trajectories' total scores g_i (scores[i][k]) and returns R_i, equation (4)",
  points: 2,
  args: ["scores", "returns"],
  cases: (seed) => [[[[1, -1], [2, -2]], [10, 40]], [[[1, 0.5], [-1, 1], [0.5, 2]], [-3, -5, -9]], ...randomCases(seed, (r) => { const n = r.integer(2, 12); return [randomScores(r, n, r.integer(1, 5)).map((g) => g.map((x) => (x === 0 ? 0.5 : x))), randomRewards(r, n).map((x) => 10 * x)]; })],
  reference: (scores: number[][], returns: number[]) => arr(williamsOptimalBaseline(scores, returns)),
  counterparts: [{ pg: "williamsOptimalBaseline", module: "baselines/index" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "this is the plain mean return: the weights g_ik^2 are missing", wrong: (s: number[][], R: number[]) => s[0].map(() => mean(R)) },
    { symptom: "the returns are weighted by g_ik, not by its square g_ik^2", wrong: (s: number[][], R: number[]) => s[0].map((_, k) => s.reduce((a, g, i) => a + g[k] * R[i], 0) / s.reduce((a, g) => a + g[k], 0)) },
    { symptom: "the weights are |g_ik|, not g_ik^2", wrong: (s: number[][], R: number[]) => s[0].map((_, k) => s.reduce((a, g, i) => a + Math.abs(g[k]) * R[i], 0) / s.reduce((a, g) => a + Math.abs(g[k]), 0)) },
  ],
  hint: "for each parameter k separately: sum over trajectories of g_ik^2 R_i, divided by the sum of g_ik^2.",
});

define({
  name: "timeDependentBaseline",
  signature: "timeDependentBaseline(episodes: number[][], gamma: number): number[]",
  task: "the time-dependent baseline b_t = (1/M) sum_i R_t^i, the mean over the M episodes of the reward-to-go at step t, where an episode that has ended before t counts 0; one b_t per step of the longest episode",
  points: 2,
  args: ["episodes", "gamma"],
  cases: (seed) => [[[[1, 1, 1], [1]], 1], [[[0, 2], [4, 0]], 0.5], ...randomCases(seed, (r) => [Array.from({ length: r.integer(1, 6) }, () => randomRewards(r, r.integer(1, 8))), gammaOf(r)])],
  reference: (episodes: number[][], gamma: number) => arr(timeDependentBaseline(episodes.map((e) => rewardToGo(e, gamma)))),
  counterparts: [{ pg: "timeDependentBaseline", module: "baselines/index" }],
  tolerance: 1e-9,
  mistakes: [
    {
      symptom: "step t averages only over the episodes still running at t, not over all M (an ended episode counts 0)",
      wrong: (eps: number[][], g: number) => { const R = eps.map((e) => arr(rewardToGo(e, g))); const T = Math.max(...eps.map((e) => e.length)); return Array.from({ length: T }, (_, t) => mean(R.filter((x) => x.length > t).map((x) => x[t]))); },
    },
    {
      symptom: "this averages the rewards r_{t+1}, not the rewards-to-go R_t",
      wrong: (eps: number[][]) => { const T = Math.max(...eps.map((e) => e.length)); return Array.from({ length: T }, (_, t) => eps.reduce((a, e) => a + (e[t] ?? 0), 0) / eps.length); },
    },
  ],
  hint: "compute each episode's rewards-to-go, then for each t the sum of R_t over the episodes that reach t, divided by the number of episodes M.",
});

// ---- 05 / 07: TD error and GAE (one trajectory, T rewards and T + 1 values)
define({
  name: "tdErrors",
  signature: "tdErrors(rewards: number[], values: number[], gamma: number, terminated: boolean): number[]",
  task: "the TD errors delta_t = r_{t+1} + gamma V(s_{t+1}) - V(s_t) of one trajectory (values[t] = V(s_t) for t = 0..T); V(s_T) counts 0 if the episode terminated",
  points: 2,
  args: ["rewards", "values", "gamma", "terminated"],
  cases: (seed) => [[[1, 1], [0.5, 0.5, 0.5], 0.9, true], [[1, 1], [0.5, 0.5, 0.5], 0.9, false], ...randomCases(seed, (r) => { const T = r.integer(1, 10); return [randomRewards(r, T), randomRewards(r, T + 1), gammaOf(r), r.uniform() < 0.5]; })],
  reference: (rewards: number[], values: number[], gamma: number, terminated: boolean) => arr(tdErrors({ rewards, values, gamma, terminated })),
  counterparts: [{ pg: "tdErrors", module: "estimators/returns" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "V(s_T) is used although the episode terminated: a terminal state's value counts 0", wrong: (r: number[], v: number[], g: number) => r.map((x, t) => x + g * v[t + 1] - v[t]) },
    { symptom: "V(s_{t+1}) is not discounted by gamma", wrong: (r: number[], v: number[], _g: number, term: boolean) => r.map((x, t) => x + (term && t === r.length - 1 ? 0 : v[t + 1]) - v[t]) },
  ],
  hint: "delta_t = rewards[t] + gamma * next - values[t], with next = values[t + 1], or 0 at the last step of a terminated episode.",
});

const gaeOf = (r: number[], v: number[], g: number, l: number, term: boolean) => arr(gae({ rewards: r, values: v, gamma: g, lambda: l, terminated: term }));
define({
  name: "gae",
  signature: "gae(rewards: number[], values: number[], gamma: number, lambda: number, terminated: boolean): number[]",
  task: "the generalised advantage estimates A_t = sum_k (gamma lambda)^k delta_{t+k} of one trajectory (values[t] = V(s_t) for t = 0..T; V(s_T) counts 0 if it terminated)",
  points: 3,
  args: ["rewards", "values", "gamma", "lambda", "terminated"],
  cases: (seed) => [[[1, 1, 1], [0, 0, 0, 0], 0.9, 0.5, true], [[0, 0, 1], [0.2, 0.4, 0.6, 0.8], 0.99, 0.95, false], ...randomCases(seed, (r) => { const T = r.integer(1, 10); return [randomRewards(r, T), randomRewards(r, T + 1), [0.9, 0.99][r.integer(0, 2)], [0.5, 0.8, 0.95][r.integer(0, 3)], r.uniform() < 0.5]; })],
  reference: gaeOf,
  counterparts: [{ pg: "gae", module: "estimators/returns" }],
  tolerance: 1e-9,
  mistakes: [
    {
      symptom: "lambda and gamma are swapped: the TD error discounts V(s_{t+1}) by lambda (the sum by gamma lambda is symmetric, the TD error is not)",
      wrong: (r: number[], v: number[], g: number, l: number, term: boolean) => gaeOf(r, v, l, g, term),
    },
    { symptom: "lambda is ignored: these are the TD errors delta_t (lambda = 0)", wrong: (r: number[], v: number[], g: number, _l: number, term: boolean) => gaeOf(r, v, g, 0, term) },
    { symptom: "the sum is discounted by lambda alone, not by gamma lambda", wrong: (r: number[], v: number[], g: number, l: number, term: boolean) => { const d = arr(tdErrors({ rewards: r, values: v, gamma: g, terminated: term })); let acc = 0; return d.map((_, i) => d.length - 1 - i).map((t) => (acc = d[t] + l * acc)).reverse(); } },
    { symptom: "V(s_T) is used although the episode terminated: a terminal state's value counts 0", wrong: (r: number[], v: number[], g: number, l: number) => gaeOf(r, v, g, l, false) },
  ],
  hint: "compute delta_t first, then backwards: A_{T-1} = delta_{T-1}, A_t = delta_t + gamma * lambda * A_{t+1}.",
});

define({
  name: "nStepAdvantages",
  signature: "nStepAdvantages(rewards: number[], values: number[], gamma: number, n: number, terminated: boolean): number[]",
  task: "the n-step advantages A_t = sum_{k<n} gamma^k r_{t+k+1} + gamma^n V(s_{t+n}) - V(s_t) of one trajectory, the sum cut at the episode's end (values[t] = V(s_t) for t = 0..T; V(s_T) counts 0 if it terminated)",
  points: 2,
  args: ["rewards", "values", "gamma", "n", "terminated"],
  cases: (seed) => [[[1, 1, 1], [0, 0, 0, 0], 0.9, 2, true], [[0, 0, 1], [0.2, 0.4, 0.6, 0.8], 0.9, 2, false], ...randomCases(seed, (r) => { const T = r.integer(1, 10); return [randomRewards(r, T), randomRewards(r, T + 1), gammaOf(r), r.integer(1, 6), r.uniform() < 0.5]; })],
  reference: (rewards: number[], values: number[], gamma: number, n: number, terminated: boolean) => arr(nStepAdvantages({ rewards, values, gamma, n, terminated })),
  counterparts: [{ pg: "nStepAdvantages", module: "estimators/returns" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "the bootstrap value V(s_{t+n}) is not discounted by gamma^n", wrong: (r: number[], v: number[], g: number, n: number, term: boolean) => r.map((_, t) => { const end = Math.min(t + n, r.length); let a = 0; for (let k = t; k < end; k++) a += g ** (k - t) * r[k]; const boot = end === r.length && term ? 0 : v[end]; return a + boot - v[t]; }) },
    { symptom: "V(s_T) is used although the episode terminated: a terminal state's value counts 0", wrong: (r: number[], v: number[], g: number, n: number) => arr(nStepAdvantages({ rewards: r, values: v, gamma: g, n, terminated: false })) },
    { symptom: "V(s_t) is not subtracted: these are the n-step returns, not advantages", wrong: (r: number[], v: number[], g: number, n: number, term: boolean) => arr(nStepAdvantages({ rewards: r, values: v, gamma: g, n, terminated: term })).map((a, t) => a + v[t]) },
  ],
  hint: "for each t: sum gamma^k rewards[t + k] for k < n while t + k < T, then add gamma^(steps summed) * values[t + steps] (0 if that is s_T of a terminated episode), minus values[t].",
});

// ---- 05-policy-gradient-theorem: the theorem's sum
const theoremOf = (visits: number[], policy: number[][], Q: number[][]) =>
  policy.map((row, s) => {
    const V = row.reduce((acc, p, a) => acc + p * Q[s][a], 0);
    return row.map((p, b) => visits[s] * p * (Q[s][b] - V));
  });
define({
  name: "theoremGradient",
  signature: "theoremGradient(visits: number[], policy: number[][], Q: number[][]): number[][]",
  task: "the policy gradient theorem's sum for a tabular softmax policy: entry [s][b] = eta(s) sum_a pi(a|s) d log pi(a|s) / d theta[s][b] Q(s, a) = eta(s) pi(b|s) (Q(s, b) - V(s)), with V(s) = sum_a pi(a|s) Q(s, a) and eta(s) = visits[s]",
  points: 3,
  args: ["visits", "policy", "Q"],
  cases: (seed) => [
    [[1], [[0.5, 0.5]], [[1, 3]]],
    [[2, 0.5], [[0.25, 0.75], [0.5, 0.5]], [[4, 0], [1, -1]]],
    ...randomCases(seed, (r) => {
      const nS = r.integer(1, 5), nA = r.integer(2, 5);
      const dist = () => { const w = Array.from({ length: nA }, () => 0.1 + r.uniform()); const z = w.reduce((a, b) => a + b, 0); return w.map((x) => round(x / z, 4)); };
      const policy = Array.from({ length: nS }, () => { const p = dist(); p[nA - 1] = round(1 - p.slice(0, -1).reduce((a, b) => a + b, 0), 4); return p; });
      return [Array.from({ length: nS }, () => round(0.2 + 3 * r.uniform())), policy, Array.from({ length: nS }, () => randomRewards(r, nA).map((x) => 3 * x))];
    }),
  ],
  reference: theoremOf,
  counterparts: [{ pg: "exact.theoremGradient", module: "exact/theorem" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "the visits nu(s) are missing: every state counts the same", wrong: (v: number[], p: number[][], Q: number[][]) => theoremOf(v.map(() => 1), p, Q) },
    { symptom: "this is nu(s) pi(b|s) Q(s, b): the score's - pi(.|s) term is missing (it subtracts V(s))", wrong: (v: number[], p: number[][], Q: number[][]) => p.map((row, s) => row.map((x, b) => v[s] * x * Q[s][b])) },
    { symptom: "pi(b|s) is missing: this is nu(s) (Q(s, b) - V(s)), the advantage, not the gradient", wrong: (v: number[], p: number[][], Q: number[][]) => p.map((row, s) => { const V = row.reduce((acc, x, a) => acc + x * Q[s][a], 0); return row.map((_, b) => v[s] * (Q[s][b] - V)); }) },
  ],
  hint: "for each state s: V = sum_a policy[s][a] Q[s][a]; entry [s][b] = visits[s] * policy[s][b] * (Q[s][b] - V).",
});

// ---- 07-bias-variance: measuring an estimator against the exact gradient
const measureOf = (estimates: number[][], g: number[]) => {
  const B = estimates.length, k = g.length;
  const m = g.map((_, j) => estimates.reduce((acc, x) => acc + x[j], 0) / B);
  const traceS = estimates.reduce((acc, x) => acc + x.reduce((a, v, j) => a + (v - m[j]) ** 2, 0), 0) / (B - 1);
  const d2 = m.reduce((acc, v, j) => acc + (v - g[j]) ** 2, 0);
  const mse = estimates.reduce((acc, x) => acc + x.reduce((a, v, j) => a + (v - g[j]) ** 2, 0), 0) / B;
  return { biasSquared: d2 - traceS / B, variance: traceS, mse, k };
};
define({
  name: "biasVariance",
  signature: "biasVariance(estimates: number[][], exact: number[]): { biasSquared: number; variance: number; mse: number }",
  task: "from B independent estimates x_i of a gradient g: variance = tr(S), the sum over components of the sample variance (divisor B - 1); biasSquared = |mean - g|^2 - tr(S) / B (unbiased for |E x - g|^2); mse = (1/B) sum_i |x_i - g|^2",
  points: 3,
  args: ["estimates", "exact"],
  cases: (seed) => [
    [[[1, 0], [3, 0], [2, 3]], [2, 1]],
    [[[0], [1], [2], [3]], [0]],
    ...randomCases(seed, (r) => { const k = r.integer(1, 5); const g = randomRewards(r, k); const shift = randomRewards(r, k); return [Array.from({ length: r.integer(3, 12) }, () => g.map((x, j) => round(x + shift[j] + r.normal(0, 2), 3))), g]; }),
  ],
  reference: (estimates: number[][], g: number[]) => { const { biasSquared, variance, mse } = measureOf(estimates, g); return { biasSquared, variance, mse }; },
  tolerance: 1e-9,
  mistakes: [
    { symptom: "biasSquared is |mean - g|^2 alone: it is inflated by the noise of the mean, tr(S) / B must be subtracted", wrong: (x: number[][], g: number[]) => { const m = measureOf(x, g); return { biasSquared: m.biasSquared + m.variance / x.length, variance: m.variance, mse: m.mse }; } },
    { symptom: "the variance divides by B instead of B - 1", wrong: (x: number[][], g: number[]) => { const m = measureOf(x, g); const v = (m.variance * (x.length - 1)) / x.length; return { biasSquared: m.biasSquared, variance: v, mse: m.mse }; } },
    { symptom: "the variance is that of the mean, tr(S) / B, not of one estimate", wrong: (x: number[][], g: number[]) => { const m = measureOf(x, g); return { biasSquared: m.biasSquared, variance: m.variance / x.length, mse: m.mse }; } },
  ],
  hint: "mean m_j over the estimates; tr(S) = sum_i |x_i - m|^2 / (B - 1); biasSquared = |m - g|^2 - tr(S) / B; mse = sum_i |x_i - g|^2 / B, which equals biasSquared + variance.",
});

// ---- 04-deeprm: the per-job-set time-dependent baseline, the mean slowdown
/** Rollouts given one after another as one segment, each an episode, with its job set as the group. */
const jobSetSegment = (rollouts: number[][], jobSets: number[], gamma: number) => {
  const rewards = rollouts.flat();
  const terminated = rollouts.flatMap((r) => r.map((_, t) => (t === r.length - 1 ? 1 : 0)));
  const groups = rollouts.flatMap((r, i) => r.map(() => jobSets[i]));
  return { rewards, terminated, groups, gamma };
};
/** A flat per-row array cut back into rollouts. */
const perRollout = (rollouts: number[][], flat: ArrayLike<number>) => {
  let k = 0;
  return rollouts.map((r) => r.map(() => flat[k++]));
};
/** R_t^i - b_t, right (no options) or with one of the typical mistakes: b_t over all job sets, over the running rollouts only, or of the rewards. */
const jobSetAdvantagesOf = (rollouts: number[][], jobSets: number[], gamma: number, opts: { sharedAcrossSets?: boolean; onlyRunning?: boolean; ofRewards?: boolean } = {}) => {
  const rtg = rollouts.map((r) => arr(rewardToGo(r, gamma)));
  const R = opts.ofRewards ? rollouts : rtg;
  const peers = (i: number) => rollouts.map((_, j) => j).filter((j) => opts.sharedAcrossSets || jobSets[j] === jobSets[i]);
  return rollouts.map((r, i) =>
    r.map((_, t) => {
      const ps = peers(i).filter((j) => !opts.onlyRunning || rollouts[j].length > t);
      const b = ps.reduce((acc, j) => acc + (R[j][t] ?? 0), 0) / ps.length;
      return rtg[i][t] - b;
    }),
  );
};
define({
  name: "jobSetAdvantages",
  signature: "jobSetAdvantages(rollouts: number[][], jobSets: number[], gamma: number): number[][]",
  task: "DeepRM's psi_t = R_t^i - b_t for every step of every rollout i, where b_t is the mean over the rollouts of the same job set (jobSets[i]) of their reward-to-go at step t, a rollout that has ended before t counting 0",
  points: 3,
  args: ["rollouts", "jobSets", "gamma"],
  cases: (seed) => [
    [[[-1, -1, -1], [-1]], [0, 0], 1],
    [[[-1, -1], [-3, -3], [-10, -10, -10], [-12]], [0, 0, 1, 1], 1],
    ...randomCases(seed, (r) => {
      const sets = r.integer(1, 4);
      const rollouts = Array.from({ length: r.integer(2, 8) }, () => randomRewards(r, r.integer(1, 9)).map((x) => -Math.abs(x)));
      return [rollouts, rollouts.map((_, i) => (i < sets ? i : r.integer(0, sets))), [1, 0.99, 0.9][r.integer(0, 3)]];
    }),
  ],
  reference: (rollouts: number[][], jobSets: number[], gamma: number) => {
    const seg = jobSetSegment(rollouts, jobSets, gamma);
    const R = rewardToGo(seg);
    const b = timeDependentBaseline(R, seg);
    return perRollout(rollouts, Float64Array.from(R, (x, k) => x - b[k]));
  },
  tolerance: 1e-9,
  mistakes: [
    { symptom: "one b_t is shared by all job sets: the baseline must average only the rollouts of the same job set (a busy job set's returns are far below a quiet one's)", wrong: (ro: number[][], js: number[], g: number) => jobSetAdvantagesOf(ro, js, g, { sharedAcrossSets: true }) },
    { symptom: "step t averages only over the rollouts still running at t, not over all N of the job set (an ended rollout counts 0)", wrong: (ro: number[][], js: number[], g: number) => jobSetAdvantagesOf(ro, js, g, { onlyRunning: true }) },
    { symptom: "b_t averages the rewards r_{t+1}, not the rewards-to-go R_t", wrong: (ro: number[][], js: number[], g: number) => jobSetAdvantagesOf(ro, js, g, { ofRewards: true }) },
    { symptom: "these are the rewards-to-go R_t: the baseline b_t is not subtracted", wrong: (ro: number[][], _js: number[], g: number) => ro.map((r) => arr(rewardToGo(r, g))) },
  ],
  hint: "compute every rollout's rewards-to-go; for rollout i and step t, b_t = (sum of R_t^j over the rollouts j with jobSets[j] = jobSets[i] that reach t) / (number of rollouts of that job set); psi = R_t^i - b_t.",
});

define({
  name: "meanSlowdown",
  signature: "meanSlowdown(arrivals: number[], finishes: number[], lengths: number[]): number",
  task: "the mean slowdown of a finished episode's jobs, (1/J) sum_j (f_j - a_j) / T_j, with arrival a_j, finish f_j and ideal length T_j of job j",
  points: 2,
  args: ["arrivals", "finishes", "lengths"],
  cases: (seed) => [
    [[0, 0], [1, 4], [1, 2]],
    [[3], [13], [10]],
    [[0, 1, 2], [15, 4, 3], [15, 1, 1]],
    ...randomCases(seed, (r) => {
      const J = r.integer(1, 12);
      const arrivals = Array.from({ length: J }, () => r.integer(0, 50));
      const lengths = Array.from({ length: J }, () => (r.uniform() < 0.8 ? r.integer(1, 4) : r.integer(10, 16)));
      return [arrivals, arrivals.map((a, j) => a + lengths[j] + (r.uniform() < 0.3 ? 0 : r.integer(0, 20))), lengths];
    }),
  ],
  reference: (a: number[], f: number[], T: number[]) => mean(a.map((x, j) => (f[j] - x) / T[j])),
  tolerance: 1e-9,
  mistakes: [
    { symptom: "this is the mean completion time f_j - a_j: it is not divided by the job's length T_j", wrong: (a: number[], f: number[]) => mean(a.map((x, j) => f[j] - x)) },
    { symptom: "this is the waiting time over the length, (f_j - a_j - T_j) / T_j: 1 less than the slowdown (a job served at once has slowdown 1)", wrong: (a: number[], f: number[], T: number[]) => mean(a.map((x, j) => (f[j] - x - T[j]) / T[j])) },
    { symptom: "this is the ratio of the means, sum (f_j - a_j) / sum T_j, not the mean of the ratios: long jobs outweigh short ones", wrong: (a: number[], f: number[], T: number[]) => a.reduce((acc, x, j) => acc + f[j] - x, 0) / T.reduce((x, y) => x + y, 0) },
    { symptom: "the slowdowns are summed, not averaged over the J jobs", wrong: (a: number[], f: number[], T: number[]) => a.reduce((acc, x, j) => acc + (f[j] - x) / T[j], 0) },
  ],
  hint: "for each job j: (finishes[j] - arrivals[j]) / lengths[j]; then the mean of these J numbers.",
});

// ---- 06-advantage-actor-critic: a V critic's advantage and the critic's targets on a segment
/**
 * V of the state after row k of a segment of episodes end to end: 0 after a terminal state; the final
 * observation's value (finalValues[k]) after a truncation or at the segment's last row; else values[k + 1].
 */
const nextValueOf = (values: number[], terminated: boolean[], truncated: boolean[], finalValues: number[], k: number) =>
  terminated[k] ? 0 : truncated[k] || k === values.length - 1 ? finalValues[k] : values[k + 1];
const criticSegment = (rewards: number[], values: number[], terminated: boolean[], truncated: boolean[], finalValues: number[], gamma: number) => ({
  rewards,
  values,
  terminated,
  truncated,
  gamma,
  nextValues: rewards.map((_, k) => nextValueOf(values, terminated, truncated, finalValues, k)),
});
const randomEnds = (r: Rng, T: number) => {
  const terminated = Array.from({ length: T }, () => r.uniform() < 0.2);
  const truncated = terminated.map((x) => !x && r.uniform() < 0.2);
  return { terminated, truncated };
};
const segmentCases = (seed: number, withValues: boolean): Args[] => [
  // episodes end to end: a termination at row 1, a truncation at row 3, the segment cut at row 5
  [[1, 1, 2, 2, 3, 3], ...(withValues ? [[0.5, 0.4, 3, 2, 1, 0.5]] : []), [false, true, false, false, false, false], [false, false, false, true, false, false], [9, 9, 9, 4, 9, 6], 0.9],
  [[0, 0, 1], ...(withValues ? [[0.2, 0.4, 0.6]] : []), [false, false, true], [false, false, false], [0, 0, 5], 0.99],
  ...randomCases(seed, (r) => {
    const T = r.integer(2, 12);
    const { terminated, truncated } = randomEnds(r, T);
    return [randomRewards(r, T), ...(withValues ? [randomRewards(r, T)] : []), terminated, truncated, randomRewards(r, T), gammaOf(r)];
  }),
];
const noFinal = (x: number[]) => x.map(() => 0);
define({
  name: "criticAdvantages",
  signature: "criticAdvantages(rewards: number[], values: number[], terminated: boolean[], truncated: boolean[], finalValues: number[], gamma: number): number[]",
  task: "the advantage from a V critic, A_t = r_{t+1} + gamma V(s_{t+1}) - V(s_t), for every row of a segment of episodes end to end (values[k] = V(s_k)); V(s_{t+1}) is 0 after a termination, finalValues[k] (the final observation's value) after a truncation or at the segment's last row, else values[k + 1]",
  points: 3,
  args: ["rewards", "values", "terminated", "truncated", "finalValues", "gamma"],
  cases: (seed) => segmentCases(seed, true),
  reference: (r: number[], v: number[], term: boolean[], trunc: boolean[], fin: number[], g: number) => arr(tdErrors(criticSegment(r, v, term, trunc, fin, g))),
  counterparts: [{ pg: "tdErrors", module: "estimators/returns" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "a truncation is treated as a termination: a time limit does not end the task, so V of the final observation must be bootstrapped, not 0", wrong: (r: number[], v: number[], term: boolean[], trunc: boolean[], fin: number[], g: number) => arr(tdErrors(criticSegment(r, v, term.map((x, k) => x || trunc[k]), trunc, fin, g))) },
    { symptom: "after a truncation, V of the next episode's first state (values[k + 1]) is used instead of the final observation's value", wrong: (r: number[], v: number[], term: boolean[], _trunc: boolean[], fin: number[], g: number) => arr(tdErrors(criticSegment(r, v, term, term.map(() => false), fin, g))) },
    { symptom: "a terminal state is bootstrapped: after a termination V(s_{t+1}) counts 0", wrong: (r: number[], v: number[], term: boolean[], trunc: boolean[], fin: number[], g: number) => r.map((x, k) => x + g * (term[k] ? (k === r.length - 1 ? fin[k] : v[k + 1]) : nextValueOf(v, term, trunc, fin, k)) - v[k]) },
    { symptom: "V(s_{t+1}) is not discounted by gamma", wrong: (r: number[], v: number[], term: boolean[], trunc: boolean[], fin: number[]) => r.map((x, k) => x + nextValueOf(v, term, trunc, fin, k) - v[k]) },
    { symptom: "the segment's last row bootstraps from 0: the segment was cut mid-episode, V of its last observation (finalValues) is needed", wrong: (r: number[], v: number[], term: boolean[], trunc: boolean[], fin: number[], g: number) => arr(tdErrors(criticSegment(r, v, term, trunc, fin.map((x, k) => (k === r.length - 1 && !trunc[k] ? 0 : x)), g))) },
  ],
  hint: "for row k: next = 0 if terminated[k]; finalValues[k] if truncated[k] or k is the last row; else values[k + 1]; A = rewards[k] + gamma * next - values[k].",
});

define({
  name: "criticTargets",
  signature: "criticTargets(rewards: number[], terminated: boolean[], truncated: boolean[], finalValues: number[], gamma: number): number[]",
  task: "the critic's regression targets of A2C on a segment of episodes end to end: the discounted return from every row to its episode's end, R_k = r_{k+1} + gamma R_{k+1}, restarting at each episode's end from 0 after a termination and from finalValues[k] (the final observation's value) after a truncation or at the segment's last row",
  points: 2,
  args: ["rewards", "terminated", "truncated", "finalValues", "gamma"],
  cases: (seed) => segmentCases(seed, false),
  reference: (r: number[], term: boolean[], trunc: boolean[], fin: number[], g: number) => arr(discountedReturns(criticSegment(r, noFinal(r), term, trunc, fin, g))),
  counterparts: [{ pg: "discountedReturns", module: "estimators/returns" }],
  tolerance: 1e-9,
  mistakes: [
    { symptom: "the returns run across episode boundaries: the sum must restart at every termination and truncation", wrong: (r: number[], _term: boolean[], _trunc: boolean[], fin: number[], g: number) => arr(rewardToGo(r, g)).map((x, k) => x + g ** (r.length - k) * fin[r.length - 1]) },
    { symptom: "a truncation is treated as a termination: a time limit does not end the task, so V of the final observation must be bootstrapped, not 0", wrong: (r: number[], term: boolean[], trunc: boolean[], fin: number[], g: number) => arr(discountedReturns(criticSegment(r, noFinal(r), term.map((x, k) => x || trunc[k]), trunc, fin, g))) },
    { symptom: "no bootstrap at all: the sums after a truncation and at the segment's end start from 0 instead of V of the final observation", wrong: (r: number[], term: boolean[], trunc: boolean[], _fin: number[], g: number) => arr(discountedReturns(criticSegment(r, noFinal(r), term, trunc, noFinal(r), g))) },
    { symptom: "a terminal state is bootstrapped: after a termination the return starts from 0", wrong: (r: number[], term: boolean[], trunc: boolean[], fin: number[], g: number) => arr(discountedReturns(criticSegment(r, noFinal(r), term.map(() => false), term.map((x, k) => x || trunc[k]), fin, g))) },
  ],
  hint: "go backwards: at the last row and wherever an episode ends, restart from 0 (terminated) or finalValues[k] (truncated, or the segment's last row); then R_k = rewards[k] + gamma * R.",
});
