/**
 * The gradient's two paths in the update step (src/update/kernel.ts): with PG_GRAD_KERNEL=fused,
 * `policyGradient` returns the fused kernel's gradient for the policies it covers, equal to the TF.js
 * path's to float32 rounding; training on it is reproducible bit for bit and leaks no tensors; the
 * variable's bad values are named in the error.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { a2c, reinforce } from "../../src/algorithms/index";
import { Gaussian, MlpCategorical, TabularSoftmax } from "../../src/policies/index";
import type { TfPolicy } from "../../src/policies/policy";
import { Rng } from "../../src/rng";
import { type Batch, emptyBatch } from "../../src/rollout/batch";
import { initTf, tf } from "../../src/tf";
import { gradKernel, policyGradientPath } from "../../src/update/kernel";
import { type Gradient, OptimizerTarget, policyGradient } from "../../src/update/step";

const saved = process.env.PG_GRAD_KERNEL;
before(async () => {
  await initTf({ quiet: true });
});
after(() => setPath(saved));

function setPath(value: string | undefined): void {
  if (value === undefined) delete process.env.PG_GRAD_KERNEL;
  else process.env.PG_GRAD_KERNEL = value;
}

/** `run` with PG_GRAD_KERNEL set to `path` (restored after). */
async function onPath<T>(path: string, run: () => T | Promise<T>): Promise<T> {
  const before = process.env.PG_GRAD_KERNEL;
  setPath(path);
  try {
    return await run();
  } finally {
    setPath(before);
  }
}

/**
 * Tolerance, as test/nn/fused.test.ts reasons it: both paths compute in float32 but sum in different
 * orders, so an entry differs by a few hundred u = 2^-24 times the size of the terms summed (those of
 * the gradient's largest entry G), not of the entry itself: |fused - tf| <= 2e-5 G + 1e-5 |tf|, and
 * within each variable at most 1e-3 of its largest entry. A wrong sign, a missing loss term or a
 * misplaced variable moves entries by O(1) of these scales.
 */
function assertSameGradient(fused: Float32Array, ref: Float32Array, policy: TfPolicy, what: string): void {
  assert.equal(fused.length, ref.length, `${what}: lengths`);
  const G = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let off = 0;
  for (const v of policy.variables()) {
    const part = ref.subarray(off, off + v.size);
    const S = part.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    assert.ok(S > 0, `${what}: variable ${v.name} has an all-zero reference gradient (the comparison would prove nothing)`);
    for (let i = off; i < off + v.size; i++) {
      const err = Math.abs(fused[i] - ref[i]);
      assert.ok(err <= 2e-5 * G + 1e-5 * Math.abs(ref[i]) && err <= 1e-3 * S, `${what}: entry ${i} (variable ${v.name}): fused ${fused[i]}, TF.js ${ref[i]} (largest entry ${G}, of the variable ${S})`);
    }
    off += v.size;
  }
}

/** A random batch for `policy`: observations (a share `density` non-zero), actions from `action`, psi of both signs. */
function randomBatch(rng: Rng, rows: number, obsSize: number, actionSize: number, action: () => number[], density = 1): { batch: Batch; psi: Float32Array } {
  const observations = Float32Array.from({ length: rows * obsSize }, () => (rng.random() < density ? (density < 1 ? 1 : rng.normal()) : 0));
  const batch = emptyBatch(rows, 1, obsSize, actionSize, 17, observations);
  batch.actions.set(Array.from({ length: rows }, action).flat());
  return { batch, psi: Float32Array.from({ length: rows }, () => 2 * rng.normal()) };
}

const flat = (g: Gradient) => g.values as Float32Array;

