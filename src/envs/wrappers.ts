/**
 * `TimeLimit`: what sets `truncated` for a single environment (a `VectorEnv` applies its own step
 * limit to its copies). After `maxEpisodeSteps` steps of an episode it
 * returns `truncated: true` (also when the same step terminated, as Gymnasium does), and refuses
 * further steps until `reset`. It forwards `getState`, `setState`, `render` and `toTabular` to the
 * environment it wraps.
 */
import type { ActOf, Env, EnvSpec, ObsOf, ResetArgs, ResetResult, StepResult } from "./env";
import type { TabularMDP } from "./tabular/mdp";

interface Optional {
  getState?: () => number[];
  setState?: (state: ArrayLike<number>) => void;
  render?: () => string;
  toTabular?: () => TabularMDP;
  name?: string;
}

export class TimeLimit<E extends Env> implements Env<ObsOf<E>, ActOf<E>> {
  readonly env: E;
  readonly maxEpisodeSteps: number;
  spec?: EnvSpec;
  /** Steps taken in the current episode (null before the first reset). */
  elapsedSteps: number | null = null;
  private ended = false;
  private closed = false;

  constructor(env: E, maxEpisodeSteps: number) {
    if (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new RangeError(`TimeLimit: maxEpisodeSteps must be an integer >= 1; received ${maxEpisodeSteps}.`);
    }
    this.env = env;
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  get observationSpace(): Env<ObsOf<E>, ActOf<E>>["observationSpace"] {
    return this.env.observationSpace as Env<ObsOf<E>, ActOf<E>>["observationSpace"];
  }
  get actionSpace(): Env<ObsOf<E>, ActOf<E>>["actionSpace"] {
    return this.env.actionSpace as Env<ObsOf<E>, ActOf<E>>["actionSpace"];
  }

  private get name(): string {
    return (this.env as Optional).name ?? "env";
  }

  /** The innermost environment. */
  get unwrapped(): Env {
    let e: Env = this.env;
    while (e instanceof TimeLimit) e = e.env;
    return e;
  }

  /** Close the wrapped environment (idempotent); `reset` and `step` afterwards are errors. */
  close(): void {
    this.closed = true;
    this.env.close();
  }

  reset(args?: ResetArgs): ResetResult<ObsOf<E>> {
    if (this.closed) throw new Error(`${this.name}.reset() was called after close(): make a new environment.`);
    const result = this.env.reset(args) as ResetResult<ObsOf<E>>;
    this.elapsedSteps = 0;
    this.ended = false;
    return result;
  }

  step(action: ActOf<E>): StepResult<ObsOf<E>> {
    if (this.closed) throw new Error(`${this.name}.step() was called after close(): make a new environment.`);
    if (this.elapsedSteps === null) {
      throw new Error(`${this.name}.step() was called before reset(): call reset() to start an episode.`);
    }
    if (this.ended) {
      throw new Error(`${this.name}.step() was called after the episode was truncated at ${this.maxEpisodeSteps} steps: call reset() to start a new episode.`);
    }
    const result = this.env.step(action) as StepResult<ObsOf<E>>;
    this.elapsedSteps++;
    if (this.elapsedSteps >= this.maxEpisodeSteps) {
      result.truncated = true;
      this.ended = true;
    }
    return result; // after a termination, the wrapped env itself refuses the next step
  }

  private forward<K extends keyof Optional>(key: K): NonNullable<Optional[K]> {
    const fn = (this.env as Optional)[key];
    if (typeof fn !== "function") throw new TypeError(`${this.name} has no ${String(key)}().`);
    return (fn as (...a: unknown[]) => unknown).bind(this.env) as NonNullable<Optional[K]>;
  }

  /** The wrapped environment's physical state. */
  getState(): number[] {
    return this.forward("getState")();
  }

  /**
   * Place the wrapped environment in a state. Mid-episode the step count goes on; before the first
   * reset, or after an episode ended, this starts a new episode at step 0.
   */
  setState(state: ArrayLike<number>): void {
    this.forward("setState")(state);
    if (this.elapsedSteps === null || this.ended) this.elapsedSteps = 0;
    this.ended = false;
  }

  render(): string {
    return this.forward("render")();
  }

  /** The wrapped environment's tabular model (the time limit is not part of it). */
  toTabular(): TabularMDP {
    return this.forward("toTabular")();
  }
}
