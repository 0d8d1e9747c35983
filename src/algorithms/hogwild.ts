/**
 * Parameters shared between threads and updated without locks ("Hogwild!", Recht et al., 2011), the
 * way A3C's workers update one set of weights (Mnih et al., 2016): every worker reads the shared
 * parameters, computes a gradient on its own experience, and applies it to the shared arrays with
 * Adam whose moments are shared too, while other workers read and write the same arrays. Nothing
 * waits: a worker may read a half-updated vector, and its gradient may be applied after others have
 * moved the parameters (the update's *staleness*). Only the step counter is atomic.
 *
 * The arrays live in `SharedArrayBuffer`s, which `worker_threads` passes to workers without copying.
 */
import type { FlatOptimizer } from "../update/step";

/** The shared memory of one network: parameters and Adam's first and second moments (float32). */
export interface SharedNet {
  params: SharedArrayBuffer;
  m: SharedArrayBuffer;
  v: SharedArrayBuffer;
}

/** A `SharedNet` holding `initial` as its parameters (moments at 0). */
export function sharedNet(initial: ArrayLike<number>): SharedNet {
  const bytes = initial.length * Float32Array.BYTES_PER_ELEMENT;
  const net = { params: new SharedArrayBuffer(bytes), m: new SharedArrayBuffer(bytes), v: new SharedArrayBuffer(bytes) };
  new Float32Array(net.params).set(initial);
  return net;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7; // TF.js' Adam default on its backends

/**
 * Adam on shared parameters (the constants of the optimiser "adam", TF.js' `tf.train.adam`;
 * src/update/optimizers.ts): `step` takes a step number from the shared counter (atomically), then
 * updates every parameter in place, lock-free. The update step applies gradients with it through a
 * `SharedTarget` (src/update/step.ts).
 */
export class SharedAdam implements FlatOptimizer {
  readonly params: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  constructor(
    net: SharedNet,
    private readonly counters: Int32Array,
    private readonly counter: number,
  ) {
    this.params = new Float32Array(net.params);
    this.m = new Float32Array(net.m);
    this.v = new Float32Array(net.v);
  }

  /** Apply `scale * grad` (a loss gradient: the step descends) with learning rate `lr`; returns this update's number (1, 2, ...). */
  step(grad: ArrayLike<number>, scale: number, lr: number): number {
    const t = Atomics.add(this.counters, this.counter, 1) + 1;
    const c1 = 1 - BETA1 ** t;
    const c2 = 1 - BETA2 ** t;
    const { params, m, v } = this;
    for (let i = 0; i < grad.length; i++) {
      const g = grad[i] * scale;
      const mi = (m[i] = BETA1 * m[i] + (1 - BETA1) * g);
      const vi = (v[i] = BETA2 * v[i] + (1 - BETA2) * g * g);
      params[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + EPSILON);
    }
    return t;
  }

  /** The largest |parameter| (NaN and infinities count as infinite). */
  maxAbs(): number {
    let out = 0;
    for (const x of this.params) if (!(Math.abs(x) <= out)) out = Number.isFinite(x) ? Math.abs(x) : Infinity;
    return out;
  }
}
