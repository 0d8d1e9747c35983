/**
 * DeepRM phase 2: the reset option `load`, the sparse first layer the policy network uses on the
 * state image, `trainDeepRM` (the paper's scheme through `reinforce`) and `npm run deeprm -- train`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { DEEPRM_TRAINING_LOADS, deepRMReinforceConfig, rolloutSlowdowns, trainDeepRM } from "../../src/deeprm/index";
import { make, makeVector } from "../../src/envs/index";
import { Mlp } from "../../src/nn/mlp";
import { MlpCategorical } from "../../src/policies/index";
import { surrogateGradient } from "../../src/estimators/index";
import { emptyBatch } from "../../src/rollout/index";
import { Rng } from "../../src/rng";
import { initTf, tf } from "../../src/tf";
import { cli } from "../../scripts/deeprm";

before(async () => {
  await initTf({ quiet: true });
});

describe("DeepRM-v0's reset option load", () => {
  test("job set k at another load: the same random numbers, arrivals at that load's probability", () => {
    const env = make("DeepRM-v0", { load: 0.7 });
    const at = (options: Record<string, unknown>) => {
      env.reset({ options });
      return env.env.jobSet();
    };
    assert.deepEqual(at({ jobSet: 5, load: 0.7 }), at({ jobSet: 5 }));
    // the arrival rate follows the load: over 200 job sets, the mean number of jobs is within 4 SE of 50 p
    for (const load of [0.4, 1.5]) {
      const counts = Array.from({ length: 200 }, (_, k) => at({ jobSet: k, load }).length);
      const p = load / env.env.config.unitLoad;
      const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
      const se = Math.sqrt((50 * p * (1 - p)) / counts.length);
      assert.ok(Math.abs(mean - 50 * p) < 4 * se, `load ${load}: ${mean} jobs on average, expected ${50 * p} +- ${se}`);
    }
    // the vector form keeps { jobSet, load } for every copy
    const v = makeVector("DeepRM-v0", 2);
    v.reset({ options: { jobSet: 5, load: 1.5 } });
    const single = make("DeepRM-v0", { load: 1.5 });
    assert.deepEqual(Array.from(v.observations.subarray(0, 4480)), Array.from(single.reset({ options: { jobSet: 5 } }).observation));
    assert.throws(() => env.reset({ options: { jobSet: 1, load: 0 } }), /options\.load must be a finite number > 0 .*received 0/);
    assert.throws(() => env.reset({ options: { jobs: [], load: 1 } }), /options\.load sets how a job set is drawn; options\.jobs gives the jobs themselves/);
  });
});

describe("the sparse first layer (wide, mostly-zero inputs)", () => {
  const rng = new Rng(3);
  const rows = 40;
  const x = Float32Array.from({ length: rows * 1100 }, () => (rng.random() < 0.06 ? (rng.random() < 0.9 ? 1 : 0.3) : 0));

  test("acting: the sparse pass equals the plain dense one, with WebAssembly and in plain TypeScript", () => {
    const net = new Mlp({ inputSize: 1100, hiddenSizes: [20, 7], outputSize: 5, activation: "relu", seed: 2 });
    assert.equal(net.kernel, "sparse");
    const saved = process.env.PG_MLP_KERNEL;
    process.env.PG_MLP_KERNEL = "typescript";
    const plainNet = new Mlp({ inputSize: 1100, hiddenSizes: [20, 7], outputSize: 5, activation: "relu", seed: 2 });
    if (saved === undefined) delete process.env.PG_MLP_KERNEL;
    else process.env.PG_MLP_KERNEL = saved;
    for (let r = 0; r < rows; r++) {
      const dense = Array.from(net.forwardPlain(x, r * 1100));
      for (const n of [net, plainNet]) Array.from(n.forward(x, r * 1100)).forEach((v, j) => assert.ok(Math.abs(v - dense[j]) < 1e-5, `row ${r}, output ${j}: ${v} vs ${dense[j]}`));
    }
    const small = new Mlp({ inputSize: 4, hiddenSizes: [8], outputSize: 2, seed: 0 });
    assert.notEqual(small.kernel, "sparse", "small inputs keep the dense kernels");
    for (const n of [net, plainNet, small]) n.dispose();
  });

  test("TF.js: the same surrogate gradient as the dense product; a dense batch takes the dense path; no leaks", () => {
    const policy = new MlpCategorical({ obsSize: 1100, nActions: 5, hiddenSizes: [20], activation: "relu", seed: 1 });
    const batch = emptyBatch(rows, 1, 1100, 1, 4);
    batch.observations.set(x);
    for (let r = 0; r < rows; r++) batch.actions[r] = r % 5;
    const psi = Float64Array.from({ length: rows }, (_, r) => Math.sin(r));
    const before = tf.memory().numTensors;
    const sparse = surrogateGradient(policy, batch, psi);
    policy.net.sparseInput = false;
    const dense = surrogateGradient(policy, batch, psi);
    assert.equal(tf.memory().numTensors, before);
    const scale = Math.max(...dense.map(Math.abs));
    dense.forEach((g, k) => assert.ok(Math.abs(sparse[k] - g) <= 1e-5 * scale, `parameter ${k}: ${sparse[k]} vs ${g}`));
    // a batch with most entries non-zero: the sparse layer steps aside, same numbers as dense
    policy.net.sparseInput = true;
    batch.observations.fill(1);
    const full = surrogateGradient(policy, batch, psi);
    policy.net.sparseInput = false;
    assert.deepEqual(full, surrogateGradient(policy, batch, psi));
    policy.dispose();
  });
});

describe("trainDeepRM: the paper's scheme through reinforce", () => {
  test("the reinforce config: groups of job sets cycling the loads, gamma 1, time-dependent baseline, 20 ReLU units, RMSProp 0.001", () => {
    const c = deepRMReinforceConfig({ iterations: 3, jobSets: 7 });
    assert.deepEqual(c.groups, { count: 7, size: 20, key: "jobSet", options: DEEPRM_TRAINING_LOADS.map((load) => ({ load })) });
    assert.equal(c.gamma, 1);
    assert.equal(c.baseline, "timeDependent");
    assert.equal(c.psi, "rewardToGo");
    assert.deepEqual(c.hiddenSizes, [20]);
    assert.equal(c.activation, "relu");
    assert.equal(c.optimizer, "rmspropDeepRM");
    assert.equal(c.lr, 0.001);
    assert.throws(() => deepRMReinforceConfig({ iterations: 0 }), /iterations must be an integer >= 1; received 0/);
    assert.throws(() => deepRMReinforceConfig({ iterations: 1, loads: [1, -2] }), /loads must be a non-empty list of numbers > 0/);
    assert.throws(() => deepRMReinforceConfig({ iterations: 1, env: { slots: 0 } }), /slots \(M\) must be an integer >= 1/);
  });

  test("a small run: a curve row per iteration, its slowdown -return / jobs; imitation first when asked; no tensor leak", async () => {
    const before = tf.memory().numTensors;
    const rows: number[] = [];
    const run = await trainDeepRM({ iterations: 2, jobSets: 2, rollouts: 3, loads: [1.3], imitation: { jobSets: 2, epochs: 1 }, seed: 2 }, { onIteration: (r) => void rows.push(r.iteration) });
    assert.deepEqual(rows, [1, 2]);
    assert.equal(run.curve.length, 2);
    assert.equal(run.imitation?.length, 2, "epoch 0 and epoch 1");
    for (const r of run.curve) assert.ok(r.meanSlowdown >= 1 && r.meanSlowdown < 100, `slowdown ${r.meanSlowdown}`);
    assert.equal(run.policy.obsSize, 4480);
    assert.equal(run.config.optimizer, "rmspropDeepRM");
    run.policy.dispose();
    assert.equal(tf.memory().numTensors, before);
    // rolloutSlowdowns: -return / jobs, job sets without jobs skipped
    const jobs = (reset: Record<string, unknown>) => (reset.jobSet === 0 ? 0 : 4);
    assert.deepEqual(rolloutSlowdowns({ groups: [{ reset: { jobSet: 0 }, returns: [0], lengths: [1] }, { reset: { jobSet: 1 }, returns: [-8, -12], lengths: [5, 6] }] }, jobs), [2, 3]);
  });
});

describe("npm run deeprm -- train", () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await cli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { status, stdout: out.join("\n"), stderr: err.join("\n") };
  };

  test("writes policy.json, config.json and curve.json (and checkpoints), printing progress; --resume goes on from a policy", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deeprm-train-"));
    const r = await run(["train", "--iterations", "2", "--jobsets", "2", "--rollouts", "2", "--loads", "1.3", "--workers", "0", "--checkpoint", "1", "--out", dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /iteration 1\/2 {2}mean slowdown \d+\.\d{3} {2}decisions\/rollout \d+\.\d {2}entropy \d\.\d{3} {2}\d+\.\d s\/iteration {2}time left \d+s/);
    assert.match(r.stdout, /done, 2 iterations in/);
    const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
    assert.equal(config.status, "finished");
    assert.equal(config.iterations, 2);
    assert.ok(config.wallSeconds >= 0);
    assert.match(config.command, /npm run deeprm -- train --iterations 2/);
    const curve = JSON.parse(fs.readFileSync(path.join(dir, "curve.json"), "utf8"));
    assert.deepEqual(curve.map((c: { iteration: number }) => c.iteration), [1, 2]);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, "policy.json"), "utf8"));
    assert.equal(saved.kind, "MlpCategorical");
    assert.equal(saved.params.length, 4480 * 20 + 20 + 20 * 11 + 11);
    const evaluated = await run(["evaluate", "--loads", "1.3", "--jobsets", "2", "--json", "--policy", path.join(dir, "policy.json")]);
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const out2 = fs.mkdtempSync(path.join(os.tmpdir(), "deeprm-resume-"));
    const resumed = await run(["train", "--iterations", "1", "--jobsets", "1", "--rollouts", "2", "--workers", "0", "--resume", path.join(dir, "policy.json"), "--lr", "1e-9", "--out", out2]);
    assert.equal(resumed.status, 0, resumed.stderr);
    const after = JSON.parse(fs.readFileSync(path.join(out2, "policy.json"), "utf8")).params as number[];
    after.forEach((p, k) => assert.ok(Math.abs(p - saved.params[k]) < 1e-6, `parameter ${k}`));
  });

  test("--help documents train; bad arguments are clear errors (status 2)", async () => {
    const help = await run(["train", "--help"]);
    assert.equal(help.status, 0);
    for (const word of ["--iterations", "--jobsets", "--rollouts", "--loads", "--lr", "--imitation", "--workers", "--resume", "--out", "--checkpoint", "time left"]) assert.ok(help.stdout.includes(word), word);
    const cases: [string[], RegExp][] = [
      [["train", "--iterations", "0"], /--iterations must be an integer >= 1; received "0"/],
      [["train", "--loads", "1,x"], /--loads must be a comma-separated list of numbers > 0, e.g. 0.1,0.7,1.3,1.9; received "x"/],
      [["train", "--lr=-1"], /--lr must be a number > 0; received "-1"/],
      [["train", "--lr", "fast"], /--lr must be a number > 0; received "fast"/],
      [["train", "--resume", "/nonexistent/policy.json"], /--resume \/nonexistent\/policy\.json: no such file/],
      [["train", "--frob"], /unknown option --frob\. Options: --config/],
      [["fly"], /unknown command "fly"; available: evaluate, train/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
