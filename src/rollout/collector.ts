/**
 * Collecting experience: the rollout path of every training algorithm. A `Collector` steps N copies
 * of an environment together (a `VectorEnv`, or any single `Env` through `vectorize`) with a policy and
 * returns `Batch`es (src/rollout/batch.ts):
 *
 * - `segment(policy, rng, steps)`: `steps` steps from every copy, rows time-major (A2C's n-step
 *   segments); episodes start and end anywhere inside, and the copies' next observations are kept for
 *   bootstrapping.
 * - `episodes(policy, rng, steps)`: about `steps` environment steps (a multiple of N); the batch holds
 *   the episodes that ended during them, whole and end to end (copies = 1, divisor = their number),
 *   REINFORCE's batches. An episode still running when the steps are done continues at the next call
 *   under the updated policy: the price of never idling a copy, and why REINFORCE here is "on-policy
 *   up to one update" for those episodes. A call in which no episode ends gives an empty batch.
 * - `count(policy, rng, episodes)`: exactly that many whole episodes (notebooks' `sampleEpisodes`).
 * - `group(policy, rng, { reset })`: one whole episode from every copy, all started by the same reset
 *   (e.g. DeepRM's `{ jobSet: k }`: N rollouts of one job set from identical starts, for a baseline
 *   per start); a copy that finishes waits for the others, and no further episode is begun.
 *
 * Four loops step an environment on their own, each for a reason the collector's float rows do not
 * serve: `recordEpisode` (envs/record.ts: the environment's own observation objects and rendered
 * frames), `reinforceEpisodic` (Sutton and Barto's one-episode-at-a-time algorithm on a plain `Env`),
 * DeepRM's `runJobSet` (deeprm/evaluate.ts: the job set's slowdown from the last step's info) and
 * `collectDemonstrations` (deeprm/imitation.ts: a scheduler's states stored as bytes).
 *
 * Policies act through `sampleRows` (the library's policies: one call for all copies, no per-step
 * allocation) or, for any object with `sample(observation, rng)`, one observation at a time.
 */
import type { Env } from "../envs/env";
import { Discrete } from "../envs/spaces";
import type { VectorEnv, VectorEnvSnapshot } from "../envs/vector";
import type { Rng } from "../rng";
import { type Batch, type EpisodeRows, emptyBatch, joinEpisodes } from "./batch";

/** What the collector needs of a vector of environments (`VectorEnv` has it; `vectorize` adapts an `Env`). */
export type VectorLike = Pick<
  VectorEnv,
  "name" | "numEnvs" | "obsDim" | "actionDim" | "maxEpisodeSteps" | "observations" | "finalObservations" | "rewards" | "terminated" | "truncated" | "episodeReturns" | "episodeLengths" | "reset" | "step" | "close"
> & {
  /** Observations are state indices (a discrete observation space). */
  readonly discreteObservations: boolean;
  readonly discreteActions: boolean;
};

/** What `Collector.snapshot` returns (plain numbers, JSON-safe). */
export interface CollectorSnapshot {
  steps: number;
  started: boolean;
  env: VectorEnvSnapshot | null;
  episodes: { obs: number[][]; acts: number[][]; rews: number[][] };
}

/** Acts for many observation rows at once. */
export interface RowSampler {
  /** Fill `out` (rows x actionDim) with actions sampled for the observation rows. */
  sampleRows(observations: ArrayLike<number>, rows: number, rng: Rng, out: Float64Array): void;
}

/** A policy as the collector uses it: a `RowSampler`, or anything with `sample(observation, rng)`. */
export type Actor = RowSampler | { sample(observation: never, rng: Rng): unknown };

function rowSampler(actor: Actor, env: VectorLike): RowSampler {
  if (typeof (actor as RowSampler).sampleRows === "function") return actor as RowSampler;
  if (typeof (actor as { sample?: unknown }).sample !== "function") {
    throw new TypeError(`${env.name}: the policy must have sample(observation, rng) or sampleRows(...); received ${String(actor)}.`);
  }
  const sample = (actor as { sample(o: unknown, rng: Rng): unknown }).sample.bind(actor);
  const od = env.obsDim;
  const ad = env.actionDim;
  return {
    sampleRows(observations, rows, rng, out) {
      for (let i = 0; i < rows; i++) {
        const obs = env.discreteObservations ? observations[i * od] : Float32Array.from({ length: od }, (_, k) => observations[i * od + k]);
        const a = sample(obs, rng);
        if (typeof a === "number") out[i * ad] = a;
        else out.set(a as ArrayLike<number>, i * ad);
      }
    },
  };
}

