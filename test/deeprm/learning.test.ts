import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { SJF, collectDemonstrations, evaluateSchedulers, imitate, runJobSet, schedulers } from "../../src/deeprm/index";
import { make } from "../../src/envs/index";
import { MlpCategorical, savePolicy } from "../../src/policies/index";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";
import { cli } from "../../scripts/deeprm";

before(async () => {
  await initTf({ quiet: true });
});

const network = (seed = 0) => new MlpCategorical({ obsSize: 4480, nActions: 11, hiddenSizes: [20], activation: "relu", seed });

describe("imitation pre-training on SJF", () => {
  const env = { load: 1.3 };
  const sjf = new SJF(env);
  const train = collectDemonstrations(sjf, { jobSets: 12, env });
  const held = collectDemonstrations(sjf, { jobSets: 4, firstJobSet: 100, env });

  test("demonstrations: every step of SJF's own trajectories, the image stored exactly, the action SJF's", () => {
    const e = make("DeepRM-v0", env);
    let steps = 0;
    for (let k = 0; k < 12; k++) {
      let obs = e.reset({ options: { jobSet: k } }).observation;
      for (;;) {
        const stored = Float32Array.from(train.observations.subarray(steps * 4480, (steps + 1) * 4480), (b) => b / 10);
        assert.deepEqual(stored, obs);
        assert.equal(train.actions[steps], sjf.sample(obs));
        const r = e.step(train.actions[steps++]);
        obs = r.observation;
        if (r.terminated || r.truncated) break;
      }
    }
    assert.equal(train.count, steps);
  });

  test("the cross-entropy falls and the accuracy rises above always-void, on held-out job sets too; no tensor leaks", async () => {
    const policy = network();
    const before = tf.memory().numTensors;
    const during: number[] = [];
    const history = await imitate(policy, train, { validation: held, epochs: 4, learningRate: 0.003 }, { onEpoch: () => void during.push(tf.memory().numTensors) });
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
    assert.ok(during.slice(1).every((n) => n === during[1]), `tensors per epoch: ${during}`);
    assert.equal(history.length, 5);
    const [first, last] = [history[0], history[4]];
    const voidShare = (d: typeof held) => d.actions.filter((a) => a === 10).length / d.count;
    assert.ok(last.loss < first.loss - 1, `training cross-entropy ${first.loss} -> ${last.loss}`);
    assert.ok(last.accuracy > voidShare(train) + 0.02, `training accuracy ${last.accuracy} vs always-void ${voidShare(train)}`);
    assert.ok(last.validationAccuracy > first.validationAccuracy, `held-out accuracy ${first.validationAccuracy} -> ${last.validationAccuracy}`);
    assert.ok(last.validationLoss < first.validationLoss - 1);
    // the sampling snapshot follows the trained variables
    const obs = Float32Array.from(held.observations.subarray(0, 4480), (b) => b / 10);
    const p = policy.probs(obs);
    const q = tf.tidy(() => policy.probsTensor(tf.tensor2d(obs, [1, 4480])).dataSync());
    p.forEach((x, i) => assert.ok(Math.abs(x - q[i]) < 1e-5));
  });

  test("bad inputs are clear errors", async () => {
    await assert.rejects(imitate(new MlpCategorical({ obsSize: 10, nActions: 11 }), train), /observations of 4480 numbers; the policy takes 10/);
    await assert.rejects(imitate(network(), train, { batchSize: 0 }), /batchSize must be an integer >= 1; received 0/);
    assert.throws(() => collectDemonstrations(sjf, { jobSets: 0 }), /jobSets must be an integer >= 1/);
  });
});

describe("evaluation on held-out job sets", () => {
  test("every policy runs the same numbered test job sets; results are reproducible", () => {
    const opts = { loads: [0.5, 1.5], jobSets: 4, seed: 3 };
    const a = evaluateSchedulers(opts);
    assert.deepEqual(evaluateSchedulers(opts), a);
    assert.deepEqual(Object.keys(a.loads[0].policies), ["SJF", "Packer", "Tetris*", "Random"]);
    const env = make("DeepRM-v0", { load: 1.5, seed: 3 });
    const sjf = schedulers(env.env.config).SJF;
    const direct = [0, 1, 2, 3].map((k) => runJobSet(env, sjf, k, "test", new Rng(0)).meanSlowdown);
    assert.deepEqual(a.loads[1].policies.SJF.perJobSet, direct);
    const s = a.loads[1].policies.SJF;
    const m = direct.reduce((x, y) => x + y, 0) / 4;
    assert.equal(s.mean, m);
    assert.ok(Math.abs(s.se - Math.sqrt(direct.reduce((x, y) => x + (y - m) ** 2, 0) / 3 / 4)) < 1e-12);
    assert.ok(s.perJobSet.every((x) => x >= 1));
    const train = evaluateSchedulers({ ...opts, split: "train" });
    assert.notDeepEqual(train.loads[1].policies.SJF.perJobSet, s.perJobSet);
  });
});

