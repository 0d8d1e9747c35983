/**
 * `checkEnv(env)`: conformance checks in the spirit of Gymnasium's env checker. Throws an Error
 * listing every failed check; returns the names of the checks that passed.
 *
 * - reset returns `{ observation, info }` with the observation in the observation space;
 * - the same seed gives the same first observation, and the same seed with the same actions gives
 *   the same trajectory (observations, rewards, flags);
 * - every step returns a finite number reward, boolean `terminated` and `truncated`, an info object,
 *   and an observation in the observation space;
 * - actions sampled from the action space are accepted;
 * - stepping after the episode ended is an error.
 */
import { Rng } from "../rng";
import type { Env, StepResult } from "./env";

function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || a === b;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    return x.length === y.length && Array.from(x).every((v, i) => v === y[i]);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  return a === b;
}

function show(x: unknown): string {
  return ArrayBuffer.isView(x) ? `[${Array.from(x as unknown as ArrayLike<number>).join(", ")}]` : JSON.stringify(x);
}

interface Episode {
  observations: unknown[];
  steps: { reward: number; terminated: boolean; truncated: boolean }[];
}

export function checkEnv(env: Env, options: { seed?: number; maxSteps?: number } = {}): string[] {
  const seed = options.seed ?? 123;
  const maxSteps = options.maxSteps ?? 1000;
  const passed: string[] = [];
  const failed: string[] = [];
  const check = (name: string, fn: () => void) => {
    try {
      fn();
      passed.push(name);
    } catch (e) {
      failed.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const assert = (ok: boolean, message: string) => {
    if (!ok) throw new Error(message);
  };

  const runEpisode = (): Episode => {
    const actions = new Rng(seed + 1);
    const { observation, info } = env.reset({ seed });
    assert(env.observationSpace.contains(observation), `reset observation ${show(observation)} is not in ${env.observationSpace}`);
    assert(info !== null && typeof info === "object", `reset info must be an object; got ${show(info)}`);
    const ep: Episode = { observations: [observation], steps: [] };
    for (let t = 0; t < maxSteps; t++) {
      const action = env.actionSpace.sample(actions);
      assert(env.actionSpace.contains(action), `actionSpace.sample gave ${show(action)}, which it does not contain`);
      const r: StepResult<unknown> = env.step(action);
      assert(typeof r.reward === "number" && Number.isFinite(r.reward), `step ${t}: reward must be a finite number; got ${show(r.reward)}`);
      assert(typeof r.terminated === "boolean" && typeof r.truncated === "boolean", `step ${t}: terminated and truncated must be booleans`);
      assert(r.info !== null && typeof r.info === "object", `step ${t}: info must be an object`);
      assert(env.observationSpace.contains(r.observation), `step ${t}: observation ${show(r.observation)} is not in ${env.observationSpace}`);
      ep.observations.push(r.observation);
      ep.steps.push({ reward: r.reward, terminated: r.terminated, truncated: r.truncated });
      if (r.terminated || r.truncated) break;
    }
    return ep;
  };

  check("spaces have sample and contains", () => {
    for (const [name, space] of [["observationSpace", env.observationSpace], ["actionSpace", env.actionSpace]] as const) {
      assert(space !== undefined && typeof space.sample === "function" && typeof space.contains === "function", `${name} must have sample() and contains()`);
    }
  });
  let first: Episode | null = null;
  check("episode: types and spaces at reset and every step", () => {
    first = runEpisode();
  });
  check("same seed, same first observation", () => {
    const a = env.reset({ seed }).observation;
    const b = env.reset({ seed }).observation;
    assert(same(a, b), `reset({ seed: ${seed} }) gave ${show(a)} then ${show(b)}`);
  });
  check("same seed and actions, same trajectory", () => {
    const again = runEpisode();
    assert(first !== null, "the first episode failed");
    const a = first as unknown as Episode;
    assert(a.steps.length === again.steps.length, `episode lengths differ: ${a.steps.length} vs ${again.steps.length}`);
    a.observations.forEach((o, t) => assert(same(o, again.observations[t]), `observation ${t} differs: ${show(o)} vs ${show(again.observations[t])}`));
    a.steps.forEach((s, t) => assert(same([s.reward, s.terminated, s.truncated], [again.steps[t].reward, again.steps[t].terminated, again.steps[t].truncated]), `step ${t} differs`));
  });
  check("stepping after the episode ended is an error", () => {
    const ep = runEpisode();
    const last = ep.steps[ep.steps.length - 1];
    if (!last || !(last.terminated || last.truncated)) return; // no end within maxSteps: nothing to check
    let threw = false;
    try {
      env.step(env.actionSpace.sample(new Rng(0)));
    } catch {
      threw = true;
    }
    assert(threw, "step() after the episode ended did not throw");
  });
  if (failed.length) throw new Error(`checkEnv failed ${failed.length} check(s):\n- ${failed.join("\n- ")}`);
  return passed;
}
