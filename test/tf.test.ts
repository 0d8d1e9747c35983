import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import { forcedBackend, initTf, tf } from "../src/tf";

const root = path.join(__dirname, "..");
function runWith(env: Record<string, string>, code: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "-e", code], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });
}

test("initTf picks a backend once, reports it once, and computes correctly", async (t) => {
  const lines: string[] = [];
  t.mock.method(console, "log", (s: string) => lines.push(s));
  const a = await initTf();
  const b = await initTf();
  assert.equal(a, b);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^TF\.js \d+\.\d+\.\d+ on (tensorflow|wasm|cpu)/);
  assert.equal(tf.getBackend(), a.backend);
  const y = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2])));
  assert.deepEqual(Array.from(await y.data()), [2, -4]);
  y.dispose();
});

test("PG_TF_BACKEND forces a backend; an unknown name is a clear error", () => {
  assert.equal(forcedBackend({ PG_TF_BACKEND: "CPU" }), "cpu");
  assert.equal(forcedBackend({}), null);
  assert.throws(() => forcedBackend({ PG_TF_BACKEND: "gpu" }), /PG_TF_BACKEND="gpu" is not a backend; expected one of tensorflow, wasm, cpu/);
  const r = runWith({ PG_TF_BACKEND: "cpu" }, 'require("./src/tf").initTf().then((i) => console.log("backend=" + i.backend))');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /forced by PG_TF_BACKEND/);
  assert.match(r.stdout, /backend=cpu/);
  assert.doesNotMatch(r.stdout + r.stderr, /Hi, looks like you are running TensorFlow\.js in Node\.js/, "the banner is silenced");
});
