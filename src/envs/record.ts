/**
 * Run one episode with a given way of acting and keep everything: observations, actions, rewards,
 * how it ended, and optionally a rendered SVG frame per state (for `plot.showAnimation`).
 */
import type { Env } from "./env";

export interface Episode<Obs, Act> {
  /** s_0 .. s_T (T + 1 observations). */
  observations: Obs[];
  /** a_0 .. a_{T-1}. */
  actions: Act[];
  /** r_1 .. r_T: rewards[t] follows actions[t]. */
  rewards: number[];
  terminated: boolean;
  truncated: boolean;
  /** SVG of each state, when recorded with `render: true`. */
  frames: string[];
}

/** Its own loop, not the collector's: it keeps the environment's observation objects and a rendered frame per state. */
export function recordEpisode<Obs, Act>(
  env: Env<Obs, Act> & { render?: () => string },
  act: (observation: Obs, t: number) => Act,
  options: { seed?: number; maxSteps?: number; render?: boolean } = {},
): Episode<Obs, Act> {
  const maxSteps = options.maxSteps ?? 100_000;
  if (options.render && typeof env.render !== "function") throw new TypeError("recordEpisode: render: true needs an environment with render().");
  const frame = () => (options.render ? [(env.render as () => string)()] : []);
  const { observation } = env.reset(options.seed === undefined ? {} : { seed: options.seed });
  const ep: Episode<Obs, Act> = { observations: [observation], actions: [], rewards: [], terminated: false, truncated: false, frames: frame() };
  let obs = observation;
  for (let t = 0; t < maxSteps; t++) {
    const a = act(obs, t);
    const r = env.step(a);
    ep.actions.push(a);
    ep.rewards.push(r.reward);
    ep.observations.push(r.observation);
    ep.frames.push(...frame());
    obs = r.observation;
    if (r.terminated || r.truncated) {
      ep.terminated = r.terminated;
      ep.truncated = r.truncated;
      break;
    }
  }
  return ep;
}
