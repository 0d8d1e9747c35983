/**
 * DeepRM-v0 throughput with the uniformly random scheduler (all M + 1 actions), default arguments
 * (load 0.7, 20 x 224 image): one environment through make() (TimeLimit and info included), and a
 * VectorEnv of 20 copies on one job set (the shape of the paper's N = 20 rollouts per job set).
 */
import { RandomScheduler } from "../src/deeprm/schedulers";
import { make, makeVector } from "../src/envs/index";
import { Rng } from "../src/rng";
import type { Bench } from "./harness";

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
