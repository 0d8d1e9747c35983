/**
 * Policy figures: one action sampled from a 4-64-64-2 tanh MLP without TF.js (the rollout path: the
 * WebAssembly SIMD kernel by default, and the plain-TypeScript pass that is its fallback), and one
 * batched surrogate-loss gradient over 4,096 CartPole steps, through TF.js and through the fused
 * kernel (src/nn/kernels/fused.ts) on the same policy, episodes and psi.
 *
 * `deeprm-grad`: the same two gradients for DeepRM's network (4480-20-11 relu, sparse first layer) on
 * the rows of one job set's 20 rollouts, the batch of one group of a paper iteration (reinforce's
 * GroupRunner computes one gradient per group).
 */
import { make } from "../src/envs/index";
import type { Episode } from "../src/envs/record";
import { rewardToGo, surrogateGradient } from "../src/estimators/index";
import { FusedGradient } from "../src/nn/kernels/fused";
import { type Batch, sampleBatch, sampleEpisodes, toBatch } from "../src/rollout/index";
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
 * One fused-kernel gradient as the TF.js call does it: the rows and psi gathered from the episodes,
 * the parameters read from the policy's variables, the kernel run. Checked once against the TF.js
 * gradient (`surrogateGradient` is its negation), so the figure is of a right answer.
 */
function fusedCall(policy: MlpCategorical, eps: Episode<unknown, number>[] | Batch, psis: Float64Array[] | Float64Array): () => Float32Array {
  const kernel = FusedGradient.create({ sizes: policy.net.sizes, activation: policy.config.activation, head: "categorical", sparseInput: policy.net.sparseInput });
  if (!kernel) throw new Error("bench: the fused kernel needs WebAssembly SIMD");
  const out = new Float32Array(kernel.numParams);
  const call = () => {
    const batch = Array.isArray(eps) ? toBatch(eps) : eps;
    const psi = Array.isArray(psis) ? Float64Array.from(psis.flatMap((p) => Array.from(p))) : psis;
    kernel.setVariables(policy.variables().map((v) => v.dataSync()));
    kernel.policyGradient(batch, psi, { entropyCoef: 0 }, out);
    return out;
  };
  const want = surrogateGradient(policy, eps as Batch, psis as Float64Array);
  const got = call();
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  want.forEach((w, k) => {
    if (Math.abs(-got[k] - w) > 1e-4 * scale) throw new Error(`bench: the fused gradient's entry ${k} is ${-got[k]}, TF.js's ${w}`);
  });
  return call;
}

export const policiesBench: Bench = {
  group: "policies",
  repetitions: 5,
  description: {
    mlp_sample_us: "one action from a 4-64-64-2 tanh MLP, no TF.js (wasm SIMD kernel) (us)",
    mlp_sample_plain_us: "the same with PG_MLP_KERNEL=typescript (plain TypeScript pass) (us)",
    surrogate_grad_ms_4096: "one surrogate-loss gradient over 4,096 steps, TF.js (ms, median call)",
    fused_grad_ms_4096: "the same gradient through the fused WebAssembly kernel, one thread (ms, median call)",
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
      ...gradientFigures(policy),
      mlp_sample_plain_us: sampleMicroseconds(plain),
    };
    policy.dispose();
    plain.dispose();
    return figures;
  },
};

/** surrogate_grad_ms_4096 and fused_grad_ms_4096 on the same policy, episodes and psi. */
function gradientFigures(policy: MlpCategorical): Figures {
  const { eps, psis } = cartPoleEpisodes(policy);
  const fused = fusedCall(policy, eps, psis);
  return { surrogate_grad_ms_4096: medianCallMs(() => surrogateGradient(policy, eps, psis)), fused_grad_ms_4096: medianCallMs(fused) };
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
    deeprm_surrogate_grad_ms: "one surrogate-loss gradient over those rows, 4480-20-11 relu, TF.js with the sparse first layer (ms, median call)",
    deeprm_fused_grad_ms: "the same gradient through the fused WebAssembly kernel, sparse first layer, one thread (ms, median call)",
  },
  async run(): Promise<Figures> {
    await initTf({ quiet: true });
    const policy = new MlpCategorical({ obsSize: 4480, nActions: 11, hiddenSizes: [20], activation: "relu", seed: 1 });
    const { batch, psi } = deepRMGroup(policy);
    const fused = fusedCall(policy, batch, psi);
    const figures = {
      deeprm_grad_rows: batch.rows,
      deeprm_surrogate_grad_ms: medianCallMs(() => surrogateGradient(policy, batch, psi)),
      deeprm_fused_grad_ms: medianCallMs(fused),
    };
    policy.dispose();
    return figures;
  },
};
