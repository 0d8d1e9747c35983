/**
 * REINFORCE as Sutton & Barto write it (Sections 13.3 and 13.4, "REINFORCE: Monte-Carlo
 * Policy-Gradient Control (episodic)" and "REINFORCE with Baseline (episodic)"), for policies with a
 * closed-form score (TabularSoftmax, LinearSoftmax). After each episode, for t = 0 .. T-1 in order:
 *
 *   G     = R_t = sum_{k=t+1}^{T} gamma^{k-t-1} r_k                (the reward-to-go)
 *   delta = G - v(s_t, w)                                           (delta = G without a baseline)
 *   w     <- w + alpha_w delta x(s_t)                               (linear baseline v(s, w) = w . x(s))
 *   theta <- theta + alpha gamma^t delta grad log pi(a_t | s_t, theta)
 *
 * theta changes at every step, and each score is taken at the current theta, as in the book. This is
 * the algorithm of the book's Figures 13.1 and 13.2 (short corridor); `reinforce` (the batched
 * version with Adam, for neural networks) is a different algorithm.
 *
 * ```ts
 * const policy = new TabularSoftmax({ nStates: 1, nActions: 2, theta: [[Math.log(0.95 / 0.05), 0]] });
 * const run = reinforceEpisodic(make("ShortCorridor-v0"), policy, { alpha: 2 ** -13, episodes: 1000, seed: 0 });
 * run.returns; // total reward of each episode
 * ```
 */
import type { Env } from "../envs/env";
import { rewardToGo } from "../estimators/returns";
import type { Policy } from "../policies/policy";
import { Rng } from "../rng";

export interface ReinforceEpisodicOptions<Obs> {
  /** Step size of the policy, alpha (alpha^theta in the book). */
  alpha: number;
  /** Number of episodes. */
  episodes: number;
  /** Seeds the environment (once) and the policy's draws (`Rng(seed).stream(1)`). */
  seed: number;
  /** Discount factor (default 1, the corridor's). */
  gamma?: number;
  /** A learned linear baseline v(s, w) = w . x(s), w starting at 0. Features default to x(s) = [1] (one number). */
  baseline?: { alpha: number; features?: (obs: Obs) => ArrayLike<number> };
  /** An episode still running after this many steps is cut off (truncated) and learned from as it is (default 10,000). */
  maxSteps?: number;
}

export interface ReinforceEpisodicResult {
  /** Undiscounted total reward of each episode, the y axis of the book's figures. */
  returns: number[];
  /** Number of steps of each episode. */
  lengths: number[];
  /** How many episodes hit `maxSteps`. */
  truncated: number;
  /** The baseline's weights at the end (empty without a baseline). */
  w: number[];
}

function positive(name: string, v: unknown): number {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new RangeError(`reinforceEpisodic: ${name} must be a positive number; received ${String(v)}.`);
  return v;
}

function count(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) throw new RangeError(`reinforceEpisodic: ${name} must be an integer >= 1; received ${String(v)}.`);
  return v;
}

/** Trains `policy` in place; returns the total reward and length of every episode. */
export function reinforceEpisodic<Obs, Act>(env: Env<Obs, Act>, policy: Policy<Obs, Act>, options: ReinforceEpisodicOptions<Obs>): ReinforceEpisodicResult {
  if (!policy || typeof policy.score !== "function") {
    throw new TypeError(`reinforceEpisodic: the policy needs a closed-form score (TabularSoftmax, LinearSoftmax); received ${policy?.kind ?? String(policy)}.`);
  }
  const alpha = positive("alpha", options?.alpha);
  const episodes = count("episodes", options.episodes);
  const maxSteps = count("maxSteps", options.maxSteps ?? 10_000);
  const gamma = options.gamma ?? 1;
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) throw new RangeError(`reinforceEpisodic: gamma must be in [0, 1]; received ${String(gamma)}.`);
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new RangeError(`reinforceEpisodic: seed must be an integer >= 0; received ${String(options.seed)}.`);
  const alphaW = options.baseline ? positive("baseline.alpha", options.baseline.alpha) : 0;
  const features = options.baseline?.features ?? (() => [1]);
  let w: Float64Array | null = null;

  const rng = new Rng(options.seed).stream(1);
  const theta = policy.getParams();
  const result: ReinforceEpisodicResult = { returns: [], lengths: [], truncated: 0, w: [] };
  const observations: Obs[] = [];
  const actions: Act[] = [];
  const rewards: number[] = [];
  env.reset({ seed: options.seed });
  for (let episode = 0; episode < episodes; episode++) {
    // ---- generate an episode with the current policy (its own loop, as the book writes it: one plain
    // Env, the policy's own observation type, theta changing between episodes)
    observations.length = 0;
    actions.length = 0;
    rewards.length = 0;
    let obs = env.reset().observation;
    let cut = true;
    for (let t = 0; t < maxSteps; t++) {
      const a = policy.sample(obs, rng);
      const step = env.step(a);
      observations.push(obs);
      actions.push(a);
      rewards.push(step.reward);
      obs = step.observation;
      if (step.terminated || step.truncated) {
        cut = false;
        break;
      }
    }
    if (cut) result.truncated++;
    // ---- learn from it, one step at a time
    const G = rewardToGo(rewards, gamma);
    let discount = 1;
    for (let t = 0; t < actions.length; t++) {
      let delta = G[t];
      if (options.baseline) {
        const x = features(observations[t]);
        if (!w) w = new Float64Array(x.length);
        let v = 0;
        for (let i = 0; i < x.length; i++) v += w[i] * x[i];
        delta = G[t] - v;
        for (let i = 0; i < x.length; i++) w[i] += alphaW * delta * x[i];
      }
      const score = policy.score(observations[t], actions[t]);
      const step = alpha * discount * delta;
      for (let k = 0; k < theta.length; k++) theta[k] += step * score[k];
      policy.setParams(theta);
      discount *= gamma;
    }
    let total = 0;
    for (const r of rewards) total += r;
    result.returns.push(total);
    result.lengths.push(rewards.length);
  }
  result.w = w ? Array.from(w) : [];
  return result;
}