describe("PG_GRAD_KERNEL=fused: policyGradient through the fused kernel", () => {
  const rng = new Rng(21);
  const cases: [string, () => TfPolicy, () => { batch: Batch; psi: Float32Array }][] = [
    ["categorical 4-64-64-2 tanh", () => new MlpCategorical({ obsSize: 4, nActions: 2, activation: "tanh", seed: 1 }), () => randomBatch(rng, 300, 4, 1, () => [rng.integer(0, 2)])],
    ["categorical 6-32-5 relu", () => new MlpCategorical({ obsSize: 6, nActions: 5, hiddenSizes: [32], activation: "relu", seed: 2 }), () => randomBatch(rng, 130, 6, 1, () => [rng.integer(0, 5)])],
    ["Gaussian 3-64-64-1 (log-std vector)", () => new Gaussian({ obsSize: 3, actionSize: 1, seed: 3 }), () => randomBatch(rng, 200, 3, 1, () => [rng.normal()])],
    ["Gaussian 3-16-2 gSDE", () => new Gaussian({ obsSize: 3, actionSize: 2, hiddenSizes: [16], sde: true, seed: 4 }), () => randomBatch(rng, 90, 3, 2, () => [rng.normal(), rng.normal()])],
    ["DeepRM's sparse network 4480-20-11 relu", () => new MlpCategorical({ obsSize: 4480, nActions: 11, hiddenSizes: [20], activation: "relu", seed: 5 }), () => randomBatch(rng, 150, 4480, 1, () => [rng.integer(0, 11)], 0.05)],
  ];
  for (const [name, makePolicy, makeBatch] of cases) {
    test(`${name}: the same gradient, loss and norm as the TF.js path to float32 rounding, with and without an entropy bonus`, async () => {
      const policy = makePolicy();
      for (const beta of [0, 0.03]) {
        const { batch, psi } = makeBatch();
        const ref = await onPath("tfjs", () => policyGradient(policy, batch, psi, beta, "flat"));
        const got = await onPath("fused", () => {
          assert.equal(policyGradientPath(policy), "fused");
          return policyGradient(policy, batch, psi, beta, "flat");
        });
        assert.notDeepEqual(Array.from(flat(got)), Array.from(flat(ref)), "the two paths sum in different orders: bit-identical results would mean one path ran twice");
        assertSameGradient(flat(got), flat(ref), policy, `${name}, beta ${beta}`);
        const loss = ref.loss as number;
        assert.ok(Math.abs((got.loss as number) - loss) <= 1e-5 * (1 + Math.abs(loss)), `loss: fused ${got.loss}, TF.js ${loss}`);
        assert.ok(Math.abs(got.norm - ref.norm) <= 1e-5 * ref.norm, `norm: fused ${got.norm}, TF.js ${ref.norm}`);
      }
      policy.dispose();
    });
  }

  test("the tensors form: one tensor per variable, the flat gradient's values; an OptimizerTarget applies it and no tensor is left", async () => {
    const policy = new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [8], seed: 6 });
    const { batch, psi } = randomBatch(rng, 40, 4, 1, () => [rng.integer(0, 2)]);
    const target = new OptimizerTarget(tf.train.sgd(0.1), policy);
    const before = tf.memory().numTensors;
    await onPath("fused", () => {
      const asFlat = flat(policyGradient(policy, batch, psi, 0, "flat"));
      const asTensors = policyGradient(policy, batch, psi, 0, "tensors").values as tf.Tensor[];
      assert.deepEqual(asTensors.map((t) => t.shape), policy.variables().map((v) => v.shape));
      assert.deepEqual(asTensors.flatMap((t) => Array.from(t.dataSync())), Array.from(asFlat));
      target.apply(asTensors, 1);
    });
    assert.equal(tf.memory().numTensors, before);
    target.dispose();
    policy.dispose();
  });

  test("a policy the kernel does not cover (tabular softmax, elu network) goes through TF.js", async () => {
    const tabular = new TabularSoftmax({ nStates: 3, nActions: 2 });
    const elu = new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [8], activation: "elu", seed: 7 });
    await onPath("fused", () => {
      assert.equal(policyGradientPath(tabular), "tfjs");
      assert.equal(policyGradientPath(elu), "tfjs");
      const { batch, psi } = randomBatch(rng, 20, 4, 1, () => [rng.integer(0, 2)]);
      assert.ok(Number.isFinite(policyGradient(elu, batch, psi, 0, "flat").norm));
    });
    tabular.dispose();
    elu.dispose();
  });
});

