/**
 * A multilayer perceptron kept in two forms: TF.js variables (for batched gradients) and a snapshot of
 * the same weights for acting one observation at a time without TF.js (`forward`: a WebAssembly SIMD
 * kernel, about 0.8 us for 4-64-64-2, or the plain-TypeScript `forwardPlain`, about 8 us; a batch-1
 * TF.js call costs about 120 us). The snapshot is refreshed after every change of the variables
 * (`markUpdated`, `setParams`).
 *
 * Weights are initialised from the library's seeded Rng (Glorot uniform; the output layer scaled by
 * `outputGain`, small by default so that a new policy starts close to uniform), biases at zero.
 *
 * Wide, mostly-zero inputs (DeepRM's 4480-cell state image, of which a few hundred cells are lit) take
 * a sparse first layer (`sparseInput`, on by default from SPARSE_INPUT_MIN inputs): x W sums only the
 * rows of W where x is non-zero, when acting and in TF.js, where its gradient x^T dz likewise visits
 * only those rows. Same function, float32 weights summed in float64; a batch that turns out dense
 * (over a quarter of its entries non-zero) takes the dense product instead.
 */
import { Rng } from "../rng";
import { tf } from "../tf";
import { SparseKernel, WasmForward } from "./kernels/forward";

export type Activation = "tanh" | "relu" | "elu";
export const ACTIVATIONS: readonly Activation[] = ["tanh", "relu", "elu"];

export interface MlpConfig {
  inputSize: number;
  hiddenSizes: number[];
  outputSize: number;
  activation?: Activation;
  /** Scale of the output layer's initial weights (default 0.01). */
  outputGain?: number;
  seed?: number;
}

export function checkMlpConfig(where: string, c: MlpConfig): Required<MlpConfig> {
  const int = (name: string, v: unknown) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) throw new RangeError(`${where}: ${name} must be an integer >= 1; received ${String(v)}.`);
  };
  if (c === null || typeof c !== "object") throw new TypeError(`${where}: expected a config object; received ${String(c)}.`);
  int("inputSize", c.inputSize);
  int("outputSize", c.outputSize);
  if (!Array.isArray(c.hiddenSizes)) throw new TypeError(`${where}: hiddenSizes must be a list of layer widths, e.g. [64, 64]; received ${JSON.stringify(c.hiddenSizes)}.`);
  c.hiddenSizes.forEach((h, i) => int(`hiddenSizes[${i}]`, h));
  const activation = c.activation ?? "tanh";
  if (!ACTIVATIONS.includes(activation)) throw new RangeError(`${where}: activation must be one of ${ACTIVATIONS.join(", ")}; received ${JSON.stringify(activation)}.`);
  const outputGain = c.outputGain ?? 0.01;
  if (!(outputGain > 0 && Number.isFinite(outputGain))) throw new RangeError(`${where}: outputGain must be a positive number; received ${outputGain}.`);
  return { inputSize: c.inputSize, hiddenSizes: [...c.hiddenSizes], outputSize: c.outputSize, activation, outputGain, seed: c.seed ?? 0 };
}

/**
 * dW = x^T dz and db = sum over the batch of dz, formed around the wasm backend's slow paths (measured on
 * [4096, 64] tensors): a product with a transposed operand runs about ten times slower than an explicit
 * transpose followed by a plain product (16 ms against 1.4 ms); a column sum (1.3 ms) is slower than the
 * product ones[1, N] dz (0.04-0.08 ms); and transposing [N, 64] costs 1.1-1.6 ms where [N, 2] or [N, 4]
 * costs almost nothing, so dW is formed from whichever of x and dz is narrower. For a tiny dW (fewer
 * than 256 entries, e.g. [64, 2]) the transposed product itself is cheapest: 0.55 ms against 1.0 ms.
 */
