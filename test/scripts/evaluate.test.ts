/**
 * `npm run evaluate`: a run folder's policies played without learning, per seed and over seeds, as
 * a table or JSON, and --record's offline animation page.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "../../scripts/evaluate";
import { usageErrorOf } from "./helpers";

const root = path.join(__dirname, "..", "..");
const run = (script: string, args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", script), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
const usageError = usageErrorOf(parse);

test("evaluate: mean return with a 95% interval per seed and over seeds; deterministic runs repeat; --record writes an animation page", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-evaluate-"));
  const out = path.join(dir, "cartpole");
  const t = run("train.ts", ["--algo", "reinforce", "--seeds", "0,1", "--steps", "1000", "--set", "batchSteps=500", "--out", out, "--quiet"]);
  assert.equal(t.status, 0, t.stderr);

  const evaluate = (args: string[]) => {
    const r = run("evaluate.ts", [out, "--episodes", "6", "--json", ...args]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  };
  const det = evaluate(["--deterministic"]);
  assert.equal(det.env, "CartPole-v1");
  assert.deepEqual(det.seeds.map((s: { seed: number }) => s.seed), [0, 1]);
  for (const s of det.seeds) {
    assert.equal(s.n, 6);
    assert.ok(s.lower <= s.mean && s.mean <= s.upper, "the interval holds the mean");
    assert.equal(s.mean, s.meanLength, "CartPole pays 1 per step: the mean return is the mean length");
  }
  const means = det.seeds.map((s: { mean: number }) => s.mean);
  assert.ok(Math.abs(det.overSeeds.mean - (means[0] + means[1]) / 2) < 1e-9, "over seeds: the mean of the seeds' means");
  assert.equal(det.overSeeds.n, 2);
  assert.deepEqual(evaluate(["--deterministic"]), det, "the same episodes again");
  const sampled = evaluate([]);
  assert.notDeepEqual(sampled.seeds, det.seeds, "sampled actions give other episodes");

  const table = run("evaluate.ts", [out, "--episodes", "3", "--record", path.join(dir, "episode.html")]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /CartPole-v1, 3 episodes per seed, sampled actions\nseed\s+mean return\s+\[95% interval\]\s+mean length\n0\s+[\d.]+\s+\[[-\d.]+, [\d.]+\]/);
  assert.match(table.stdout, /over 2 seeds: [\d.]+\s+\[[-\d.]+, [\d.]+\] \(interval over the seeds' means\)/);
  const html = fs.readFileSync(path.join(dir, "episode.html"), "utf8");
  assert.ok(!/(src|href)="https?:/.test(html), "offline");
  const frames = JSON.parse(/"frames":(\[.*?\]),"captions"/s.exec(html)?.[1] ?? "[]") as string[];
  assert.ok(frames.length > 1 && frames.every((f) => f.startsWith("<svg")), "one SVG frame per state");

  const bad = run("evaluate.ts", [path.join(dir, "nothing")]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /nothing is not a folder; give a run folder written by npm run train/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("evaluate: a Pendulum run (continuous actions) records its pendulum; the shipped DeepRM policy its state image; bad words are errors", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-evaluate-"));
  const out = path.join(dir, "pendulum");
  assert.equal(run("train.ts", ["--algo", "a2c", "--env", "Pendulum-v1", "--steps", "256", "--set", "hiddenSizes=[8]", "--out", out, "--quiet"]).status, 0);
  const r = run("evaluate.ts", [out, "--episodes", "2", "--deterministic", "--record", path.join(dir, "p.html")]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Pendulum-v1, 2 episodes per seed, deterministic actions\n.*\n0\s+-[\d.]+\s+\[/);
  assert.match(r.stdout, /over seeds: one seed, so no interval over seeds/);
  assert.ok(fs.readFileSync(path.join(dir, "p.html"), "utf8").includes("cut at the time limit"), "Pendulum's episodes end at 200 steps");
  // The shipped DeepRM policy (a folder of npm run deeprm -- train): DeepRM's state image.
  const d = run("evaluate.ts", [path.join(root, "data", "deeprm"), "--episodes", "1", "--json", "--record", path.join(dir, "deeprm.html")]);
  assert.equal(d.status, 0, d.stderr);
  assert.equal(JSON.parse(d.stdout).env, "DeepRM-v0");
  assert.match(fs.readFileSync(path.join(dir, "deeprm.html"), "utf8"), /resource 1.*slot 1.*backlog/s, "the state image's parts");
  assert.match(usageError([out, "--episodes", "0"]), /--episodes must be an integer >= 1; received "0"/);
  assert.match(usageError([out, "--record", "x.gif"]), /give a file name ending in \.html/);
  assert.match(usageError([]), /give a run folder/);
  fs.rmSync(dir, { recursive: true, force: true });
});