export class Collector {
  readonly env: VectorLike;
  /** Environment steps taken (summed over copies). */
  steps = 0;
  private readonly seed: number | undefined;
  private started = false;
  private readonly actions: Float64Array;
  // in-progress episodes, per copy (episodes mode)
  private readonly obs: number[][];
  private readonly acts: number[][];
  private readonly rews: number[][];
  // group mode: per-copy float32 observation rows, and the batch buffer, both reused between calls
  private groupRows: Float32Array[] = [];
  private groupBuffer = new Float32Array(0);

  /** `seed` seeds the environment's first reset (copy i draws from Rng(seed, [i])); without it the env's stream continues. */
  constructor(env: VectorLike, options: { seed?: number } = {}) {
    this.env = env;
    this.seed = options.seed;
    this.actions = new Float64Array(env.numEnvs * env.actionDim);
    this.obs = Array.from({ length: env.numEnvs }, () => []);
    this.acts = Array.from({ length: env.numEnvs }, () => []);
    this.rews = Array.from({ length: env.numEnvs }, () => []);
  }

  private start(): void {
    if (this.started) return;
    this.env.reset(this.seed === undefined ? {} : { seed: this.seed });
    this.started = true;
  }

  /**
   * The collector's position, to continue a run later (`restore`): its step count, the episodes in
   * progress (episodes mode) and the environment's own snapshot. Needs a `VectorEnv` (`snapshot`).
   */
  snapshot(): CollectorSnapshot {
    const env = this.env as Partial<Pick<VectorEnv, "snapshot">>;
    if (typeof env.snapshot !== "function") throw new TypeError(`Collector.snapshot: ${this.env.name} is not a VectorEnv (it has no snapshot()).`);
    return { steps: this.steps, started: this.started, env: this.started ? env.snapshot() : null, episodes: { obs: this.obs.map((o) => [...o]), acts: this.acts.map((a) => [...a]), rews: this.rews.map((r) => [...r]) } };
  }

  /** Continue from a `snapshot` (same environment and number of copies): the next call takes the steps that would have followed. */
  restore(s: CollectorSnapshot): void {
    this.steps = s.steps;
    if (s.env) (this.env as VectorEnv).restore(s.env);
    this.started = s.started;
    s.episodes.obs.forEach((o, i) => (this.obs[i] = [...o]));
    s.episodes.acts.forEach((a, i) => (this.acts[i] = [...a]));
    s.episodes.rews.forEach((r, i) => (this.rews[i] = [...r]));
  }

  /** The longest episode still running, in steps (episodes mode). */
  longestRunning(): number {
    return Math.max(0, ...this.rews.map((r) => r.length));
  }

  /** The environment, the policy as a row sampler, and the sizes every rollout loop reads. */
  private acting(policy: Actor) {
    const env = this.env;
    return { env, sampler: rowSampler(policy, env), n: env.numEnvs, od: env.obsDim, ad: env.actionDim };
  }

  /** `steps` steps of every copy, as one time-major segment (copies = N, divisor = its rows). */
  segment(policy: Actor, rng: Rng, steps: number, gamma = 1): Batch {
    if (!Number.isSafeInteger(steps) || steps < 1) throw new RangeError(`Collector.segment: steps must be an integer >= 1; received ${String(steps)}.`);
    this.start();
    const { env, sampler, n, od, ad } = this.acting(policy);
    const b = emptyBatch(steps * n, n, od, ad, steps * n);
    b.gamma = gamma;
    const ends: number[] = [];
    const finals: number[] = [];
    for (let t = 0; t < steps; t++) {
      const row = t * n;
      b.observations.set(env.observations.subarray(0, n * od), row * od);
      sampler.sampleRows(env.observations, n, rng, this.actions);
      b.actions.set(this.actions, row * ad);
      env.step(this.actions);
      for (let i = 0; i < n; i++) {
        const k = row + i;
        b.rewards[k] = env.rewards[i];
        b.terminated[k] = env.terminated[i];
        b.truncated[k] = env.truncated[i];
        if (env.terminated[i] || env.truncated[i]) {
          ends.push(k);
          for (let j = 0; j < od; j++) finals.push(env.finalObservations[i * od + j]);
          b.episodeReturns.push(env.episodeReturns[i]);
          b.episodeLengths.push(env.episodeLengths[i]);
        }
      }
    }
    this.steps += steps * n;
    b.lastObservations.set(env.observations.subarray(0, n * od));
    return { ...b, ends: Int32Array.from(ends), finalObservations: Float32Array.from(finals) };
  }

