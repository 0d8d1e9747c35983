/**
 * `npm run cartpole-solve`: its words (bad values are errors naming them, exit code 2, nothing written),
 * the thinned curves (at most 200 points, the first iterations and the last kept as they are), and a
 * short real run whose first curve points equal the shipped results' (training is deterministic per seed).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import type { IterationStats } from "../../src/algorithms/index";
import { ABLATIONS, CURVE_POINTS, DEFAULT_CAP, DEFAULT_OUT, FIRST_POINTS, VARIANTS, compactJson, parse, seedResult, thin, usage } from "../../scripts/cartpole-solve";
import { usageErrorOf } from "./helpers";

const root = path.join(__dirname, "..", "..");
const solve = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "cartpole-solve.ts"), ...args], { cwd: root, encoding: "utf8" });
const usageError = usageErrorOf(parse);

test("defaults: seeds 0-4, a cap of 500,000 steps, one run at a time, every variant, the shipped file", () => {
  const plan = parse([]);
  assert.ok(!("help" in plan));
  assert.deepEqual(plan.seeds, [0, 1, 2, 3, 4]);
  assert.equal(plan.cap, 500_000);
  assert.equal(DEFAULT_CAP, 500_000);
  assert.equal(plan.workers, 1);
  assert.deepEqual(plan.variants.map((v) => v.key), VARIANTS.map((v) => v.key));
  assert.equal(plan.out, DEFAULT_OUT);
  const some = parse(["--seeds", "2,5", "--cap", "1e4", "--workers", "2", "--variants", "a2c-td, a2c-gae", "--out", "/tmp/x.json", "--quiet"]);
  assert.ok(!("help" in some));
  assert.deepEqual(some.seeds, [2, 5]);
  assert.equal(some.cap, 10_000);
  assert.equal(some.workers, 2);
  assert.deepEqual(some.variants.map((v) => v.key), ["a2c-gae", "a2c-td"], "in the table's order");
  assert.equal(some.quiet, true);
  assert.deepEqual(parse(["-h"]), { help: true });
  for (const v of VARIANTS) assert.ok(usage().includes(v.key), `--help lists ${v.key}`);
  // the one-change ablations: listed, never run by default, picked by name like the variants
  for (const v of ABLATIONS) assert.ok(usage().includes(v.key), `--help lists ${v.key}`);
  const ablation = parse(["--variants", "a2c-gae-8envs,reinforce-std"]);
  assert.ok(!("help" in ablation));
  assert.deepEqual(ablation.variants.map((v) => v.key), ["reinforce-std", "a2c-gae-8envs"], "in the ablations' order");
});

test("bad values are errors that name them", () => {
  assert.match(usageError(["--cap", "0"]), /--cap must be an integer >= 1; received "0"/);
  assert.match(usageError(["--cap", "many"]), /--cap must be an integer >= 1; received "many"/);
  assert.match(usageError(["--workers", "1.5"]), /--workers must be an integer >= 1; received "1\.5"/);
  assert.match(usageError(["--seeds", "3-1"]), /--seeds 3-1: the range 3-1 runs backwards/);
  assert.match(usageError(["--seeds", "a"]), /--seeds a: "a" is not a seed/);
  assert.match(usageError(["--variants", "a2c-gea"]), /--variants: unknown variant "a2c-gea" \(did you mean a2c-gae\?\); valid: reinforce, reinforce-value, a2c-qv/);
  assert.match(usageError(["--variants", "a2c-td,a2c-td"]), /--variants: a2c-td appears twice/);
  assert.match(usageError(["--out", "results"]), /--out results: the results are one JSON file; give a path ending in \.json/);
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pglab-solve-")), "results.json");
  fs.mkdirSync(folder);
  assert.match(usageError(["--out", folder]), /--out .*results\.json is a folder; give a file path ending in \.json/);
  assert.match(usageError(["--seed", "1"]), /unknown option --seed \(did you mean --seeds\?\)/);
  assert.match(usageError(["--cap"]), /--cap needs a value/);
  assert.match(usageError(["a2c"]), /unexpected argument "a2c".*npm run cartpole-solve -- --help/);
  // As a command: exit code 2, the message, a pointer to --help, and nothing written.
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pglab-solve-")), "never", "results.json");
  const r = solve(["--cap=-5", "--out", out]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^cartpole-solve: --cap must be an integer >= 1; received "-5"\.\nSee npm run cartpole-solve -- --help\.\n$/);
  assert.ok(!fs.existsSync(path.dirname(out)), "nothing written");
});

/** A fake history of n iterations of 512 steps, solved at the last one if `solved`. */
function history(n: number, solved: boolean): IterationStats[] {
  return Array.from({ length: n }, (_, i) => ({
    iteration: i + 1, episodes: 1, totalEpisodes: 100 + i, meanReturn: 0, maxReturn: 0, meanLength: 0,
    meanReturn100: i === 0 ? NaN : solved && i === n - 1 ? 480 : 400 * (i / n),
    envSteps: 512 * (i + 1), policyLoss: 0, criticLoss: 0, entropy: 0, gradNorm: 0, stepsPerSecond: 0, wallTime: 0.01 * (i + 1),
  }));
}