function weightGrads(x: tf.Tensor2D, dz: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  const [nIn, nOut] = [x.shape[1], dz.shape[1]];
  let dw: tf.Tensor2D;
  if (nIn * nOut < 256) dw = tf.matMul(x, dz, true, false); // tiny dW: the transposed product beats any transpose
  else if (nIn <= nOut) dw = tf.matMul(tf.transpose(x), dz);
  else dw = tf.transpose(tf.matMul(tf.transpose(dz), x)) as tf.Tensor2D;
  return [dw, tf.reshape(tf.matMul(tf.ones([1, dz.shape[0]]) as tf.Tensor2D, dz), [dz.shape[1]]) as tf.Tensor1D];
}

type LayerActivation = Activation | "linear";

/** Networks with at least this many inputs use the sparse first layer by default (see `Mlp.sparseInput`). */
export const SPARSE_INPUT_MIN = 1024;
/** A batch with a larger share of non-zero inputs takes the dense product (the sparse sums stop paying). */
const SPARSE_MAX_DENSITY = 0.25;

/** The non-zero entries of rows of x, row by row (compressed sparse rows). */
interface SparseRows {
  rows: number;
  /** Row r's entries are at start[r] .. start[r + 1] - 1 of `index` and `value`. */
  start: Int32Array;
  index: Int32Array;
  value: Float32Array;
}

/**
 * A float32 tensor's values: on the wasm backend a view of its memory in the backend's heap (no copy:
 * a batch of DeepRM images is about 100 MB; read it at once, before TF.js allocates again), elsewhere
 * `dataSync()`'s copy.
 */
function valuesOf(x: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.Tensor) => Float32Array };
  if (tf.getBackend() === "wasm" && typeof backend.typedArrayFromHeap === "function" && x.dtype === "float32") return backend.typedArrayFromHeap(x);
  return x.dataSync() as Float32Array;
}

/** The share of non-zero entries in up to 64 evenly spaced rows of x [rows, n]. */
function sampledDensity(x: Float32Array, rows: number, n: number): number {
  const step = Math.max(1, Math.floor(rows / 64));
  let nnz = 0;
  let seen = 0;
  for (let r = 0; r < rows; r += step, seen += n) for (let i = r * n; i < (r + 1) * n; i++) if (x[i] !== 0) nnz++;
  return nnz / Math.max(1, seen);
}

/** The non-zero entries of x [rows, n] (the plain-TypeScript path, without WebAssembly). */
function sparseRows(x: Float32Array, rows: number, n: number): SparseRows {
  let nnz = 0;
  for (let k = 0; k < x.length; k++) if (x[k] !== 0) nnz++;
  const start = new Int32Array(rows + 1);
  const index = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    start[r] = at;
    const off = r * n;
    for (let i = 0; i < n; i++) {
      const v = x[off + i];
      if (v !== 0) {
        index[at] = i;
        value[at++] = v;
      }
    }
  }
  start[rows] = at;
  return { rows, start, index, value };
}

/**
 * x W + b for sparse rows x, with W [n, m] row-major: z [rows, m] (float64 sums, stored float32).
 */
function sparseProduct(x: SparseRows, w: Float32Array, b: Float32Array, m: number): Float32Array {
  const z = new Float32Array(x.rows * m);
  const acc = new Float64Array(m);
  for (let r = 0; r < x.rows; r++) {
    for (let j = 0; j < m; j++) acc[j] = b[j];
    for (let k = x.start[r]; k < x.start[r + 1]; k++) {
      const v = x.value[k];
      const row = x.index[k] * m;
      for (let j = 0; j < m; j++) acc[j] += v * w[row + j];
    }
    for (let j = 0; j < m; j++) z[r * m + j] = acc[j];
  }
  return z;
}

/** x^T dz [n, m] for sparse rows x and dz [rows, m]. */
function sparseWeightGrad(x: SparseRows, dz: Float32Array | Float64Array, n: number, m: number): Float32Array {
  const dw = new Float64Array(n * m);
  for (let r = 0; r < x.rows; r++) {
    const d = r * m;
    for (let k = x.start[r]; k < x.start[r + 1]; k++) {
      const v = x.value[k];
      const row = x.index[k] * m;
      for (let j = 0; j < m; j++) dw[row + j] += v * dz[d + j];
    }
  }
  return Float32Array.from(dw);
}

