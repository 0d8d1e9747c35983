// AssemblyScript (compiled by `npm run build:wasm` into ../fused-wasm.ts; not part of the TypeScript
// build). The fused forward-and-backward pass of an MLP and its loss, for a block of rows: the layout
// of the memory it works on is set by ../fused.ts (FusedGradient), which documents the losses.
//
// Float32 like TF.js, four lanes (v128). Every layer's output width is padded with zeros to a multiple
// of 4 (`m4`); padded weights and biases are 0, so padded outputs stay 0 through tanh and relu.
//
// A "plan" (i32 and f64 fields at byte offsets P_*) describes the network, its head and the block of
// rows; per layer a table entry (L_* offsets, LAYER bytes) holds its widths and buffers.

// ---- plan fields (byte offsets)
const P_LAYERS: i32 = 0; // number of layers L
const P_ACT: i32 = 4; // hidden activation: 0 tanh, 1 relu
const P_SPARSE: i32 = 8; // 1: the first layer visits only the non-zero inputs
const P_HEAD: i32 = 12; // HEAD_* below
const P_X: i32 = 16; // input rows [rows][xStride]
const P_XSTRIDE: i32 = 20; // floats per input row (a multiple of 4)
const P_WEIGHT: i32 = 24; // per row: psi_t (policies) or the target (critics), f32
const P_ACTION: i32 = 28; // per row: the action (an index, or actionSize numbers), f32
const P_ADIM: i32 = 32; // numbers per action (Gaussian), or the number of actions (categorical, Q)
const P_LOGSTD: i32 = 36; // Gaussian: the log-std vector [d], or gSDE's L [h][d]
const P_DLOGSTD: i32 = 40; // its gradient (accumulated)
const P_PAIRS: i32 = 44; // sparse: the gathered inputs (i32 index, f32 value) [rows x inputs at most]
const P_NNZ: i32 = 48; // sparse: row starts into the gathered inputs [rows + 1]
const P_EXP: i32 = 52; // categorical: exp(o_k - max o) of one row, f64 [actions]
const P_PSI_SCALE: i32 = 56; // f64: 1 / divisor (policies) or 1 / N (critics)
const P_ENT_SCALE: i32 = 64; // f64: entropyCoef / N
const P_SDE_EXP: i32 = 72; // gSDE: exp(2 L) [h][d]
const P_TABLE: i32 = 80; // first layer entry

// ---- layer entry fields (byte offsets from the entry)
const L_N: i32 = 0; // inputs (real width)
const L_M: i32 = 4; // outputs (real width)
const L_M4: i32 = 8; // outputs padded to a multiple of 4
const L_W: i32 = 12; // W [n][m4]: row i holds input i's weights (TF.js's [in, out] layout, padded)
const L_WT: i32 = 16; // W transposed [m][n4] (layers after the first: the input gradient)
const L_B: i32 = 20; // b [m4]
const L_DW: i32 = 24; // dW [n][m4] (accumulated)
const L_DB: i32 = 28; // db [m4] (accumulated)
const L_H: i32 = 32; // outputs [rows][m4] (after the activation; the last layer's are linear)
const L_D: i32 = 36; // dLoss / d(pre-activation) [rows][m4]
const LAYER: i32 = 40;

const HEAD_CATEGORICAL: i32 = 0;
const HEAD_GAUSSIAN: i32 = 1; // log-std a learned vector
const HEAD_GAUSSIAN_STATE_STD: i32 = 2; // log-std the network's second half of outputs
const HEAD_GAUSSIAN_SDE: i32 = 3; // gSDE: variance sum_j z_j^2 exp(2 L_jk) + SDE_EPS
const HEAD_VALUE: i32 = 4; // V(s): squared error to the target
const HEAD_Q: i32 = 5; // Q(s, a): squared error at the action taken

const SDE_EPS: f64 = 1e-6;
const LOG_2PI: f64 = 1.8378770664093453;

