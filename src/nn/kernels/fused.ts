/**
 * The fused gradient kernel: one call runs an MLP's forward pass over a batch of rows, its loss, and
 * the backward pass, and writes the loss's gradient with respect to every parameter into one flat
 * Float32Array, in WebAssembly SIMD (float32, like TF.js), without TF.js. TF.js autodiff stays the
 * reference (test/nn/fused.test.ts checks every network and loss below against it) and the fallback
 * for what the kernel does not cover (elu networks, engines without WebAssembly SIMD).
 *
 * Written in AssemblyScript (assembly/fused-grad.ts), not in hand-written WebAssembly text as the
 * acting kernel mlp.wat is: a forward pass, a backward pass, four heads and a sparse first layer are
 * several times the size of mlp.wat, and AssemblyScript keeps them readable (typed functions, loops,
 * named constants, f64 Math.exp and Math.log from its standard library) while the v128 instructions
 * are still written explicitly (f32x4.mul, v128.load), so the hot loops compile to what one would
 * write by hand. Its compiler (`assemblyscript`, pinned to one version) is a devDependency only:
 * `npm run build:wasm` commits the module as base64 (fused-wasm.ts), and a test rebuilds it and
 * compares the bytes.
 *
 * ## Networks and losses (`FusedSpec.head`)
 * With o = the network's output for row t, psi_t the weight of row t, D the batch's divisor, N its
 * number of rows and beta the entropy coefficient (exactly the library's TF.js losses: `actorLoss` in
 * src/update/loss.ts, `MlpValue.fitRows` / `MlpActionValue.fitRows` in src/critics/mlp.ts):
 * - "categorical" (MlpCategorical): L = -(1/D) sum_t psi_t log pi(a_t|s_t) - beta (1/N) sum_t H(pi(.|s_t)),
 *   pi = softmax(o);
 * - "gaussian" (Gaussian, log sigma a learned vector [d]), "gaussian-state-std" (stateDependentStd:
 *   the network's 2d outputs are mu then log sigma), "gaussian-sde" (gSDE: sigma_k(s)^2 =
 *   sum_j z_j(s)^2 exp(2 L_jk) + 1e-6 with z(s) the last hidden layer, held constant): the same L with
 *   log pi the normal log-density and H = sum_k (log sigma_k + (log 2 pi + 1) / 2);
 * - "value" (MlpValue): L = (1/N) sum_t (V(s_t) - y_t)^2;
 * - "q" (MlpActionValue): L = (1/N) sum_t (Q(s_t, a_t) - y_t)^2.
 * The gradient written is dL/dtheta, the one to minimise (as `tf.variableGrads` of that loss gives it;
 * `surrogateGradient` returns its negation with beta = 0, the ascent direction).
 *
 * ## Parameter layout
 * One flat buffer holds the parameters, or their gradient, in the order and shapes of the TF.js
 * variables (`policy.variables()`, `Mlp.vars`): W0 [in, h1] row-major, b0 [h1], W1 [h1, h2], b1, ...,
 * W_last, b_last, then the Gaussian's log-std variable ([d], or gSDE's L [h_last, d]) if it has one.
 * So variable k's values are `flat.subarray(offset_k, offset_k + size_k)` (`FusedGradient.shapes`):
 * no reordering. Inside, the kernel pads each layer's output width to a multiple of 4 and keeps a
 * transposed copy of W for the backward pass; `setParams` lays that out (O(parameters), tens of
 * microseconds for 4-64-64-2 against milliseconds for the O(rows x parameters) pass).
 *
 * ## Functions
 * - `FusedGradient.create(spec: FusedSpec): FusedGradient | null`: null for elu networks and on
 *   engines without WebAssembly SIMD (then TF.js computes the gradient). It does not read `PG_MLP_KERNEL`
 *   (which chooses the acting pass); choosing the gradient's path (`PG_GRAD_KERNEL`) is the update
 *   step's (src/update/kernel.ts).
 *   Specs of the library's networks: MlpCategorical p: `{ sizes: p.net.sizes, activation:
 *   p.config.activation, head: "categorical", sparseInput: p.net.sparseInput }`; Gaussian g: the same
 *   with `head: g.config.sde ? "gaussian-sde" : g.config.stateDependentStd ? "gaussian-state-std" :
 *   "gaussian"` and `actionSize: g.actionSize`; MlpValue / MlpActionValue c: `{ sizes: c.net.sizes,
 *   activation: c.net.config.activation, head: "value" | "q" }`.
 * - `kernel.shapes: number[][]`, `kernel.numParams: number`: the flat layout.
 * - `kernel.setParams(params: ArrayLike<number>): void` (flat, e.g. `policy.getParams()`), or
 *   `kernel.setVariables(values: readonly ArrayLike<number>[]): void` (one array per variable, e.g.
 *   `policy.variables().map((v) => v.dataSync())`, no flat copy): before each gradient, after any change.
 * - `kernel.policyGradient(data: FusedRows, psi: ArrayLike<number>, options: { entropyCoef?: number },
 *   out: Float32Array): number`: the policy heads; `data` is a `Batch` (rows, observations, actions,
 *   divisor); psi one per row; writes dL/dtheta into out (numParams) and returns L.
 * - `kernel.criticGradient(data: FusedRows, targets: ArrayLike<number>, out: Float32Array): number`:
 *   "value" and "q" (actions needed for "q").
 * - In flat-optimizers.ts: `new FlatAdam(size, lr, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7)`,
 *   `new FlatRmsProp(size, lr, decay, epsilon)`, both `.step(params: Float32Array, grad)` in place and
 *   a writable `.lr`; `clipByGlobalNorm(grad: Float32Array, maxNorm): number` (the norm before) and
 *   `globalNorm(grad)`.
 *
 * ## Wiring it into the update step (what `guardedStep` does through TF.js)
 * ```ts
 * const kernel = FusedGradient.create(spec);                      // once per run; null: TF.js path
 * kernel.setVariables(policy.variables().map((v) => v.dataSync()));
 * const grad = new Float32Array(kernel.numParams);
 * const loss = kernel.policyGradient(batch, psi, { entropyCoef }, grad);
 * const norm = clipByGlobalNorm(grad, maxGradNorm);              // the norm before clipping: stop the run
 *                                                                 // here if loss or norm is not finite
 * optimizer.step(params, grad);                                   // params: a Float32Array kept with the policy
 * policy.setParams(params);                                       // writes the variables, refreshes the acting snapshot
 * ```
 * or, to keep TF.js's optimiser (and its state) while only the gradient changes path, return grad as a
 * flat `Gradient` (src/update/step.ts) from `policyGradient` and let `applyStep` guard, clip and apply it
 * to the `OptimizerTarget` (slices in `policy.variables()` order, `kernel.shapes`): what the update
 * step does with `PG_GRAD_KERNEL=fused` (src/update/kernel.ts). The flat
 * optimisers keep their own moments: choose one path per run. What the step must pass: the spec
 * (sizes, hidden activation, head, actionSize for the Gaussians, `Mlp.sparseInput`), the current
 * parameters, and per call the rows (observations [rows x inputSize] float32, actions: indices or
 * [rows x d]), psi (or the critic's targets), the divisor D and beta. Rows go through in blocks of
 * `blockRows` (default 64) whose sums are added into the float32 gradient, so a batch of any size
 * takes a fixed amount of memory. Same inputs, same bits: the order of every sum is fixed.
 *
 * Both cores (not done yet): the gradient is a sum over rows, so a batch split at a fixed row (half
 * the blocks) between this thread and one worker, each with its own kernel instance and the same
 * parameters, gives two partial gradients whose sum is the gradient; adding them in a fixed order
 * keeps "same inputs, same bits". What it takes: a persistent worker holding an instance (starting one
 * per call costs more than the pass), the rows and psi written once into a SharedArrayBuffer both
 * threads read (not copied per call), the parameters sent at each change (setVariables in the
 * worker), and a wake-up and a wait (Atomics.notify / Atomics.wait, about 10-50 us) per call. The
 * dense pass is compute-bound (about 54 million multiply-adds for 4-64-64-2 and 4,096 rows, with
 * separate f32x4 multiplies and adds: WebAssembly SIMD has no deterministic fused multiply-add), so
 * two cores should come close to halving it.
 */
