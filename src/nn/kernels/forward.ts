/**
 * The single-input forward pass of an MLP in WebAssembly SIMD (mlp.wat, float32 like TF.js): the path
 * `Mlp.forward` takes when acting, one observation at a time, about ten times faster than the
 * plain-TypeScript pass (`Mlp.forwardPlain`, float64, the reference it is tested against; measured on
 * a 4-64-64-2 tanh network: 0.7 us against 7 us; outputs agree to ~1e-6).
 *
 * Used for tanh and relu networks when the JavaScript engine supports WebAssembly SIMD (Node >= 16.4
 * and current browsers do). Elsewhere, for elu, or with `PG_MLP_KERNEL=typescript` in the
 * environment, `Mlp` uses the plain-TypeScript pass.
 */
import { MLP_WASM_BASE64 } from "./mlp-wasm";

const PAGE = 65536;
const ACT_CODES: Record<string, number> = { tanh: 0, relu: 1 };

let compiled: WebAssembly.Module | null | undefined;

/** A module from its committed base64 bytes, or null when this engine cannot run it (e.g. no SIMD). */
export function moduleFromBase64(base64: string): WebAssembly.Module | null {
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/** The compiled module, or null when this engine cannot run it. */
function wasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = moduleFromBase64(MLP_WASM_BASE64);
  return compiled;
}

/** Which forward pass new networks use: "wasm-simd" unless unavailable or `PG_MLP_KERNEL=typescript`. */
export function defaultKernel(env: Record<string, string | undefined> = process.env): "wasm-simd" | "typescript" {
  const want = (env.PG_MLP_KERNEL ?? "").trim().toLowerCase();
  if (want !== "" && want !== "wasm" && want !== "wasm-simd" && want !== "typescript" && want !== "ts") {
    throw new RangeError(`PG_MLP_KERNEL must be "wasm-simd" or "typescript"; received ${JSON.stringify(env.PG_MLP_KERNEL)}.`);
  }
  if (want === "typescript" || want === "ts") return "typescript";
  return wasmModule() ? "wasm-simd" : "typescript";
}

const padTo = (n: number, k: number) => Math.ceil(n / k) * k;

export class WasmForward {
  private readonly memory: Float32Array;
  private readonly run: () => void;
  private readonly xAt: number; // index into memory (in floats)
  private readonly wAt: number[] = [];
  private readonly bAt: number[] = [];
  private readonly inPadded: number[] = [];
  private readonly result: Float32Array; // the last layer's outputs, in the module's memory
  private readonly output: Float64Array;

  /** A kernel for layer widths `sizes` and a hidden activation, or null when it cannot serve them. */
  static create(sizes: readonly number[], activation: string): WasmForward | null {
    if (!(activation in ACT_CODES) || defaultKernel() !== "wasm-simd") return null;
    return new WasmForward(wasmModule() as WebAssembly.Module, sizes, ACT_CODES[activation]);
  }

  private constructor(mod: WebAssembly.Module, readonly sizes: readonly number[], act: number) {
    const layers = sizes.length - 1;
    const padded = sizes.map((n) => padTo(n, 4));
    // layout in floats (4 bytes): header and layer table first, then the input and each layer's blocks
    let at = padTo(16 + 24 * layers, 16) / 4;
    this.xAt = at;
    at += padded[0];
    const table: number[] = [];
    let inAt = this.xAt;
    const outAt: number[] = [];
    for (let l = 0; l < layers; l++) {
      const nIn = padded[l];
      const nOut = padded[l + 1];
      this.inPadded.push(nIn);
      this.wAt.push(at);
      at += nIn * nOut;
      this.bAt.push(at);
      at += nOut;
      outAt.push(at);
      table.push(inAt * 4, this.wAt[l] * 4, this.bAt[l] * 4, at * 4, nIn, nOut);
      inAt = at;
      at += nOut;
    }
    const instance = new WebAssembly.Instance(mod, {});
    const mem = instance.exports.memory as WebAssembly.Memory;
    const pages = Math.ceil((at * 4) / PAGE);
    if (pages > 1) mem.grow(pages - 1);
    const ints = new Int32Array(mem.buffer);
    ints[0] = layers;
    ints[1] = act;
    ints.set(table, 4);
    this.memory = new Float32Array(mem.buffer);
    this.run = instance.exports.forward as () => void;
    this.result = this.memory.subarray(outAt[layers - 1], outAt[layers - 1] + sizes[layers]);
    this.output = new Float64Array(sizes[layers]);
  }

  /** Set layer l: wt [out][in] row-major (row j: the weights into output j), b [out]. */
  setLayer(l: number, wt: ArrayLike<number>, b: ArrayLike<number>): void {
    const nIn = this.sizes[l];
    const stride = this.inPadded[l];
    for (let j = 0; j < this.sizes[l + 1]; j++) for (let i = 0; i < nIn; i++) this.memory[this.wAt[l] + j * stride + i] = wt[j * nIn + i];
    this.memory.set(b, this.bAt[l]);
  }

  /** The network's output for x[off .. off + inputSize), in a buffer reused between calls. */
  forward(x: ArrayLike<number>, off: number): Float64Array {
    const n = this.sizes[0];
    const m = this.memory;
    const at = this.xAt;
    for (let i = 0; i < n; i++) m[at + i] = x[off + i];
    this.run();
    const out = this.output;
    const r = this.result;
    for (let j = 0; j < out.length; j++) out[j] = r[j];
    return out;
  }
}

