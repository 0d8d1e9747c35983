/**
 * A run's life from the command line: interrupted by a real SIGINT and saved, continued with
 * --resume to the same history as an uninterrupted run, checkpoints every N iterations, a run in
 * which no episode ends, --seed and --seeds, and --shard.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { runSeeds } from "../../src/algorithms/run-seeds";
import { main as plot } from "../../scripts/plot";
import { parse, parseShard, shardSeeds } from "../../scripts/train";
import { parseCsv } from "../../scripts/runs";
import { usageErrorOf } from "./helpers";

const root = path.join(__dirname, "..", "..");
const script = path.join(root, "scripts", "train.ts");
const train = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "pglab-lifecycle-"));
const json = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const usageError = usageErrorOf(parse);
/** progress.csv without the clock's columns. */
const clockless = (file: string) => parseCsv(fs.readFileSync(file, "utf8")).map(({ wallTime: _w, stepsPerSecond: _s, ...row }) => row);

/** `npm run train ARGS`, sent SIGINT once its first progress line is out; resolves with its exit code and output. */
function trainInterrupted(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, env: { ...process.env, CI: "true" } });
    let [stdout, stderr, sent] = ["", "", false];
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      if (!sent && /\| iteration \d+ \|/.test(stderr)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

// Small networks and segments: many short iterations, so that the signal arrives mid-run.
const RUN = ["--algo", "a2c", "--seeds", "0,1", "--steps", "6400", "--set", "hiddenSizes=[8]", "--set", "numEnvs=4", "--set", "nSteps=8", "--workers", "2"];

test("SIGINT saves every seed (policy, critic + optimiser state), the summary and the page, marked interrupted; --resume continues to the uninterrupted history", async () => {
  const dir = tmp();
  const out = path.join(dir, "stopped");
  const r = await trainInterrupted([...RUN, "--out", out]);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /SIGINT: stopping each seed at the end of its iteration and saving it/);
  assert.match(r.stdout, /Continue with: npm run train -- --resume /);
  assert.equal(json(path.join(out, "config.json")).status, "interrupted");
  const summary = json(path.join(out, "summary.json"));
  assert.equal(summary.status, "interrupted");
  for (const seed of [0, 1]) {
    const s = summary.seeds.find((x: { seed: number }) => x.seed === seed);
    assert.equal(s.status, "interrupted");
    assert.ok(s.envSteps < 6400, `seed ${seed} stopped early (${s.envSteps} steps)`);
    assert.equal(s.checkpoint, `seed${seed}/checkpoint.json`);
    const files = fs.readdirSync(path.join(out, `seed${seed}`)).sort();
    assert.deepEqual(files, ["checkpoint.json", "policy.json", "progress.csv", "progress.json"]);
    const state = json(path.join(out, `seed${seed}`, "checkpoint.json"));
    assert.deepEqual(Object.keys(state.params).sort(), ["actor", "critic"]);
    assert.deepEqual(Object.keys(state.optimizers).sort(), ["actor", "critic"]);
    assert.ok(state.optimizers.critic.weights.length > 1, "the critic's Adam moments");
    assert.equal(state.iteration, s.iterations);
    assert.equal(parseCsv(fs.readFileSync(path.join(out, `seed${seed}`, "progress.csv"), "utf8")).length, s.iterations);
  }
  assert.match(fs.readFileSync(path.join(out, "learning-curve.html"), "utf8"), /<b>Interrupted<\/b>/);
  plot([out, "--out", path.join(dir, "plot.html")]);
  assert.match(fs.readFileSync(path.join(dir, "plot.html"), "utf8"), /"name":"stopped \(interrupted\) \(mean of 2 seeds\)"|<td>stopped \(interrupted\)<\/td>/, "npm run plot labels an interrupted run");

  const resumed = train(["--resume", out, "--quiet"]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /continuing a2c on CartPole-v1 in .*: seeds 0 from iteration \d+, 1 from iteration \d+/);
  assert.equal(json(path.join(out, "config.json")).status, "finished");
  assert.equal(json(path.join(out, "summary.json")).status, "finished");

  const whole = path.join(dir, "whole");
  const w = train([...RUN, "--out", whole, "--quiet"]);
  assert.equal(w.status, 0, w.stderr);
  for (const seed of [0, 1]) {
    const a = clockless(path.join(out, `seed${seed}`, "progress.csv"));
    assert.equal(a.length, 6400 / 32, "every iteration once");
    assert.deepEqual(a, clockless(path.join(whole, `seed${seed}`, "progress.csv")), `seed ${seed}: the resumed history is the uninterrupted one`);
    assert.deepEqual(json(path.join(out, `seed${seed}`, "policy.json")), json(path.join(whole, `seed${seed}`, "policy.json")), `seed ${seed}: the same final policy`);
    assert.ok(!fs.existsSync(path.join(out, `seed${seed}`, "checkpoint.json")), "a finished seed's checkpoint is removed");
  }
  const again = train(["--resume", out]);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /finished; there is nothing to continue/);
  assert.match(usageError(["--resume", out, "--steps", "10"]), /--resume continues a run with its own config, seeds and folder; drop --steps/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("--checkpoint N saves each seed's state every N iterations", () => {
  const dir = tmp();
  const out = path.join(dir, "ck");
  const r = train(["--algo", "a2c", "--seed", "4", "--steps", "320", "--set", "numEnvs=4", "--set", "nSteps=8", "--set", "hiddenSizes=[8]", "--checkpoint", "3", "--out", out, "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(json(path.join(out, "config.json")).seeds, [4]);
  const state = json(path.join(out, "seed4", "checkpoint.json"));
  assert.equal(state.iteration, 9, "10 iterations, saved after 3, 6 and 9");
  assert.equal(state.record.history.length, 9);
  assert.match(usageError(["--algo", "a2c", "--checkpoint", "0"]), /--checkpoint must be an integer >= 1; received "0"/);
  assert.match(usageError(["--resume", path.join(out, "config.json")]), /--resume .*config\.json: give the run folder, not a file/);
  assert.match(usageError(["--resume", path.join(dir, "nothing")]), /--resume .*nothing: .*does not exist; give a run folder\./);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a run in which no episode ends finishes and says so (CLI and runSeeds)", async () => {
  const dir = tmp();
  const out = path.join(dir, "pendulum");
  const r = train(["--algo", "a2c", "--env", "Pendulum-v1", "--steps", "2000", "--out", out, "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /seed 0: 2,048 steps, mean return \(last 100\) - \(no episode ended\)/);
  assert.match(r.stdout, /Note: no episode ended within 2,000 env steps \(16 copies of about 125 steps each; Pendulum-v1.s episodes last up to 200 steps\)/);
  const summary = json(path.join(out, "summary.json"));
  assert.equal(summary.seeds[0].meanReturn100, null);
  assert.equal(summary.seeds[0].episodes, 0);
  assert.match(summary.note, /no episode ended/);
  assert.ok(fs.existsSync(path.join(out, "seed0", "policy.json")));
  assert.match(fs.readFileSync(path.join(out, "learning-curve.html"), "utf8"), /<b>No curve:<\/b> no episode ended/);
  plot([out, "--out", path.join(dir, "plot.html")]);
  assert.match(fs.readFileSync(path.join(dir, "plot.html"), "utf8"), /<b>Nothing to draw<\/b> for pendulum: no value of meanReturn100: no episode ended in them/);

  const runs = await runSeeds({ algorithm: "a2c", config: { env: "Pendulum-v1", totalSteps: 512, hiddenSizes: [8] } }, [0, 1], { progress: "none" });
  assert.equal(runs.runs.length, 2);
  assert.deepEqual(runs.curve.x, [], "no curve without an ended episode");
  assert.ok(runs.runs.every((s) => s.history.every((h) => Number.isNaN(h.meanReturn100))));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("--seed N is one seed; --seeds a count, list or range; --seeds 0 points to --seed 0", () => {
  const plan = (argv: string[]) => parse(argv) as { seeds: number[] };
  assert.deepEqual(plan(["--algo", "a2c", "--seed", "3"]).seeds, [3]);
  assert.deepEqual(plan(["--algo", "a2c", "--seeds", "3"]).seeds, [0, 1, 2]);
  assert.deepEqual(plan(["--algo", "a2c"]).seeds, [0]);
  assert.match(usageError(["--algo", "a2c", "--seeds", "0"]), /for seed 0 alone write --seed 0/);
});

test("--shard I/N: every N-th seed from the I-th; the shards cover the list once", () => {
  const seeds = Array.from({ length: 10 }, (_, k) => k);
  const shards = [0, 1, 2].map((i) => shardSeeds(parseShard(`${i}/3`, seeds)));
  assert.deepEqual(shards, [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
  assert.deepEqual((parse(["--algo", "a2c", "--seeds", "0-99", "--shard", "7/10"]) as { seeds: number[] }).seeds, [7, 17, 27, 37, 47, 57, 67, 77, 87, 97]);
  assert.match(usageError(["--algo", "a2c", "--seeds", "0-9", "--shard", "3/3"]), /--shard 3\/3: the index counts from 0, so it is 0 \.\. 2 for 3 shards/);
  assert.match(usageError(["--algo", "a2c", "--seeds", "2", "--shard", "0/4"]), /4 shards of 2 seeds would leave shards empty/);
  assert.match(usageError(["--algo", "a2c", "--shard", "1of4"]), /expected I\/N/);
});

test("--shard: each shard writes its own run folder; npm run plot merges them into one run with every seed", () => {
  const dir = tmp();
  for (const i of [0, 1]) {
    const r = train(["--algo", "reinforce", "--seeds", "0-2", "--shard", `${i}/2`, "--steps", "400", "--set", "batchSteps=200", "--out", path.join(dir, `shard${i}`), "--quiet"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\(shard ${i} of 2\\)`));
    assert.deepEqual(json(path.join(dir, `shard${i}`, "config.json")).shard, { index: i, count: 2, of: [0, 1, 2] });
  }
  assert.deepEqual(fs.readdirSync(path.join(dir, "shard0")).filter((e) => e.startsWith("seed")).sort(), ["seed0", "seed2"]);
  assert.deepEqual(fs.readdirSync(path.join(dir, "shard1")).filter((e) => e.startsWith("seed")).sort(), ["seed1"]);
  plot([dir, "--out", path.join(dir, "plot.html")]);
  const html = fs.readFileSync(path.join(dir, "plot.html"), "utf8");
  assert.match(html, /<td>reinforce-CartPole-v1 \(all 2 shards\)<\/td><td>reinforce<\/td><td>CartPole-v1<\/td><td>0, 1, 2<\/td>/, "one run of seeds 0, 1, 2");
  plot([path.join(dir, "shard1"), "--out", path.join(dir, "one.html")]);
  assert.match(fs.readFileSync(path.join(dir, "one.html"), "utf8"), /shards 1 of 2; 0 missing/);
  fs.rmSync(dir, { recursive: true, force: true });
});