import { FUSED_WASM_BASE64 } from "./fused-wasm";
import { moduleFromBase64 } from "./forward";

export type FusedHead = "categorical" | "gaussian" | "gaussian-state-std" | "gaussian-sde" | "value" | "q";
export const FUSED_HEADS: readonly FusedHead[] = ["categorical", "gaussian", "gaussian-state-std", "gaussian-sde", "value", "q"];
const POLICY_HEADS: readonly FusedHead[] = ["categorical", "gaussian", "gaussian-state-std", "gaussian-sde"];

/** The network a kernel is made for. */
export interface FusedSpec {
  /** Layer widths [input, hidden..., output] (`Mlp.sizes`): for "gaussian-state-std" the output is 2 d. */
  sizes: readonly number[];
  /** The hidden layers' activation: "tanh" or "relu" ("elu" is not covered: `create` returns null). */
  activation: string;
  head: FusedHead;
  /** Gaussian heads: the number of action dimensions d. */
  actionSize?: number;
  /** The first layer sums only the non-zero inputs (`Mlp.sparseInput`; DeepRM's state image). */
  sparseInput?: boolean;
  /** Rows per block (default 64). */
  blockRows?: number;
}

/** Rows of experience: a `Batch` (src/rollout/batch.ts) has these fields. */
export interface FusedRows {
  rows: number;
  /** rows x inputSize numbers. */
  observations: Float32Array;
  /** Per row: the action index (categorical, q), or d numbers (Gaussians); unused by "value". */
  actions?: ArrayLike<number>;
  /** The surrogate's divisor D (policies). */
  divisor?: number;
}