@inline function i32At(base: usize, off: i32): i32 {
  return load<i32>(base + <usize>off);
}
@inline function ptrAt(base: usize, off: i32): usize {
  return <usize>load<i32>(base + <usize>off);
}
@inline function f64At(base: usize, off: i32): f64 {
  return load<f64>(base + <usize>off);
}
@inline function fl(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// ---- dense products (every row loop of the pass is one of these two)
//
// Both are made of one step: along a stream of t = 0 .. count - 1, two scalars u_t, v_t times a row of
// sixteen (or four) floats M_t, summed into two sets of registers. Eight independent sums keep the
// adder busy (four would wait on its latency), and each load of M_t serves both sums.

/**
 * a += sum_t u_t M_t[0..16) and b += sum_t v_t M_t[0..16): u_t at u + t uStride bytes, v_t at
 * v + t uStride, M_t at m + t mStride. Starts from init[0..16) (0: from zero); `add` adds the sums into
 * out0 and out1, else stores them there.
 */
@inline function pairBlock16(u: usize, v: usize, uStride: usize, m: usize, mStride: usize, count: i32, init: usize, out0: usize, out1: usize, add: bool): void {
  const zero = f32x4.splat(0);
  let a0 = init ? v128.load(init) : zero;
  let a1 = init ? v128.load(init, 16) : zero;
  let a2 = init ? v128.load(init, 32) : zero;
  let a3 = init ? v128.load(init, 48) : zero;
  let b0 = a0;
  let b1 = a1;
  let b2 = a2;
  let b3 = a3;
  let up = u;
  let vp = v;
  let mp = m;
  for (let t = 0; t < count; t++) {
    const us = f32x4.splat(load<f32>(up));
    const vs = f32x4.splat(load<f32>(vp));
    const m0 = v128.load(mp);
    const m1 = v128.load(mp, 16);
    const m2 = v128.load(mp, 32);
    const m3 = v128.load(mp, 48);
    a0 = f32x4.add(a0, f32x4.mul(us, m0));
    a1 = f32x4.add(a1, f32x4.mul(us, m1));
    a2 = f32x4.add(a2, f32x4.mul(us, m2));
    a3 = f32x4.add(a3, f32x4.mul(us, m3));
    b0 = f32x4.add(b0, f32x4.mul(vs, m0));
    b1 = f32x4.add(b1, f32x4.mul(vs, m1));
    b2 = f32x4.add(b2, f32x4.mul(vs, m2));
    b3 = f32x4.add(b3, f32x4.mul(vs, m3));
    up += uStride;
    vp += uStride;
    mp += mStride;
  }
  if (add) {
    a0 = f32x4.add(a0, v128.load(out0));
    a1 = f32x4.add(a1, v128.load(out0, 16));
    a2 = f32x4.add(a2, v128.load(out0, 32));
    a3 = f32x4.add(a3, v128.load(out0, 48));
    b0 = f32x4.add(b0, v128.load(out1));
    b1 = f32x4.add(b1, v128.load(out1, 16));
    b2 = f32x4.add(b2, v128.load(out1, 32));
    b3 = f32x4.add(b3, v128.load(out1, 48));
  }
  v128.store(out0, a0);
  v128.store(out0, a1, 16);
  v128.store(out0, a2, 32);
  v128.store(out0, a3, 48);
  v128.store(out1, b0);
  v128.store(out1, b1, 16);
  v128.store(out1, b2, 32);
  v128.store(out1, b3, 48);
}

/** The same for one scalar stream and four floats: out (+)= init + sum_t u_t M_t[0..4). */
@inline function block4(u: usize, uStride: usize, m: usize, mStride: usize, count: i32, init: usize, out: usize, add: bool): void {
  let a = init ? v128.load(init) : f32x4.splat(0);
  let up = u;
  let mp = m;
  for (let t = 0; t < count; t++) {
    a = f32x4.add(a, f32x4.mul(f32x4.splat(load<f32>(up)), v128.load(mp)));
    up += uStride;
    mp += mStride;
  }
  v128.store(out, add ? f32x4.add(a, v128.load(out)) : a);
}

/**
 * y[r][0..c4) = bias + sum_{k<K} x[r][k] m[k][0..c4) for r < rows (bias 0: none): the stream runs over
 * k, two rows at a time. x has row stride sx, y and m row stride c4 (floats).
 */
function rowsTimes(x: usize, sx: i32, K: i32, m: usize, c4: i32, bias: usize, y: usize, rows: i32): void {
  const mStride = <usize>c4 << 2;
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const x0 = fl(x, r * sx);
    const x1 = fl(x0, sx);
    const y0 = fl(y, r * c4);
    let j = 0;
    for (; j + 16 <= c4; j += 16) pairBlock16(x0, x1, 4, fl(m, j), mStride, K, bias ? fl(bias, j) : 0, fl(y0, j), fl(y0, c4 + j), false);
    for (; j < c4; j += 4) {
      block4(x0, 4, fl(m, j), mStride, K, bias ? fl(bias, j) : 0, fl(y0, j), false);
      block4(x1, 4, fl(m, j), mStride, K, bias ? fl(bias, j) : 0, fl(y0, c4 + j), false);
    }
  }
  if (r < rows) for (let j = 0; j < c4; j += 4) block4(fl(x, r * sx), 4, fl(m, j), mStride, K, bias ? fl(bias, j) : 0, fl(y, r * c4 + j), false);
}

