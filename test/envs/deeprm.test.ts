import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEEPRM_HEADER as H, DeepRM, buildState, decodeObservation, deepRMConfig, jobColor, observe, readJobs, stateHeatmap } from "../../src/deeprm/index";
import type { Job } from "../../src/deeprm/index";
import { TimeLimit, checkEnv, make, makeVector } from "../../src/envs/index";
import { Rng } from "../../src/rng";

const VOID = 10;

/** Play an episode with the given actions (cycled); rewards and the last step's info. */
function play(env: TimeLimit<DeepRM>, choose: (t: number) => number) {
  const rewards: number[] = [];
  for (let t = 0; ; t++) {
    const r = env.step(choose(t));
    rewards.push(r.reward);
    if (r.terminated || r.truncated) return { rewards, last: r };
  }
}

describe("DeepRM-v0: configuration", () => {
  test("the paper's defaults: a 20 x 224 image, 11 actions, load 1 at arrival probability 1 / 1.845", () => {
    const env = make("DeepRM-v0");
    const cfg = env.env.config;
    assert.deepEqual(env.env.observationSpace.shape, [20, 224]); // 2 x (10 + 10 x 10) + 3 + 1
    assert.equal(cfg.obsDim, 4480);
    assert.equal(env.env.actionSpace.n, 11);
    assert.equal(env.spec?.maxEpisodeSteps, 2000);
    // E[length] = 0.8 x 2 + 0.2 x 12.5 = 4.1; E[demand] = (7.5 + 1.5) / 2 = 4.5; / 10 units
    assert.equal(cfg.dist.meanLength, 4.1);
    assert.equal(cfg.dist.meanDemand, 4.5);
    assert.ok(Math.abs(cfg.unitLoad - 1.845) < 1e-12);
    assert.deepEqual([cfg.dist.shortLength, cfg.dist.longLength, cfg.dist.dominantDemand, cfg.dist.otherDemand], [
      { low: 1, high: 3 },
      { low: 10, high: 15 },
      { low: 5, high: 10 },
      { low: 1, high: 2 },
    ]);
    assert.ok(Math.abs(deepRMConfig({ load: 0.7 }).arrivalProbability - 0.7 / 1.845) < 1e-15);
    const high = deepRMConfig({ load: 1.9 });
    assert.equal(high.arrivalProbability, 1);
    assert.ok(Math.abs(high.effectiveLoad - 1.845) < 1e-12);
  });

  test("bad arguments are clear errors naming the value", () => {
    assert.throws(() => make("DeepRM-v0", { maxDemand: 12 }), /maxDemand 12 is larger than the cluster \(capacity 10/);
    assert.throws(() => make("DeepRM-v0", { capacity: 4, maxDemand: 5 }), /larger than the cluster/);
    for (const load of [0, -0.5, NaN, Infinity, "1"]) assert.throws(() => make("DeepRM-v0", { load }), /load must be a finite number > 0/);
    assert.throws(() => make("DeepRM-v0", { slots: 0 }), /slots \(M\) must be an integer >= 1; received 0/);
    assert.throws(() => make("DeepRM-v0", { backlog: -1 }), /backlog must be an integer >= 0; received -1/);
    assert.throws(() => make("DeepRM-v0", { maxJobLength: 25 }), /maxJobLength 25 is longer than the horizon of 20/);
    assert.throws(() => make("DeepRM-v0", { slot: 3 }), /unknown argument\(s\) slot/);
    assert.throws(() => make("DeepRM-v0", { jobSetLength: 500 }), /too long for the registered cap of 2000 steps/);
    assert.equal(new DeepRM({ jobSetLength: 500 }).config.jobSetLength, 500); // the class itself has no cap
    assert.doesNotThrow(() => make("DeepRM-v0", { backlog: 0 }));
  });

  test("an action outside 0 .. M is a RangeError naming the value and the range", () => {
    const env = make("DeepRM-v0");
    env.reset({ seed: 0 });
    for (const a of [11, -1, 2.5]) {
      assert.throws(
        () => env.step(a),
        (e: Error) => e instanceof RangeError && e.message.includes(String(a)) && e.message.includes("0 .. 10"),
      );
    }
    assert.throws(() => env.reset({ options: { jobs: [{ arrival: 0, length: 2, demands: [11, 1] }] } }), /demands\[0\] is 11: a job larger than the cluster/);
    assert.throws(() => env.reset({ options: { jobs: [{ arrival: 0, length: 21, demands: [1, 1] }] } }), /length must be an integer in 1 \.\. 20/);
    assert.throws(() => env.reset({ options: { jobset: 1 } }), /unknown option "jobset" \(did you mean jobSet\?\); accepted options: jobSet, split, jobs, load/);
    assert.throws(() => env.reset({ options: { jobSet: -1 } }), /options\.jobSet must be a job set number/);
    assert.throws(() => env.reset({ options: { jobSet: 1, split: "validation" } }), /options\.split must be "train" or "test"/);
  });
});

describe("DeepRM-v0: job sets", () => {
  test("arrivals, lengths and demands follow the distribution; the measured load is the requested one", () => {
    const env = make("DeepRM-v0", { load: 1.0 });
    const cfg = env.env.config;
    const p = cfg.arrivalProbability;
    let steps = 0;
    let jobs = 0;
    let short = 0;
    const work: number[] = []; // per job set: units x steps demanded of resource 0, per step, over the capacity
    for (let k = 0; k < 400; k++) {
      env.reset({ seed: k });
      const set = env.env.jobSet();
      steps += cfg.jobSetLength;
      jobs += set.length;
      let w = 0;
      for (const j of set) {
        if (j.length <= 3) short++;
        else assert.ok(j.length >= 10 && j.length <= 15, `length ${j.length}`);
        assert.ok(j.length >= 1);
        const big = j.demands.filter((d) => d >= 5 && d <= 10).length;
        const small = j.demands.filter((d) => d >= 1 && d <= 2).length;
        assert.deepEqual([big, small], [1, 1], `one dominant resource: ${j.demands}`);
        w += j.length * j.demands[0];
      }
      work.push(w / cfg.jobSetLength / cfg.capacity);
    }
    const within = (x: number, mean: number, sd: number, n: number, what: string) =>
      assert.ok(Math.abs(x - mean) < 4 * (sd / Math.sqrt(n)), `${what}: ${x} vs ${mean} (4 SE = ${(4 * sd) / Math.sqrt(n)})`);
    within(jobs / steps, p, Math.sqrt(p * (1 - p)), steps, "arrival frequency");
    within(short / jobs, 0.8, 0.4, jobs, "short-job fraction");
    const m = work.reduce((a, b) => a + b, 0) / work.length;
    const sd = Math.sqrt(work.reduce((a, b) => a + (b - m) ** 2, 0) / (work.length - 1));
    within(m, 1.0, sd, work.length, "load on resource 0");
  });

  test("numbered job sets: identical at every reset whatever the reset seed, distinct across numbers, splits and seeds", () => {
    const env = make("DeepRM-v0", { load: 1.3 });
    const set = (options: Record<string, unknown>, seed = 0) => {
      env.reset({ seed, options });
      return JSON.stringify(env.env.jobSet());
    };
    const a = set({ jobSet: 3 }, 1);
    assert.equal(set({ jobSet: 3 }, 99), a);
    assert.equal(set({ jobSet: 3, split: "train" }), a);
    assert.notEqual(set({ jobSet: 4 }), a);
    assert.notEqual(set({ jobSet: 3, split: "test" }), a);
    const fresh = new DeepRM({ load: 1.3 });
    fresh.reset({ options: { jobSet: 3 } });
    assert.equal(JSON.stringify(fresh.jobSet()), a, "a new environment, unseeded, runs the same job set 3");
    const other = make("DeepRM-v0", { load: 1.3, seed: 1 });
    other.reset({ options: { jobSet: 3 } });
    assert.notEqual(JSON.stringify(other.env.jobSet()), a);
    const train = new Set(Array.from({ length: 100 }, (_, k) => set({ jobSet: k })));
    const held = Array.from({ length: 100 }, (_, k) => set({ jobSet: k, split: "test" }));
    assert.equal(train.size, 100);
    assert.ok(held.every((s) => !train.has(s)), "no held-out job set is a training job set");
  });
});

describe("DeepRM-v0: dynamics", () => {
  // Two jobs at time 0: job 0 runs 2 steps on 3 + 1 units, job 1 one step on 8 + 2 units.
  const JOBS: Job[] = [
    { arrival: 0, length: 2, demands: [3, 1] },
    { arrival: 0, length: 1, demands: [8, 2] },
  ];

  test("allocations freeze time; job 1 waits for room; rewards are -sum 1/T_j per step; the return is minus the total slowdown", () => {
    const env = make("DeepRM-v0", { jobSetLength: 4 });
    const start = env.reset({ options: { jobs: JOBS } });
    assert.deepEqual(start.info, { time: 0, jobs: 2, jobSet: null, split: null });
    let r = env.step(0); // job 0 at offset 0
    assert.deepEqual([r.reward, r.info.time, r.info.allocated, r.terminated], [0, 0, true, false]);
    r = env.step(1); // job 1 needs 8 units of resource 0: rows 0-1 have 7 free, row 2 has 10 -> offset 2
    assert.deepEqual([r.reward, r.info.time, r.info.allocated], [0, 0, true]);
    const s = env.getState();
    const cfg = env.env.config;
    assert.equal(s[cfg.layout.finish + 0], 2);
    assert.equal(s[cfg.layout.finish + 1], 3);
    const steps = [VOID, VOID, VOID, VOID].map((a) => env.step(a));
    assert.deepEqual(
      steps.map((x) => x.reward),
      [-(1 / 2 + 1), -(1 / 2 + 1), -1, 0],
    );
    assert.deepEqual(
      steps.map((x) => x.info.time),
      [1, 2, 3, 4],
    );
    assert.deepEqual(steps[1].info.finished, [{ job: 0, arrival: 0, length: 2, finish: 2, slowdown: 1 }]);
    assert.deepEqual(steps[2].info.finished, [{ job: 1, arrival: 0, length: 1, finish: 3, slowdown: 3 }]);
    assert.deepEqual(steps.map((x) => x.terminated), [false, false, false, true]);
    const end = steps[3].info;
    assert.deepEqual(end.slowdowns, [1, 3]);
    assert.equal(end.meanSlowdown, 2);
    assert.equal(steps.reduce((a, x) => a + x.reward, 0), -4); // minus (1 + 3)
    assert.throws(() => env.step(VOID), /after the episode terminated/);
  });

  test("void, an empty slot and a job that fits nowhere all advance time", () => {
    const env = make("DeepRM-v0", { jobSetLength: 4 });
    env.reset({ options: { jobs: JOBS } });
    const r = env.step(5); // empty slot
    assert.deepEqual([r.info.time, r.info.allocated, r.reward], [1, false, -(1 / 2 + 1)]);
    // a cluster whose resource 0 is full for the whole horizon: nothing fits anywhere
    const cfg = env.env.config;
    env.setState(buildState(cfg, { slots: [{ length: 1, demands: [1, 1] }], running: [{ length: 20, demands: [10, 1], start: 0 }] }));
    const blocked = env.step(0);
    assert.deepEqual([blocked.info.time, blocked.info.allocated], [1, false]);
  });

  test("the backlog fills the freed slot; beyond it jobs are dropped (counted, not in the slowdown)", () => {
    const env = make("DeepRM-v0", { slots: 2, backlog: 3, jobSetLength: 6 });
    const jobs = Array.from({ length: 6 }, () => ({ arrival: 0, length: 1, demands: [1, 1] }));
    const obs = env.reset({ options: { jobs } }).observation;
    const cfg = env.env.config;
    assert.equal(decodeObservation(cfg, obs).backlog, 3);
    let s = env.getState();
    assert.deepEqual(s.slice(cfg.layout.slots, cfg.layout.slots + 2), [0, 1]);
    assert.deepEqual(s.slice(cfg.layout.backlog, cfg.layout.backlog + 3), [2, 3, 4]);
    assert.equal(s[cfg.layout.finish + 5], -2);
    const r = env.step(0);
    s = env.getState();
    assert.deepEqual(s.slice(cfg.layout.slots, cfg.layout.slots + 2), [2, 1]);
    assert.deepEqual(s.slice(cfg.layout.backlog, cfg.layout.backlog + 3), [3, 4, -1]);
    assert.equal(decodeObservation(cfg, r.observation).backlog, 2);
    assert.equal(r.info.jobsDropped, 1);
    // slot 0, slot 1, void, ...: jobs 2 and 1 start at time 0 (slot 0 takes job 3, slot 1 job 4), 3 and 4 at time 1
    const { last } = play(env, (t) => t % 3);
    assert.ok(last.terminated);
    assert.deepEqual(last.info.slowdowns, [1, 1, 1, 2, 2, NaN]);
  });

  test("random play: the return is minus the sum of slowdowns; every slowdown is at least 1", () => {
    const env = make("DeepRM-v0", { load: 1.5 });
    const rng = new Rng(4);
    for (let e = 0; e < 5; e++) {
      const jobs = env.reset({ seed: e }).info.jobs as number;
      const { rewards, last } = play(env, () => rng.integer(0, 11));
      assert.ok(last.terminated);
      const slowdowns = last.info.slowdowns as number[];
      assert.equal(slowdowns.length, jobs);
      assert.ok(slowdowns.every((x) => x >= 1));
      const total = slowdowns.reduce((a, b) => a + b, 0);
      const ret = rewards.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(ret + total) < 1e-9, `${ret} vs -${total}`);
      assert.ok(Math.abs((last.info.meanSlowdown as number) - total / jobs) < 1e-12);
    }
  });

  test("a policy that never schedules is cut off by the step cap: truncated, with a lower bound on the slowdown", () => {
    const env = make("DeepRM-v0", { load: 0.5 });
    env.reset({ options: { jobSet: 0 } });
    const { rewards, last } = play(env, () => VOID);
    assert.deepEqual([rewards.length, last.terminated, last.truncated], [2000, false, true]);
    assert.ok((last.info.jobsInSystem as number) > 0);
    const arrived = (last.info.jobsInSystem as number) + (last.info.jobsDone as number);
    assert.ok(Math.abs(rewards.reduce((a, b) => a + b, 0) + arrived * (last.info.meanSlowdown as number)) < 1e-6);
  });
});

