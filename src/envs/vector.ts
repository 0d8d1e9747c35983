/**
 * `VectorEnv`: N copies of an environment stepped together on typed arrays, without allocating per
 * step. Made with `makeVector(id, numEnvs)`; the copies run the same kernel as the single
 * environment (`src/envs/kernel.ts`), each with its own random stream `Rng(seed, [i])`.
 *
 * After `step(actions)`:
 * - `observations` (N x obsDim, row i = copy i) holds the observation to act on next;
 * - `rewards[i]`, `terminated[i]`, `truncated[i]` (0 or 1) describe the step just taken;
 * - where copy i's episode ended (terminated or truncated), the copy was **reset in the same step**:
 *   `observations` row i is the first observation of its next episode, while `finalObservations`
 *   row i keeps the last observation of the episode that ended, and `episodeReturns[i]`,
 *   `episodeLengths[i]` its undiscounted return and length.
 *
 * Why same-step reset with the final observation kept: every step returned is a real transition of
 * some episode (no dummy step after an episode ends to skip over), so a rollout buffer can use every
 * row; and a truncated episode was cut off in a state that has a future, so its last reward must be
 * bootstrapped from V(final observation), which is why that observation is kept. A terminated one
 * bootstraps from 0.
 */
import { Rng } from "../rng";
import { checkResetArgs, checkSeed } from "./env";
import type { VectorKernel } from "./kernel";

export interface VectorEnvOptions {
  /** Registered step limit per episode (truncation), or null for none. */
  maxEpisodeSteps?: number | null;
  name?: string;
}

/** What `VectorEnv.snapshot` returns (plain numbers, JSON-safe). */
export interface VectorEnvSnapshot {
  states: number[];
  observations: number[];
  runningReturns: number[];
  runningLengths: number[];
  rngs: number[][];
  resetOptions: Record<string, unknown>;
  totalSteps: number;
}

export class VectorEnv {
  readonly kernel: VectorKernel;
  readonly numEnvs: number;
  readonly obsDim: number;
  /** Numbers per copy in `step`'s actions: 1 for discrete actions, the action size otherwise. */
  readonly actionDim: number;
  readonly maxEpisodeSteps: number | null;
  readonly name: string;
  /** Observations are state indices in 0 .. nObservations-1 (a discrete observation space), else vectors. */
  readonly discreteObservations: boolean;
  /** Number of distinct observations (discrete) or obsDim. */
  readonly nObservations: number;
  readonly discreteActions: boolean;
  /** Observations to act on, N x obsDim. */
  readonly observations: Float64Array;
  /** Last observation of the episode that ended at the last step (rows where terminated or truncated). */
  readonly finalObservations: Float64Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** Return and length of the episode that ended at the last step (entries where it ended). */
  readonly episodeReturns: Float64Array;
  readonly episodeLengths: Int32Array;
  /** Physical states, N x stateDim. */
  readonly states: Float64Array;
  /** Total env steps taken (summed over copies) since construction. */
  totalSteps = 0;
  private readonly runningReturns: Float64Array;
  private readonly runningLengths: Int32Array;
  private rngs: Rng[] = [];
  private started = false;
  private closed = false;
  private resetOptions: Record<string, unknown> = {};

  constructor(kernel: VectorKernel, numEnvs: number, options: VectorEnvOptions = {}) {
    if (!Number.isSafeInteger(numEnvs) || numEnvs < 1) throw new RangeError(`VectorEnv: numEnvs must be an integer >= 1; received ${numEnvs}.`);
    const limit = options.maxEpisodeSteps ?? null;
    if (limit !== null && (!Number.isSafeInteger(limit) || limit < 1)) {
      throw new RangeError(`VectorEnv: maxEpisodeSteps must be an integer >= 1 or null; received ${limit}.`);
    }
    this.kernel = kernel;
    this.numEnvs = numEnvs;
    this.obsDim = kernel.obsDim;
    this.actionDim = kernel.action.kind === "discrete" ? 1 : kernel.action.dim;
    this.discreteObservations = kernel.observation.kind === "discrete";
    this.nObservations = kernel.observation.kind === "discrete" ? kernel.observation.n : kernel.obsDim;
    this.discreteActions = kernel.action.kind === "discrete";
    this.maxEpisodeSteps = limit;
    this.name = options.name ?? kernel.name;
    this.observations = new Float64Array(numEnvs * kernel.obsDim);
    this.finalObservations = new Float64Array(numEnvs * kernel.obsDim);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
    this.episodeReturns = new Float64Array(numEnvs);
    this.episodeLengths = new Int32Array(numEnvs);
    this.states = new Float64Array(numEnvs * kernel.stateDim);
    this.runningReturns = new Float64Array(numEnvs);
    this.runningLengths = new Int32Array(numEnvs);
  }

  /**
   * Reset every copy; copy i draws from `Rng(seed, [i])`. The options apply to this reset and to the
   * automatic resets that follow. Returns `observations`.
   */
  reset(args: { seed?: number; options?: Record<string, unknown> } = {}): Float64Array {
    if (this.closed) throw new Error(`${this.name} (vector).reset() was called after close(): make a new environment.`);
    const { options } = checkResetArgs(`${this.name} (vector)`, args, this.kernel.resetOptions);
    if (args.seed !== undefined) {
      const root = new Rng(checkSeed(args.seed, `${this.name} (vector).reset`));
      this.rngs = root.split(this.numEnvs);
    } else if (this.rngs.length === 0) {
      this.rngs = Rng.fromEntropy().split(this.numEnvs);
    }
    this.resetOptions = options;
    for (let i = 0; i < this.numEnvs; i++) this.resetCopy(i, this.resetOptions);
    this.rewards.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.started = true;
    return this.observations;
  }

