/**
 * ## DeepRM-v0
 *
 * **Description.** Online scheduling of jobs on a cluster with several resources, after Mao,
 * Alizadeh, Menache and Kandula, "Resource Management with Deep Reinforcement Learning" (HotNets
 * 2016) and their reference code (hongzimao/deeprm). Jobs arrive over time, each needing a fixed
 * number of units of every resource for a fixed number of time steps T_j (both known on arrival). The
 * scheduler picks which waiting job to start; it may start several in one time step. The goal is a
 * small average slowdown (f_j - a_j) / T_j: completion time over ideal length.
 *
 * **Action space.** `Discrete(M + 1)`: a < M allocates the job waiting in slot a at the earliest time
 * offset where it fits for its whole length (time stands still, so another job can be chosen);
 * a = M is "void" and advances time. Choosing an empty slot or a job that fits nowhere in the horizon
 * also advances time. Details in `kernel.ts`.
 *
 * **Observation space.** `Box(0, 1, [horizon, imageWidth])`, a float32 image (20 x 224 = 4480 values
 * with the defaults): for each resource the cluster's allocation over the next `horizon` steps and the
 * demands of the M waiting jobs, then the backlog count and the time since the last arrival.
 * Layout in `observation.ts`.
 *
 * **Rewards.** 0 after an allocation; after a step of time, -sum of 1 / T_j over the jobs in the system
 * (waiting or running) during that step. The return of a whole episode is exactly minus the sum of the
 * jobs' slowdowns, so maximising it minimises the mean slowdown of the job set.
 *
 * **Starting state.** Time 0, an empty cluster, and the job set's jobs arriving at time 0 already in
 * the slots. The job set is drawn from the reset's random stream (Bernoulli arrivals at the rate that
 * gives the requested `load`), unless a reset option names it:
 * - `{ jobSet: k, split?: "train" | "test" }`: numbered job set k of that split, from the `seed`
 *   argument; every reset with it starts from the identical job set (for N rollouts per job set);
 * - `{ jobs: [{ arrival, length, demands }, ...] }`: exactly these jobs.
 * A drawn or numbered job set can take `{ load }` too: it is then drawn at that load rather than the
 * `load` argument's (one environment serves a training run that mixes loads).
 *
 * **Episode end.**
 * - Termination: every job of the job set has arrived (time >= `jobSetLength`) and is done.
 * - Truncation: after 2,000 steps (the `TimeLimit` added by `make("DeepRM-v0")`); decisions, not time
 *   steps: a job set of 50 steps takes about 50 to 200 time steps plus one step per job.
 *
 * **Info.** At reset: `time`, `jobs` (in the set), `jobSet` and `split` (null for a drawn or given set).
 * After each step: `time`, `allocated` (whether the action started a job), `finished` (the jobs that
 * completed at this step: job index, arrival, length, finish, slowdown), `jobsDone`, `jobsInSystem`,
 * `jobsDropped` and `meanSlowdown`: the mean over the jobs that have arrived of their slowdown, where a
 * job not yet done counts the time it has spent so far (a lower bound; exact once the episode has
 * terminated, and always equal to minus the return so far over the jobs arrived). When the episode
 * terminates, `slowdowns` lists every job's slowdown in arrival order (NaN for a dropped job).
 *
 * **Arguments.** `DeepRMArgs` (config.ts): resources, capacity, horizon, slots, backlog, load,
 * jobSetLength, maxJobLength, maxDemand, seed. `getState()` / `setState(state)` read and place the
 * whole state (layout in `state.ts`; `buildState` writes one from a description); `render()` draws it.
 */
import type { Rng } from "../../rng";
import { BaseEnv, type Info, type ResetResult, type StepResult } from "../env";
import { Box, Discrete } from "../spaces";
import { type DeepRMArgs, type DeepRMConfig, H, deepRMConfig } from "./config";
import { type Job, readJobs } from "./jobs";
import { DEEPRM_RESET_OPTIONS, type DeepRMKernel, deepRMKernel, jobSetChoice, resetState } from "./kernel";
import { renderDeepRM } from "./render";
import { checkDeepRMState } from "./state";

/** A job that completed, as reported in `info.finished`. */
export interface FinishedJob {
  job: number;
  arrival: number;
  length: number;
  finish: number;
  /** (finish - arrival) / length. */
  slowdown: number;
}

/** Slowdown statistics of a state: see the `Info` section above. */
export interface SlowdownStats {
  jobsDone: number;
  jobsInSystem: number;
  jobsDropped: number;
  /** Mean over the jobs arrived (not dropped) of their slowdown so far; NaN if none arrived. */
  meanSlowdown: number;
}