/**
 * g[k][0..c4) += sum_{r<rows} x[r][k] d[r][0..c4) for k < K (the weight gradient x^T d): the stream
 * runs over the block's rows, two inputs k at a time.
 */
function weightGrad(x: usize, sx: i32, K: i32, d: usize, c4: i32, g: usize, rows: i32): void {
  const xStride = <usize>sx << 2;
  const dStride = <usize>c4 << 2;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    let j = 0;
    for (; j + 16 <= c4; j += 16) pairBlock16(fl(x, k), fl(x, k + 1), xStride, fl(d, j), dStride, rows, 0, fl(g, k * c4 + j), fl(g, (k + 1) * c4 + j), true);
    for (; j < c4; j += 4) {
      block4(fl(x, k), xStride, fl(d, j), dStride, rows, 0, fl(g, k * c4 + j), true);
      block4(fl(x, k + 1), xStride, fl(d, j), dStride, rows, 0, fl(g, (k + 1) * c4 + j), true);
    }
  }
  if (k < K) for (let j = 0; j < c4; j += 4) block4(fl(x, k), xStride, fl(d, j), dStride, rows, 0, fl(g, k * c4 + j), true);
}

/** g[0..c4) += sum_r d[r][0..c4) (the bias gradient). */
function columnSums(d: usize, c4: i32, g: usize, rows: i32): void {
  for (let j = 0; j < c4; j += 4) {
    let a = f32x4.splat(0);
    let dp = fl(d, j);
    for (let r = 0; r < rows; r++) {
      a = f32x4.add(a, v128.load(dp));
      dp += <usize>c4 << 2;
    }
    v128.store(fl(g, j), f32x4.add(v128.load(fl(g, j)), a));
  }
}

// ---- the sparse first layer: the non-zero inputs of each row are gathered once, used twice

/** The non-zero x[r][i] (i < n) of each row as (index, value) pairs at `pairs`; row r's are start[r] .. start[r + 1]. */
function gatherNonZero(x: usize, sx: i32, n: i32, rows: i32, pairs: usize, start: usize): void {
  let at = 0;
  for (let r = 0; r < rows; r++) {
    store<i32>(fl(start, r), at);
    const xr = fl(x, r * sx);
    for (let i = 0; i < n; i += 4) {
      if (!v128.any_true(v128.load(fl(xr, i)))) continue; // four zeros (sx and the padding are multiples of 4)
      for (let k = i; k < i + 4 && k < n; k++) {
        const v = load<f32>(fl(xr, k));
        if (v != 0) {
          store<i32>(fl(pairs, 2 * at), k);
          store<f32>(fl(pairs, 2 * at + 1), v);
          at++;
        }
      }
    }
  }
  store<i32>(fl(start, rows), at);
}

