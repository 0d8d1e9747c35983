/**
 * Optimisers on flat float32 parameter buffers, for the fused gradient kernel (fused.ts): the same
 * steps as TF.js's `tf.train.adam` and `tf.train.rmsprop` (without momentum), operation by operation
 * in float32 (`Math.fround` after each one, as each TF.js kernel rounds its output to float32), so
 * that a flat step gives the parameters a TF.js step gives (test/nn/flat-optimizers.test.ts checks
 * it against TF.js's own optimisers over several steps), and global-norm gradient clipping as the
 * update step does it (src/update/step.ts `applyStep`).
 *
 * They are TypeScript, not WebAssembly: one pass over the parameters per update, which for a
 * 4-64-64-2 network (4,610 parameters) took about 50-70 us on a loaded machine, where its gradient
 * over a batch costs milliseconds.
 * The flat buffer is in the variables' order (fused.ts's module comment); the state (moments) lives
 * here, one entry per parameter.
 */

const f = Math.fround;

function checkStep(where: string, params: Float32Array, grad: ArrayLike<number>, size: number): void {
  if (!(params instanceof Float32Array) || params.length !== size) throw new RangeError(`${where}: params must be a Float32Array of ${size} numbers; received ${params instanceof Float32Array ? params.length : String(params)}.`);
  if (grad === null || typeof grad !== "object" || grad.length !== size) throw new RangeError(`${where}: grad must hold ${size} numbers; received ${grad === null || typeof grad !== "object" ? String(grad) : grad.length}.`);
}

function checkRate(where: string, name: string, v: number, low: number, high: number): void {
  if (!(v > low && v < high)) throw new RangeError(`${where}: ${name} must be in (${low}, ${high}); received ${v}.`);
}

/**
 * TF.js's Adam (`tf.train.adam(lr, beta1, beta2, epsilon)`; defaults 0.9, 0.999 and 1e-7, the float32
 * backends' epsilon): m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, and
 * theta -= lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon): epsilon outside the root and
 * after the bias correction. beta^t is a float32 running product started at beta, as TF.js keeps it.
 * `lr` may be changed between steps (learning-rate annealing).
 */
export class FlatAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    readonly size: number,
    public lr: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-7,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`FlatAdam: size must be an integer >= 1; received ${size}.`);
    checkRate("FlatAdam", "lr", lr, 0, Infinity);
    checkRate("FlatAdam", "beta1", beta1, 0, 1);
    checkRate("FlatAdam", "beta2", beta2, 0, 1);
    checkRate("FlatAdam", "epsilon", epsilon, 0, Infinity);
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
    this.accBeta1 = f(beta1);
    this.accBeta2 = f(beta2);
  }

  /** One step: params -= the Adam update for gradient `grad` (in place). */
  step(params: Float32Array, grad: ArrayLike<number>): void {
    checkStep("FlatAdam.step", params, grad, this.size);
    const b1 = f(this.beta1);
    const b2 = f(this.beta2);
    const c1 = f(1 - this.beta1);
    const c2 = f(1 - this.beta2);
    const corr1 = f(1 - this.accBeta1);
    const corr2 = f(1 - this.accBeta2);
    const eps = f(this.epsilon);
    const minusLr = f(-this.lr);
    const { m, v } = this;
    for (let i = 0; i < params.length; i++) {
      const g = f(grad[i]);
      const mi = (m[i] = f(f(m[i] * b1) + f(g * c1)));
      const vi = (v[i] = f(f(v[i] * b2) + f(f(g * g) * c2)));
      const mHat = f(mi / corr1);
      const vHat = f(vi / corr2);
      params[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * minusLr) + params[i]);
    }
    this.accBeta1 = f(this.accBeta1 * b1);
    this.accBeta2 = f(this.accBeta2 * b2);
  }
}

/**
 * TF.js's RMSProp without momentum (`tf.train.rmsprop(lr, decay, 0, epsilon)`): s = decay s +
 * (1 - decay) g^2 from s = 0, theta -= lr g / sqrt(s + epsilon): epsilon inside the root. The library
 * uses decay 0.99 / epsilon 1e-10 (src/update/optimizers.ts "rmsprop") and decay 0.9 / epsilon
 * 1e-9 ("rmspropDeepRM", the DeepRM paper's). `lr` may be changed between steps.
 */
export class FlatRmsProp {
  private readonly s: Float32Array;

  constructor(
    readonly size: number,
    public lr: number,
    readonly decay: number,
    readonly epsilon: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`FlatRmsProp: size must be an integer >= 1; received ${size}.`);
    checkRate("FlatRmsProp", "lr", lr, 0, Infinity);
    checkRate("FlatRmsProp", "decay", decay, 0, 1);
    checkRate("FlatRmsProp", "epsilon", epsilon, 0, Infinity);
    this.s = new Float32Array(size);
  }

  /** One step: params -= the RMSProp update for gradient `grad` (in place). */
  step(params: Float32Array, grad: ArrayLike<number>): void {
    checkStep("FlatRmsProp.step", params, grad, this.size);
    const decay = f(this.decay);
    const c = f(1 - this.decay);
    const eps = f(this.epsilon);
    const lr = f(this.lr);
    const s = this.s;
    for (let i = 0; i < params.length; i++) {
      const g = f(grad[i]);
      const si = (s[i] = f(f(s[i] * decay) + f(f(g * g) * c)));
      // TF.js adds the (zero) momentum term 0 * previous + this, which changes nothing
      params[i] = f(params[i] - f(f(g * lr) / f(Math.sqrt(f(si + eps)))));
    }
  }
}

/** The global L2 norm of a flat gradient (summed in float64). */
export function globalNorm(grad: ArrayLike<number>): number {
  let ss = 0;
  for (let i = 0; i < grad.length; i++) ss += grad[i] * grad[i];
  return Math.sqrt(ss);
}

/**
 * Scale `grad` in place to global norm `maxNorm` when `maxNorm` > 0 and its norm exceeds it (each
 * entry times the float32 factor maxNorm / norm, as the update step scales the gradient tensors).
 * Returns the norm before clipping; a non-finite norm is returned unchanged and nothing is scaled
 * (the update step stops on it).
 */
export function clipByGlobalNorm(grad: Float32Array, maxNorm: number): number {
  if (!(maxNorm >= 0)) throw new RangeError(`clipByGlobalNorm: maxNorm must be >= 0 (0: no clipping); received ${maxNorm}.`);
  const norm = globalNorm(grad);
  if (maxNorm > 0 && Number.isFinite(norm) && norm > maxNorm) {
    const scale = f(maxNorm / norm);
    for (let i = 0; i < grad.length; i++) grad[i] = f(grad[i] * scale);
  }
  return norm;
}
