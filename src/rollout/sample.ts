/** Sampling whole episodes of a policy in one environment, through the collector the algorithms use. */
import type { Env } from "../envs/env";
import type { Episode } from "../envs/record";
import { Rng } from "../rng";
import { type Batch, episodesOf } from "./batch";
import { type Actor, Collector, vectorize } from "./collector";

export interface SampleOptions {
  /** Number of episodes (an integer >= 1). */
  episodes: number;
  /** Seeds the environment once and the policy's stream `Rng(seed).stream(1)`. */
  seed: number;
  /** Cut an episode after this many steps, marked truncated as a time limit does (default 100,000). */
  maxSteps?: number;
  /** gamma recorded in the batch, for the estimators (default 1). */
  gamma?: number;
}

function check(fn: string, options: SampleOptions): void {
  if (options === null || typeof options !== "object") throw new TypeError(`${fn}: expected options { episodes, seed, maxSteps? }; received ${String(options)}.`);
  if (!Number.isSafeInteger(options.episodes) || options.episodes < 1) {
    throw new RangeError(`${fn}: episodes must be an integer >= 1; received ${String(options.episodes)}.`);
  }
}

/**
 * `episodes` whole episodes of `policy` in `env`, as one `Batch` (copies = 1, episodes end to end).
 * The environment is seeded once with `seed` and the policy draws from `Rng(seed).stream(1)`, so the
 * same seed gives the same episodes.
 */
export function sampleBatch<Obs, Act>(env: Env<Obs, Act>, policy: Actor, options: SampleOptions): Batch {
  check("sampleBatch", options);
  const rng = new Rng(options.seed).stream(1);
  env.reset({ seed: options.seed });
  const collector = new Collector(vectorize(env, { maxEpisodeSteps: options.maxSteps ?? 100_000 }));
  return collector.count(policy, rng, options.episodes, options.gamma ?? 1);
}

/** The same episodes as `sampleBatch`, as `Episode` objects (observations and actions as the environment gives them). */
export function sampleEpisodes<Obs, Act>(env: Env<Obs, Act>, policy: { sample(obs: Obs, rng: Rng): Act }, options: SampleOptions): Episode<Obs, Act>[] {
  check("sampleEpisodes", options);
  const batch = sampleBatch(env, policy as Actor, options);
  const v = vectorize(env);
  return episodesOf(batch, { observations: v.discreteObservations, actions: v.discreteActions }) as unknown as Episode<Obs, Act>[];
}