/**
 * y[r][0..c4) = b + sum over row r's gathered inputs (k, v) of v w[k][0..c4): sixteen outputs at a
 * time summed in registers, then four at a time.
 */
function sparseTimes(pairs: usize, start: usize, w: usize, c4: i32, b: usize, y: usize, rows: i32): void {
  for (let r = 0; r < rows; r++) {
    const yr = fl(y, r * c4);
    const first = load<i32>(fl(start, r));
    const end = load<i32>(fl(start, r + 1));
    let j = 0;
    for (; j + 16 <= c4; j += 16) {
      let a0 = v128.load(fl(b, j));
      let a1 = v128.load(fl(b, j), 16);
      let a2 = v128.load(fl(b, j), 32);
      let a3 = v128.load(fl(b, j), 48);
      for (let p = first; p < end; p++) {
        const v = f32x4.splat(load<f32>(fl(pairs, 2 * p + 1)));
        const wk = fl(w, load<i32>(fl(pairs, 2 * p)) * c4 + j);
        a0 = f32x4.add(a0, f32x4.mul(v, v128.load(wk)));
        a1 = f32x4.add(a1, f32x4.mul(v, v128.load(wk, 16)));
        a2 = f32x4.add(a2, f32x4.mul(v, v128.load(wk, 32)));
        a3 = f32x4.add(a3, f32x4.mul(v, v128.load(wk, 48)));
      }
      v128.store(fl(yr, j), a0);
      v128.store(fl(yr, j), a1, 16);
      v128.store(fl(yr, j), a2, 32);
      v128.store(fl(yr, j), a3, 48);
    }
    for (; j < c4; j += 4) {
      let a = v128.load(fl(b, j));
      for (let p = first; p < end; p++) a = f32x4.add(a, f32x4.mul(f32x4.splat(load<f32>(fl(pairs, 2 * p + 1))), v128.load(fl(w, load<i32>(fl(pairs, 2 * p)) * c4 + j))));
      v128.store(fl(yr, j), a);
    }
  }
}

/** g[k][0..c4) += v d[r][0..c4) for row r's gathered inputs (k, v). */
function sparseWeightGrad(pairs: usize, start: usize, d: usize, c4: i32, g: usize, rows: i32): void {
  for (let r = 0; r < rows; r++) {
    const dr = fl(d, r * c4);
    const end = load<i32>(fl(start, r + 1));
    for (let p = load<i32>(fl(start, r)); p < end; p++) {
      const v = f32x4.splat(load<f32>(fl(pairs, 2 * p + 1)));
      const gk = fl(g, load<i32>(fl(pairs, 2 * p)) * c4);
      for (let j = 0; j < c4; j += 4) v128.store(fl(gk, j), f32x4.add(v128.load(fl(gk, j)), f32x4.mul(v, v128.load(fl(dr, j)))));
    }
  }
}

// ---- activations

/**
 * tanh for four lanes: the rational fit Eigen uses for float32 (odd, degree 13 over degree 6) on x
 * clamped to [-9, 9], as mlp.wat's forward pass (absolute error below 4e-7), so acting and the
 * gradient see the same network.
 */
@inline function tanh4(x0: v128): v128 {
  const x = f32x4.max(f32x4.min(x0, f32x4.splat(9)), f32x4.splat(-9));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(p, x);
  let q = f32x4.splat(1.19825839466702e-6);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(2.268434632439e-3));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(4.89352518554385e-3));
  return f32x4.div(p, q);
}