  /**
   * About `steps` environment steps (rounded up to a multiple of N); the episodes that ended during
   * them, whole, end to end (copies = 1, divisor = the number of episodes; empty if none ended).
   */
  episodes(policy: Actor, rng: Rng, steps: number, gamma = 1): Batch {
    if (!Number.isSafeInteger(steps) || steps < 1) throw new RangeError(`Collector.episodes: steps must be an integer >= 1; received ${String(steps)}.`);
    const perCopy = Math.ceil(steps / this.env.numEnvs);
    return this.run(policy, rng, gamma, (done, t) => t >= perCopy);
  }

  /** Exactly `count` whole episodes, in the order they ended. */
  count(policy: Actor, rng: Rng, count: number, gamma = 1): Batch {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`Collector.count: episodes must be an integer >= 1; received ${String(count)}.`);
    return this.run(policy, rng, gamma, (done) => done >= count, count);
  }

  /**
   * One whole episode from each of the N copies, all reset together with `options.reset` (and
   * `options.seed`): for an environment whose start the reset options fix (DeepRM's `{ jobSet: k }`),
   * N rollouts from the identical start. Copies that finish wait (they are not stepped again, so no
   * later episode is begun or dropped), and the batch holds the N episodes end to end in copy order
   * (copies = 1, divisor N), each row labelled `options.group` in `groups` (for a baseline per start,
   * e.g. `timeDependentBaseline`). The environment needs a step limit, so that every episode ends.
   *
   * For speed with wide observations, the batch's observations are a view of a buffer that the next
   * `group` call of this collector overwrites: use the batch (or copy it) before collecting again.
   */
  group(policy: Actor, rng: Rng, options: { reset?: Record<string, unknown>; seed?: number; group?: number; gamma?: number } = {}): Batch {
    const env = this.env;
    if (env.maxEpisodeSteps === null) {
      throw new RangeError(`Collector.group: ${env.name} has no step limit, so an episode might never end; give it one (e.g. config.maxEpisodeSteps, or vectorize(env, { maxEpisodeSteps })).`);
    }
    const { sampler, n, od, ad } = this.acting(policy);
    env.reset({ ...(options.seed === undefined ? {} : { seed: options.seed }), ...(options.reset === undefined ? {} : { options: options.reset }) });
    this.started = true;
    while (this.groupRows.length < n) this.groupRows.push(new Float32Array(64 * od));
    const acts: number[][] = Array.from({ length: n }, () => []);
    const rews: number[][] = Array.from({ length: n }, () => []);
    const finals = new Float32Array(n * od);
    const returns = new Float64Array(n);
    const lengths = new Int32Array(n);
    const truncated = new Uint8Array(n);
    const active = new Uint8Array(n).fill(1);
    const row = new Float64Array(ad);
    let running = n;
    while (running > 0) {
      for (let i = 0; i < n; i++) {
        if (!active[i]) continue;
        const t = rews[i].length;
        let buf = this.groupRows[i];
        if ((t + 1) * od > buf.length) {
          const grown = new Float32Array(2 * buf.length);
          grown.set(buf);
          this.groupRows[i] = buf = grown;
        }
        buf.set(env.observations.subarray(i * od, (i + 1) * od), t * od);
        sampler.sampleRows(buf.subarray(t * od, (t + 1) * od), 1, rng, row); // the float32 copy: cheaper to read
        for (let k = 0; k < ad; k++) {
          this.actions[i * ad + k] = row[k];
          acts[i].push(row[k]);
        }
      }
      env.step(this.actions, active);
      for (let i = 0; i < n; i++) {
        if (!active[i]) continue;
        this.steps++;
        rews[i].push(env.rewards[i]);
        if (env.terminated[i] || env.truncated[i]) {
          active[i] = 0;
          running--;
          truncated[i] = env.terminated[i] ? 0 : 1;
          finals.set(env.finalObservations.subarray(i * od, (i + 1) * od), i * od);
          returns[i] = env.episodeReturns[i];
          lengths[i] = env.episodeLengths[i];
        }
      }
    }
    const rows = lengths.reduce((a, b) => a + b, 0);
    if (this.groupBuffer.length < rows * od) this.groupBuffer = new Float32Array(Math.ceil(rows * 1.25) * od);
    const episodes: EpisodeRows[] = Array.from(lengths, (T, i) => ({
      observations: this.groupRows[i].subarray(0, T * od),
      actions: acts[i],
      rewards: rews[i],
      terminated: !truncated[i],
      final: finals.subarray(i * od, (i + 1) * od),
      return: returns[i],
      length: T,
    }));
    const b = joinEpisodes(episodes, { obsSize: od, actionSize: ad, gamma: options.gamma ?? 1, divisor: n }, this.groupBuffer.subarray(0, rows * od));
    return { ...b, groups: new Int32Array(rows).fill(options.group ?? 0) };
  }

  private run(policy: Actor, rng: Rng, gamma: number, enough: (episodes: number, steps: number) => boolean, limit = Infinity): Batch {
    this.start();
    const { env, sampler, n, od, ad } = this.acting(policy);
    const done: EpisodeRows[] = [];
    let t = 0;
    while (!enough(done.length, t)) {
      sampler.sampleRows(env.observations, n, rng, this.actions);
      for (let i = 0; i < n; i++) {
        const o = this.obs[i];
        for (let k = 0; k < od; k++) o.push(env.observations[i * od + k]);
        const a = this.acts[i];
        for (let k = 0; k < ad; k++) a.push(this.actions[i * ad + k]);
      }
      env.step(this.actions);
      t++;
      this.steps += n;
      for (let i = 0; i < n; i++) {
        this.rews[i].push(env.rewards[i]);
        if (!(env.terminated[i] || env.truncated[i])) continue;
        if (done.length < limit) {
          done.push({
            observations: this.obs[i],
            actions: this.acts[i],
            rewards: this.rews[i],
            terminated: env.terminated[i] === 1,
            final: env.finalObservations.slice(i * od, (i + 1) * od),
            return: env.episodeReturns[i],
            length: env.episodeLengths[i],
          });
        }
        // an episode beyond `limit` (another copy's, ended in the same step) is dropped
        this.obs[i] = [];
        this.acts[i] = [];
        this.rews[i] = [];
      }
    }
    return joinEpisodes(done, { obsSize: od, actionSize: ad, gamma, divisor: done.length });
  }
}