const HEAD_CODES: Record<FusedHead, number> = { categorical: 0, gaussian: 1, "gaussian-state-std": 2, "gaussian-sde": 3, value: 4, q: 5 };
const ACT_CODES: Record<string, number> = { tanh: 0, relu: 1 };

// the plan's fields and the layer table (byte offsets; assembly/fused-grad.ts names them)
const P = { layers: 0, act: 4, sparse: 8, head: 12, x: 16, xStride: 20, weight: 24, action: 28, adim: 32, logStd: 36, dLogStd: 40, pairs: 44, nnz: 48, exp: 52, psiScale: 56, entScale: 64, sdeExp: 72, table: 80 };
const LAYER = 40;
const L = { n: 0, m: 4, m4: 8, w: 12, wt: 16, b: 20, dw: 24, db: 28, h: 32, d: 36 };

const PAGE = 65536;
const padTo = (n: number, k: number) => Math.ceil(n / k) * k;

let compiled: WebAssembly.Module | null | undefined;

function fusedModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = moduleFromBase64(FUSED_WASM_BASE64);
  return compiled;
}

interface Exports {
  memory: WebAssembly.Memory;
  heapStart(): number;
  prepareSde(plan: number, count: number): void;
  accumulate(plan: number, rows: number): number;
}

/** One layer's blocks in the module's memory (float offsets). */
interface LayerBlocks {
  n: number;
  m: number;
  m4: number;
  w: number;
  wt: number;
  b: number;
  dw: number;
  db: number;
}

function checkSpec(spec: FusedSpec): void {
  const where = "FusedGradient.create";
  if (!Array.isArray(spec.sizes) || spec.sizes.length < 2 || !spec.sizes.every((n) => Number.isSafeInteger(n) && n >= 1)) {
    throw new RangeError(`${where}: sizes must list at least two layer widths >= 1 (input, ..., output); received ${JSON.stringify(spec.sizes)}.`);
  }
  if (!FUSED_HEADS.includes(spec.head)) throw new RangeError(`${where}: head must be one of ${FUSED_HEADS.join(", ")}; received ${JSON.stringify(spec.head)}.`);
  const out = spec.sizes[spec.sizes.length - 1];
  if (spec.head.startsWith("gaussian")) {
    const d = spec.actionSize;
    if (!Number.isSafeInteger(d) || (d as number) < 1) throw new RangeError(`${where}: head ${spec.head} needs actionSize, an integer >= 1; received ${String(d)}.`);
    const want = spec.head === "gaussian-state-std" ? 2 * (d as number) : (d as number);
    if (out !== want) throw new RangeError(`${where}: head ${spec.head} with actionSize ${d} needs ${want} outputs; sizes end in ${out}.`);
    if (spec.head === "gaussian-sde" && spec.sizes.length < 3) throw new RangeError(`${where}: gaussian-sde draws its noise from the last hidden layer; sizes ${JSON.stringify(spec.sizes)} have none.`);
  }
  if (spec.head === "value" && out !== 1) throw new RangeError(`${where}: a value head has one output; sizes end in ${out}.`);
  const block = spec.blockRows ?? 64;
  if (!Number.isSafeInteger(block) || block < 1) throw new RangeError(`${where}: blockRows must be an integer >= 1; received ${String(spec.blockRows)}.`);
}

