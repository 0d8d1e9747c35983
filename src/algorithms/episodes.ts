/**
 * Collecting whole episodes from a VectorEnv. Each copy's current episode accumulates step by step;
 * when it ends (terminated or truncated) it is complete and handed out. Episodes still running when
 * a batch is full continue into the next batch, under the updated policy: the price of never idling
 * a copy, and the reason REINFORCE here is "on-policy up to one update" for those episodes.
 */
import type { VectorEnv } from "../envs/vector";
import type { StepBatch } from "../estimators/gradient";
import type { Rng } from "../rng";
import { type Recorder, type TrainablePolicy, sampleActions } from "./core";

export interface CollectedEpisode {
  /** Observation rows s_0 .. s_{T-1} (T x obsWidth). */
  observations: Float32Array;
  /** a_0 .. a_{T-1} (T x actionSize). */
  actions: Float32Array;
  /** r_1 .. r_T. */
  rewards: Float64Array;
  terminated: boolean;
  truncated: boolean;
  /** The last observation s_T (for bootstrapping a truncated episode). */
  finalObservation: Float32Array;
  length: number;
}

export class EpisodeCollector {
  private readonly obs: number[][];
  private readonly acts: number[][];
  private readonly rews: number[][];
  private readonly actions: Float64Array;
  private started = false;

  constructor(
    private readonly env: VectorEnv,
    private readonly seed: number,
  ) {
    const n = env.numEnvs;
    this.obs = Array.from({ length: n }, () => []);
    this.acts = Array.from({ length: n }, () => []);
    this.rews = Array.from({ length: n }, () => []);
    this.actions = new Float64Array(n * env.actionDim);
  }

  /** Step all copies until at least `minSteps` steps of complete episodes are collected. */
  collect(policy: TrainablePolicy, rng: Rng, minSteps: number, recorder: Recorder): { episodes: CollectedEpisode[]; steps: number } {
    const env = this.env;
    if (!this.started) {
      env.reset({ seed: this.seed });
      this.started = true;
    }
    const n = env.numEnvs;
    const od = env.obsDim;
    const ad = env.actionDim;
    const episodes: CollectedEpisode[] = [];
    let collected = 0;
    let steps = 0;
    while (collected < minSteps) {
      sampleActions(policy, env.observations, n, rng, this.actions);
      for (let i = 0; i < n; i++) {
        const o = this.obs[i];
        for (let k = 0; k < od; k++) o.push(env.observations[i * od + k]);
        const a = this.acts[i];
        for (let k = 0; k < ad; k++) a.push(this.actions[i * ad + k]);
      }
      env.step(this.actions);
      steps += n;
      recorder.collect(env);
      for (let i = 0; i < n; i++) {
        this.rews[i].push(env.rewards[i]);
        if (env.terminated[i] || env.truncated[i]) {
          const T = this.rews[i].length;
          episodes.push({
            observations: Float32Array.from(this.obs[i]),
            actions: Float32Array.from(this.acts[i]),
            rewards: Float64Array.from(this.rews[i]),
            terminated: env.terminated[i] === 1,
            truncated: env.terminated[i] !== 1,
            finalObservation: Float32Array.from(env.finalObservations.subarray(i * od, (i + 1) * od)),
            length: T,
          });
          collected += T;
          this.obs[i] = [];
          this.acts[i] = [];
          this.rews[i] = [];
        }
      }
    }
    return { episodes, steps };
  }
}

/** Flatten episodes into one TF.js batch with weights psi (one array per episode). */
export function batchOf(episodes: CollectedEpisode[], psis: ArrayLike<number>[], obsSize: number, actionSize: number): StepBatch {
  const T = episodes.reduce((n, e) => n + e.length, 0);
  const b: StepBatch = { observations: new Float32Array(T * obsSize), obsSize, actions: new Float32Array(T * actionSize), actionSize, weights: new Float32Array(T), count: T };
  let row = 0;
  episodes.forEach((e, i) => {
    b.observations.set(e.observations, row * obsSize);
    b.actions.set(e.actions, row * actionSize);
    b.weights.set(psis[i], row);
    row += e.length;
  });
  return b;
}
