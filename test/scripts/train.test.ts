/**
 * `npm run train`: its words (help generated from the config types, seeds, "did you mean"), its run
 * folder (refused when it holds something, nothing written for a bad config, the files and their
 * contents), its progress lines, and repeating a run from its config.json.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { resolveConfig } from "../../src/algorithms/registry";
import { FolderError, parse, parseSeeds, prepareFolder, usage } from "../../scripts/train";
import { parseCsv } from "../../scripts/runs";
import { usageErrorOf } from "./helpers";

const root = path.join(__dirname, "..", "..");
const train = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "train.ts"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "pglab-train-"));
const usageError = usageErrorOf(parse);
const squash = (text: string) => text.replace(/\s+/g, " ");

test("--help lists the options, the environments and every config field with its default and doc comment", () => {
  const r = train(["--help"]);
  assert.equal(r.status, 0, r.stderr);
  const help = squash(r.stdout);
  for (const word of ["--algo", "--env", "--seeds", "--steps", "--target", "--out", "--overwrite", "--set", "--config", "CartPole-v1", "Pendulum-v1"]) assert.ok(help.includes(word), word);
  for (const algo of ["reinforce", "a2c", "actorCritic"]) {
    const file = { reinforce: "reinforce", a2c: "a2c", actorCritic: "actor-critic" }[algo];
    const section = squash(r.stdout.split(`\n${algo} (`)[1].split("\n\n")[0]);
    for (const [key, value] of Object.entries(resolveConfig(algo, {}))) {
      const shown = value === undefined || value === null ? "-" : JSON.stringify(value); // as formatDefault shows them
      assert.ok(section.includes(` ${key} ${shown} `) || section.includes(` ${key} ${shown.slice(0, 17)}`), `${algo}.${key} with default ${shown}`);
    }
    // Every one-line doc comment of the config interface, as the source has it.
    const source = fs.readFileSync(path.join(root, "src", "algorithms", `${file}.ts`), "utf8");
    const body = source.slice(source.indexOf("Config {"), source.indexOf("\n}\n", source.indexOf("Config {")));
    const docs = [...body.matchAll(/\/\*\* (.+?) \*\/\s*\n\s*(\w+)\?:/g)];
    assert.ok(docs.length > 0 || algo === "actorCritic", `${algo}: no doc comments found in the source`);
    for (const [, doc, key] of docs) assert.ok(section.includes(`${key} `) && section.includes(squash(doc)), `${algo}.${key}: "${doc}"`);
  }
  const a2cOnly = usage("a2c");
  assert.ok(a2cOnly.includes("\na2c (A2CConfig") && !a2cOnly.includes("\nreinforce (ReinforceConfig"), "--algo narrows the field list");
});

test("seeds: a count, a list, ranges; bad ones are errors naming the value", () => {
  assert.deepEqual(parseSeeds("3"), [0, 1, 2]);
  assert.deepEqual(parseSeeds("0,3,7"), [0, 3, 7]);
  assert.deepEqual(parseSeeds("10-12,4"), [10, 11, 12, 4]);
  assert.deepEqual(parseSeeds("5-5"), [5]);
  assert.throws(() => parseSeeds("0"), /--seeds 0: a count of seeds must be at least 1; for seed 0 alone write --seed 0/);
  assert.throws(() => parseSeeds("1,x"), /"x" is not a seed/);
  assert.throws(() => parseSeeds("1,2,1"), /seed 1 appears twice/);
  assert.throws(() => parseSeeds("4-2"), /runs backwards; write 2-4/);
});

test("unknown words get a did-you-mean; config errors are found before anything is written", () => {
  assert.match(usageError(["--algo", "A2C"]), /unknown algorithm "A2C" \(did you mean a2c\?\); valid: reinforce, a2c, actorCritic/);
  assert.match(usageError(["--algo", "ppo"]), /unknown algorithm "ppo"; valid: reinforce, a2c, actorCritic/);
  assert.match(usageError(["--algo", "a2c", "--env", "CartPole-v0"]), /unknown environment "CartPole-v0" \(did you mean CartPole-v1\?\); valid: CartPole-v1/);
  assert.match(usageError(["--algo", "a2c", "--seed", "3", "--seeds", "2"]), /both --seed and --seeds are given; --seed N is one seed, --seeds several/);
  assert.match(usageError(["--algo", "a2c", "--seed", "1.5"]), /--seed must be an integer >= 0; received "1.5"/);
  assert.match(usageError(["--algo", "a2c", "--lr", "0.1"]), /config fields are set with --set, e\.g\. --set lr=VALUE/);
  assert.match(usageError(["--algo", "a2c", "--totalSteps", "100"]), /unknown option --totalSteps \(did you mean --steps\?\)/);
  assert.match(usageError(["--algo", "a2c", "--set", "learningRate=0.1"]), /unknown config key "learningRate" \(did you mean lr\?\)/);
  assert.match(usageError(["--algo", "a2c", "--set", "lr=-1"]), /config\.lr must be a positive number; received -1/);
  assert.match(usageError(["--algo", "a2c", "--set", "advantage=gea"]), /config\.advantage must be one of "nstep", "td", "gae", "qv"; received "gea"/);
  assert.match(usageError(["--algo", "a2c", "--env", "Pendulum-v1", "--set", 'envKwargs={"G":9}']), /unknown argument\(s\) G; accepted: g/);
  assert.match(usageError(["--algo", "a2c", "--set", "seed=3"]), /seeds are chosen with --seed 3 \(one\) or --seeds \(several\)/);
  assert.match(usageError(["--algo", "a2c", "--steps", "1e3x"]), /--steps must be an integer >= 1; received "1e3x"/);
  assert.match(usageError(["--algo", "a2c", "--out"]), /--out needs a value/);
  assert.match(usageError(["a2c"]), /unexpected argument "a2c": options start with --.*With npm, put -- before the options: npm run train -- --help/);
  // As a command: exit code 2, the message, and no folder.
  const out = path.join(tmp(), "never");
  const r = train(["--algo", "a2c", "--set", "lr=-1", "--out", out]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^train: a2c: config\.lr must be a positive number; received -1\.\nSee npm run train -- --help\.\n$/);
  assert.ok(!fs.existsSync(out), "a bad config writes nothing");
});

test("the run folder: new or empty, --overwrite replaces only a run, a file is refused", () => {
  const dir = tmp();
  const file = path.join(dir, "file.txt");
  fs.writeFileSync(file, "x");
  assert.throws(() => prepareFolder(file, false), (e: Error) => e instanceof FolderError && /is a file, not a folder; choose another --out/.test(e.message));
  assert.throws(() => prepareFolder(path.join(file, "sub"), false), /a part of that path is a file/);
  const fresh = path.join(dir, "a", "b");
  assert.equal(prepareFolder(fresh, false), true);
  assert.ok(fs.statSync(fresh).isDirectory());
  assert.equal(prepareFolder(fresh, false), false, "an empty folder is fine");
  // A folder with other things in it is never touched, even with --overwrite.
  const notes = path.join(dir, "notes");
  fs.mkdirSync(notes);
  fs.writeFileSync(path.join(notes, "todo.md"), "keep me");
  for (const overwrite of [false, true]) assert.throws(() => prepareFolder(notes, overwrite), /is not empty and holds no run \(no config\.json from npm run train\); choose a new or empty folder, e\.g\. --out .*notes_1/);
  assert.equal(fs.readFileSync(path.join(notes, "todo.md"), "utf8"), "keep me");
  // A run folder: refused, or replaced with --overwrite (the user's own files stay).
  const run = path.join(dir, "run");
  fs.mkdirSync(path.join(run, "seed1"), { recursive: true });
  fs.writeFileSync(path.join(run, "config.json"), JSON.stringify({ createdBy: "policy-gradient-lab: npm run train", algo: "a2c", config: {} }));
  fs.writeFileSync(path.join(run, "seed1", "progress.csv"), "iteration\n1\n");
  fs.writeFileSync(path.join(run, "history-seed2.json"), "[]");
  fs.writeFileSync(path.join(run, "my-notes.txt"), "mine");
  fs.mkdirSync(path.join(dir, "run_1"));
  assert.throws(() => prepareFolder(run, false), /already holds a run\. Add --overwrite to replace it, or choose a new folder, e\.g\. --out .*run_2\./);
  assert.equal(prepareFolder(run, true), false);
  assert.deepEqual(fs.readdirSync(run), ["my-notes.txt"]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a run: progress lines, config.json with the resolved config, progress.csv = progress.json, the page; repeated from its config", () => {
  const dir = tmp();
  const out = path.join(dir, "reinforce");
  const r = train(["--algo", "reinforce", "--seeds", "0,2", "--steps", "2500", "--set", "batchSteps=1000", "--set", "lr=0.02", "--out", out], { CI: "true" });
  assert.equal(r.status, 0, r.stderr);
  // Progress: plain lines (CI), per seed, with iteration, env steps, mean return and time left, then done.
  assert.ok(!r.stderr.includes("\x1b"), "no terminal codes in CI");
  assert.match(r.stderr, /^seed 0:\s+\d+% \| iteration 1 \| env steps [\d,]+\/2,500 \| mean return \(last 100\) [\d.]+ \| ETA estimating\.\.\.$/m);
  assert.match(r.stderr, /^seed 2:\s+\d+% \| iteration 2 \| env steps [\d,]+\/2,500 \| mean return \(last 100\) [\d.]+ \| ETA [\d.]+ s$/m);
  assert.match(r.stderr, /^seed 2: 100% \| iteration 3 \| .* \| done$/m);
  assert.match(r.stdout, /seed 0: [\d,]+ steps, mean return \(last 100\) [\d.]+/);

  const entries = fs.readdirSync(out).sort();
  assert.deepEqual(entries, ["config.json", "learning-curve.html", "seed0", "seed2", "summary.json"], "no copy of plotly.js: the folder stays small");
  assert.deepEqual(fs.readdirSync(path.join(out, "seed2")).sort(), ["policy.json", "progress.csv", "progress.json"]);

  const config = JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8"));
  const { seed: _seed, ...expected } = resolveConfig("reinforce", { totalSteps: 2500, batchSteps: 1000, lr: 0.02 });
  assert.deepEqual(config.config, JSON.parse(JSON.stringify(expected, (_k, v) => (v === undefined ? null : v))), "every field, defaults filled in");
  assert.deepEqual(config.seeds, [0, 2]);
  assert.equal(config.library.version, JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version);
  let head: string | null = null;
  try {
    head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    /* not a git checkout */
  }
  assert.equal(config.library.commit, head);

  for (const seed of [0, 2]) {
    const json = JSON.parse(fs.readFileSync(path.join(out, `seed${seed}`, "progress.json"), "utf8")) as Record<string, number | null>[];
    const csvText = fs.readFileSync(path.join(out, `seed${seed}`, "progress.csv"), "utf8");
    const csv = parseCsv(csvText);
    assert.equal(json.length, 3, `seed ${seed}: one row per iteration`);
    assert.deepEqual(csvText.split("\n")[0].split(","), Object.keys(json[0]), "the history's columns, in order");
    assert.deepEqual(csv, json.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? NaN]))), `seed ${seed}: CSV rows equal the JSON rows`);
  }

  const html = fs.readFileSync(path.join(out, "learning-curve.html"), "utf8");
  assert.ok(!/<(script|link)[^>]+(src|href)="https?:/.test(html) && !/https?:\/\/cdn/.test(html), "offline");
  // Copied alone, the page shows a static picture of the curves, and no text meant for Jupyter.
  const svg = /<svg[^>]*>([\s\S]*?)<\/svg>/.exec(html)?.[1] ?? "";
  assert.equal((svg.match(/<path /g) ?? []).length, 3, "the static picture: two seeds and their mean");
  assert.ok(svg.includes("target 475"), "the target line, named");
  assert.ok(!/Re-run the cell/.test(html));
  assert.match(html, /looks for beside itself, in the folder above it/);
  assert.match(html, /<td>batchSteps<\/td><td class="v">1000<\/td>/, "the config as a table");
  for (const name of ["seed 0", "seed 2", "mean over 2 seeds"]) assert.ok(html.includes(`"name":"${name}"`), name);
  assert.ok(!html.includes("95% CI"), "no confidence band over two seeds");

  // The same folder again: refused, nothing changed.
  const before = fs.statSync(path.join(out, "config.json")).mtimeMs;
  const again = train(["--algo", "reinforce", "--seeds", "1", "--steps", "1000", "--out", out]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already holds a run\. Add --overwrite to replace it, or choose a new folder, e\.g\. --out .*reinforce_1\./);
  assert.equal(fs.statSync(path.join(out, "config.json")).mtimeMs, before);

  // Repeat it from its config.json with one seed: the same config.
  const out2 = path.join(dir, "repeat");
  const rep = train(["--config", out, "--seeds", "5-5", "--out", out2, "--quiet"]);
  assert.equal(rep.status, 0, rep.stderr);
  assert.equal(rep.stderr, "", "--quiet shows no progress");
  const config2 = JSON.parse(fs.readFileSync(path.join(out2, "config.json"), "utf8"));
  assert.deepEqual(config2.config, config.config);
  assert.deepEqual(config2.seeds, [5]);
  assert.equal(config2.algo, "reinforce");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a run that fails before its first iteration leaves nothing behind", () => {
  const dir = tmp();
  const out = path.join(dir, "bad");
  const r = train(["--algo", "reinforce", "--set", "policy=gaussian", "--out", out]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /train: runSeeds: seed 0 failed: reinforce: config\.policy is "gaussian" \(continuous\) but CartPole-v1 has discrete actions; use "categorical"\.\nNothing was written/);
  assert.ok(!fs.existsSync(out));
  fs.rmSync(dir, { recursive: true, force: true });
});