export class FusedGradient {
  /** The variables' shapes, in order (the flat layout: see the module comment). */
  readonly shapes: number[][];
  readonly numParams: number;
  private readonly ex: Exports;
  private floats: Float32Array;
  private readonly plan: number; // byte offset
  private readonly layers: LayerBlocks[] = [];
  private readonly blockRows: number;
  private readonly inputStride: number;
  private readonly xAt: number;
  private readonly weightAt: number;
  private readonly actionAt: number;
  private readonly actionWidth: number;
  private readonly logStdAt: number;
  private readonly dLogStdAt: number;
  private readonly logStdSize: number;

  /** A kernel for `spec`, or null where it cannot run (activation not tanh or relu, no WebAssembly SIMD). */
  static create(spec: FusedSpec): FusedGradient | null {
    checkSpec(spec);
    if (!(spec.activation in ACT_CODES)) return null;
    const mod = fusedModule();
    return mod ? new FusedGradient(mod, spec) : null;
  }

  private constructor(
    mod: WebAssembly.Module,
    readonly spec: FusedSpec,
  ) {
    this.ex = new WebAssembly.Instance(mod, {}).exports as unknown as Exports;
    const sizes = spec.sizes;
    const nLayers = sizes.length - 1;
    const B = (this.blockRows = spec.blockRows ?? 64);
    const d = spec.actionSize ?? 1;
    this.shapes = [];
    for (let l = 0; l < nLayers; l++) this.shapes.push([sizes[l], sizes[l + 1]], [sizes[l + 1]]);
    this.logStdSize = spec.head === "gaussian" ? d : spec.head === "gaussian-sde" ? sizes[nLayers - 1] * d : 0;
    if (this.logStdSize) this.shapes.push(spec.head === "gaussian" ? [d] : [sizes[nLayers - 1], d]);
    this.numParams = this.shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    // memory, in floats from the module's heap start; every block 16-byte aligned
    let at = this.ex.heapStart() / 4;
    const take = (floats: number) => {
      const start = at;
      at += padTo(floats, 4);
      return start;
    };
    this.plan = take(P.table / 4 + (nLayers * LAYER) / 4) * 4;
    this.inputStride = padTo(sizes[0], 4);
    this.xAt = take(B * this.inputStride);
    this.weightAt = take(B);
    this.actionWidth = spec.head.startsWith("gaussian") ? d : 1;
    this.actionAt = take(B * this.actionWidth);
    const h: number[] = [];
    const dz: number[] = [];
    for (let l = 0; l < nLayers; l++) {
      const n = sizes[l];
      const m = sizes[l + 1];
      const m4 = padTo(m, 4);
      this.layers.push({ n, m, m4, w: take(n * m4), wt: l > 0 ? take(m * padTo(n, 4)) : 0, b: take(m4), dw: take(n * m4), db: take(m4) });
      h.push(take(B * m4));
      dz.push(take(B * m4));
    }
    this.logStdAt = take(this.logStdSize);
    this.dLogStdAt = take(this.logStdSize);
    const pairs = take(spec.sparseInput ? 2 * B * sizes[0] : 0);
    const sdeExp = take(spec.head === "gaussian-sde" ? this.logStdSize : 0);
    const nnz = take(B + 1);
    const exp = take(2 * sizes[nLayers]); // float64
    const pages = Math.ceil((at * 4) / PAGE);
    const mem = this.ex.memory;
    if (pages > mem.buffer.byteLength / PAGE) mem.grow(pages - mem.buffer.byteLength / PAGE);
    this.floats = new Float32Array(mem.buffer);
    const ints = new Int32Array(mem.buffer);
    const p = this.plan / 4;
    ints[p + P.layers / 4] = nLayers;
    ints[p + P.act / 4] = ACT_CODES[spec.activation];
    ints[p + P.sparse / 4] = spec.sparseInput ? 1 : 0;
    ints[p + P.head / 4] = HEAD_CODES[spec.head];
    ints[p + P.x / 4] = this.xAt * 4;
    ints[p + P.xStride / 4] = this.inputStride;
    ints[p + P.weight / 4] = this.weightAt * 4;
    ints[p + P.action / 4] = this.actionAt * 4;
    ints[p + P.adim / 4] = spec.head.startsWith("gaussian") ? d : sizes[nLayers];
    ints[p + P.logStd / 4] = this.logStdAt * 4;
    ints[p + P.dLogStd / 4] = this.dLogStdAt * 4;
    ints[p + P.pairs / 4] = pairs * 4;
    ints[p + P.sdeExp / 4] = sdeExp * 4;
    ints[p + P.nnz / 4] = nnz * 4;
    ints[p + P.exp / 4] = exp * 4;
    this.layers.forEach((lb, l) => {
      const e = p + (P.table + l * LAYER) / 4;
      const entry: Record<keyof typeof L, number> = { n: lb.n, m: lb.m, m4: lb.m4, w: lb.w * 4, wt: lb.wt * 4, b: lb.b * 4, dw: lb.dw * 4, db: lb.db * 4, h: h[l] * 4, d: dz[l] * 4 };
      for (const k of Object.keys(L) as (keyof typeof L)[]) ints[e + L[k] / 4] = entry[k];
    });
  }