/** h = act(h) in place, `count` floats (a multiple of 4). */
function activate(h: usize, count: i32, act: i32): void {
  for (let i = 0; i < count; i += 4) {
    const v = v128.load(fl(h, i));
    v128.store(fl(h, i), act == 0 ? tanh4(v) : f32x4.max(v, f32x4.splat(0)));
  }
}

/** d = d act'(z), from the activation's output h: (1 - h^2) for tanh, [h > 0] for relu. */
function activationGrad(d: usize, h: usize, count: i32, act: i32): void {
  for (let i = 0; i < count; i += 4) {
    const hv = v128.load(fl(h, i));
    const dv = v128.load(fl(d, i));
    v128.store(fl(d, i), act == 0 ? f32x4.mul(dv, f32x4.sub(f32x4.splat(1), f32x4.mul(hv, hv))) : v128.and(dv, f32x4.gt(hv, f32x4.splat(0))));
  }
}

// ---- heads: the loss of each row and its gradient with respect to the network's outputs

/**
 * Softmax policy: loss -psi_t log pi(a_t|s_t) / divisor - beta H(pi(.|s_t)) / N; its gradient with
 * respect to the logits o: psi_t (pi_k - [k = a_t]) / divisor + beta pi_k (log pi_k + H) / N.
 */
function categoricalHead(plan: usize, out: usize, c4: i32, d: usize, rows: i32): f64 {
  const nA = i32At(plan, P_ADIM);
  const psiScale = f64At(plan, P_PSI_SCALE);
  const entScale = f64At(plan, P_ENT_SCALE);
  const weight = ptrAt(plan, P_WEIGHT);
  const action = ptrAt(plan, P_ACTION);
  const e = ptrAt(plan, P_EXP);
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const o = fl(out, r * c4);
    const g = fl(d, r * c4);
    let max: f64 = -Infinity;
    for (let k = 0; k < nA; k++) max = Math.max(max, <f64>load<f32>(fl(o, k)));
    let sum: f64 = 0;
    for (let k = 0; k < nA; k++) {
      const ek = Math.exp(<f64>load<f32>(fl(o, k)) - max);
      store<f64>(e + (<usize>k << 3), ek);
      sum += ek;
    }
    const logZ = max + Math.log(sum);
    let entropy: f64 = 0;
    if (entScale != 0) for (let k = 0; k < nA; k++) entropy -= (load<f64>(e + (<usize>k << 3)) / sum) * (<f64>load<f32>(fl(o, k)) - logZ);
    const a = <i32>load<f32>(fl(action, r));
    const w = <f64>load<f32>(fl(weight, r)) * psiScale;
    loss -= w * (<f64>load<f32>(fl(o, a)) - logZ) + entScale * entropy;
    for (let k = 0; k < c4; k++) {
      let gk: f64 = 0;
      if (k < nA) {
        const p = load<f64>(e + (<usize>k << 3)) / sum;
        gk = w * (p - (k == a ? 1 : 0)) + entScale * p * (<f64>load<f32>(fl(o, k)) - logZ + entropy);
      }
      store<f32>(fl(g, k), <f32>gk);
    }
  }
  return loss;
}

/**
 * Gaussian policy N(mu(s), sigma^2) per action dimension k (mu the first d outputs): loss
 * -psi_t log pi(a_t|s_t) / divisor - beta H / N, H = sum_k (log sigma_k + (log 2 pi + 1) / 2).
 * d/dmu_k = -(psi_t / divisor) (a_k - mu_k) / sigma_k^2; d/dlog sigma_k = -(psi_t / divisor) (z_k^2 - 1) - beta / N,
 * passed on to where log sigma comes from: the learned vector, the second half of the outputs, or
 * gSDE's L (log sigma_k = log(sum_j z_j^2 exp(2 L_jk) + eps) / 2, the features z held constant).
 */
