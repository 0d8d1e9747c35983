import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

const root = path.join(__dirname, "..", "..");
const train = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "train.ts"), ...args], { cwd: root, encoding: "utf8" });

test("train --help lists algorithms, environments and options", () => {
  const r = train(["--help"]);
  assert.equal(r.status, 0);
  for (const word of ["reinforce", "a2c", "actorCritic", "CartPole-v1", "Pendulum-v1", "--seeds", "--out", "--set"]) assert.ok(r.stdout.includes(word), word);
});

test("an unknown algorithm or environment is an error listing the valid ones", () => {
  const a = train(["--algo", "ppo"]);
  assert.equal(a.status, 2);
  assert.match(a.stderr, /unknown algorithm "ppo"; valid: reinforce, a2c, actorCritic/);
  const e = train(["--algo", "a2c", "--env", "MountainCar-v0"]);
  assert.match(e.stderr, /unknown environment "MountainCar-v0"; valid: CartPole-v1/);
  assert.match(train(["--algo", "a2c", "--set", "lr=-1", "--steps", "100"]).stderr, /config\.lr must be a positive number; received -1/);
});

test("a short run writes the history, config, policies and an offline learning-curve page", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-train-"));
  const r = train(["--algo", "reinforce", "--seeds", "2", "--steps", "3000", "--out", out, "--set", "batchSteps=1000"]);
  assert.equal(r.status, 0, r.stderr);
  for (const f of ["config.json", "history-seed0.json", "history-seed1.json", "policy-seed0.json", "summary.json", "learning-curve.html", "plotly.min.js"]) {
    assert.ok(fs.existsSync(path.join(out, f)), f);
  }
  const html = fs.readFileSync(path.join(out, "learning-curve.html"), "utf8");
  assert.ok(!/src="https?:/.test(html));
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8")).config.batchSteps, 1000);
});