  /** Set the parameters from one flat vector in the variables' order (see the module comment). */
  setParams(params: ArrayLike<number>): void {
    if (params === null || typeof params !== "object" || params.length !== this.numParams) {
      throw new RangeError(`FusedGradient.setParams: expected ${this.numParams} parameters; received ${params === null || typeof params !== "object" ? String(params) : params.length}.`);
    }
    const flat = params instanceof Float32Array ? params : Float32Array.from(params);
    let off = 0;
    const parts = this.shapes.map((s) => {
      const size = s.reduce((a, b) => a * b, 1);
      off += size;
      return flat.subarray(off - size, off);
    });
    this.setVariables(parts);
  }

  /** Set the parameters from one array per variable (e.g. `vars.map((v) => v.dataSync())`), shapes as `shapes`. */
  setVariables(values: readonly ArrayLike<number>[]): void {
    if (!Array.isArray(values) || values.length !== this.shapes.length) {
      throw new RangeError(`FusedGradient.setVariables: expected ${this.shapes.length} arrays (one per variable); received ${Array.isArray(values) ? values.length : String(values)}.`);
    }
    this.shapes.forEach((s, k) => {
      const size = s.reduce((a, b) => a * b, 1);
      if (values[k]?.length !== size) throw new RangeError(`FusedGradient.setVariables: variable ${k} (shape [${s.join(", ")}]) needs ${size} values; received ${values[k]?.length}.`);
    });
    const f = this.memory();
    this.layers.forEach((lb, l) => {
      const w = values[2 * l];
      const n4 = padTo(lb.n, 4);
      for (let i = 0; i < lb.n; i++) {
        for (let j = 0; j < lb.m; j++) {
          const v = w[i * lb.m + j];
          f[lb.w + i * lb.m4 + j] = v;
          if (l > 0) f[lb.wt + j * n4 + i] = v;
        }
      }
      const b = values[2 * l + 1];
      for (let j = 0; j < lb.m; j++) f[lb.b + j] = b[j];
    });
    if (this.logStdSize) f.set(values[values.length - 1], this.logStdAt);
  }

  /**
   * The policy loss's gradient for `data`'s rows and weights psi (one per row): written into `out`
   * (numParams, the flat layout); returns the loss. `entropyCoef` beta (default 0); the divisor D is
   * `data.divisor` (default the number of rows).
   */
  policyGradient(data: FusedRows, psi: ArrayLike<number>, options: { entropyCoef?: number }, out: Float32Array): number {
    const where = "FusedGradient.policyGradient";
    if (!POLICY_HEADS.includes(this.spec.head)) throw new TypeError(`${where}: this kernel computes a ${this.spec.head} critic's loss; use criticGradient.`);
    const divisor = data?.divisor ?? data?.rows;
    if (!(divisor > 0 && Number.isFinite(divisor))) throw new RangeError(`${where}: divisor must be a positive number; received ${String(data?.divisor)}.`);
    const beta = options?.entropyCoef ?? 0;
    if (!(beta >= 0 && Number.isFinite(beta))) throw new RangeError(`${where}: entropyCoef must be a finite number >= 0; received ${String(beta)}.`);
    return this.run(where, data, psi, 1 / divisor, beta / data.rows, out);
  }

  /** The critic loss's gradient (mean squared error to `targets`, one per row) into `out`; returns the loss. */
  criticGradient(data: FusedRows, targets: ArrayLike<number>, out: Float32Array): number {
    const where = "FusedGradient.criticGradient";
    if (this.spec.head !== "value" && this.spec.head !== "q") throw new TypeError(`${where}: this kernel computes a ${this.spec.head} policy's loss; use policyGradient.`);
    return this.run(where, data, targets, 1 / data?.rows, 0, out);
  }

  /** The module's memory as floats (a new view if it grew). */
  private memory(): Float32Array {
    if (this.floats.buffer !== this.ex.memory.buffer) this.floats = new Float32Array(this.ex.memory.buffer);
    return this.floats;
  }