/**
 * The first layer act(x W + b) for data x with a sparse product: x is read once (its non-zero
 * entries), W's gradient x^T dz visits only the rows where x is non-zero, b's is the column sum of dz.
 * Returns null when x is too dense for that to pay.
 */
function sparseLayer(x: tf.Tensor2D, w: tf.Variable, b: tf.Variable, act: LayerActivation, kernel: SparseKernel | null): tf.Tensor2D | null {
  const [rows, n] = x.shape;
  const m = w.shape[1] as number;
  if (sampledDensity(valuesOf(x), rows, n) > SPARSE_MAX_DENSITY) return null;
  const f = tf.customGrad(((wi: tf.Tensor2D, bi: tf.Tensor1D, save: tf.GradSaveFunc) => {
    save([x]); // kept for the gradient (a reference, not a copy)
    let z: Float32Array;
    let sx: SparseRows | null = null;
    if (kernel) {
      kernel.setWeights(wi.dataSync(), bi.dataSync());
      z = new Float32Array(rows * m);
      kernel.forward(valuesOf(x), 0, rows, z);
    } else {
      sx = sparseRows(valuesOf(x), rows, n);
      z = sparseProduct(sx, wi.dataSync() as Float32Array, bi.dataSync() as Float32Array, m);
    }
    return {
      value: tf.tensor2d(z, [rows, m]),
      gradFunc: (dz: tf.Tensor2D, [xs]: tf.Tensor[]) => {
        const dzData = dz.dataSync() as Float32Array;
        const db = new Float32Array(m);
        for (let r = 0; r < rows; r++) for (let j = 0; j < m; j++) db[j] += dzData[r * m + j];
        const dw = kernel ? kernel.weightGrad(valuesOf(xs), rows, dzData) : sparseWeightGrad(sx as SparseRows, dzData, n, m);
        return [tf.tensor2d(dw, [n, m]), tf.tensor1d(db)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
  const z = f(w, b);
  if (act === "linear") return z;
  return { tanh: tf.tanh, relu: tf.relu, elu: tf.elu }[act](z) as tf.Tensor2D;
}

/** Backends whose fused product kernel this module is tested with; the others get three kernels (exported for that test). */
export const FUSED_BACKENDS = new Set(["wasm", "cpu"]);

/**
 * act(x W + b) as one kernel call (bias and activation inside the product). tf.fused.matMul cannot be
 * used: under a gradient tape it splits into separate kernels for any activation but "linear", and
 * these layers supply their own gradient, so the kernel is run directly.
 */
function fusedMatMul(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: LayerActivation | "sigmoid"): tf.Tensor2D {
  return tf.tidy(() => {
    if (!FUSED_BACKENDS.has(tf.getBackend())) {
      const z = tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
      return activation === "linear" ? z : ({ sigmoid: tf.sigmoid, tanh: tf.tanh, relu: tf.relu, elu: tf.elu }[activation](z) as tf.Tensor2D);
    }
    const inputs = { a: tf.reshape(x, [1, ...x.shape]), b: tf.reshape(w, [1, ...w.shape]), bias: b }; // the kernel takes batches
    const y = tf.engine().runKernel("_FusedMatMul", inputs, { transposeA: false, transposeB: false, activation }) as tf.Tensor3D;
    return tf.reshape(y, [x.shape[0], w.shape[1]]);
  });
}

/**
 * y = act(x W + b). tanh is computed as 2 sigmoid(2 (x W + b)) - 1, the same function, because the
 * wasm backend's Tanh kernel is five times slower than its Sigmoid and the product applies the sigmoid.
 */
function activated(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: LayerActivation): tf.Tensor2D {
  if (act !== "tanh") return fusedMatMul(x, w, b, act);
  return tf.tidy(() => tf.sub(tf.mul(fusedMatMul(x, tf.mul(w, 2), tf.mul(b, 2), "sigmoid"), 2), 1) as tf.Tensor2D);
}

/** dL/d(x W + b) from dL/dy and the layer's output y. */
function preActivationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, act: LayerActivation): tf.Tensor2D {
  if (act === "linear") return dy;
  if (act === "tanh") return tf.mul(dy, tf.sub(1, tf.square(y)));
  if (act === "relu") return tf.mul(dy, tf.step(y));
  return tf.mul(dy, tf.add(tf.minimum(y, 0), 1)); // elu: 1 where y > 0, y + 1 = e^z elsewhere
}

/**
 * One layer act(x W + b) with a hand-written gradient (fewer and faster kernels than differentiating
 * the composition). For the first layer, whose input is data, no gradient is formed for x.
 */
function layer(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: LayerActivation, xIsData: boolean): tf.Tensor2D {
  const f = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xi, wi, bi] = (xIsData ? [x, ...args] : args) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const y = activated(xi, wi, bi, act);
    save([xi, wi, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, [xs, ws, ys]: tf.Tensor[]) => {
        const dz = preActivationGrad(dy, ys as tf.Tensor2D, act);
        const [dw, db] = weightGrads(xs as tf.Tensor2D, dz);
        return xIsData ? [dw, db] : [tf.matMul(dz, tf.transpose(ws)), dw, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor2D;
  return xIsData ? f(w, b) : f(x, w, b);
}

/** A trainable variable holding `init`'s values; `init` itself is disposed (a variable keeps its own copy). */
export function variableOf(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, true);
  init.dispose();
  return v;
}

export class Mlp {
  readonly config: Required<MlpConfig>;
  readonly sizes: number[];
  /** [W0, b0, W1, b1, ...], W_l of shape [in, out]. */
  readonly vars: tf.Variable[];
  readonly numParams: number;
  private readonly weights: Float64Array[]; // snapshot, transposed: [out][in]
  private readonly biases: Float64Array[];
  private readonly acts: Float64Array[];
  private readonly act: number; // 0 tanh, 1 relu, 2 elu
  private readonly wasm: WasmForward | null;
  /** The first layer's weights as [in][out] (rows of W), for the sparse forward pass. */
  private readonly w0Rows: Float64Array;
  private readonly h0: Float64Array;
  /** The sparse first layer in WebAssembly: on the snapshot (acting) and on the variables (TF.js); made when first needed. */
  private sparseActing: SparseKernel | null | undefined;
  private sparseTf: SparseKernel | null | undefined;
  /**
   * Take the sparse first layer (acting and TF.js; see the module comment). Default: true from
   * SPARSE_INPUT_MIN inputs. Set it before use; either way the network computes the same function.
   */
  sparseInput: boolean;

  constructor(config: MlpConfig) {
    this.config = checkMlpConfig("Mlp", config);
    const c = this.config;
    this.sizes = [c.inputSize, ...c.hiddenSizes, c.outputSize];
    this.act = ACTIVATIONS.indexOf(c.activation);
    const rng = new Rng(c.seed);
    this.weights = [];
    this.biases = [];
    this.acts = [];
    this.vars = [];
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const fanIn = this.sizes[l];
      const fanOut = this.sizes[l + 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut)) * (l + 2 === this.sizes.length ? c.outputGain : 1);
      const w = Float64Array.from({ length: fanIn * fanOut }, () => rng.uniform(-limit, limit));
      this.weights.push(w);
      this.biases.push(new Float64Array(fanOut));
      this.acts.push(new Float64Array(fanOut));
      this.vars.push(variableOf(tf.tensor2d(Float32Array.from(w), [fanIn, fanOut])));
      this.vars.push(variableOf(tf.zeros([fanOut])));
    }
    this.numParams = this.vars.reduce((n, v) => n + v.size, 0);
    this.sparseInput = c.inputSize >= SPARSE_INPUT_MIN;
    this.w0Rows = new Float64Array(c.inputSize * this.sizes[1]);
    this.h0 = new Float64Array(this.sizes[1]);
    this.wasm = WasmForward.create(this.sizes, c.activation);
    this.markUpdated(); // the snapshot holds exactly the float32 values TF.js uses
  }

  /** Forward pass in TF.js: [N, inputSize] -> [N, outputSize] (no activation on the output). */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.pass(x).out);
  }

  /** The layers in TF.js; `features` is the last hidden layer's output (null without hidden layers). */
  private pass(x: tf.Tensor2D): { out: tf.Tensor2D; features: tf.Tensor2D | null } {
    let h = x;
    let features: tf.Tensor2D | null = null;
    const layers = this.vars.length / 2;
    for (let l = 0; l < layers; l++) {
      const act = l + 1 < layers ? this.config.activation : "linear";
      if (l === 0 && this.sparseInput && this.sparseTf === undefined) this.sparseTf = SparseKernel.create(this.sizes[0], this.sizes[1]);
      const sparse = l === 0 && this.sparseInput ? sparseLayer(h, this.vars[0], this.vars[1], act, this.sparseTf ?? null) : null;
      h = sparse ?? layer(h, this.vars[2 * l] as tf.Tensor2D, this.vars[2 * l + 1] as tf.Tensor1D, act, l === 0);
      if (l + 2 === layers) features = h;
    }
    return { out: h, features };
  }

  /**
   * `apply` that also returns the last hidden layer's activations ([N, last hidden size]), the
   * features gSDE draws its exploration from (needs at least one hidden layer).
   */
  applyWithFeatures(x: tf.Tensor2D): { out: tf.Tensor2D; features: tf.Tensor2D } {
    if (this.vars.length < 4) throw new RangeError("Mlp.applyWithFeatures: the network has no hidden layer.");
    return tf.tidy(() => this.pass(x) as { out: tf.Tensor2D; features: tf.Tensor2D });
  }

  /**
   * `forwardPlain` for one input, with the last hidden layer's activations: { out, features } (both
   * buffers reused between calls).
   */
  forwardWithFeatures(x: ArrayLike<number>, xOff = 0): { out: Float64Array; features: Float64Array } {
    const layers = this.weights.length;
    if (layers < 2) throw new RangeError("Mlp.forwardWithFeatures: the network has no hidden layer.");
    const out = this.forwardPlain(x, xOff);
    return { out, features: this.acts[layers - 2] };
  }

  /** Which single-input forward pass `forward` runs (see kernels/forward.ts; "sparse": `sparseInput`). */
  get kernel(): "wasm-simd" | "typescript" | "sparse" {
    return this.sparseInput ? "sparse" : this.wasm ? "wasm-simd" : "typescript";
  }

  /**
   * Forward pass for one input x[xOff .. xOff + inputSize) on the snapshot: the sparse first layer
   * when `sparseInput`, else WebAssembly SIMD for tanh and relu networks where the engine supports
   * it, else `forwardPlain`. Returns the output buffer (reused between calls: copy it to keep it).
   */
  forward(x: ArrayLike<number>, xOff = 0): Float64Array {
    if (this.sparseInput) return this.forwardSparse(x, xOff);
    return this.wasm ? this.wasm.forward(x, xOff) : this.forwardPlain(x, xOff);
  }

  /** The forward pass with the first layer summed over the non-zero inputs only (float64, like `forwardPlain`). */
  forwardSparse(x: ArrayLike<number>, xOff = 0): Float64Array {
    const n = this.sizes[0];
    const m = this.sizes[1];
    const h = this.h0;
    if (this.sparseActing === undefined) {
      this.sparseActing = SparseKernel.create(n, m);
      this.sparseActing?.setWeights(this.w0Rows, this.biases[0]);
    }
    if (this.sparseActing) this.sparseActing.forward(x, xOff, 1, h);
    else {
      const w = this.w0Rows;
      h.set(this.biases[0]);
      for (let i = 0; i < n; i++) {
        const v = x[xOff + i];
        if (v === 0) continue;
        const row = i * m;
        for (let j = 0; j < m; j++) h[j] += v * w[row + j];
      }
    }
    if (this.weights.length === 1) return h;
    this.activate(h, m);
    return this.forwardPlain(h, 0, 1);
  }

  private activate(out: Float64Array, n: number): void {
    if (this.act === 0) for (let j = 0; j < n; j++) out[j] = Math.tanh(out[j]);
    else if (this.act === 1) for (let j = 0; j < n; j++) out[j] = out[j] > 0 ? out[j] : 0;
    else for (let j = 0; j < n; j++) out[j] = out[j] > 0 ? out[j] : Math.expm1(out[j]);
  }

  /**
   * The same forward pass in plain TypeScript (Math.tanh; the reference the wasm kernel is tested
   * against). With `from` = l, x is the output of layer l - 1 and the pass starts at layer l.
   */
  forwardPlain(x: ArrayLike<number>, xOff = 0, from = 0): Float64Array {
    let input: ArrayLike<number> = x;
    let inOff = xOff;
    const layers = this.weights.length;
    for (let l = from; l < layers; l++) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      const wt = this.weights[l]; // transposed: row j holds the weights into output j
      const b = this.biases[l];
      const out = this.acts[l];
      const n4 = nIn - (nIn % 4);
      for (let j = 0; j < nOut; j++) {
        // four accumulators: shorter dependency chains, about twice as fast in V8
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        const c = j * nIn;
        let i = 0;
        for (; i < n4; i += 4) {
          s0 += input[inOff + i] * wt[c + i];
          s1 += input[inOff + i + 1] * wt[c + i + 1];
          s2 += input[inOff + i + 2] * wt[c + i + 2];
          s3 += input[inOff + i + 3] * wt[c + i + 3];
        }
        for (; i < nIn; i++) s0 += input[inOff + i] * wt[c + i];
        out[j] = b[j] + (s0 + s1 + (s2 + s3));
      }
      if (l + 1 < layers) this.activate(out, nOut);
      input = out;
      inOff = 0;
    }
    return input as Float64Array;
  }

  /** Copy the TF.js variables into the plain snapshot (call after every optimiser step). */
  markUpdated(): void {
    for (let l = 0; l < this.weights.length; l++) {
      const w = this.vars[2 * l].dataSync(); // [in, out], row-major
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      const wt = this.weights[l];
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) wt[j * nIn + i] = w[i * nOut + j];
      const b = this.vars[2 * l + 1].dataSync();
      if (l === 0) {
        this.w0Rows.set(w);
        this.sparseActing?.setWeights(w, b);
      }
      this.biases[l].set(b);
      this.wasm?.setLayer(l, wt, b);
    }
  }

  /** The largest |weight| or |bias| (of the snapshot, i.e. the values after the last markUpdated). */
  maxAbs(): number {
    let m = 0;
    for (const a of [...this.weights, ...this.biases]) for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]) <= m)) m = Math.abs(a[i]);
    return m;
  }

  getParams(): Float64Array {
    const out = new Float64Array(this.numParams);
    let off = 0;
    for (const v of this.vars) {
      out.set(v.dataSync(), off);
      off += v.size;
    }
    return out;
  }

  setParams(params: ArrayLike<number>): void {
    let off = 0;
    for (const v of this.vars) {
      const values = tf.tensor(Float32Array.from(Array.prototype.slice.call(params, off, off + v.size)), v.shape);
      v.assign(values);
      values.dispose();
      off += v.size;
    }
    this.markUpdated();
  }

  /** Free the TF.js variables (idempotent; the network cannot be trained or changed afterwards). */
  dispose(): void {
    for (const v of this.vars) if (!v.isDisposed) v.dispose();
  }
}
