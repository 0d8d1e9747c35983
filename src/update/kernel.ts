/**
 * Which path computes the policy gradient in `policyGradient` (src/update/step.ts): TF.js automatic
 * differentiation of `actorLoss`, or the fused WebAssembly kernel (src/nn/kernels/fused.ts), which
 * computes the same loss's gradient in one call without TF.js.
 *
 * `PG_GRAD_KERNEL` chooses, read at each gradient: "tfjs" (the default: the reference, and the path every
 * recorded history and data file was made with) or "fused". With "fused", a policy the kernel covers
 * (MlpCategorical and Gaussian, in all three forms, with tanh or relu hidden layers, DeepRM's sparse
 * first layer included) takes the kernel; any other policy (tabular and linear softmax, elu networks,
 * an engine without WebAssembly SIMD) still goes through TF.js. Either way the caller gets the same
 * gradient to float32 rounding (test/update/kernel.test.ts) and applies it the same way: the TF.js
 * optimiser and its state, or A3C's shared parameters, do not change with the path.
 */
import { FusedGradient, type FusedSpec } from "../nn/kernels/fused";
import { Gaussian, MlpCategorical } from "../policies/networks";
import type { TfPolicy } from "../policies/policy";
import type { Batch } from "../rollout/batch";

export type GradKernel = "tfjs" | "fused";
export const GRAD_KERNELS: readonly GradKernel[] = ["tfjs", "fused"];

/** The path `PG_GRAD_KERNEL` asks for ("tfjs" when unset or empty); any other value is an error naming it. */
export function gradKernel(env: Record<string, string | undefined> = process.env): GradKernel {
  const raw = env.PG_GRAD_KERNEL;
  const want = (raw ?? "").trim().toLowerCase();
  if (want === "") return "tfjs";
  if (!(GRAD_KERNELS as readonly string[]).includes(want)) throw new RangeError(`PG_GRAD_KERNEL must be ${GRAD_KERNELS.map((k) => JSON.stringify(k)).join(" or ")}; received ${JSON.stringify(raw)}.`);
  return want as GradKernel;
}

/** The kernel's description of a policy's network, or null for a policy it does not cover. */
function fusedSpec(policy: TfPolicy): FusedSpec | null {
  if (policy instanceof MlpCategorical) return { sizes: policy.net.sizes, activation: policy.config.activation, head: "categorical", sparseInput: policy.net.sparseInput };
  if (policy instanceof Gaussian) {
    const head = policy.config.sde ? "gaussian-sde" : policy.config.stateDependentStd ? "gaussian-state-std" : "gaussian";
    return { sizes: policy.net.sizes, activation: policy.config.activation, head, actionSize: policy.actionSize, sparseInput: policy.net.sparseInput };
  }
  return null;
}

/** One kernel per policy (its network's shape never changes), null where the kernel does not cover it. */
const kernels = new WeakMap<TfPolicy, FusedGradient | null>();

function kernelFor(policy: TfPolicy): FusedGradient | null {
  let kernel = kernels.get(policy);
  if (kernel === undefined) {
    const spec = fusedSpec(policy);
    kernel = spec ? FusedGradient.create(spec) : null;
    kernels.set(policy, kernel);
  }
  return kernel;
}

/** The path `policyGradient` takes for this policy now: "fused" only when asked for and covered. */
export function policyGradientPath(policy: TfPolicy): GradKernel {
  return gradKernel() === "fused" && kernelFor(policy) ? "fused" : "tfjs";
}

/**
 * The actor loss's value and gradient (flat, in `policy.variables()` order) from the fused kernel, or
 * null when the TF.js path is to compute it (see the module comment).
 */
export function fusedPolicyGradient(policy: TfPolicy, batch: Batch, psi: ArrayLike<number>, entropyCoef: number): { loss: number; values: Float32Array } | null {
  if (gradKernel() !== "fused") return null;
  const kernel = kernelFor(policy);
  if (!kernel) return null;
  // the variables, not the policy's acting snapshot: they are what the optimiser last wrote
  kernel.setVariables(policy.variables().map((v) => v.dataSync()));
  const values = new Float32Array(kernel.numParams);
  // actorLoss adds the entropy bonus only for a positive coefficient
  const loss = kernel.policyGradient(batch, psi, { entropyCoef: entropyCoef > 0 ? entropyCoef : 0 }, values);
  return { loss, values };
}