function gaussianHead(plan: usize, head: i32, out: usize, c4: i32, d: usize, rows: i32, features: usize, fStride: i32, nFeatures: i32): f64 {
  const dim = i32At(plan, P_ADIM);
  const psiScale = f64At(plan, P_PSI_SCALE);
  const entScale = f64At(plan, P_ENT_SCALE);
  const weight = ptrAt(plan, P_WEIGHT);
  const action = ptrAt(plan, P_ACTION);
  const logStd = ptrAt(plan, P_LOGSTD);
  const dLogStd = ptrAt(plan, P_DLOGSTD);
  const expTwoL = ptrAt(plan, P_SDE_EXP);
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const o = fl(out, r * c4);
    const g = fl(d, r * c4);
    const z = fl(features, r * fStride);
    const w = <f64>load<f32>(fl(weight, r)) * psiScale;
    for (let k = 0; k < c4; k++) store<f32>(fl(g, k), 0);
    for (let k = 0; k < dim; k++) {
      let ls: f64;
      let variance: f64;
      if (head == HEAD_GAUSSIAN_SDE) {
        variance = SDE_EPS;
        for (let j = 0; j < nFeatures; j++) {
          const f = <f64>load<f32>(fl(z, j));
          variance += f * f * <f64>load<f32>(fl(expTwoL, j * dim + k));
        }
        ls = 0.5 * Math.log(variance);
      } else {
        ls = <f64>load<f32>(head == HEAD_GAUSSIAN ? fl(logStd, k) : fl(o, dim + k));
        variance = Math.exp(2 * ls);
      }
      const diff = <f64>load<f32>(fl(action, r * dim + k)) - <f64>load<f32>(fl(o, k));
      const z2 = (diff * diff) / variance;
      loss -= w * (-0.5 * z2 - ls - 0.5 * LOG_2PI) + entScale * (ls + 0.5 * (LOG_2PI + 1));
      store<f32>(fl(g, k), <f32>((-w * diff) / variance));
      const gls = -w * (z2 - 1) - entScale;
      if (head == HEAD_GAUSSIAN) store<f32>(fl(dLogStd, k), <f32>(<f64>load<f32>(fl(dLogStd, k)) + gls));
      else if (head == HEAD_GAUSSIAN_STATE_STD) store<f32>(fl(g, dim + k), <f32>gls);
      else {
        for (let j = 0; j < nFeatures; j++) {
          const f = <f64>load<f32>(fl(z, j));
          const at = fl(dLogStd, j * dim + k);
          store<f32>(at, <f32>(<f64>load<f32>(at) + (gls * f * f * <f64>load<f32>(fl(expTwoL, j * dim + k))) / variance));
        }
      }
    }
  }
  return loss;
}

/** Critics: loss (y_hat - y)^2 / N, y_hat = V(s) (the one output) or Q(s, a_t); gradient 2 (y_hat - y) / N there. */
function squaredErrorHead(plan: usize, head: i32, out: usize, c4: i32, d: usize, rows: i32): f64 {
  const scale = f64At(plan, P_PSI_SCALE);
  const target = ptrAt(plan, P_WEIGHT);
  const action = ptrAt(plan, P_ACTION);
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const g = fl(d, r * c4);
    const a = head == HEAD_Q ? <i32>load<f32>(fl(action, r)) : 0;
    const diff = <f64>load<f32>(fl(out, r * c4 + a)) - <f64>load<f32>(fl(target, r));
    loss += diff * diff * scale;
    for (let k = 0; k < c4; k++) store<f32>(fl(g, k), k == a ? <f32>(2 * diff * scale) : 0);
  }
  return loss;
}

// ---- the pass

/**
 * gSDE: exp(2 L) into the scratch buffer (once per gradient, before the blocks). `count` entries.
 */
export function prepareSde(plan: usize, count: i32): void {
  const L = ptrAt(plan, P_LOGSTD);
  const e = ptrAt(plan, P_SDE_EXP);
  for (let i = 0; i < count; i++) store<f32>(fl(e, i), <f32>Math.exp(2 * <f64>load<f32>(fl(L, i))));
}

