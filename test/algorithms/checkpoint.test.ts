/**
 * Checkpoints (src/algorithms/checkpoint.ts): an a2c or reinforce run stopped after an iteration and continued
 * from its captured state (through JSON, as the run folder keeps it) computes the same history and
 * the same final parameters as a run that never stopped; only the clock columns differ. Its parts
 * (random streams, vectors of environments) continue exactly on their own.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { a2c } from "../../src/algorithms/a2c";
import { a3c } from "../../src/algorithms/a3c";
import { actorCritic } from "../../src/algorithms/actor-critic";
import { reinforce } from "../../src/algorithms/reinforce";
import { movingAverageBaseline } from "../../src/baselines/index";
import type { TrainingState } from "../../src/algorithms/checkpoint";
import type { IterationStats } from "../../src/algorithms/recorder";
import { makeVector } from "../../src/envs/registry";
import type { VectorEnv } from "../../src/envs/vector";
import { Rng } from "../../src/rng";

const clockless = (h: IterationStats[]) => h.map(({ wallTime: _w, stepsPerSecond: _s, ...row }) => JSON.stringify(row));

async function stoppedAndContinued(config: Parameters<typeof a2c>[0], stopAfter: number) {
  let saved: TrainingState | undefined;
  const first = await a2c(config, {
    checkpoint: {
      after: async (iteration, capture) => {
        if (iteration < stopAfter) return false;
        saved = JSON.parse(JSON.stringify(await capture())) as TrainingState;
        return true;
      },
    },
  });
  first.policy.dispose();
  assert.equal(first.history.length, stopAfter, "the run stopped where it was asked to");
  return a2c(config, { checkpoint: { resume: saved } });
}

const cases: [string, Parameters<typeof a2c>[0]][] = [
  ["CartPole, Adam", {}],
  ["CartPole, RMSProp, normalised observations", { optimizer: "rmsprop", normalizeObservations: true }],
  ["CartPole, Q critic", { advantage: "qv" }],
  ["Pendulum, gSDE", { env: "Pendulum-v1", sde: true }],
];
for (const [name, extra] of cases) {
  test(`a2c stopped after iteration 3 and resumed equals the uninterrupted run: ${name}`, async () => {
    const config = { numEnvs: 4, nSteps: 8, hiddenSizes: [8], totalSteps: 8 * 32, seed: 3, ...extra };
    const whole = await a2c(config);
    const resumed = await stoppedAndContinued(config, 3);
    assert.equal(resumed.history.length, 8);
    assert.deepEqual(clockless(resumed.history), clockless(whole.history));
    assert.deepEqual(resumed.episodeReturns, whole.episodeReturns);
    assert.deepEqual(Array.from(resumed.policy.getParams()), Array.from(whole.policy.getParams()));
    whole.policy.dispose();
    resumed.policy.dispose();
  });
}

async function reinforceStoppedAndContinued(config: Parameters<typeof reinforce>[0], stopAfter: number) {
  let saved: TrainingState | undefined;
  const first = await reinforce(config, { checkpoint: { after: async (i, capture) => (i < stopAfter ? false : ((saved = JSON.parse(JSON.stringify(await capture()))), true)) } });
  first.policy.dispose();
  return reinforce(config, { checkpoint: { resume: saved } });
}

for (const baseline of ["value", "movingAverage", "optimal"] as const) {
  test(`reinforce (baseline ${baseline}) stopped after iteration 2 and resumed equals the uninterrupted run`, async () => {
    const config = { numEnvs: 2, batchSteps: 200, hiddenSizes: [8], valueHiddenSizes: [8], totalSteps: 1000, baseline, seed: 2 };
    const whole = await reinforce(config);
    const resumed = await reinforceStoppedAndContinued(config, 2);
    assert.equal(resumed.history.length, whole.history.length);
    assert.deepEqual(clockless(resumed.history), clockless(whole.history));
    assert.deepEqual(Array.from(resumed.policy.getParams()), Array.from(whole.policy.getParams()));
    whole.policy.dispose();
    resumed.policy.dispose();
  });
}

test("a baseline function's running state (movingAverageBaseline(a).state) is saved and put back into a fresh one", async () => {
  const config = () => ({ numEnvs: 2, batchSteps: 200, hiddenSizes: [8], totalSteps: 1000, baseline: movingAverageBaseline(0.1), seed: 2 });
  const whole = await reinforce(config());
  let saved: TrainingState | undefined;
  (await reinforce(config(), { checkpoint: { after: async (i, capture) => (i < 2 ? false : ((saved = JSON.parse(JSON.stringify(await capture()))), true)) } })).policy.dispose();
  assert.deepEqual(Object.keys(saved!.objects ?? {}), ["baseline"]);
  const resumed = await reinforce(config(), { checkpoint: { resume: saved } });
  assert.deepEqual(clockless(resumed.history), clockless(whole.history));
  assert.deepEqual(Array.from(resumed.policy.getParams()), Array.from(whole.policy.getParams()));
  whole.policy.dispose();
  resumed.policy.dispose();
});

for (const critic of ["sarsa", "qlearning"] as const) {
  test(`actorCritic (${critic}, a network critic) stopped after iteration 2 and resumed equals the uninterrupted run`, async () => {
    const config = { numEnvs: 2, batchSteps: 200, hiddenSizes: [8], totalSteps: 1000, critic, seed: 4 };
    let saved: TrainingState | undefined;
    const whole = await actorCritic(config);
    (await actorCritic(config, { checkpoint: { after: async (i, capture) => (i < 2 ? false : ((saved = JSON.parse(JSON.stringify(await capture()))), true)) } })).policy.dispose();
    const resumed = await actorCritic(config, { checkpoint: { resume: saved } });
    assert.deepEqual(clockless(resumed.history), clockless(whole.history));
    assert.deepEqual(Array.from(resumed.policy.getParams()), Array.from(whole.policy.getParams()));
    whole.policy.dispose();
    resumed.policy.dispose();
  });
}

test("the algorithms that cannot continue a run refuse a checkpoint instead of ignoring it", async () => {
  let saved: TrainingState | undefined;
  (await a2c({ numEnvs: 2, nSteps: 4, hiddenSizes: [8], totalSteps: 16 }, { checkpoint: { after: async (_i, capture) => ((saved = await capture()), true) } })).policy.dispose();
  await assert.rejects(actorCritic({ env: "GridWorld-v0", totalSteps: 100 }, { checkpoint: { resume: saved } }), /actorCritic with a table critic cannot continue a run from a checkpoint yet/);
  await assert.rejects(a3c({ totalSteps: 100 }, { checkpoint: { resume: saved } }), /a3c cannot continue a run from a checkpoint yet/);
  await assert.rejects(reinforce({ env: "DeepRM-v0", groups: { count: 1, size: 2 }, workers: 0, totalSteps: 100 }, { checkpoint: { resume: saved } }), /reinforce with groups cannot continue a run/);
  let why = "";
  (await actorCritic({ env: "GridWorld-v0", totalSteps: 400, batchSteps: 200 }, { checkpoint: { after: async (_i, capture) => { await capture().catch((e: Error) => (why = e.message)); return true; } } })).policy.dispose();
  assert.match(why, /actorCritic with a table critic cannot save its training state yet .*: the policy is saved, but the run cannot be continued/);
});

test("a checkpoint refuses another algorithm's state and a differently shaped run, naming the fix", async () => {
  let saved: TrainingState | undefined;
  const config = { numEnvs: 2, nSteps: 4, hiddenSizes: [8], totalSteps: 64, seed: 1 };
  (await a2c(config, { checkpoint: { after: async (_i, capture) => ((saved = await capture()), true) } })).policy.dispose();
  await assert.rejects(a2c({ ...config, hiddenSizes: [16] }, { checkpoint: { resume: saved } }), /actor has \d+ parameters, this run's \d+: resume with the config it was saved with/);
  await assert.rejects(a2c(config, { checkpoint: { resume: { ...saved!, algorithm: "reinforce" } } }), /a reinforce run's; continue it with reinforce/);
  await assert.rejects(a2c({ ...config, scaleRewards: true }, { checkpoint: { resume: saved } }), /scaleRewards/);
});

test("the parts a checkpoint is made of continue exactly: Rng.getState/setState and VectorEnv.snapshot/restore", () => {
  const rng = new Rng(11);
  rng.normal(); // leaves a cached normal in the state
  const copy = new Rng(0);
  copy.setState(JSON.parse(JSON.stringify(rng.getState())));
  assert.deepEqual(Array.from({ length: 5 }, () => copy.normal()), Array.from({ length: 5 }, () => rng.normal()));
  assert.throws(() => copy.setState([1, 2, 3]), /Rng\.setState: expected what getState\(\) returned/);

  const run = (env: VectorEnv, steps: number) => {
    const out: number[] = [];
    for (let t = 0; t < steps; t++) {
      env.step(new Float64Array(env.numEnvs).fill(t % 2));
      out.push(...env.observations, ...env.rewards, ...env.terminated, ...env.episodeReturns);
    }
    return out;
  };
  const a = makeVector("CartPole-v1", 3);
  a.reset({ seed: 5 });
  run(a, 17);
  const b = makeVector("CartPole-v1", 3);
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  assert.deepEqual(run(b, 40), run(a, 40), "the same steps, episode ends and resets after the snapshot");
  assert.throws(() => makeVector("CartPole-v1", 2).restore(a.snapshot()), /the snapshot is of 3 copies/);
});
