/**
 * Policy figures: one action sampled from a 4-64-64-2 tanh MLP without TF.js (the rollout path: the
 * WebAssembly SIMD kernel by default, and the plain-TypeScript pass that is its fallback), and one
 * batched surrogate-loss gradient over 4,096 CartPole steps, as the update step computes it
 * (`policyGradient`, src/update/step.ts), on its two paths: PG_GRAD_KERNEL=tfjs (TF.js autodiff) and
 * PG_GRAD_KERNEL=fused (the fused kernel, src/nn/kernels/fused.ts), on the same policy, episodes and psi.
 *
 * `deeprm-grad`: the same two gradients for DeepRM's network (4480-20-11 relu, sparse first layer) on
 * the rows of one job set's 20 rollouts, the batch of one group of a paper iteration (reinforce's
 * GroupRunner computes one gradient per group).
 */
import { make } from "../src/envs/index";
import type { Episode } from "../src/envs/record";
import { rewardToGo, surrogateGradient } from "../src/estimators/index";
import { type Batch, sampleBatch, sampleEpisodes } from "../src/rollout/index";
import { MlpCategorical } from "../src/policies/index";
import { Rng } from "../src/rng";
import { initTf } from "../src/tf";
import { type Bench, type Figures, median, withEnv } from "./harness";

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

/** 4,096 CartPole steps as whole episodes (the last one cut), from `policy`, with reward-to-go psi. */
function cartPoleEpisodes(policy: MlpCategorical): { eps: Episode<Float32Array, number>[]; psis: Float64Array[] } {
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
  return { eps, psis: eps.map((ep) => rewardToGo(ep.rewards, 0.99)) };
}

/** The median of 21 timed calls after 3 warm-up calls: a shared 2-core VM stalls single calls now and then (p90 up to 1.5x the median). */
function medianCallMs(call: () => void): number {
  for (let i = 0; i < 3; i++) call();
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    call();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * The median call of `surrogateGradient` (the update step's `policyGradient`, negated) on each path,
 * PG_GRAD_KERNEL=tfjs and =fused. The fused path's gradient is checked once against the TF.js path's,
 * so its figure is of a right answer (and of the kernel, not of a fallback to TF.js).
 */
async function pathFigures(policy: MlpCategorical, eps: Episode<unknown, number>[] | Batch, psis: Float64Array[] | Float64Array): Promise<{ tfjs: number; fused: number }> {
  const call = () => surrogateGradient(policy, eps as Batch, psis as Float64Array);
  const want = await withEnv("PG_GRAD_KERNEL", "tfjs", call);
  const got = await withEnv("PG_GRAD_KERNEL", "fused", call);
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  want.forEach((w, k) => {
    if (Math.abs(got[k] - w) > 1e-4 * scale) throw new Error(`bench: the fused path's gradient entry ${k} is ${got[k]}, the TF.js path's ${w}`);
  });
  if (want.every((w, k) => w === got[k])) throw new Error("bench: PG_GRAD_KERNEL=fused gave the TF.js path's bits: the kernel did not run");
  return { tfjs: await withEnv("PG_GRAD_KERNEL", "tfjs", () => medianCallMs(call)), fused: await withEnv("PG_GRAD_KERNEL", "fused", () => medianCallMs(call)) };
}

export const policiesBench: Bench = {
  group: "policies",
  repetitions: 5,
  description: {
    mlp_sample_us: "one action from a 4-64-64-2 tanh MLP, no TF.js (wasm SIMD kernel) (us)",
    mlp_sample_plain_us: "the same with PG_MLP_KERNEL=typescript (plain TypeScript pass) (us)",
    surrogate_grad_ms_4096: "one surrogate-loss gradient over 4,096 steps, the update step's TF.js path (PG_GRAD_KERNEL=tfjs) (ms, median call)",
    fused_grad_ms_4096: "the same gradient on the update step's fused path (PG_GRAD_KERNEL=fused: WebAssembly kernel, one thread) (ms, median call)",
  },
  async run(): Promise<Figures> {
    await initTf({ quiet: true });
    const policy = new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [64, 64], activation: "tanh", seed: 1 });
    const plain = await withEnv("PG_MLP_KERNEL", "typescript", () => new MlpCategorical({ ...policy.config }));
    const figures = {
      mlp_sample_us: sampleMicroseconds(policy),
      ...(await gradientFigures(policy)),
      mlp_sample_plain_us: sampleMicroseconds(plain),
    };
    policy.dispose();
    plain.dispose();
    return figures;
  },
};

/** surrogate_grad_ms_4096 and fused_grad_ms_4096 on the same policy, episodes and psi. */
async function gradientFigures(policy: MlpCategorical): Promise<Figures> {
  const { eps, psis } = cartPoleEpisodes(policy);
  const ms = await pathFigures(policy, eps, psis);
  return { surrogate_grad_ms_4096: ms.tfjs, fused_grad_ms_4096: ms.fused };
}

/** One job set's 20 rollouts of DeepRM-v0 (default load) by an untrained DeepRM policy, with reward-to-go psi. */
function deepRMGroup(policy: MlpCategorical): { batch: Batch; psi: Float64Array } {
  const batch = sampleBatch(make("DeepRM-v0"), policy, { episodes: 20, seed: 0 });
  return { batch, psi: Float64Array.from(rewardToGo(batch)) };
}

export const deeprmGradientBench: Bench = {
  group: "deeprm-grad",
  repetitions: 3,
  description: {
    deeprm_grad_rows: "rows of one DeepRM group (one job set x 20 rollouts, untrained policy)",
    deeprm_surrogate_grad_ms: "one surrogate-loss gradient over those rows, 4480-20-11 relu, the update step's TF.js path with the sparse first layer (ms, median call)",
    deeprm_fused_grad_ms: "the same gradient on the update step's fused path (WebAssembly kernel, sparse first layer, one thread) (ms, median call)",
  },
  async run(): Promise<Figures> {
    await initTf({ quiet: true });
    const policy = new MlpCategorical({ obsSize: 4480, nActions: 11, hiddenSizes: [20], activation: "relu", seed: 1 });
    const { batch, psi } = deepRMGroup(policy);
    const ms = await pathFigures(policy, batch, psi);
    const figures = { deeprm_grad_rows: batch.rows, deeprm_surrogate_grad_ms: ms.tfjs, deeprm_fused_grad_ms: ms.fused };
    policy.dispose();
    return figures;
  },
};
