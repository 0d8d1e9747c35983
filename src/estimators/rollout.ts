/** Sampling trajectories with a policy (one environment, one episode at a time). */
import type { Env } from "../envs/env";
import { type Episode, recordEpisode } from "../envs/record";
import type { Policy } from "../policies/policy";
import { Rng } from "../rng";

/**
 * `episodes` trajectories of `policy` in `env`. The environment is seeded once with `seed` and the
 * policy draws from `Rng(seed).stream(1)`, so the same seed gives the same trajectories.
 */
export function sampleEpisodes<Obs, Act>(
  env: Env<Obs, Act>,
  policy: Pick<Policy<Obs, Act>, "sample">,
  options: { episodes: number; seed: number; maxSteps?: number },
): Episode<Obs, Act>[] {
  if (!Number.isSafeInteger(options.episodes) || options.episodes < 1) {
    throw new RangeError(`sampleEpisodes: episodes must be an integer >= 1; received ${String(options.episodes)}.`);
  }
  const rng = new Rng(options.seed).stream(1);
  env.reset({ seed: options.seed });
  const out: Episode<Obs, Act>[] = [];
  for (let i = 0; i < options.episodes; i++) {
    out.push(recordEpisode(env, (obs) => policy.sample(obs, rng), { maxSteps: options.maxSteps }));
  }
  return out;
}