describe("DeepRM-v0: observation, state, vector form, drawing", () => {
  test("the state image: cluster, slots, backlog and time since arrival where the layout says; decoded back", () => {
    const cfg = deepRMConfig();
    const W = 224;
    const s = buildState(cfg, {
      time: 7,
      sinceArrival: 5,
      slots: [null, { length: 2, demands: [4, 2] }],
      backlog: [1, 2, 3, 4].map(() => ({ length: 1, demands: [1, 1] })),
      running: [{ length: 5, demands: [3, 1], start: 7 }],
    });
    const obs = new Float32Array(cfg.obsDim);
    observe(cfg, s, 0, obs, 0);
    const px = (k: number, c: number) => obs[k * W + c];
    for (let k = 0; k < 5; k++) {
      assert.deepEqual([0, 1, 2, 3].map((c) => px(k, c)), [1, 1, 1, 0], `cluster r1 row ${k}`);
      assert.deepEqual([110, 111].map((c) => px(k, c)), [1, 0], `cluster r2 row ${k}`);
    }
    assert.equal(px(5, 0), 0);
    // slot 1 (second slot): resource 1 block starts at column 10 + 10, resource 2 at 110 + 10 + 10
    for (let k = 0; k < 2; k++) {
      assert.deepEqual([20, 21, 22, 23, 24].map((c) => px(k, c)), [1, 1, 1, 1, 0]);
      assert.deepEqual([130, 131, 132].map((c) => px(k, c)), [1, 1, 0]);
    }
    assert.equal(px(2, 20), 0);
    assert.equal(px(0, 10), 0, "slot 0 is empty");
    assert.deepEqual([px(0, 220), px(0, 221), px(0, 222), px(1, 220), px(1, 221)], [1, 1, 1, 1, 0], "4 jobs in the backlog, 3 per row");
    for (let k = 0; k < 20; k++) assert.equal(px(k, 223), Math.fround(0.5));
    assert.equal(obs.reduce((a, b) => a + b, 0), 5 * 4 + 2 * 6 + 4 + 20 * Math.fround(0.5));
    const view = decodeObservation(cfg, obs);
    assert.deepEqual(Array.from(view.lengths), [0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(view.demands.subarray(2, 4)), [4, 2]);
    assert.deepEqual([view.avail[0], view.avail[4], view.avail[5], view.avail[20], view.avail[25]], [7, 7, 10, 9, 10]);
    assert.deepEqual([view.backlog, view.sinceArrival], [4, 5]);
  });

  test("decoding any reachable image gives back the state's free units, slots and backlog", () => {
    const env = make("DeepRM-v0", { load: 1.6 });
    const cfg = env.env.config;
    const L = cfg.layout;
    const rng = new Rng(2);
    let obs = env.reset({ seed: 3 }).observation;
    for (let t = 0; t < 300; t++) {
      const s = env.getState();
      const view = decodeObservation(cfg, obs);
      assert.deepEqual(Array.from(view.avail), s.slice(L.avail, L.size));
      for (let i = 0; i < cfg.slots; i++) {
        const j = s[L.slots + i];
        const job = j >= 0 ? readJobs(cfg, s)[j] : { length: 0, demands: [0, 0] };
        assert.deepEqual([view.lengths[i], view.demands[2 * i], view.demands[2 * i + 1]], [job.length, ...job.demands]);
      }
      assert.deepEqual([view.backlog, view.sinceArrival], [s[H.backlogCount], s[H.sinceArrival]]);
      const r = env.step(rng.integer(0, 11));
      if (r.terminated || r.truncated) break;
      obs = r.observation;
    }
  });

  test("getState / setState: replaying from a saved state gives the same steps; bad states are clear errors", () => {
    const env = make("DeepRM-v0", { load: 1.2 });
    const cfg = env.env.config;
    env.reset({ seed: 5 });
    const rng = new Rng(8);
    for (let t = 0; t < 40; t++) env.step(rng.integer(0, 11));
    const saved = env.getState();
    const actions = Array.from({ length: 30 }, () => rng.integer(0, 11));
    const run = () => actions.map((a) => env.step(a)).map((r) => [r.reward, Array.from(r.observation).join()]);
    const first = run();
    env.setState(saved);
    assert.deepEqual(run(), first);
    env.setState(saved);
    assert.deepEqual(env.getState(), saved);
    const broken = (i: number, v: number) => saved.map((x, k) => (k === i ? v : x));
    assert.throws(() => env.setState(saved.slice(1)), /expected 766 numbers/);
    assert.throws(() => env.setState(broken(H.time, 0.5)), /time is 0\.5; expected an integer/);
    assert.throws(() => env.setState(broken(H.sinceArrival, 11)), /sinceArrival is 11; expected an integer in 0 \.\. 10/);
    const used = saved.slice(cfg.layout.canvas, cfg.layout.avail).findIndex((j) => j >= 0);
    assert.ok(used >= 0, "some job is running");
    assert.throws(() => env.setState(broken(cfg.layout.canvas + used, -1)), /job \d+ \(length \d+, finish \d+\) holds \d+ unit\(s\) of resource \d at time offset \d+; expected \d+/);
    assert.throws(() => env.setState(broken(cfg.layout.slots, 49)), /slots\[0\] is 49; expected -1 or the index of a waiting job/);
    const withAvail = broken(cfg.layout.avail, 0); // the free units are derived: recomputed, not trusted
    env.setState(withAvail);
    assert.deepEqual(env.getState(), saved);
  });

  test("checkEnv passes, with the defaults and with a small cluster", () => {
    assert.ok(checkEnv(make("DeepRM-v0")).length >= 5);
    assert.ok(checkEnv(make("DeepRM-v0", { resources: 1, capacity: 4, maxDemand: 4, horizon: 6, maxJobLength: 5, slots: 3, backlog: 5, jobSetLength: 10 })).length >= 5);
  });

  test("the vector form runs the same dynamics; with { jobSet } every copy, and every automatic reset, runs that job set", () => {
    const n = 3;
    const v = makeVector("DeepRM-v0", n, { load: 1.3 });
    const obs0 = v.reset({ seed: 1, options: { jobSet: 6 } }).slice();
    const d = v.obsDim;
    for (let i = 1; i < n; i++) assert.deepEqual(obs0.subarray(i * d, (i + 1) * d), obs0.subarray(0, d));
    const single = make("DeepRM-v0", { load: 1.3 });
    let expected = single.reset({ options: { jobSet: 6 } }).observation;
    assert.deepEqual(Array.from(obs0.subarray(0, d)), Array.from(expected));
    const rng = new Rng(3);
    const actions = new Float64Array(n);
    let ended = false;
    for (let t = 0; t < 2000 && !ended; t++) {
      const a = rng.integer(0, 11);
      actions.fill(a);
      v.step(actions);
      const r = single.step(a);
      assert.equal(v.rewards[0], r.reward);
      assert.equal(v.terminated[0], r.terminated ? 1 : 0);
      if (r.terminated) {
        ended = true;
        assert.deepEqual(Array.from(v.finalObservations.subarray(0, d)), Array.from(r.observation));
        assert.deepEqual(v.observations.subarray(0, d), obs0.subarray(0, d), "the automatic reset runs job set 6 again");
        assert.ok(Math.abs(v.episodeReturns[0] + (r.info.slowdowns as number[]).reduce((a, b) => a + b, 0)) < 1e-9);
      } else {
        expected = r.observation;
        assert.deepEqual(Array.from(v.observations.subarray(0, d)), Array.from(expected));
      }
    }
    assert.ok(ended);
  });

  test("render draws the cluster and slots per resource, the backlog, the time since arrival", () => {
    const env = make("DeepRM-v0");
    const cfg = env.env.config;
    env.reset({ seed: 0 });
    env.setState(buildState(cfg, { slots: [{ length: 2, demands: [4, 2] }], running: [{ length: 3, demands: [5, 1], start: 0 }] }));
    const svg = env.render();
    assert.ok(svg.startsWith("<svg") && svg.endsWith("</svg>"));
    for (const label of ["resource 1", "resource 2", "slot 1", "slot 10", "backlog", "since"]) assert.ok(svg.includes(label), label);
    const cells = (j: number) => svg.split(`fill="${jobColor(j)}"`).length - 1;
    assert.equal(cells(1), 3 * (5 + 1), "the running job (index 1): one cell per unit and step");
    assert.equal(cells(0), 2, "the waiting job: one block per resource");
  });

  test("stateHeatmap shows the image as the network sees it: 20 rows of 224 columns, now at the top, blocks labelled", () => {
    const env = make("DeepRM-v0");
    const obs = env.reset({ seed: 1 }).observation;
    const fig = stateHeatmap(env.env.config, obs);
    const z = fig.data[0].z as number[][];
    assert.equal(z.length, 20);
    assert.equal(z[0].length, 224);
    assert.deepEqual(z.flat(), Array.from(obs));
    const x = fig.layout.xaxis as { ticktext: string[]; title: { text: string } };
    assert.deepEqual([x.ticktext[0], x.ticktext[1], x.ticktext[11], x.ticktext.at(-2), x.ticktext.at(-1)], ["r1 cluster", "r1 slot 1", "r2 cluster", "backlog", "since arrival"]);
    assert.equal((fig.layout.yaxis as { autorange: string }).autorange, "reversed");
    assert.throws(() => stateHeatmap(env.env.config, obs.subarray(1)), /expected an observation of 4480 numbers; received 4479/);
  });
});
