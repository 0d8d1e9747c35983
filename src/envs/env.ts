/**
 * The environment interface, Gymnasium's with named fields:
 *
 * ```ts
 * const { observation, info } = env.reset({ seed: 0 });
 * const { observation, reward, terminated, truncated, info } = env.step(action);
 * ```
 *
 * `terminated` means the episode reached a terminal state of the problem (nothing follows it);
 * `truncated` means it was cut off from outside by a time limit: the `TimeLimit` wrapper sets it for
 * single environments, `VectorEnv` for its copies (its `maxEpisodeSteps`); environments themselves
 * never do. `BaseEnv` implements the lifecycle (seeding, step before reset, step after the end) and
 * the checks of actions, so that concrete environments only write their dynamics.
 */
import { didYouMean } from "../names";
import { Rng } from "../rng";
import { Box, Discrete, type Space } from "./spaces";

export type Info = Record<string, unknown>;

export interface ResetArgs {
  /** Seed of the environment's random stream; later resets without a seed continue that stream. */
  seed?: number;
  /** Environment-specific options (documented by each environment). */
  options?: Record<string, unknown>;
}

export interface ResetResult<Obs> {
  observation: Obs;
  info: Info;
}

export interface StepResult<Obs> {
  observation: Obs;
  /** r_{t+1}: the reward that follows the action. */
  reward: number;
  /** A terminal state was reached. */
  terminated: boolean;
  /** The episode was cut off by a time limit (`TimeLimit`, or a `VectorEnv`'s step limit). */
  truncated: boolean;
  info: Info;
}

/** What the registry knows about an environment made with `make`. */
export interface EnvSpec {
  id: string;
  maxEpisodeSteps: number | null;
  rewardThreshold: number | null;
  kwargs: Record<string, unknown>;
}

export interface Env<Obs = unknown, Act = unknown> {
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  reset(args?: ResetArgs): ResetResult<Obs>;
  step(action: Act): StepResult<Obs>;
  /** Release the environment (idempotent); `reset` and `step` afterwards are errors. */
  close(): void;
  /** Set by `make`. */
  spec?: EnvSpec;
}

export type ObsOf<E> = E extends Env<infer O, unknown> ? O : never;
export type ActOf<E> = E extends Env<unknown, infer A> ? A : never;

/** An empty, frozen info object shared by steps that have nothing to report. */
export const NO_INFO: Info = Object.freeze({}) as Info;

function describe(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (x instanceof Float32Array || x instanceof Float64Array || Array.isArray(x)) return `[${Array.from(x as ArrayLike<unknown>).join(", ")}]`;
  if (typeof x === "number") return String(x);
  return `${String(x)} (${x === null ? "null" : typeof x})`;
}

/**
 * Check `reset`'s arguments: only `seed` and `options`, and only the options the environment accepts
 * (an unknown one is an error naming the closest accepted option, never silently ignored).
 */
export function checkResetArgs(name: string, args: unknown, accepted: readonly string[]): { seed?: number; options: Record<string, unknown> } {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new TypeError(`${name}.reset: expected { seed?, options? }; received ${describe(args)}.`);
  }
  for (const key of Object.keys(args)) {
    if (key !== "seed" && key !== "options") throw new RangeError(`${name}.reset: unknown argument "${key}"${didYouMean(key, ["seed", "options"])}; reset takes { seed?, options? }.`);
  }
  const { seed, options } = args as ResetArgs;
  if (options !== undefined && (options === null || typeof options !== "object" || Array.isArray(options))) {
    throw new TypeError(`${name}.reset: options must be an object; received ${describe(options)}.`);
  }
  for (const key of Object.keys(options ?? {})) {
    if (!accepted.includes(key)) {
      throw new RangeError(
        `${name}.reset: unknown option "${key}"${didYouMean(key, accepted)}; ${accepted.length ? `accepted options: ${accepted.join(", ")}` : "it takes no options"}.`,
      );
    }
  }
  return { seed, options: options ?? {} };
}

