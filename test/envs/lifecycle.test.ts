/** Every environment, wrapper and vector environment closes like Gymnasium's, and rejects reset options it does not know. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GridWorld, TimeLimit, make, makeVector, registeredIds } from "../../src/envs/index";

describe("close()", () => {
  for (const id of registeredIds()) {
    test(`${id}: idempotent; step and reset afterwards are clear errors`, () => {
      const env = make(id);
      env.reset({ seed: 0 });
      env.close();
      env.close();
      assert.throws(() => env.step(env.actionSpace.sample(new (require("../../src/rng").Rng)(0)) as never), /step\(\) was called after close\(\): make a new environment/);
      assert.throws(() => env.reset(), /reset\(\) was called after close\(\): make a new environment/);
      const v = makeVector(id, 3);
      v.reset({ seed: 0 });
      v.close();
      v.close();
      assert.throws(() => v.step(new Float64Array(3 * v.actionDim)), /\(vector\)\.step\(\) was called after close\(\)/);
      assert.throws(() => v.reset({ seed: 1 }), /\(vector\)\.reset\(\) was called after close\(\)/);
    });
  }

  test("TimeLimit closes what it wraps", () => {
    const inner = new GridWorld();
    const env = new TimeLimit(inner, 10);
    env.reset({ seed: 0 });
    env.close();
    assert.throws(() => inner.step(0), /after close\(\)/);
  });
});

describe("reset options are checked, never silently ignored", () => {
  test("an unknown option names the closest accepted one and the list", () => {
    assert.throws(() => make("CartPole-v1").reset({ options: { lo: 1 } }), /CartPole-v1\.reset: unknown option "lo" \(did you mean low\?\); accepted options: low, high/);
    assert.throws(() => makeVector("CartPole-v1", 2).reset({ options: { hgh: 1 } }), /CartPole-v1 \(vector\)\.reset: unknown option "hgh" \(did you mean high\?\)/);
    assert.throws(() => make("Pendulum-v1").reset({ options: { x: 1 } }), /Pendulum-v1\.reset: unknown option "x".*accepted options: x_init, y_init/);
    assert.throws(() => make("GridWorld-v0").reset({ options: { start: 3 } }), /GridWorld-v0\.reset: unknown option "start"; it takes no options/);
    assert.throws(() => make("CartPole-v1").reset({ sed: 3 } as never), /CartPole-v1\.reset: unknown argument "sed" \(did you mean seed\?\)/);
  });

  test("the accepted options still work", () => {
    const { observation } = make("CartPole-v1").reset({ seed: 0, options: { low: 0.2, high: 0.2 } });
    assert.ok(Array.from(observation).every((x) => Math.abs(x - 0.2) < 1e-6));
    const v = makeVector("Pendulum-v1", 2);
    v.reset({ seed: 0, options: { x_init: 0, y_init: 0 } });
    assert.deepEqual(Array.from(v.observations), [1, 0, 0, 1, 0, 0]);
  });
});
