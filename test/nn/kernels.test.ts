import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { Mlp } from "../../src/nn/index";
import { MlpCategorical } from "../../src/policies/index";
import { WasmForward, defaultKernel } from "../../src/nn/kernels/forward";
import { Rng } from "../../src/rng";
import { initTf } from "../../src/tf";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const buildWasm = require(path.join(__dirname, "../../scripts/build-wasm.js")) as { assemble(): Promise<Buffer>; committed(): Buffer };

before(async () => {
  await initTf({ quiet: true });
});

const U = 2 ** -24; // float32 unit roundoff
const TANH_ERROR = 4e-7; // the kernel's tanh against Math.tanh (mlp.wat; measured 3.3e-7)

/**
 * The plain float64 forward pass of `net` at x, with a bound on what float32 arithmetic may add:
 * the standard dot-product bound n u sum |w x| + u |b| per layer (plus the input's own rounding),
 * carried through the next layer by sum |w| (tanh and relu are 1-Lipschitz) plus tanh's error.
 */
function withBound(net: Mlp, x: number[]): { out: number[]; bound: number[] } {
  const params = net.getParams();
  const act = net.config.activation;
  let off = 0;
  let h = x;
  let err = x.map((v) => Math.abs(v) * U);
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    const [nIn, nOut] = [net.sizes[l], net.sizes[l + 1]];
    const w = params.subarray(off, off + nIn * nOut);
    const b = params.subarray(off + nIn * nOut, off + nIn * nOut + nOut);
    off += nIn * nOut + nOut;
    const z: number[] = [];
    const e: number[] = [];
    for (let j = 0; j < nOut; j++) {
      let s = b[j];
      let mag = Math.abs(b[j]);
      let carried = 0;
      for (let i = 0; i < nIn; i++) {
        s += w[i * nOut + j] * h[i];
        mag += Math.abs(w[i * nOut + j] * h[i]);
        carried += Math.abs(w[i * nOut + j]) * err[i];
      }
      z.push(s);
      e.push(carried + (nIn + 1) * U * mag * 1.01);
    }
    const last = l + 2 === net.sizes.length;
    h = last ? z : z.map((v) => (act === "tanh" ? Math.tanh(v) : Math.max(v, 0)));
    err = last ? e : e.map((v) => v + (act === "tanh" ? TANH_ERROR : 0));
  }
  return { out: h, bound: err };
}

describe("the WebAssembly SIMD forward pass", () => {
  test("the committed module is the assembly of mlp.wat", async () => {
    assert.ok((await buildWasm.assemble()).equals(buildWasm.committed()), "run npm run build:wasm");
  });

  test("is the default for tanh and relu networks; elu and PG_MLP_KERNEL=typescript use plain TypeScript", () => {
    assert.equal(defaultKernel({}), "wasm-simd");
    assert.equal(defaultKernel({ PG_MLP_KERNEL: "typescript" }), "typescript");
    assert.throws(() => defaultKernel({ PG_MLP_KERNEL: "gpu" }), /PG_MLP_KERNEL must be "wasm-simd" or "typescript"; received "gpu"/);
    for (const [activation, kernel] of [["tanh", "wasm-simd"], ["relu", "wasm-simd"], ["elu", "typescript"]] as const) {
      const net = new Mlp({ inputSize: 3, hiddenSizes: [4], outputSize: 2, activation });
      assert.equal(net.kernel, kernel);
      net.dispose();
    }
  });

  test("its tanh is within 4e-7 of Math.tanh on [-12, 12]", () => {
    const k = WasmForward.create([1, 1, 1], "tanh");
    assert.ok(k);
    k.setLayer(0, [1], [0]);
    k.setLayer(1, [1], [0]);
    for (let x = -12; x <= 12; x += 1e-3) {
      const xf = Math.fround(x);
      const got = k.forward([xf], 0)[0];
      assert.ok(Math.abs(got - Math.tanh(xf)) < TANH_ERROR, `tanh(${xf}): ${got} vs ${Math.tanh(xf)}`);
    }
  });

  for (const [sizes, activation] of [
    [[4, 64, 64, 2], "tanh"],
    [[3, 5, 7, 1], "tanh"],
    [[13, 9, 2], "relu"],
    [[1, 1], "tanh"],
    [[100, 300, 300, 10], "tanh"], // 0.5 MB of weights: the module's memory grows
  ] as const) {
    test(`${sizes.join("-")} ${activation}: equals the plain float64 pass within float32's rounding bound, also after setParams`, () => {
      const net = new Mlp({ inputSize: sizes[0], hiddenSizes: sizes.slice(1, -1), outputSize: sizes[sizes.length - 1], activation, outputGain: 1, seed: 3 });
      assert.equal(net.kernel, "wasm-simd");
      const rng = new Rng(4);
      for (let round = 0; round < 2; round++) {
        for (let k = 0; k < 20; k++) {
          const x = Array.from({ length: sizes[0] }, () => rng.normal());
          const { out, bound } = withBound(net, x);
          const got = net.forward(x);
          const plain = net.forwardPlain(x);
          out.forEach((v, j) => {
            assert.ok(Math.abs(plain[j] - v) < 1e-9 * (1 + Math.abs(v)), `plain output ${j}: ${plain[j]} vs ${v}`);
            assert.ok(Math.abs(got[j] - v) <= bound[j], `output ${j}: ${got[j]} vs ${v}, bound ${bound[j]}`);
          });
        }
        net.setParams(Array.from({ length: net.numParams }, () => rng.normal() * 0.3));
      }
      net.dispose();
    });
  }

  test("sampling reads the kernel's output (same probabilities as the plain pass) and keeps its input untouched", () => {
    const p = new MlpCategorical({ obsSize: 4, nActions: 3, hiddenSizes: [16, 16], outputGain: 1, seed: 2 });
    const obs = new Float32Array([0.1, -0.2, 0.3, -0.4]);
    const probs = p.probs(obs);
    const logits = p.net.forwardPlain(obs);
    const z = Math.max(...logits);
    const sum = Array.from(logits).reduce((s, v) => s + Math.exp(v - z), 0);
    probs.forEach((q, a) => assert.ok(Math.abs(q - Math.exp(logits[a] - z) / sum) < 1e-6));
    assert.deepEqual(Array.from(obs), [0.1, -0.2, 0.3, -0.4].map(Math.fround));
    p.dispose();
  });
});