/**
 * One block of `rows` rows: the forward pass, the head's loss and output gradient, and the backward
 * pass, adding each layer's dW and db (and the log-std's gradient) to what earlier blocks left.
 * Returns the block's share of the loss.
 */
export function accumulate(plan: usize, rows: i32): f64 {
  const layers = i32At(plan, P_LAYERS);
  const act = i32At(plan, P_ACT);
  const sparse = i32At(plan, P_SPARSE) != 0;
  const x = ptrAt(plan, P_X);
  const xStride = i32At(plan, P_XSTRIDE);
  const pairs = ptrAt(plan, P_PAIRS);
  const starts = ptrAt(plan, P_NNZ);
  // forward
  let input = x;
  let inStride = xStride;
  for (let l = 0; l < layers; l++) {
    const e = plan + <usize>(P_TABLE + l * LAYER);
    const m4 = i32At(e, L_M4);
    const h = ptrAt(e, L_H);
    if (l == 0 && sparse) {
      gatherNonZero(x, xStride, i32At(e, L_N), rows, pairs, starts);
      sparseTimes(pairs, starts, ptrAt(e, L_W), m4, ptrAt(e, L_B), h, rows);
    } else rowsTimes(input, inStride, i32At(e, L_N), ptrAt(e, L_W), m4, ptrAt(e, L_B), h, rows);
    if (l + 1 < layers) activate(h, rows * m4, act);
    input = h;
    inStride = m4;
  }
  // head
  const last = plan + <usize>(P_TABLE + (layers - 1) * LAYER);
  const head = i32At(plan, P_HEAD);
  const out = ptrAt(last, L_H);
  const outStride = i32At(last, L_M4);
  let loss: f64;
  if (head == HEAD_CATEGORICAL) loss = categoricalHead(plan, out, outStride, ptrAt(last, L_D), rows);
  else if (head == HEAD_VALUE || head == HEAD_Q) loss = squaredErrorHead(plan, head, out, outStride, ptrAt(last, L_D), rows);
  else {
    const hasHidden = layers > 1;
    const prev = plan + <usize>(P_TABLE + (layers - 2) * LAYER);
    loss = gaussianHead(plan, head, out, outStride, ptrAt(last, L_D), rows, hasHidden ? ptrAt(prev, L_H) : 0, hasHidden ? i32At(prev, L_M4) : 0, hasHidden ? i32At(prev, L_M) : 0);
  }
  // backward
  for (let l = layers - 1; l >= 0; l--) {
    const e = plan + <usize>(P_TABLE + l * LAYER);
    const m = i32At(e, L_M);
    const m4 = i32At(e, L_M4);
    const d = ptrAt(e, L_D);
    columnSums(d, m4, ptrAt(e, L_DB), rows);
    if (l == 0) {
      if (sparse) sparseWeightGrad(pairs, starts, d, m4, ptrAt(e, L_DW), rows);
      else weightGrad(x, xStride, i32At(e, L_N), d, m4, ptrAt(e, L_DW), rows);
      break;
    }
    const below = plan + <usize>(P_TABLE + (l - 1) * LAYER);
    const hIn = ptrAt(below, L_H);
    const n4 = i32At(below, L_M4);
    weightGrad(hIn, n4, i32At(e, L_N), d, m4, ptrAt(e, L_DW), rows);
    // dLoss/dh_in = d W^T, then through the activation
    rowsTimes(d, m4, m, ptrAt(e, L_WT), n4, 0, ptrAt(below, L_D), rows);
    activationGrad(ptrAt(below, L_D), hIn, rows * n4, act);
  }
  return loss;
}

/** Where the module's own data ends: the first byte FusedGradient may lay out (16-byte aligned). */
export function heapStart(): usize {
  return (__heap_base + 15) & ~15;
}