  private resetCopy(i: number, options: Record<string, unknown>): void {
    const k = this.kernel;
    k.reset(this.rngs[i], this.states, i * k.stateDim, options);
    k.observe(this.states, i * k.stateDim, this.observations, i * k.obsDim);
    this.runningReturns[i] = 0;
    this.runningLengths[i] = 0;
  }

  /**
   * Everything the copies' futures depend on (their physical states, observations, running returns
   * and lengths, random streams), as plain numbers: `restore` continues exactly from here. Covers
   * kernels whose state lives in `states` (every registered one).
   */
  snapshot(): VectorEnvSnapshot {
    if (!this.started) throw new Error(`${this.name} (vector).snapshot(): reset the environment first.`);
    return {
      states: Array.from(this.states),
      observations: Array.from(this.observations),
      runningReturns: Array.from(this.runningReturns),
      runningLengths: Array.from(this.runningLengths),
      rngs: this.rngs.map((r) => r.getState()),
      resetOptions: this.resetOptions,
      totalSteps: this.totalSteps,
    };
  }

  /** Continue from a `snapshot` of a vector of the same environment and number of copies. */
  restore(s: VectorEnvSnapshot): void {
    if (s.states.length !== this.states.length || s.rngs.length !== this.numEnvs) {
      throw new RangeError(`${this.name} (vector).restore: the snapshot is of ${s.rngs.length} copies with ${s.states.length} state numbers; this vector has ${this.numEnvs} copies with ${this.states.length}.`);
    }
    this.states.set(s.states);
    this.observations.set(s.observations);
    this.runningReturns.set(s.runningReturns);
    this.runningLengths.set(s.runningLengths);
    this.rngs = s.rngs.map((state) => {
      const rng = new Rng(0);
      rng.setState(state);
      return rng;
    });
    this.resetOptions = s.resetOptions;
    this.totalSteps = s.totalSteps;
    this.rewards.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.started = true;
  }

  /** Release the copies (idempotent); `reset` and `step` afterwards are errors. */
  close(): void {
    this.closed = true;
  }

  /**
   * Step every copy with its action: `actions[i]` for discrete actions, or row i of an N x actionDim
   * array for continuous ones. Fills the public arrays (see the class comment).
   *
   * `active` (optional, one entry per copy) steps only the copies where it is non-zero: the others
   * keep their state and observation, and their reward and flags read 0 (their actions are not read).
   * A collector that needs exactly one episode from each copy uses it to let finished copies wait.
   */
  step(actions: ArrayLike<number>, active?: ArrayLike<number>): void {
    if (this.closed) throw new Error(`${this.name} (vector).step() was called after close(): make a new environment.`);
    if (!this.started) throw new Error(`${this.name} (vector).step() was called before reset(): call reset() first.`);
    const n = this.numEnvs;
    const k = this.kernel;
    if (actions === null || typeof actions !== "object" || typeof actions.length !== "number") {
      throw new TypeError(`${this.name} (vector).step: actions must be an array of ${n * this.actionDim} numbers; received ${String(actions)}.`);
    }
    if (actions.length !== n * this.actionDim) {
      throw new RangeError(`${this.name} (vector).step: expected ${n * this.actionDim} action values (${n} copies x ${this.actionDim}); received ${actions.length}.`);
    }
    if (active !== undefined && (active === null || typeof active !== "object" || active.length !== n)) {
      throw new RangeError(`${this.name} (vector).step: active must have one entry per copy (${n}); received ${active === null || typeof active !== "object" ? String(active) : active.length}.`);
    }
    const spec = k.action;
    for (let j = 0; j < actions.length; j++) {
      if (active !== undefined && !active[Math.floor(j / this.actionDim)]) continue;
      const a = actions[j];
      const bad = spec.kind === "discrete" ? !(Number.isInteger(a) && a >= 0 && a < spec.n) : !Number.isFinite(a);
      if (bad) {
        const expected = spec.kind === "discrete" ? `an integer in 0 .. ${spec.n - 1}` : "a finite number";
        throw new RangeError(`${this.name} (vector).step: action of copy ${Math.floor(j / this.actionDim)} is ${a}; expected ${expected}.`);
      }
    }
    const sd = k.stateDim;
    const od = k.obsDim;
    const limit = this.maxEpisodeSteps;
    let stepped = 0;
    for (let i = 0; i < n; i++) {
      if (active !== undefined && !active[i]) {
        this.rewards[i] = 0;
        this.terminated[i] = 0;
        this.truncated[i] = 0;
        continue;
      }
      stepped++;
      const rng = this.rngs[i];
      const reward = k.step(this.states, i * sd, actions, i * this.actionDim, rng);
      const term = k.terminal(this.states, i * sd);
      const len = ++this.runningLengths[i];
      const trunc = limit !== null && len >= limit;
      this.runningReturns[i] += reward;
      this.rewards[i] = reward;
      this.terminated[i] = term ? 1 : 0;
      this.truncated[i] = trunc ? 1 : 0;
      if (term || trunc) {
        k.observe(this.states, i * sd, this.finalObservations, i * od);
        this.episodeReturns[i] = this.runningReturns[i];
        this.episodeLengths[i] = len;
        this.resetCopy(i, this.resetOptions);
      } else {
        k.observe(this.states, i * sd, this.observations, i * od);
      }
    }
    this.totalSteps += stepped;
  }
}