describe("npm run deeprm -- evaluate", () => {
  const root = path.join(__dirname, "..", "..");
  const shipped = path.join(root, "data", "deeprm", "policy.json");
  /** The command in this process (fast); `spawn` runs it as npm would. */
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await cli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { status, stdout: out.join("\n"), stderr: err.join("\n") };
  };
  const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop() as string);

  test("as a process: --json prints { load: { scheduler: { mean, se } } } on its last line, the figures of evaluateSchedulers", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "deeprm.ts"), "evaluate", "--loads", "0.5,1.9", "--jobsets", "3", "--seed", "7", "--json"], { cwd: root, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const json = lastJson(r.stdout);
    assert.deepEqual(Object.keys(json), ["0.5", "1.9"]);
    const names = ["SJF", "Packer", "Tetris*", "Random"];
    assert.deepEqual(Object.keys(json["1.9"]), fs.existsSync(shipped) ? ["DeepRM", ...names] : names);
    if (!fs.existsSync(shipped)) assert.match(r.stderr, /no trained policy at data\/deeprm\/policy\.json: the "DeepRM" entry is omitted/);
    assert.match(r.stderr, /load 1\.9 needs more than one arrival per step; it runs at arrival probability 1, load 1\.845/);
    const expected = evaluateSchedulers({ loads: [0.5, 1.9], jobSets: 3, seed: 7 });
    for (const l of expected.loads) {
      for (const n of names) assert.deepEqual(json[String(l.load)][n], { mean: l.policies[n].mean, se: l.policies[n].se });
    }
  });

  test("--policy FILE adds the DeepRM entry first, sampled from that network; a network of the wrong size is an error", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deeprm-")), "policy.json");
    const policy = network(5);
    savePolicy(policy, file);
    const r = await run(["evaluate", "--loads", "1", "--jobsets", "2", "--seed", "1", "--json", "--policy", file]);
    assert.equal(r.status, 0, r.stderr);
    const json = lastJson(r.stdout);
    assert.deepEqual(Object.keys(json["1"]), ["DeepRM", "SJF", "Packer", "Tetris*", "Random"]);
    const expected = evaluateSchedulers({ loads: [1], jobSets: 2, seed: 1, policies: { DeepRM: policy }, schedulers: [] });
    assert.deepEqual(json["1"].DeepRM, { mean: expected.loads[0].policies.DeepRM.mean, se: expected.loads[0].policies.DeepRM.se });
    const wrong = path.join(path.dirname(file), "small.json");
    savePolicy(new MlpCategorical({ obsSize: 4, nActions: 2 }), wrong);
    const bad = await run(["evaluate", "--jobsets", "2", "--policy", wrong]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /takes 4 inputs and has 2 actions; DeepRM-v0 gives 4480 and has 11/);
  });

  test("without --json, a table; --help documents the command; bad arguments are clear errors (status 2)", async () => {
    const t = await run(["evaluate", "--loads", "0.7", "--jobsets", "2"]);
    assert.equal(t.status, 0);
    assert.match(t.stdout, /Mean job slowdown \+- standard error over 2 held-out job sets \(seed 7\)/);
    assert.match(t.stdout, /0\.7 +\d+\.\d\d \+- \d+\.\d\d/);
    const help = await run(["evaluate", "--help"]);
    assert.equal(help.status, 0);
    for (const word of ["--loads", "--jobsets", "--seed", "--policy", "--json", "--length", "Tetris*", "standard error"]) assert.ok(help.stdout.includes(word), word);
    assert.equal((await run([])).status, 2);
    const cases: [string[], RegExp][] = [
      [["evaluate", "--loads", "0.5,0"], /--loads must be a comma-separated list of numbers > 0.*received "0"/],
      [["evaluate", "--loads", "1,1"], /--loads lists 1 twice/],
      [["evaluate", "--jobsets", "0"], /--jobsets must be an integer >= 1; received "0"/],
      [["evaluate", "--seed=-3"], /--seed must be an integer >= 0; received "-3"/],
      [["evaluate", "--length", "x"], /--length must be an integer >= 1/],
      [["evaluate", "--policy", "/nonexistent/policy.json"], /--policy \/nonexistent\/policy\.json: no such file/],
      [["evaluate", "--frob"], /unknown option --frob\. Options: --loads/],
      [["evaluate", "extra"], /unexpected argument "extra": options start with --/],
      [["fly"], /unknown command "fly"; available: evaluate, train/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
