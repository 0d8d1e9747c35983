/**
 * The acting side of DeepRM training: the sparse first layer's WebAssembly product on the state images
 * of a long random rollout equals the float32 sum it defines (bias, then + x_i W_ij over the non-zero
 * x_i in increasing i, each product and sum rounded to float32), bit for bit, for a hidden layer of
 * 20 units (the register kernel, `sparse_forward_narrow`) and of 40 (the general one). Both then
 * give the same numbers, so switching between them cannot change an action or a gradient.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { makeVector } from "../../src/envs/index";
import { SparseKernel } from "../../src/nn/kernels/forward";
import { Rng } from "../../src/rng";

const STEPS = 1500;

/** The state images of one random rollout of job set 0 at load 1.3 (with automatic resets), float32 rows. */
function rolloutImages(steps: number): { images: Float32Array; obsDim: number } {
  const v = makeVector("DeepRM-v0", 1);
  v.reset({ seed: 0, options: { jobSet: 0, load: 1.3 } });
  const obsDim = v.observations.length;
  const rng = new Rng(1);
  const images = new Float32Array(steps * obsDim);
  const action = new Float64Array(1);
  for (let t = 0; t < steps; t++) {
    images.set(v.observations, t * obsDim);
    action[0] = rng.integer(0, 11);
    v.step(action);
  }
  return { images, obsDim };
}

/** z = x W + b for one row in float32 as the kernel defines it: the non-zero inputs in increasing order. */
function referenceRow(x: Float32Array, xOff: number, n: number, w: Float32Array, b: Float32Array, m: number): Float32Array {
  const z = Float32Array.from(b);
  for (let i = 0; i < n; i++) {
    const v = x[xOff + i];
    if (v === 0) continue;
    for (let j = 0; j < m; j++) z[j] = Math.fround(z[j] + Math.fround(v * w[i * m + j]));
  }
  return z;
}

describe("DeepRM acting: the sparse first layer", () => {
  const { images, obsDim } = rolloutImages(STEPS);
  for (const m of [20, 40]) {
    test(`${m} hidden units: every row of a ${STEPS}-step random rollout equals the float32 reference bit for bit (one row at a time and in batches)`, (t) => {
      const kernel = SparseKernel.create(obsDim, m);
      if (kernel === null) return t.skip("no WebAssembly SIMD here (or PG_MLP_KERNEL=typescript)");
      const rng = new Rng(2);
      const w = Float32Array.from({ length: obsDim * m }, () => rng.normal(0, 0.1));
      const b = Float32Array.from({ length: m }, () => rng.normal(0, 0.1));
      kernel.setWeights(w, b);
      const one = new Float64Array(m);
      const all = new Float64Array(STEPS * m); // crosses CHUNK_ROWS (256) boundaries
      kernel.forward(images, 0, STEPS, all);
      let lit = 0;
      for (let r = 0; r < STEPS; r++) {
        const expected = referenceRow(images, r * obsDim, obsDim, w, b, m);
        kernel.forward(images, r * obsDim, 1, one);
        for (let j = 0; j < m; j++) {
          assert.ok(Object.is(one[j], expected[j]), `row ${r}, unit ${j}: ${one[j]} != ${expected[j]}`);
          assert.ok(Object.is(all[r * m + j], expected[j]), `batch row ${r}, unit ${j}: ${all[r * m + j]} != ${expected[j]}`);
        }
        for (let i = 0; i < obsDim; i++) if (images[r * obsDim + i] !== 0) lit++;
      }
      assert.ok(lit / STEPS > 50, `the rollout's images should light many cells; mean ${lit / STEPS}`);
    });
  }
});
