/**
 * Policy figures: one action sampled from a 4-64-64-2 tanh MLP without TF.js (the rollout path: the
 * WebAssembly SIMD kernel by default, and the plain-TypeScript pass that is its fallback), and one
 * batched surrogate-loss gradient over 4,096 CartPole steps through TF.js.
 */
import { make } from "../src/envs/index";
import { rewardToGo, surrogateGradient } from "../src/estimators/index";
import { sampleEpisodes } from "../src/rollout/index";
import { MlpCategorical } from "../src/policies/index";
import { Rng } from "../src/rng";
import { initTf } from "../src/tf";
import { type Bench, type Figures, median } from "./harness";

function sampleMicroseconds(policy: MlpCategorical): number {
  const rng = new Rng(0);
  const obs = new Float64Array([0.01, -0.02, 0.03, 0.04]);
  let sink = 0;
  for (let i = 0; i < 20000; i++) sink += policy.sample(obs, rng); // warm-up
  const n = 200000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    obs[0] = (i % 100) * 1e-3;
    sink += policy.sample(obs, rng);
  }
  const us = ((performance.now() - t0) * 1000) / n;
  return sink >= 0 ? us : us;
}

async function surrogateMs(policy: MlpCategorical): Promise<number> {
  const env = make("CartPole-v1");
  const eps = [];
  let steps = 0;
  let seed = 0;
  while (steps < 4096) {
    const [ep] = sampleEpisodes(env, { sample: (o: Float32Array, r: Rng) => policy.sample(o, r) }, { episodes: 1, seed: seed++ });
    const keep = Math.min(ep.actions.length, 4096 - steps);
    eps.push({ ...ep, observations: ep.observations.slice(0, keep + 1), actions: ep.actions.slice(0, keep), rewards: ep.rewards.slice(0, keep) });
    steps += keep;
  }
  const psis = eps.map((ep) => rewardToGo(ep.rewards, 0.99));
  for (let i = 0; i < 3; i++) surrogateGradient(policy, eps, psis); // warm-up
  // the median call: a shared 2-core VM stalls single calls now and then (p90 up to 1.5x the median)
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    surrogateGradient(policy, eps, psis);
    times.push(performance.now() - t0);
  }
  return median(times);
}

export const policiesBench: Bench = {
  group: "policies",
  repetitions: 5,
  description: {
    mlp_sample_us: "one action from a 4-64-64-2 tanh MLP, no TF.js (wasm SIMD kernel) (us)",
    mlp_sample_plain_us: "the same with PG_MLP_KERNEL=typescript (plain TypeScript pass) (us)",
    surrogate_grad_ms_4096: "one surrogate-loss gradient over 4,096 steps, TF.js (ms, median call)",
  },
  async run(): Promise<Figures> {
    await initTf({ quiet: true });
    const policy = new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [64, 64], activation: "tanh", seed: 1 });
    const saved = process.env.PG_MLP_KERNEL;
    process.env.PG_MLP_KERNEL = "typescript";
    const plain = new MlpCategorical({ ...policy.config });
    if (saved === undefined) delete process.env.PG_MLP_KERNEL;
    else process.env.PG_MLP_KERNEL = saved;
    const figures = {
      mlp_sample_us: sampleMicroseconds(policy),
      surrogate_grad_ms_4096: await surrogateMs(policy),
      mlp_sample_plain_us: sampleMicroseconds(plain),
    };
    policy.dispose();
    plain.dispose();
    return figures;
  },
};
