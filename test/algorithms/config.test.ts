import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { a2c, actorCritic, reinforce, resolveConfig, runSeeds } from "../../src/algorithms/index";
import { closest } from "../../src/algorithms/config";

describe("unknown config keys are errors naming the key, the closest valid one and the list", () => {
  test("each algorithm rejects a typo before training", async () => {
    await assert.rejects(a2c({ learningRate: -1 } as never), /a2c: unknown config key "learningRate" \(did you mean lr\?\)\. Valid keys: env, .*lr/);
    await assert.rejects(reinforce({ baselin: "none" } as never), /reinforce: unknown config key "baselin" \(did you mean baseline\?\)/);
    await assert.rejects(actorCritic({ critc: "mc" } as never), /actorCritic: unknown config key "critc" \(did you mean critic\?\)/);
    await assert.rejects(a2c({ zzzzqqq: 1 } as never), /a2c: unknown config key "zzzzqqq"\. Valid keys:/);
  });

  test("runSeeds checks the config before starting workers", async () => {
    await assert.rejects(runSeeds({ algorithm: "a2c", config: { n_steps: 5 } as never }, [0, 1]), /unknown config key "n_steps" \(did you mean nSteps\?\)/);
    await assert.rejects(runSeeds({ algorithm: "a2c", config: { advantage: (s) => s.rewards } }, [0, 1]), /runSeeds: config\.advantage is a function, which cannot be sent to worker threads\. Run the seeds in this thread instead/);
  });

  test("resolveConfig fills every default and keeps the user's values", () => {
    const c = resolveConfig("reinforce", { lr: 0.5 });
    assert.equal(c.lr, 0.5);
    assert.equal(c.env, "CartPole-v1");
    assert.equal(c.batchSteps, 2000);
    assert.throws(() => resolveConfig("ppo", {}), /unknown algorithm "ppo"; available: reinforce, a2c, actorCritic/);
    assert.throws(() => resolveConfig("a2c", null as never), /a2c: config must be an object/);
  });

  test("closest: edit distance, synonyms from other libraries, nothing for unrelated words", () => {
    assert.equal(closest("gama", ["gamma", "lambda"]), "gamma");
    assert.equal(closest("learning_rate", ["lr", "valueLr"]), "lr");
    assert.equal(closest("ent_coef", ["entropyCoef", "lr"]), "entropyCoef");
    assert.equal(closest("xylophone", ["gamma", "lr"]), undefined);
  });
});
