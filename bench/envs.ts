/**
 * Environment throughput: CartPole-v1 through the full API (make, TimeLimit included) and a VectorEnv
 * of 64 copies (env steps summed over copies). Actions follow a fixed pattern (no policy cost).
 */
import { make, makeVector } from "../src/envs/index";
import type { Bench } from "./harness";

const SECONDS = 1;

function singleStepsPerSecond(): number {
  const env = make("CartPole-v1");
  env.reset({ seed: 0 });
  let steps = 0;
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until) {
    for (let k = 0; k < 1000; k++) {
      const r = env.step((steps >> 2) & 1);
      steps++;
      if (r.terminated || r.truncated) env.reset();
    }
  }
  return steps / SECONDS;
}

function vectorStepsPerSecond(n = 64): number {
  const v = makeVector("CartPole-v1", n);
  v.reset({ seed: 0 });
  const actions = new Float64Array(n);
  let calls = 0;
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until) {
    for (let k = 0; k < 100; k++) {
      const a = (calls >> 2) & 1;
      for (let i = 0; i < n; i++) actions[i] = a;
      v.step(actions);
      calls++;
    }
  }
  return (calls * n) / SECONDS;
}

export const envs: Bench = {
  group: "envs",
  repetitions: 5,
  description: {
    cartpole_steps_per_s: "CartPole-v1 env steps/s, one env through make() (TimeLimit included)",
    cartpole_vector_steps_per_s: "CartPole-v1 env steps/s, VectorEnv of 64 copies",
  },
  run: () => ({ cartpole_steps_per_s: singleStepsPerSecond(), cartpole_vector_steps_per_s: vectorStepsPerSecond() }),
};
