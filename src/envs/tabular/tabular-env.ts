/**
 * A simulator of a finite MDP that samples from exactly its `TabularMDP` model. The environment is
 * also a `TabularMDP` itself (same fields), so it can be passed straight to the exact solvers, and
 * `toTabular()` returns a copy of the model.
 */
import type { Rng } from "../../rng";
import { BaseEnv, type ResetResult, type StepResult } from "../env";
import type { VectorKernel } from "../kernel";
import { Discrete } from "../spaces";
import { type TabularMDP, cloneMdp, validateMdp } from "./mdp";

export interface TabularEnvOptions {
  /**
   * The sampled reward r_{t+1} of a transition (s, a) -> s'. Its expectation over s' (and its own
   * noise) must equal `rewards[s][a]`. Default: exactly `rewards[s][a]`.
   */
  reward?: (s: number, a: number, next: number, rng: Rng) => number;
  /** The observation of state s (default: s itself). */
  observe?: (s: number) => number;
  /** Number of distinct observations (default: nStates). */
  nObservations?: number;
}

/** Per (s, a): the successors with positive probability and their cumulative probabilities. */
interface Row {
  next: Int32Array;
  cumulative: Float64Array;
}

export class TabularEnv extends BaseEnv<number, number> implements TabularMDP {
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  readonly nStates: number;
  readonly nActions: number;
  readonly transitions: number[][][];
  readonly rewards: number[][];
  readonly initial: number[];
  readonly terminal: boolean[];
  readonly gamma: number;
  /** The true state (the observation may hide it). */
  state = -1;
  private readonly sampling: Row[];
  private readonly options: TabularEnvOptions;

  constructor(name: string, mdp: TabularMDP, options: TabularEnvOptions = {}) {
    super(name);
    validateMdp(mdp, name);
    const copy = cloneMdp(mdp);
    this.nStates = copy.nStates;
    this.nActions = copy.nActions;
    this.transitions = copy.transitions;
    this.rewards = copy.rewards;
    this.initial = copy.initial;
    this.terminal = copy.terminal;
    this.gamma = copy.gamma;
    this.options = options;
    this.observationSpace = new Discrete(options.nObservations ?? this.nStates);
    this.actionSpace = new Discrete(this.nActions);
    this.sampling = [];
    for (let s = 0; s < this.nStates; s++) {
      for (let a = 0; a < this.nActions; a++) {
        const next: number[] = [];
        const cumulative: number[] = [];
        let c = 0;
        this.transitions[s][a].forEach((p, t) => {
          if (p > 0) {
            c += p;
            next.push(t);
            cumulative.push(c);
          }
        });
        this.sampling.push({ next: Int32Array.from(next), cumulative: Float64Array.from(cumulative) });
      }
    }
  }

  /** A copy of the model this simulator samples from. */
  toTabular(): TabularMDP {
    return cloneMdp(this);
  }

  private observe(s: number): number {
    return this.options.observe ? this.options.observe(s) : s;
  }

  protected resetState(rng: Rng): ResetResult<number> {
    this.state = rng.categorical(this.initial);
    return { observation: this.observe(this.state), info: { state: this.state } };
  }

  /** Sample s' ~ P[s][a][.] and the reward r_{t+1} of that transition. */
  private sample(s: number, action: number, rng: Rng): { next: number; reward: number } {
    const row = this.sampling[s * this.nActions + action];
    const u = rng.random() * row.cumulative[row.cumulative.length - 1];
    let k = 0;
    while (k < row.next.length - 1 && u >= row.cumulative[k]) k++;
    const next = row.next[k];
    const reward = this.options.reward ? this.options.reward(s, action, next, rng) : this.rewards[s][action];
    return { next, reward };
  }

  protected transition(action: number, rng: Rng): StepResult<number> {
    const { next, reward } = this.sample(this.state, action, rng);
    this.state = next;
    return { observation: this.observe(next), reward, terminated: this.terminal[next], truncated: false, info: { state: next } };
  }

  /** The same model as a vector kernel (state = [s], observation = [observe(s)]), for `VectorEnv`. */
  kernel(): VectorKernel {
    return {
      name: this.name,
      stateDim: 1,
      obsDim: 1,
      observation: { kind: "discrete", n: this.observationSpace.n },
      resetOptions: [],
      action: { kind: "discrete", n: this.nActions },
      reset: (rng, state, off) => {
        state[off] = rng.categorical(this.initial);
      },
      step: (state, off, actions, aOff, rng) => {
        const { next, reward } = this.sample(state[off], actions[aOff], rng);
        state[off] = next;
        return reward;
      },
      terminal: (state, off) => this.terminal[state[off]],
      observe: (state, off, obs, oOff) => {
        obs[oOff] = this.observe(state[off]);
      },
    };
  }
}
