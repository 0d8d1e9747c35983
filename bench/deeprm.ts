/**
 * DeepRM-v0 throughput with the uniformly random scheduler (all M + 1 actions), default arguments
 * (load 0.7, 20 x 224 image): one environment through make() (TimeLimit and info included), and a
 * VectorEnv of 20 copies on one job set (the shape of the paper's N = 20 rollouts per job set).
 *
 * Training (`deeprm-train`): seconds per iteration of `npm run deeprm -- train` at the paper's size,
 * 100 job sets x 20 rollouts, on worker threads (one per core), from a fresh network (the longest
 * rollouts: a trained policy wastes fewer decisions), loads cycling through 0.7 .. 1.9. One run of
 * four iterations; the figure is the median of iterations 2-4 (the first includes starting the
 * workers). Also the shipped policy's training run, read from data/deeprm/config.json.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { reinforce } from "../src/algorithms/reinforce";
import { RandomScheduler } from "../src/deeprm/schedulers";
import { deepRMReinforceConfig } from "../src/deeprm/train";
import { make, makeVector } from "../src/envs/index";
import { Rng } from "../src/rng";
import { type Bench, median } from "./harness";

const SECONDS = 1;

function singleStepsPerSecond(): number {
  const env = make("DeepRM-v0");
  const policy = new RandomScheduler(env.env.config);
  const rng = new Rng(0);
  let obs = env.reset({ seed: 0 }).observation;
  let steps = 0;
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until) {
    for (let k = 0; k < 200; k++) {
      const r = env.step(policy.sample(obs, rng));
      steps++;
      obs = r.terminated || r.truncated ? env.reset().observation : r.observation;
    }
  }
  return steps / SECONDS;
}

function vectorStepsPerSecond(n = 20): number {
  const v = makeVector("DeepRM-v0", n);
  v.reset({ seed: 0, options: { jobSet: 0 } });
  const rng = new Rng(1);
  const actions = new Float64Array(n);
  let calls = 0;
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until) {
    for (let k = 0; k < 20; k++) {
      for (let i = 0; i < n; i++) actions[i] = rng.integer(0, 11);
      v.step(actions);
      calls++;
    }
  }
  return (calls * n) / SECONDS;
}

export const deeprmBench: Bench = {
  group: "deeprm",
  repetitions: 5,
  description: {
    deeprm_env_steps_per_s: "DeepRM-v0 env steps/s, random policy, one env through make() (TimeLimit, info)",
    deeprm_vector_steps_per_s: "DeepRM-v0 env steps/s, random actions, VectorEnv of 20 copies on one job set",
  },
  run: () => ({ deeprm_env_steps_per_s: singleStepsPerSecond(), deeprm_vector_steps_per_s: vectorStepsPerSecond() }),
};

async function trainingIteration(): Promise<Record<string, number>> {
  const config = deepRMReinforceConfig({ iterations: 4, jobSets: 100, rollouts: 20, workers: os.availableParallelism?.() ?? os.cpus().length, seed: 0 });
  const ends: number[] = [];
  const decisions: number[] = [];
  const run = await reinforce(config, {
    onIteration: (s) => {
      ends.push(s.wallTime);
      decisions.push(s.meanLength * s.episodes);
    },
  });
  run.policy.dispose();
  const seconds = ends.slice(1).map((t, k) => t - ends[k]);
  return { deeprm_train_seconds_per_iteration: median(seconds), deeprm_train_decisions_per_iteration: median(decisions.slice(1)) };
}

/** The shipped policy's training run (data/deeprm/config.json), or nulls. */
function shippedRun(): Record<string, number | null> {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "deeprm", "config.json"), "utf8")) as { wallSeconds: number; iterations: number };
    return { deeprm_shipped_training_seconds: info.wallSeconds, deeprm_shipped_training_iterations: info.iterations };
  } catch {
    return { deeprm_shipped_training_seconds: null, deeprm_shipped_training_iterations: null };
  }
}

export const deeprmTrainBench: Bench = {
  group: "deeprm-train",
  repetitions: 1, // one run of four iterations; the median is over its iterations 2-4
  description: {
    deeprm_train_seconds_per_iteration: "seconds per training iteration, 100 job sets x 20 rollouts (the paper's), worker per core, fresh network",
    deeprm_train_decisions_per_iteration: "decisions (env steps) in such an iteration",
    deeprm_shipped_training_seconds: "wall time of the run that trained data/deeprm/policy.json (its config.json)",
    deeprm_shipped_training_iterations: "iterations of that run",
  },
  run: async () => ({ ...(await trainingIteration()), ...shippedRun() }),
};
