/**
 * A single environment driven by a `VectorKernel` (CartPole, Pendulum): the same dynamics code as
 * `VectorEnv`, with the physical state readable and settable (`getState`, `setState`).
 */
import type { Rng } from "../../rng";
import { BaseEnv, NO_INFO, type ResetResult, type StepResult, checkState } from "../env";
import type { VectorKernel } from "../kernel";
import type { Space } from "../spaces";

export abstract class KernelEnv<Act> extends BaseEnv<Float32Array, Act> {
  protected readonly kernel: VectorKernel;
  protected readonly state: Float64Array;
  private readonly stateLabels: readonly string[];

  constructor(kernel: VectorKernel, stateLabels: readonly string[]) {
    super(kernel.name);
    this.kernel = kernel;
    this.state = new Float64Array(kernel.stateDim);
    this.stateLabels = stateLabels;
    this.resetOptions = kernel.resetOptions;
  }

  override readonly resetOptions: readonly string[];

  abstract override readonly observationSpace: Space<Float32Array>;

  protected resetState(rng: Rng, options: Record<string, unknown>): ResetResult<Float32Array> {
    this.kernel.reset(rng, this.state, 0, options);
    return { observation: this.observation(), info: NO_INFO };
  }

  /** Advance the kernel; `actions` is the action as numbers (one for discrete kernels). */
  protected advance(actions: ArrayLike<number>, rng: Rng): StepResult<Float32Array> {
    const reward = this.kernel.step(this.state, 0, actions, 0, rng);
    const terminated = this.kernel.terminal(this.state, 0);
    return { observation: this.observation(), reward, terminated, truncated: false, info: NO_INFO };
  }

  private observation(): Float32Array {
    const obs = new Float32Array(this.kernel.obsDim);
    this.kernel.observe(this.state, 0, obs, 0);
    return obs;
  }

  /** The physical state (float64), e.g. [x, xDot, theta, thetaDot] for CartPole. */
  getState(): number[] {
    return Array.from(this.state);
  }

  /** Place the system in a state; the episode continues from there. */
  setState(state: ArrayLike<number>): void {
    this.state.set(checkState(this.name, state, this.stateLabels));
    this.resume();
  }
}
