/**
 * configs/: the tuned configurations the project ships, each with the result it reached and the
 * command that measured it. Each resolves, `npm run train -- --config FILE` (or `npm run deeprm --
 * train --config FILE`) accepts it, and it is the configuration, and the result, of the data it cites.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { PENDULUM_A2C } from "../../bench/algorithms";
import { type AlgorithmName, BACKENDS, resolveConfig } from "../../src/index";
import { cli as deeprm, parseTrain } from "../../scripts/deeprm";
import { parse } from "../../scripts/train";

const root = path.join(__dirname, "..", "..");
const configsDir = path.join(root, "configs");
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) / 2];
/** A resolved config without its seed and without the nulls that mark unset fields, as a run folder's config.json holds it. */
const comparable = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(c))).filter(([k, v]) => k !== "seed" && v !== null));

interface TrainConfigFile {
  algo: AlgorithmName;
  env: string;
  seeds: number[];
  config: Record<string, unknown>;
  result: { perSeed: Record<string, number>; median: number };
  command: string;
}

test("configs/ holds the four tuned configurations, each with a result and the command that measured it", () => {
  const files = fs.readdirSync(configsDir).sort();
  assert.deepEqual(files, ["cartpole-a2c.json", "cartpole-reinforce.json", "deeprm.json", "pendulum-a2c.json"]);
  for (const f of files) {
    const c = read(path.join("configs", f));
    assert.equal(typeof c.description, "string", f);
    assert.match(c.command, /^npm run /, f);
    assert.equal(typeof c.result.metric, "string", f);
  }
});

for (const name of ["cartpole-reinforce", "cartpole-a2c", "pendulum-a2c"]) {
  test(`configs/${name}.json resolves and npm run train -- --config accepts it`, () => {
    const file = path.join("configs", `${name}.json`);
    const c = read(file) as TrainConfigFile;
    const resolved = resolveConfig(c.algo, { ...c.config, env: c.env });
    const plan = parse(["--config", path.join(root, file)]);
    assert.ok(!("help" in plan));
    assert.equal(plan.algo, c.algo);
    assert.equal(plan.env, c.env);
    assert.deepEqual(plan.seeds, c.seeds);
    assert.deepEqual(comparable(plan.resolved), comparable(resolved));
    assert.equal(c.result.median, median(Object.values(c.result.perSeed)));
  });
}

test("the CartPole configs are the cartpole-solve variants they cite, with their steps to 475", () => {
  const results = read("data/cartpole-solve/results.json");
  for (const [name, key] of [["cartpole-reinforce", "reinforce-value"], ["cartpole-a2c", "a2c-gae"]]) {
    const c = read(`configs/${name}.json`) as TrainConfigFile;
    const variant = results.variants.find((v: { key: string }) => v.key === key);
    // Every field the variant ran with (fields added to the library since then keep their old behaviour by default).
    const resolved = comparable(resolveConfig(c.algo, { ...c.config, env: c.env }));
    const ran = comparable(variant.config);
    assert.deepEqual(Object.fromEntries(Object.keys(ran).map((k) => [k, resolved[k]])), ran, name);
    assert.deepEqual(c.seeds, results.seeds);
    assert.deepEqual(c.result.perSeed, Object.fromEntries(variant.seeds.map((s: { seed: number; solvedAtSteps: number }) => [String(s.seed), s.solvedAtSteps])));
  }
});

test("the Pendulum config is the benchmark's PENDULUM_A2C and the shipped run's, with its returns (median -158.5)", () => {
  const c = read("configs/pendulum-a2c.json") as TrainConfigFile;
  assert.deepEqual({ env: c.env, ...c.config }, PENDULUM_A2C);
  const run = read("data/pendulum-a2c/config.json");
  assert.deepEqual(comparable(resolveConfig("a2c", { ...c.config, env: c.env })), comparable(run.config));
  const summary = read("data/pendulum-a2c/summary.json");
  for (const s of summary.seeds) assert.equal(c.result.perSeed[String(s.seed)], Number(s.meanReturn100.toFixed(1)));
  assert.equal(c.result.median, -158.5);
});

test("configs/deeprm.json: deeprm train --config gives the shipped run's options; evaluate gives its result", async () => {
  const c = read("configs/deeprm.json");
  const args = parseTrain(["--config", path.join(configsDir, "deeprm.json"), "--workers", "0"]);
  assert.ok(args !== "help");
  const { workers: _w, ...shipped } = read("data/deeprm/config.json").options;
  const { workers, ...options } = args.options;
  assert.deepEqual(options, shipped);
  assert.equal(workers, 0, "the command line overrides the file");
  // A bad value in the file is named by the file and the field.
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deeprm-config-")), "bad.json");
  fs.writeFileSync(bad, JSON.stringify({ options: { ...c.options, rollouts: 0 } }));
  assert.throws(() => parseTrain(["--config", bad]), new RegExp(`--config ${bad}: rollouts must be an integer >= 1; received "0"`));
  fs.writeFileSync(bad, JSON.stringify({ options: { rollout: 3 } }));
  assert.throws(() => parseTrain(["--config", bad]), /unknown option "rollout" \(did you mean rollouts\?\)/);
  // The result: the command it names, on the shipped policy.
  const words = (c.result.evaluatedWith as string).replace(/^npm run deeprm -- /, "").split(" ");
  const out: string[] = [];
  assert.equal(await deeprm([...words, "--json"], { out: (l) => out.push(l), err: () => {} }), 0);
  const measured = JSON.parse(out[out.length - 1]);
  for (const [load, r] of Object.entries(c.result.perLoad as Record<string, { mean: number; se: number }>)) {
    assert.equal(measured[load].DeepRM.mean.toFixed(2), r.mean.toFixed(2), `load ${load}`);
    assert.equal(measured[load].DeepRM.se.toFixed(2), r.se.toFixed(2), `load ${load}`);
  }
});

test("npm run train -- --config configs/cartpole-a2c.json runs it (a short budget): config.json with the backend, --json, progress.csv's columns as the README lists them", () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pglab-config-")), "run");
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "train.ts"), "--config", "configs/cartpole-a2c.json", "--seeds", "0-0", "--steps", "1024", "--workers", "1", "--out", out, "--quiet", "--json"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const saved = JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8"));
  assert.equal(saved.algo, "a2c");
  assert.equal(saved.config.advantage, "gae");
  assert.equal(saved.config.targetReturn, 475);
  assert.equal(saved.config.totalSteps, 1024);
  assert.ok(BACKENDS.includes(saved.tfBackend), `config.json records the TF.js backend: ${saved.tfBackend}`);
  // --json: the summary on the last line.
  const summary = JSON.parse(r.stdout.trim().split("\n").pop() as string);
  assert.equal(summary.out, out);
  assert.deepEqual(summary.seeds.map((s: { seed: number }) => s.seed), [0]);
  assert.equal(summary.seeds[0].envSteps, 1024);
  // progress.csv's columns are the README's table.
  const header = fs.readFileSync(path.join(out, "seed0", "progress.csv"), "utf8").split("\n")[0].split(",");
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const table = readme.split("The columns of `progress.csv`")[1].split("\n\n")[1];
  assert.deepEqual([...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]), header);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});
