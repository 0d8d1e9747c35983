import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Packer, RandomScheduler, SJF, TETRIS_KNOB, TetrisStar, buildState, deepRMConfig, observe, schedulers } from "../../src/deeprm/index";
import type { DeepRMKernel, StateSpec } from "../../src/deeprm/index";
import { make, makeVector, recordEpisode } from "../../src/envs/index";
import { sampleEpisodes } from "../../src/rollout/index";
import { Rng } from "../../src/rng";

const cfg = deepRMConfig();
const VOID = 10;

/** The observation of a hand-built state. */
function image(spec: StateSpec): Float32Array {
  const obs = new Float32Array(cfg.obsDim);
  observe(cfg, buildState(cfg, spec), 0, obs, 0);
  return obs;
}

const job = (length: number, d0: number, d1: number) => ({ length, demands: [d0, d1] });
const rules = () => ({ sjf: new SJF(), packer: new Packer(), tetris: new TetrisStar() });

describe("DeepRM schedulers on hand-built states", () => {
  // A running job holds 6 units of resource 1 and 1 of resource 2 for 10 steps: free now [4, 9].
  const busy = [{ length: 10, demands: [6, 1], start: 0 }];
  // free now: [4, 9]. A: 2 steps, [4, 1]: <(4, 9), (4, 1)> = 25. B: 1 step, [1, 2]: 4 + 18 = 22. C: 5 steps, [2, 2]: 8 + 18 = 26.
  const abc = image({ running: busy, slots: [job(2, 4, 1), job(1, 1, 2), job(5, 2, 2)] });

  test("SJF picks the shortest job that fits now; Packer the best aligned; Tetris* (knob 0.001) follows SJF here", () => {
    const { sjf, packer, tetris } = rules();
    assert.equal(sjf.sample(abc), 1);
    assert.equal(packer.sample(abc), 2);
    assert.equal(tetris.sample(abc), 1);
  });

  test("a job that does not fit now is skipped, even the shortest or best aligned", () => {
    const { sjf, packer } = rules();
    // slot 0: 1 step but 5 units of resource 1 (only 4 free now); slot 1: 3 steps on [4, 1]; slot 2: 2 steps on [1, 1]
    const obs = image({ running: busy, slots: [job(1, 5, 1), job(3, 4, 1), job(2, 1, 1)] });
    assert.equal(sjf.sample(obs), 2);
    assert.equal(packer.sample(obs), 1);
    // a job that fits now for 10 steps but not for 11 (the running job ends at 10, a second one starts there)
    const later = image({ running: [{ length: 10, demands: [6, 1], start: 0 }, { length: 5, demands: [10, 1], start: 10 }], slots: [job(11, 4, 1), job(12, 1, 1)] });
    assert.equal(sjf.sample(later), VOID, "neither fits now: 11 and 12 steps reach the second job's rows");
  });

  test("ties go to the lowest slot", () => {
    const { sjf, packer, tetris } = rules();
    // slots 1 and 3 hold identical jobs; slot 0 is empty
    const obs = image({ slots: [null, job(2, 5, 1), job(3, 5, 1), job(2, 5, 1)] });
    assert.equal(sjf.sample(obs), 1);
    assert.equal(packer.sample(obs), 1);
    assert.equal(tetris.sample(obs), 1);
    // equal alignment, different lengths: Packer keeps the lower slot, SJF the shorter
    const same = image({ slots: [job(3, 5, 2), job(2, 2, 5)] });
    assert.equal(packer.sample(same), 0);
    assert.equal(sjf.sample(same), 1);
  });

  test("nothing fits, or nothing waits: void (M)", () => {
    const { sjf, packer, tetris } = rules();
    const full = image({ running: [{ length: 3, demands: [10, 1], start: 0 }], slots: [job(1, 1, 1), job(2, 6, 1)] });
    const empty = image({});
    for (const obs of [full, empty]) for (const s of [sjf, packer, tetris]) assert.equal(s.sample(obs), VOID, s.kind);
  });

  test("Tetris*: knob 0 is SJF, knob 1 is Packer; the default knob lets alignment order long jobs only", () => {
    const sjf0 = new TetrisStar(cfg, 0);
    const packer1 = new TetrisStar(cfg, 1);
    assert.equal(sjf0.sample(abc), 1);
    assert.equal(packer1.sample(abc), 2);
    assert.equal(TETRIS_KNOB, 0.001);
    // long jobs: 10 steps aligned 10 x 2 + 10 x 1 = 30 vs 11 steps aligned 10 x 9 + 10 x 1 = 100
    const long = image({ slots: [job(10, 2, 1), job(11, 9, 1)] });
    assert.equal(new SJF().sample(long), 0);
    assert.equal(new TetrisStar().sample(long), 1, "0.001 x 100 + 0.999 / 11 > 0.001 x 30 + 0.999 / 10");
    // short jobs: 2 steps aligned 10 x 1 + 10 x 1 = 20 vs 3 steps aligned 100 + 10 = 110: SJF's order stands
    const short = image({ slots: [job(2, 1, 1), job(3, 10, 1)] });
    assert.equal(new TetrisStar().sample(short), 0);
    assert.throws(() => new TetrisStar(cfg, 1.5), /knob must be a number in \[0, 1\]/);
  });

  test("Random is uniform over the M + 1 actions", () => {
    const random = new RandomScheduler();
    const rng = new Rng(1);
    const counts = new Array(11).fill(0);
    const n = 22000;
    for (let i = 0; i < n; i++) counts[random.sample(abc, rng)]++;
    const sd = Math.sqrt(n * (1 / 11) * (10 / 11));
    counts.forEach((c, a) => assert.ok(Math.abs(c - n / 11) < 4 * sd, `action ${a}: ${c}`));
    assert.ok(Math.abs(random.logProb(abc, 3) + Math.log(11)) < 1e-12);
    assert.ok(Math.abs(random.entropy(abc) - Math.log(11)) < 1e-12);
  });

  test("the Policy interface: one-hot probabilities, no parameters, a clear error for a wrong observation", () => {
    const sjf = new SJF();
    assert.deepEqual(Array.from(sjf.probs(abc)), [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(sjf.logProb(abc, 1), 0);
    assert.equal(sjf.logProb(abc, 0), -Infinity);
    assert.equal(sjf.entropy(abc), 0);
    assert.equal(sjf.getParams().length, 0);
    assert.throws(() => sjf.setParams([1]), /expected 0 parameters/);
    assert.equal(sjf.toJSON().kind, "SJF");
    assert.equal(new TetrisStar().toJSON().config.knob, 0.001);
    assert.throws(() => sjf.sample(new Float32Array(10)), /expected a DeepRM observation of 4480 numbers; received 10/);
    assert.throws(() => sjf.logProb(abc, 11), /action must be an integer in 0 \.\. 10/);
    const small = new SJF({ slots: 3 });
    assert.equal(small.nActions, 4);
  });
});

describe("DeepRM schedulers as policies", () => {
  test("they run through recordEpisode and sampleEpisodes; a job set ends with every job done", () => {
    const env = make("DeepRM-v0", { load: 1.3 });
    const all = schedulers(env.env.config);
    for (const [name, policy] of Object.entries(all)) {
      const rng = new Rng(2);
      const ep = recordEpisode(env, (obs) => policy.sample(obs, rng), { seed: 0 });
      assert.ok(ep.terminated, name);
      const eps = sampleEpisodes(env, policy, { episodes: 2, seed: 1 });
      assert.ok(eps.every((e) => e.terminated), name);
    }
  });

  test("on a VectorEnv's float64 rows they choose what they choose on the single env's float32 image", () => {
    const n = 4;
    const v = makeVector("DeepRM-v0", n, { load: 1.6 });
    v.reset({ seed: 5 });
    const { SJF: sjf, Packer: packer } = schedulers((v.kernel as DeepRMKernel).config);
    const actions = new Float64Array(n);
    const rng = new Rng(0);
    for (let t = 0; t < 200; t++) {
      for (let i = 0; i < n; i++) {
        const row = Float32Array.from(v.observations.subarray(i * v.obsDim, (i + 1) * v.obsDim));
        const policy = i % 2 ? packer : sjf;
        actions[i] = policy.sampleAt(v.observations, i, rng);
        assert.equal(actions[i], policy.sample(row, rng));
      }
      v.step(actions);
    }
  });

  test("measured: SJF beats Random at load 0.7 and Packer at load 1.6 (paired over 20 job sets, by more than 3 standard errors)", () => {
    const slowdown = (load: number, name: "SJF" | "Packer" | "Random", k: number) => {
      const env = make("DeepRM-v0", { load });
      const policy = schedulers(env.env.config)[name];
      const rng = new Rng(k);
      let obs = env.reset({ options: { jobSet: k } }).observation;
      for (;;) {
        const r = env.step(policy.sample(obs, rng));
        obs = r.observation;
        if (r.terminated) return r.info.meanSlowdown as number;
        assert.ok(!r.truncated);
      }
    };
    for (const [other, load] of [["Random", 0.7], ["Packer", 1.6]] as const) {
      const d = Array.from({ length: 20 }, (_, k) => slowdown(load, other, k) - slowdown(load, "SJF", k));
      const m = d.reduce((a, b) => a + b, 0) / d.length;
      const se = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (d.length - 1) / d.length);
      assert.ok(m > 3 * se, `${other} - SJF at load ${load} = ${m} +- ${se}`);
    }
  });
});