  private checkRows(where: string, data: FusedRows, weights: ArrayLike<number>, out: Float32Array): void {
    const rows = data?.rows;
    if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`${where}: rows must be an integer >= 1; received ${String(rows)}.`);
    const n0 = this.spec.sizes[0];
    if (!(data.observations instanceof Float32Array) || data.observations.length < rows * n0) {
      throw new RangeError(`${where}: observations must be a Float32Array of at least rows x ${n0} = ${rows * n0} numbers; received ${data.observations instanceof Float32Array ? data.observations.length : String(data.observations)}.`);
    }
    if (weights === null || typeof weights !== "object" || weights.length !== rows) {
      throw new RangeError(`${where}: expected one weight (psi or target) per row (${rows}); received ${weights === null || typeof weights !== "object" ? String(weights) : weights.length}.`);
    }
    if (this.spec.head !== "value") {
      const need = rows * this.actionWidth;
      if (!data.actions || data.actions.length < need) throw new RangeError(`${where}: actions must hold ${need} numbers (${this.actionWidth} per row); received ${data.actions ? data.actions.length : String(data.actions)}.`);
    }
    if (!(out instanceof Float32Array) || out.length !== this.numParams) throw new RangeError(`${where}: out must be a Float32Array of ${this.numParams} numbers; received ${out instanceof Float32Array ? out.length : String(out)}.`);
  }

  private run(where: string, data: FusedRows, weights: ArrayLike<number>, psiScale: number, entScale: number, out: Float32Array): number {
    this.checkRows(where, data, weights, out);
    const f = this.memory();
    const f64 = new Float64Array(f.buffer);
    f64[(this.plan + P.psiScale) / 8] = psiScale;
    f64[(this.plan + P.entScale) / 8] = entScale;
    for (const lb of this.layers) {
      f.fill(0, lb.dw, lb.dw + lb.n * lb.m4);
      f.fill(0, lb.db, lb.db + lb.m4);
    }
    f.fill(0, this.dLogStdAt, this.dLogStdAt + this.logStdSize);
    if (this.spec.head === "gaussian-sde") this.ex.prepareSde(this.plan, this.logStdSize);
    let loss = 0;
    for (let r0 = 0; r0 < data.rows; r0 += this.blockRows) {
      const count = Math.min(this.blockRows, data.rows - r0);
      this.load(where, data, weights, r0, count);
      loss += this.ex.accumulate(this.plan, count);
    }
    this.gradientInto(out);
    return loss;
  }

  /** Copy rows r0 .. r0 + count - 1 (observations, weights, actions) into the module's block. */
  private load(where: string, data: FusedRows, weights: ArrayLike<number>, r0: number, count: number): void {
    const f = this.memory();
    const n0 = this.spec.sizes[0];
    const obs = data.observations;
    if (this.inputStride === n0) f.set(obs.subarray(r0 * n0, (r0 + count) * n0), this.xAt);
    else for (let r = 0; r < count; r++) f.set(obs.subarray((r0 + r) * n0, (r0 + r + 1) * n0), this.xAt + r * this.inputStride);
    for (let r = 0; r < count; r++) f[this.weightAt + r] = weights[r0 + r];
    if (this.spec.head === "value") return;
    const actions = data.actions as ArrayLike<number>;
    const w = this.actionWidth;
    if (w > 1 || this.spec.head.startsWith("gaussian")) {
      for (let k = 0; k < count * w; k++) f[this.actionAt + k] = actions[r0 * w + k];
      return;
    }
    const nA = this.spec.sizes[this.spec.sizes.length - 1];
    for (let r = 0; r < count; r++) {
      const a = actions[r0 + r];
      if (!(Number.isInteger(a) && a >= 0 && a < nA)) throw new RangeError(`${where}: the action of row ${r0 + r} is ${a}; expected an integer in 0 .. ${nA - 1}.`);
      f[this.actionAt + r] = a;
    }
  }

  /** The accumulated gradient, unpadded, into out (the variables' layout). */
  private gradientInto(out: Float32Array): void {
    const f = this.memory();
    let off = 0;
    for (const lb of this.layers) {
      for (let i = 0; i < lb.n; i++) out.set(f.subarray(lb.dw + i * lb.m4, lb.dw + i * lb.m4 + lb.m), off + i * lb.m);
      off += lb.n * lb.m;
      out.set(f.subarray(lb.db, lb.db + lb.m), off);
      off += lb.m;
    }
    out.set(f.subarray(this.dLogStdAt, this.dLogStdAt + this.logStdSize), off);
  }
}