const strip = (h: { wallTime: number; stepsPerSecond: number }[]) => h.map(({ wallTime: _w, stepsPerSecond: _s, ...rest }) => rest);

describe("training on the fused path", () => {
  const runs = {
    reinforce: () => reinforce({ totalSteps: 4000, batchSteps: 1000, seed: 5 }),
    a2c: () => a2c({ env: "Pendulum-v1", numEnvs: 4, nSteps: 16, totalSteps: 1024, seed: 3 }),
  };
  for (const [name, run] of Object.entries(runs)) {
    test(`${name}: same seed, same history bit for bit; the first iteration's loss and gradient norm agree with the TF.js path's to float32 rounding`, async () => {
      const [a, b] = [await onPath("fused", run), await onPath("fused", run)];
      assert.deepEqual(strip(a.history), strip(b.history));
      assert.deepEqual(Array.from(a.policy.getParams()), Array.from(b.policy.getParams()));
      const ref = await onPath("tfjs", run);
      const [got, want] = [a.history[0], ref.history[0]];
      assert.ok(Math.abs(got.policyLoss - want.policyLoss) <= 1e-5 * (1 + Math.abs(want.policyLoss)), `first loss: fused ${got.policyLoss}, TF.js ${want.policyLoss}`);
      assert.ok(Math.abs(got.gradNorm - want.gradNorm) <= 1e-5 * want.gradNorm, `first gradient norm: fused ${got.gradNorm}, TF.js ${want.gradNorm}`);
      assert.notDeepEqual(strip(a.history), strip(ref.history), "the paths' rounding differs, so the histories should too");
    });
  }

  test("no tensor growth over 200 iterations (REINFORCE on CartPole, A2C with a Gaussian on Pendulum)", async () => {
    for (const [name, run] of [
      ["reinforce", (onIteration: () => void) => reinforce({ totalSteps: 200 * 200, batchSteps: 200, seed: 1 }, { onIteration })],
      ["a2c", (onIteration: () => void) => a2c({ env: "Pendulum-v1", numEnvs: 2, nSteps: 8, totalSteps: 200 * 16, seed: 2 }, { onIteration })],
    ] as const) {
      const counts: number[] = [];
      const { policy } = await onPath("fused", async () => {
        const r = await run(() => void counts.push(tf.memory().numTensors));
        assert.equal(policyGradientPath(r.policy as TfPolicy), "fused", `${name} trained on the fused path`);
        return r;
      });
      policy.dispose?.();
      assert.ok(counts.length >= 200, `${name}: ${counts.length} iterations`);
      assert.ok(counts.every((n) => n === counts[0]), `${name}: tensors per iteration ${[...new Set(counts)].join(", ")}`);
    }
  });
});

describe("PG_GRAD_KERNEL", () => {
  test("unset or empty: tfjs; tfjs and fused (any case) as named; anything else is an error naming the value and the choices", async () => {
    assert.equal(gradKernel({}), "tfjs");
    assert.equal(gradKernel({ PG_GRAD_KERNEL: " " }), "tfjs");
    assert.equal(gradKernel({ PG_GRAD_KERNEL: "FUSED" }), "fused");
    assert.equal(gradKernel({ PG_GRAD_KERNEL: "tfjs" }), "tfjs");
    assert.throws(() => gradKernel({ PG_GRAD_KERNEL: "wasm" }), /PG_GRAD_KERNEL must be "tfjs" or "fused"; received "wasm"\./);
    // and a run reads it: a bad value stops the first update with that message
    await assert.rejects(
      onPath("tf", () => reinforce({ totalSteps: 200, batchSteps: 100, seed: 1 })),
      /PG_GRAD_KERNEL must be "tfjs" or "fused"; received "tf"\./,
    );
  });
});