/** Validate a seed as `reset` does; returns it. */
export function checkSeed(seed: unknown, where: string): number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${where}: seed must be a non-negative integer; received ${describe(seed)}.`);
  }
  return seed;
}

/**
 * Lifecycle and input checks shared by all environments. Subclasses implement `resetState` and
 * `transition`, and draw all randomness from `this.rng`.
 */
export abstract class BaseEnv<Obs, Act> implements Env<Obs, Act> {
  abstract readonly observationSpace: Space<Obs>;
  abstract readonly actionSpace: Space<Act>;
  /** Name used in error messages (the registered id when made by `make`). */
  name: string;
  spec?: EnvSpec;
  protected rng: Rng | null = null;
  /** The names `reset({ options })` accepts (documented by each environment). */
  readonly resetOptions: readonly string[] = [];
  private phase: "new" | "running" | "ended" | "closed" = "new";

  constructor(name: string) {
    this.name = name;
  }

  reset(args: ResetArgs = {}): ResetResult<Obs> {
    if (this.phase === "closed") throw new Error(`${this.name}.reset() was called after close(): make a new environment.`);
    const { seed, options } = checkResetArgs(this.name, args, this.resetOptions);
    if (seed !== undefined) this.rng = new Rng(checkSeed(seed, `${this.name}.reset`));
    else if (!this.rng) this.rng = Rng.fromEntropy();
    const result = this.resetState(this.rng, options);
    this.phase = "running";
    return result;
  }

  step(action: Act): StepResult<Obs> {
    if (this.phase !== "running") {
      throw new Error(
        this.phase === "new"
          ? `${this.name}.step() was called before reset(): call reset() to start an episode.`
          : this.phase === "closed"
            ? `${this.name}.step() was called after close(): make a new environment.`
            : `${this.name}.step() was called after the episode terminated: call reset() to start a new episode.`,
      );
    }
    this.checkAction(action);
    const result = this.transition(action, this.rng as Rng);
    if (result.terminated) this.phase = "ended";
    return result;
  }

  /** Release the environment (idempotent); `reset` and `step` afterwards are errors. */
  close(): void {
    this.phase = "closed";
  }

  /** Mark the episode as running (used by `setState`, which places the system anywhere). */
  protected resume(): void {
    if (this.phase === "closed") throw new Error(`${this.name}.setState() was called after close(): make a new environment.`);
    this.phase = "running";
  }

  protected abstract resetState(rng: Rng, options: Record<string, unknown>): ResetResult<Obs>;
  protected abstract transition(action: Act, rng: Rng): StepResult<Obs>;

  /** Throws a TypeError (wrong type or shape) or RangeError (NaN, infinite, not in the space). */
  protected checkAction(action: unknown): void {
    checkAction(this.name, this.actionSpace, action);
  }
}

/** The action checks of `BaseEnv.step`, usable by vector environments. */
export function checkAction(name: string, space: Space<unknown>, action: unknown): void {
  if (space instanceof Discrete) {
    if (typeof action !== "number") {
      throw new TypeError(`${name}.step: action must be an integer in ${space} (0 .. ${space.n - 1}); received ${describe(action)}.`);
    }
    if (!space.contains(action)) {
      throw new RangeError(`${name}.step: action must be an integer in ${space} (0 .. ${space.n - 1}); received ${action}.`);
    }
  } else if (space instanceof Box) {
    const arrayLike =
      action instanceof Float32Array || action instanceof Float64Array || (Array.isArray(action) && action.every((a) => typeof a === "number"));
    if (!arrayLike) {
      throw new TypeError(`${name}.step: action must be an array of ${space.size} number(s) in ${space}; received ${describe(action)}.`);
    }
    const a = action as ArrayLike<number>;
    if (a.length !== space.size) {
      throw new TypeError(`${name}.step: action must have ${space.size} value(s) for ${space}; received ${a.length}: ${describe(action)}.`);
    }
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new RangeError(`${name}.step: action value ${i} is ${a[i]}; expected a finite number in ${space}.`);
    }
  } else if (!space.contains(action)) {
    throw new RangeError(`${name}.step: action ${describe(action)} is not in ${space}.`);
  }
}

/** Checks the physical state passed to `setState`: the right length, finite values. */
export function checkState(name: string, state: unknown, labels: readonly string[]): Float64Array {
  const ok = state instanceof Float32Array || state instanceof Float64Array || Array.isArray(state);
  if (!ok) throw new TypeError(`${name}.setState: expected ${labels.length} numbers [${labels.join(", ")}]; received ${describe(state)}.`);
  const s = state as ArrayLike<unknown>;
  if (s.length !== labels.length) {
    throw new RangeError(`${name}.setState: expected ${labels.length} numbers [${labels.join(", ")}]; received ${s.length}: ${describe(state)}.`);
  }
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = s[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(`${name}.setState: ${labels[i]} is ${describe(v)}; expected a finite number.`);
    }
    out[i] = v;
  }
  return out;
}