test("thin: at most 200 points, the first iterations unchanged, evenly spaced rows, the last row; NaN as null", () => {
  const short = thin(history(50, false));
  assert.equal(short.envSteps.length, 50, "a short history is kept whole");
  assert.equal(short.meanReturn100[0], null);
  for (const n of [201, 233, 1000, 5003]) {
    const h = history(n, true);
    const c = thin(h);
    assert.ok(c.envSteps.length <= CURVE_POINTS && c.envSteps.length >= CURVE_POINTS - 1, `${n} rows -> ${c.envSteps.length} points`);
    assert.deepEqual(c.envSteps.slice(0, FIRST_POINTS), h.slice(0, FIRST_POINTS).map((r) => r.envSteps));
    assert.equal(c.envSteps.at(-1), h[n - 1].envSteps, "the last row");
    assert.equal(c.meanReturn100.at(-1), 480);
    assert.ok(c.envSteps.every((x, i) => i === 0 || x > c.envSteps[i - 1]), "increasing");
    const gaps = c.envSteps.slice(FIRST_POINTS + 1).map((x, i) => x - c.envSteps[FIRST_POINTS + i]);
    assert.ok(Math.max(...gaps) - Math.min(...gaps) <= 512, `evenly spaced: gaps ${Math.min(...gaps)}-${Math.max(...gaps)}`);
  }
});

test("compactJson: the same value back, number arrays on one line", () => {
  const value = { a: [1, 2.5, null, -3e-7, 17.105263157894736], b: { c: [] }, d: ["x", "y"], e: [[1, 2], [3]] };
  const text = compactJson(value);
  assert.deepEqual(JSON.parse(text), value);
  assert.ok(text.includes('"a": [1,2.5,null,-3e-7,17.105263157894736]'), text);
  assert.ok(text.includes('[1,2]'), text);
});

test("seedResult: the solve's steps and seconds, or null; the best and final mean returns", () => {
  const solved = seedResult(3, history(300, true), 512 * 300);
  assert.equal(solved.secondsToSolve, 3);
  assert.equal(solved.finalMeanReturn100, 480);
  assert.equal(solved.bestMeanReturn100, 480);
  assert.equal(solved.envSteps, 512 * 300);
  const not = seedResult(4, history(300, false), null);
  assert.equal(not.solvedAtSteps, null);
  assert.equal(not.secondsToSolve, null);
  assert.ok(not.bestMeanReturn100! < 400);
  assert.throws(() => seedResult(5, history(10, true), 999), /seed 5: solvedAtSteps 999 is not in the history/);
});

test("a short run writes the file's fields, and its first curve points equal the shipped results' (same seed, same numbers)", () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pglab-solve-")), "sub", "r.json");
  const r = solve(["--variants", "a2c-gae,reinforce", "--seeds", "0-0", "--cap", "4096", "--out", out, "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /a2c-gae: 0\/1 solved/);
  const got = JSON.parse(fs.readFileSync(out, "utf8"));
  for (const key of ["command", "library", "node", "tfBackend", "started", "finished", "loadavgStart", "loadavgEnd", "cap", "targetReturn", "seeds", "workers"]) assert.ok(got[key] !== undefined && got[key] !== null, key);
  assert.equal(got.complete, true);
  assert.equal(got.cap, 4096);
  assert.equal(got.loadavgStart.length, 3);
  assert.deepEqual(got.variants.map((v: { key: string }) => v.key), ["reinforce", "a2c-gae"]);
  const mine = got.variants[1].seeds[0];
  assert.equal(mine.solvedAtSteps, null);
  assert.equal(mine.envSteps, 4096);
  assert.equal(got.variants[1].config.totalSteps, 4096);
  const shipped = JSON.parse(fs.readFileSync(DEFAULT_OUT, "utf8"));
  if (shipped.tfBackend !== got.tfBackend) return; // other backends give other numbers
  const theirs = shipped.variants.find((v: { key: string }) => v.key === "a2c-gae").seeds.find((s: { seed: number }) => s.seed === 0);
  assert.deepEqual(mine.curve.envSteps, theirs.curve.envSteps.slice(0, 8));
  assert.deepEqual(mine.curve.meanReturn100, theirs.curve.meanReturn100.slice(0, 8), "the first 8 iterations of seed 0, to the last bit");
});