/** The statistics above, and the slowdown of each job of the set (NaN if not done or dropped). */
export function slowdownStats(cfg: DeepRMConfig, s: ArrayLike<number>, o = 0): SlowdownStats & { slowdowns: number[] } {
  const slowdowns = new Array<number>(s[o + H.numJobs]).fill(NaN);
  return { ...tally(cfg, s, o, slowdowns), slowdowns };
}

function tally(cfg: DeepRMConfig, s: ArrayLike<number>, o: number, slowdowns: number[] | null): SlowdownStats {
  const L = cfg.layout;
  const t = s[o + H.time];
  const next = s[o + H.nextJob];
  let done = 0;
  let dropped = 0;
  let sum = 0;
  for (let j = 0; j < next; j++) {
    const f = s[o + L.finish + j];
    if (f === -2) {
      dropped++;
      continue;
    }
    const row = o + L.jobs + j * L.jobWidth;
    const end = f >= 0 && f <= t ? f : t;
    const slowdown = (end - s[row]) / s[row + 1];
    sum += slowdown;
    if (end === f) {
      done++;
      if (slowdowns) slowdowns[j] = slowdown;
    }
  }
  const arrived = next - dropped;
  return { jobsDone: done, jobsInSystem: arrived - done, jobsDropped: dropped, meanSlowdown: arrived ? sum / arrived : NaN };
}

const NOTHING_FINISHED: readonly FinishedJob[] = Object.freeze([]);

export class DeepRM extends BaseEnv<Float32Array, number> {
  readonly config: DeepRMConfig;
  readonly kernel: DeepRMKernel;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  override readonly resetOptions: readonly string[] = DEEPRM_RESET_OPTIONS;
  private state: Float64Array;

  constructor(args: DeepRMArgs = {}) {
    super("DeepRM-v0");
    this.config = deepRMConfig(args);
    this.kernel = deepRMKernel(this.config);
    this.observationSpace = new Box(0, 1, [this.config.horizon, this.config.imageWidth]);
    this.actionSpace = new Discrete(this.config.slots + 1);
    this.state = new Float64Array(this.config.layout.size);
  }

  protected resetState(rng: Rng, options: Record<string, unknown>): ResetResult<Float32Array> {
    const choice = jobSetChoice(this.config, options, `${this.name}.reset`);
    resetState(this.config, choice, rng, this.state, 0);
    const numbered = choice.kind === "numbered";
    return {
      observation: this.observation(),
      info: { time: 0, jobs: this.state[H.numJobs], jobSet: numbered ? choice.index : null, split: numbered ? choice.split : null },
    };
  }

  protected transition(action: number, rng: Rng): StepResult<Float32Array> {
    const s = this.state;
    const before = s[H.time];
    const reward = this.kernel.step(s, 0, [action], 0, rng);
    const terminated = this.kernel.terminal(s, 0);
    const t = s[H.time];
    const slowdowns = terminated ? new Array<number>(s[H.numJobs]).fill(NaN) : null;
    const stats = tally(this.config, s, 0, slowdowns);
    let finished = NOTHING_FINISHED as FinishedJob[];
    if (t !== before) {
      const L = this.config.layout;
      for (let j = 0; j < s[H.nextJob]; j++) {
        if (s[L.finish + j] !== t) continue;
        if (finished === NOTHING_FINISHED) finished = [];
        const row = L.jobs + j * L.jobWidth;
        finished.push({ job: j, arrival: s[row], length: s[row + 1], finish: t, slowdown: (t - s[row]) / s[row + 1] });
      }
    }
    const info: Info = { time: t, allocated: t === before, finished, ...stats };
    if (slowdowns) info.slowdowns = slowdowns;
    return { observation: this.observation(), reward, terminated, truncated: false, info };
  }

  private observation(): Float32Array {
    const obs = new Float32Array(this.config.obsDim);
    this.kernel.observe(this.state, 0, obs, 0);
    return obs;
  }

  /** The jobs of the current job set. */
  jobSet(): Job[] {
    return readJobs(this.config, this.state);
  }

  /** The whole state as a list of integers (layout in state.ts). */
  getState(): number[] {
    return Array.from(this.state);
  }

  /** Place the environment in a state (checked; see state.ts); the episode continues from there. */
  setState(state: ArrayLike<number>): void {
    this.state = checkDeepRMState(this.config, state, this.name);
    this.resume();
  }

  /** The current state drawn as SVG: per resource, the cluster and the M slots; then the backlog. */
  render(): string {
    return renderDeepRM(this.config, this.state);
  }
}
