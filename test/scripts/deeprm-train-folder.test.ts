/**
 * `npm run deeprm -- train` writes a new numbered folder under runs/ by default, refuses a
 * non-empty --out without --overwrite (as npm run train does), and never touches the shipped
 * data/deeprm unless asked.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { cli } from "../../scripts/deeprm";

const shipped = path.join(__dirname, "..", "..", "data", "deeprm", "policy.json");
const TINY = ["train", "--iterations", "1", "--jobsets", "1", "--rollouts", "2", "--loads", "1.3", "--workers", "0"];

async function run(args: string[], cwd: string) {
  const before = process.env.INIT_CWD;
  process.env.INIT_CWD = cwd; // where `npm run` was started: relative paths and the default runs/ folder are there
  const out: string[] = [];
  const err: string[] = [];
  try {
    const status = await cli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { status, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    if (before === undefined) delete process.env.INIT_CWD;
    else process.env.INIT_CWD = before;
  }
}

test("deeprm train: a new runs/deeprm_<N> by default; a non-empty --out only with --overwrite; data/deeprm untouched", async () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "deeprm-folder-"));
  const shippedBefore = fs.readFileSync(shipped, "utf8");
  for (const n of [1, 2]) {
    const r = await run(TINY, cwd);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`writing ${path.join(cwd, "runs", `deeprm_${n}`).replace(/[\\/.]/g, "\\$&")}`));
    assert.deepEqual(fs.readdirSync(path.join(cwd, "runs", `deeprm_${n}`)).sort(), ["config.json", "curve.json", "policy.json"]);
  }
  assert.equal(fs.readFileSync(shipped, "utf8"), shippedBefore, "the shipped policy is not rewritten");

  const first = path.join(cwd, "runs", "deeprm_1");
  fs.writeFileSync(path.join(first, "notes.txt"), "mine");
  const policyBefore = fs.readFileSync(path.join(first, "policy.json"), "utf8");
  const refused = await run([...TINY, "--out", "runs/deeprm_1"], cwd);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--out runs\/deeprm_1 already holds a run\. Add --overwrite to replace it, or choose a new folder, e\.g\. --out runs\/deeprm_1_1\./);
  assert.equal(fs.readFileSync(path.join(first, "policy.json"), "utf8"), policyBefore);

  const replaced = await run([...TINY, "--seed", "5", "--out", "runs/deeprm_1", "--overwrite"], cwd);
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.notEqual(fs.readFileSync(path.join(first, "policy.json"), "utf8"), policyBefore, "replaced by the new run");
  assert.equal(fs.readFileSync(path.join(first, "notes.txt"), "utf8"), "mine", "the user's own files stay");

  const other = path.join(cwd, "papers");
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, "a.pdf"), "x");
  const notRun = await run([...TINY, "--out", "papers", "--overwrite"], cwd);
  assert.equal(notRun.status, 2);
  assert.match(notRun.stderr, /--out papers is not empty and holds no run \(no config\.json from npm run deeprm -- train\)/);
  fs.rmSync(cwd, { recursive: true, force: true });
});