/**
 * Any `Env` as a vector of one copy with `VectorEnv`'s conventions (same-step reset, the final
 * observation kept), so that the collector serves single environments too. `maxEpisodeSteps` cuts
 * episodes there (marked truncated, as a time limit does). Observations must be numbers (a discrete
 * space) or numeric arrays (a box); actions likewise.
 */
export function vectorize<Obs, Act>(env: Env<Obs, Act>, options: { maxEpisodeSteps?: number; name?: string } = {}): VectorLike {
  const name = options.name ?? (env as { name?: string }).name ?? env.spec?.id ?? "env";
  const limit = options.maxEpisodeSteps ?? null;
  if (limit !== null && (!Number.isSafeInteger(limit) || limit < 1)) throw new RangeError(`vectorize: maxEpisodeSteps must be an integer >= 1; received ${String(limit)}.`);
  const discreteObservations = env.observationSpace instanceof Discrete;
  const discreteActions = env.actionSpace instanceof Discrete;
  const sizeOf = (space: unknown, what: string): number => {
    if (space instanceof Discrete) return 1;
    const size = (space as { size?: number }).size;
    if (typeof size !== "number") throw new TypeError(`vectorize: ${name}'s ${what} space must be Discrete or Box; received ${String(space)}.`);
    return size;
  };
  const obsDim = sizeOf(env.observationSpace, "observation");
  const actionDim = sizeOf(env.actionSpace, "action");
  const observations = new Float64Array(obsDim);
  const finalObservations = new Float64Array(obsDim);
  const write = (out: Float64Array, obs: unknown) => {
    if (typeof obs === "number") out[0] = obs;
    else out.set(obs as ArrayLike<number>);
  };
  let length = 0;
  let total = 0;
  const v = {
    name,
    numEnvs: 1,
    obsDim,
    actionDim,
    maxEpisodeSteps: limit,
    discreteObservations,
    discreteActions,
    observations,
    finalObservations,
    rewards: new Float64Array(1),
    terminated: new Uint8Array(1),
    truncated: new Uint8Array(1),
    episodeReturns: new Float64Array(1),
    episodeLengths: new Int32Array(1),
    reset(args: { seed?: number; options?: Record<string, unknown> } = {}): Float64Array {
      write(observations, env.reset(args).observation);
      length = 0;
      total = 0;
      return observations;
    },
    step(actions: ArrayLike<number>): void {
      const action = (discreteActions ? actions[0] : Float64Array.from({ length: actionDim }, (_, k) => actions[k])) as unknown as Act;
      const r = env.step(action);
      length++;
      total += r.reward;
      const cut = limit !== null && length >= limit;
      v.rewards[0] = r.reward;
      v.terminated[0] = r.terminated ? 1 : 0;
      v.truncated[0] = r.truncated || (cut && !r.terminated) ? 1 : 0;
      if (r.terminated || r.truncated || cut) {
        write(finalObservations, r.observation);
        v.episodeReturns[0] = total;
        v.episodeLengths[0] = length;
        v.reset();
      } else write(observations, r.observation);
    },
    /** Closes the environment (if it has close()). */
    close(): void {
      (env as { close?: () => void }).close?.();
    },
  };
  return v as unknown as VectorLike;
}
