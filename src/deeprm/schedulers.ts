/**
 * The paper's baseline schedulers, as policies on DeepRM-v0's observation (they read the state image
 * back with `decodeObservation`, so they run wherever a policy runs: `recordEpisode`,
 * `sampleEpisodes`, a VectorEnv's observation rows).
 *
 * Each rule scores every waiting job that fits **now** (its demand is free in the next T_j rows of the
 * cluster, for every resource) and allocates the best; when none fits it returns void (M), which
 * advances time. Ties go to the lowest slot. These are the rules of the reference code
 * (other_agents.py):
 * - SJF, shortest job first: score 1 / T_j.
 * - Packer: score <free units now, demand> (dot product over resources of the free units at time
 *   offset 0 and the job's demand): the job that best uses what is free.
 * - Tetris*: knob * Packer score + (1 - knob) * SJF score, the reference's `get_packer_sjf_action`.
 *   The two scores live on different scales (the alignment score reaches 120 with the defaults,
 *   1 / T_j at most 1), so a knob of 0.5 is Packer in all but ties. The reference code's evaluation
 *   uses knob 1 under the name "Tetris" (Packer itself); the paper's Tetris* is a mix that does a
 *   little better than SJF. We use knob = TETRIS_KNOB = 0.001, chosen on training job sets (see there).
 * - Random: uniform over the M + 1 actions (empty slots and void included), as the reference code's
 *   `get_random_action`.
 */
import type { DeepRMArgs, DeepRMConfig } from "../envs/deeprm/config";
import { deepRMConfig } from "../envs/deeprm/config";
import { fitsAt } from "../envs/deeprm/kernel";
import { type ObservationView, decodeObservation, emptyView } from "../envs/deeprm/observation";
import type { CategoricalPolicy, SavedPolicy } from "../policies/policy";
import { checkDiscreteAction, checkParams } from "../policies/policy";
import type { Rng } from "../rng";

/**
 * Tetris*'s weight on the Packer score: 0.001. With the default cluster the alignment score is at
 * most 120, so the Packer term is at most 0.12: it orders long jobs among themselves (1 / T_j differs
 * by at most 0.033 between lengths 10 and 15) and breaks ties, but never overrides SJF between a
 * shorter and a longer short job (1/2 - 1/3 = 0.17) or a short and a long one (1/3 - 1/10 = 0.23).
 * Chosen on training job sets (split "train", seed 0, 100 job sets per load), mean slowdown minus
 * SJF's on the same job sets (paired, +- standard error):
 *
 * | knob   | load 0.7      | load 1.3      | load 1.9      |
 * |--------|---------------|---------------|---------------|
 * | 0      | 0 (SJF: 2.98) | 0 (SJF: 4.73) | 0 (SJF: 8.56) |
 * | 0.0005 | -0.03 +- 0.02 | -0.18 +- 0.08 | -0.40 +- 0.15 |
 * | 0.001  | -0.03 +- 0.03 | -0.12 +- 0.09 | -0.38 +- 0.15 |
 * | 0.003  | -0.04 +- 0.03 | -0.06 +- 0.09 | -0.20 +- 0.15 |
 * | 0.01   | +0.13 +- 0.06 | +0.24 +- 0.11 | +0.46 +- 0.18 |
 * | 1 (Packer) | +1.99 +- 0.30 | +6.94 +- 0.51 | +13.6 +- 0.5 |
 *
 * Knobs 0.0005 to 0.001 are best and alike; from 0.01 on the mix is worse than SJF, and 0.5 is
 * already Packer in all but ties.
 */
export const TETRIS_KNOB = 0.001;

export type SchedulerName = "SJF" | "Packer" | "Tetris*" | "Random";
export const SCHEDULER_NAMES: readonly SchedulerName[] = Object.freeze(["SJF", "Packer", "Tetris*", "Random"]);

function resolve(args: DeepRMArgs | DeepRMConfig | undefined): DeepRMConfig {
  return args && "layout" in args ? (args as DeepRMConfig) : deepRMConfig((args ?? {}) as DeepRMArgs, "DeepRM scheduler");
}

function checkObservation(where: string, obs: ArrayLike<number>, n: number): void {
  if (obs === null || typeof obs !== "object" || obs.length !== n) {
    throw new RangeError(`${where}: expected a DeepRM observation of ${n} numbers; received ${obs === null || typeof obs !== "object" ? String(obs) : `${obs.length}`}.`);
  }
}

/** What the schedulers share: a policy with no parameters over M + 1 actions. */
abstract class BaseScheduler implements CategoricalPolicy<ArrayLike<number>> {
  abstract readonly kind: string;
  readonly numParams = 0;
  readonly nActions: number;
  readonly config: DeepRMConfig;

  constructor(args?: DeepRMArgs | DeepRMConfig) {
    this.config = resolve(args);
    this.nActions = this.config.slots + 1;
  }

  abstract sample(obs: ArrayLike<number>, rng: Rng): number;
  abstract probs(obs: ArrayLike<number>): Float64Array;

  logProb(obs: ArrayLike<number>, action: number): number {
    return Math.log(this.probs(obs)[checkDiscreteAction(`${this.kind}.logProb`, action, this.nActions)]);
  }

