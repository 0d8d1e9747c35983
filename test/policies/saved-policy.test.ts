/**
 * A trained policy saved to a file and loaded back acts exactly as the original: the same action
 * probabilities (or Gaussian means and standard deviations) in every state visited, the same actions
 * under the same random draws, the same episodes. Notebook 02 evaluates reloaded CartPole policies and
 * relies on this.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import { reinforce } from "../../src/algorithms/index";
import { make } from "../../src/envs/index";
import { recordEpisode } from "../../src/envs/record";
import { Gaussian, MlpCategorical, loadPolicy, savePolicy } from "../../src/policies/index";
import { Rng } from "../../src/rng";
import { initTf } from "../../src/tf";

before(async () => {
  await initTf({ quiet: true });
});

function roundTrip<P extends { toJSON(): unknown }>(policy: P): P {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-saved-"));
  try {
    const file = path.join(dir, "policy.json");
    savePolicy(policy as never, file);
    return loadPolicy<P>(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("a trained CartPole policy, saved and loaded, plays the same episodes with the same probabilities", async () => {
  const trained = (await reinforce({ env: "CartPole-v1", totalSteps: 6000, seed: 4 })).policy as MlpCategorical;
  const loaded = roundTrip(trained);
  assert.notDeepEqual(Array.from(trained.getParams()), Array.from(new MlpCategorical({ obsSize: 4, nActions: 2, hiddenSizes: [32], seed: 4 }).getParams()), "training changed the parameters");
  const env = make("CartPole-v1");
  for (const seed of [0, 1, 2]) {
    const [r1, r2] = [new Rng(seed), new Rng(seed)];
    const a = recordEpisode(env, (o) => trained.sample(o, r1), { seed });
    const b = recordEpisode(env, (o) => loaded.sample(o, r2), { seed });
    assert.deepEqual(b.actions, a.actions, `seed ${seed}: the same actions`);
    assert.equal(b.rewards.length, a.rewards.length);
    for (const o of a.observations) assert.deepEqual(Array.from(loaded.probs(o)), Array.from(trained.probs(o)));
  }
});

test("a Gaussian policy, saved and loaded, has the same mean and standard deviation and draws the same actions", () => {
  const original = new Gaussian({ obsSize: 3, actionSize: 1, hiddenSizes: [16], seed: 9, logStdInit: -0.3 });
  const params = original.getParams().map((x, i) => x + 0.01 * Math.sin(i)); // not the initial weights
  original.setParams(params);
  const loaded = roundTrip(original);
  const env = make("Pendulum-v1");
  const [r1, r2] = [new Rng(5), new Rng(5)];
  const a = recordEpisode(env, (o) => Array.from(original.sample(o, r1)), { seed: 5, maxSteps: 50 });
  const b = recordEpisode(env, (o) => Array.from(loaded.sample(o, r2)), { seed: 5, maxSteps: 50 });
  assert.deepEqual(b.actions.map((x) => Array.from(x)), a.actions.map((x) => Array.from(x)));
  for (const o of a.observations) {
    const [d1, d2] = [original.distribution(o), loaded.distribution(o)];
    assert.deepEqual(Array.from(d2.mean), Array.from(d1.mean));
    assert.deepEqual(Array.from(d2.logStd), Array.from(d1.logStd));
  }
});
