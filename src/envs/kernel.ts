/**
 * A vectorisable environment kernel: the dynamics of a continuous-state environment written on a
 * flat Float64Array, so that a single environment and a `VectorEnv` of many copies run the very same
 * code, and a vector of N copies steps without allocating.
 */
import type { Rng } from "../rng";

export type KernelAction = { kind: "discrete"; n: number } | { kind: "continuous"; dim: number; low: number; high: number };

/** The observation space: a state index in 0 .. n-1 (one number), or a vector of obsDim numbers. */
export type KernelObservation = { kind: "discrete"; n: number } | { kind: "box" };

export interface VectorKernel {
  /** Registered id, for messages. */
  readonly name: string;
  /** Length of the physical state (what `getState` returns). */
  readonly stateDim: number;
  /** Length of the observation vector. */
  readonly obsDim: number;
  /** What an observation is (obsDim is 1 for a discrete one). */
  readonly observation: KernelObservation;
  readonly action: KernelAction;
  /** The names of the options `reset` accepts (others are an error). */
  readonly resetOptions: readonly string[];
  /** Draw a starting state into state[off .. off + stateDim). */
  reset(rng: Rng, state: Float64Array, off: number, options: Record<string, unknown>): void;
  /**
   * Advance state[off ..] by one step under the action at actions[aOff ..] and return the reward
   * r_{t+1}. Actions are already checked (finite; integers in range for discrete kernels). `rng` is
   * the copy's random stream, for stochastic dynamics.
   */
  step(state: Float64Array, off: number, actions: ArrayLike<number>, aOff: number, rng: Rng): number;
  /** True if the state is terminal (the episode terminates). */
  terminal(state: Float64Array, off: number): boolean;
  /** Write the observation of state[off ..] into obs[oOff ..], rounded to float32. */
  observe(state: Float64Array, off: number, obs: Float64Array | Float32Array, oOff: number): void;
}