  entropy(obs: ArrayLike<number>): number {
    let h = 0;
    for (const p of this.probs(obs)) if (p > 0) h -= p * Math.log(p);
    return h;
  }

  getParams(): Float64Array {
    return new Float64Array(0);
  }

  setParams(params: ArrayLike<number>): void {
    checkParams(`${this.kind}.setParams`, params, 0);
  }

  protected extraConfig(): Record<string, unknown> {
    return {};
  }

  toJSON(): SavedPolicy {
    const { resources, capacity, horizon, slots, backlog, maxDemand } = this.config;
    return { kind: this.kind, config: { resources, capacity, horizon, slots, backlog, maxDemand, ...this.extraConfig() }, params: [] };
  }
}

/** A deterministic rule: the best-scoring job that fits now, else void. */
abstract class RuleScheduler extends BaseScheduler {
  private readonly view: ObservationView;

  constructor(args?: DeepRMArgs | DeepRMConfig) {
    super(args);
    this.view = emptyView(this.config);
  }

  /** The rule's score of a job (higher is better), given the free units now. */
  protected abstract score(length: number, demands: Int32Array, d: number, avail: Float64Array): number;

  /** The rule's choice on a decoded observation: the best job that fits now, else void (M). */
  choose(view: ObservationView): number {
    const { horizon: T, resources: R, slots: M } = this.config;
    let best = M;
    let bestScore = -Infinity;
    for (let i = 0; i < M; i++) {
      const length = view.lengths[i];
      if (length === 0 || !fitsAt(view.avail, 0, T, R, 0, length, view.demands, i * R)) continue;
      const score = this.score(length, view.demands, i * R, view.avail);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }

  /** The action for an observation (row `row` of a flat batch of observations). */
  act(observations: ArrayLike<number>, row = 0): number {
    return this.choose(decodeObservation(this.config, observations, row * this.config.obsDim, this.view));
  }

  sample(obs: ArrayLike<number>, _rng?: Rng): number {
    checkObservation(`${this.kind}.sample`, obs, this.config.obsDim);
    return this.act(obs);
  }

  /** Sample for row `row` of a flat batch of observations (a VectorEnv's), without checks. */
  sampleAt(observations: ArrayLike<number>, row: number, _rng?: Rng): number {
    return this.act(observations, row);
  }

  probs(obs: ArrayLike<number>): Float64Array {
    const p = new Float64Array(this.nActions);
    p[this.sample(obs)] = 1;
    return p;
  }
}

/** Shortest job first: the waiting job with the smallest T_j that fits now. */
export class SJF extends RuleScheduler {
  readonly kind = "SJF";
  protected score(length: number): number {
    return 1 / length;
  }
}

/** <free units now, demand> over the resources. */
function alignment(demands: Int32Array, d: number, avail: Float64Array, horizon: number, resources: number): number {
  let dot = 0;
  for (let r = 0; r < resources; r++) dot += avail[r * horizon] * demands[d + r];
  return dot;
}

/** Packer: the job whose demand best aligns with the free resources now. */
export class Packer extends RuleScheduler {
  readonly kind = "Packer";
  protected score(_length: number, demands: Int32Array, d: number, avail: Float64Array): number {
    return alignment(demands, d, avail, this.config.horizon, this.config.resources);
  }
}

/** Tetris*: knob * alignment + (1 - knob) / T_j. knob = 1 is Packer, knob = 0 is SJF. */
export class TetrisStar extends RuleScheduler {
  readonly kind = "Tetris*";
  readonly knob: number;

  constructor(args?: DeepRMArgs | DeepRMConfig, knob = TETRIS_KNOB) {
    super(args);
    if (typeof knob !== "number" || !(knob >= 0 && knob <= 1)) throw new RangeError(`Tetris*: knob must be a number in [0, 1] (1: Packer, 0: SJF); received ${String(knob)}.`);
    this.knob = knob;
  }

  protected score(length: number, demands: Int32Array, d: number, avail: Float64Array): number {
    return this.knob * alignment(demands, d, avail, this.config.horizon, this.config.resources) + (1 - this.knob) / length;
  }

  protected override extraConfig(): Record<string, unknown> {
    return { knob: this.knob };
  }
}

/** Uniform over the M + 1 actions. */
export class RandomScheduler extends BaseScheduler {
  readonly kind = "Random";

  sample(obs: ArrayLike<number>, rng: Rng): number {
    checkObservation("Random.sample", obs, this.config.obsDim);
    return rng.integer(0, this.nActions);
  }

  sampleAt(_observations: ArrayLike<number>, _row: number, rng: Rng): number {
    return rng.integer(0, this.nActions);
  }

  probs(obs: ArrayLike<number>): Float64Array {
    checkObservation("Random.probs", obs, this.config.obsDim);
    return new Float64Array(this.nActions).fill(1 / this.nActions);
  }
}

export type Scheduler = SJF | Packer | TetrisStar | RandomScheduler;

/** The four schedulers for one configuration, by name. */
export function schedulers(args?: DeepRMArgs | DeepRMConfig, options: { knob?: number } = {}): Record<SchedulerName, Scheduler> {
  const cfg = resolve(args);
  return { SJF: new SJF(cfg), Packer: new Packer(cfg), "Tetris*": new TetrisStar(cfg, options.knob), Random: new RandomScheduler(cfg) };
}