/**
 * The sparse first layer z = x W + b in WebAssembly SIMD (mlp.wat's `sparse_forward`, or
 * `sparse_forward_narrow` for up to `NARROW` outputs, and `sparse_weight_grad`, float32): x's inputs are tested four at a time and only the rows of W where
 * x is non-zero are added, so a mostly-zero input (DeepRM's state image) costs a fraction of the dense
 * product. Rows go through the module's memory in chunks of `CHUNK_ROWS`; widths are padded to
 * multiples of 4 with zeros (which add nothing). `Mlp` uses one kernel for acting (its snapshot of the
 * weights) and one for TF.js (the variables' current values).
 */
export class SparseKernel {
  static readonly CHUNK_ROWS = 256;
  /** Up to this many outputs the product keeps them in registers (sparse_forward_narrow: the same sums, faster). */
  static readonly NARROW = 32;
  private readonly memory: Float32Array;
  private readonly exports: {
    sparse_forward(x: number, rows: number, n: number, w: number, b: number, m: number, out: number): void;
    sparse_forward_narrow(x: number, rows: number, n: number, w: number, b: number, m: number, out: number): void;
    sparse_weight_grad(x: number, rows: number, n: number, dz: number, m: number, dw: number): void;
  };
  private readonly n4: number;
  private readonly m4: number;
  // float offsets of the blocks
  private readonly xAt = 0;
  private readonly wAt: number;
  private readonly bAt: number;
  private readonly outAt: number;
  private readonly dzAt: number;
  private readonly dwAt: number;

  /** A kernel for n inputs and m outputs, or null when WebAssembly SIMD is unavailable (or PG_MLP_KERNEL=typescript). */
  static create(n: number, m: number): SparseKernel | null {
    if (defaultKernel() !== "wasm-simd") return null;
    return new SparseKernel(wasmModule() as WebAssembly.Module, n, m);
  }

  private constructor(
    mod: WebAssembly.Module,
    readonly n: number,
    readonly m: number,
  ) {
    this.n4 = padTo(n, 4);
    this.m4 = padTo(m, 4);
    const C = SparseKernel.CHUNK_ROWS;
    this.wAt = C * this.n4;
    this.bAt = this.wAt + this.n4 * this.m4;
    this.outAt = this.bAt + this.m4;
    this.dzAt = this.outAt + C * this.m4;
    this.dwAt = this.dzAt + C * this.m4;
    const end = this.dwAt + this.n4 * this.m4;
    const instance = new WebAssembly.Instance(mod, {});
    const mem = instance.exports.memory as WebAssembly.Memory;
    const pages = Math.ceil((end * 4) / PAGE);
    if (pages > 1) mem.grow(pages - 1);
    this.memory = new Float32Array(mem.buffer);
    this.exports = instance.exports as unknown as SparseKernel["exports"];
  }

  /** Set W ([n][m] row-major: row i holds input i's weights) and b [m]. */
  setWeights(w: ArrayLike<number>, b: ArrayLike<number>): void {
    const { n, m, m4 } = this;
    const mem = this.memory;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mem[this.wAt + i * m4 + j] = w[i * m + j];
    for (let j = 0; j < m; j++) mem[this.bAt + j] = b[j];
  }

  /** Copy rows r0 .. r0 + count - 1 of x (rows of n numbers from xOff) into the module's input block. */
  private load(x: ArrayLike<number>, xOff: number, count: number): void {
    const { n, n4 } = this;
    const mem = this.memory;
    const typed = ArrayBuffer.isView(x);
    if (typed && n4 === n) {
      mem.set((x as Float32Array).subarray(xOff, xOff + count * n), this.xAt);
      return;
    }
    for (let r = 0; r < count; r++) {
      if (typed) mem.set((x as Float32Array).subarray(xOff + r * n, xOff + (r + 1) * n), this.xAt + r * n4);
      else for (let i = 0; i < n; i++) mem[this.xAt + r * n4 + i] = x[xOff + r * n + i];
    }
  }

  /** z = x W + b for `rows` rows of x starting at x[xOff], into out (rows x m). */
  forward(x: ArrayLike<number>, xOff: number, rows: number, out: Float32Array | Float64Array): void {
    const { n4, m, m4 } = this;
    const mem = this.memory;
    for (let r0 = 0; r0 < rows; r0 += SparseKernel.CHUNK_ROWS) {
      const count = Math.min(SparseKernel.CHUNK_ROWS, rows - r0);
      this.load(x, xOff + r0 * this.n, count);
      const product = m4 <= SparseKernel.NARROW ? this.exports.sparse_forward_narrow : this.exports.sparse_forward;
      product(this.xAt * 4, count, n4, this.wAt * 4, this.bAt * 4, m4, this.outAt * 4);
      for (let r = 0; r < count; r++) for (let j = 0; j < m; j++) out[(r0 + r) * m + j] = mem[this.outAt + r * m4 + j];
    }
  }

  /** x^T dz ([n][m] row-major, float32 sums per chunk added in float64) for `rows` rows of x and of dz (rows x m). */
  weightGrad(x: ArrayLike<number>, rows: number, dz: ArrayLike<number>): Float32Array {
    const { n, n4, m, m4 } = this;
    const mem = this.memory;
    const dw = new Float64Array(n * m); // each chunk's float32 sums added up in float64
    for (let r0 = 0; r0 < rows; r0 += SparseKernel.CHUNK_ROWS) {
      const count = Math.min(SparseKernel.CHUNK_ROWS, rows - r0);
      this.load(x, r0 * n, count);
      for (let r = 0; r < count; r++) for (let j = 0; j < m; j++) mem[this.dzAt + r * m4 + j] = dz[(r0 + r) * m + j];
      mem.fill(0, this.dwAt, this.dwAt + n4 * m4);
      this.exports.sparse_weight_grad(this.xAt * 4, count, n4, this.dzAt * 4, m4, this.dwAt * 4);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) dw[i * m + j] += mem[this.dwAt + i * m4 + j];
    }
    return Float32Array.from(dw);
  }
}
