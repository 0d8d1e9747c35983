/**
 * One command-line convention (scripts/cli.ts) across train, plot, deeprm, evaluate, cartpole-solve,
 * book, grade and assignments: `--help` exits 0 and lists every option with its default; a misspelt option or
 * sub-command gets "did you mean" and exit code 2; each example in --help is accepted by the
 * command's own parser, as written (shell quoting included).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as assignments from "../../scripts/assignments";
import * as book from "../../scripts/book";
import * as cartpoleSolve from "../../scripts/cartpole-solve";
import { type OptionTable, examplesOf, optionsHelp, parseOptions } from "../../scripts/cli";
import * as deeprm from "../../scripts/deeprm";
import * as evaluate from "../../scripts/evaluate";
import * as grade from "../../scripts/grade";
import * as plot from "../../scripts/plot";
import * as train from "../../scripts/train";
import { shellWords } from "./helpers";

const root = path.join(__dirname, "..", "..");

interface Command {
  name: string;
  /** Arguments before the options (deeprm's sub-command). */
  prefix: string[];
  options: OptionTable;
  /** A misspelling of one of the options, and the option it means. */
  typo: [string, string];
  /** Parse a command line as the command does (throws on a mistake). */
  parse: (argv: string[]) => unknown;
}

const loose = (options: OptionTable, command: string) => (argv: string[]) => parseOptions({ args: argv, options, strict: true, allowPositionals: true }, command);
const commands: Command[] = [
  { name: "train", prefix: [], options: train.OPTIONS, typo: ["--seds", "--seeds"], parse: train.parse },
  { name: "plot", prefix: [], options: plot.OPTIONS, typo: ["--bnd", "--band"], parse: loose(plot.OPTIONS, "plot") },
  { name: "deeprm", prefix: ["evaluate"], options: deeprm.EVALUATE_OPTIONS, typo: ["--lods", "--loads"], parse: deeprm.parseEvaluate },
  { name: "deeprm", prefix: ["train"], options: deeprm.TRAIN_OPTIONS, typo: ["--iteration", "--iterations"], parse: deeprm.parseTrain },
  { name: "evaluate", prefix: [], options: evaluate.OPTIONS, typo: ["--episode", "--episodes"], parse: evaluate.parse },
  { name: "cartpole-solve", prefix: [], options: cartpoleSolve.OPTIONS, typo: ["--variant", "--variants"], parse: cartpoleSolve.parse },
  { name: "book", prefix: [], options: book.OPTIONS, typo: ["--notebok", "--notebook"], parse: loose(book.OPTIONS, "book") },
  { name: "grade", prefix: [], options: grade.OPTIONS, typo: ["--job", "--jobs"], parse: grade.parseArgs },
  { name: "assignments", prefix: [], options: assignments.OPTIONS, typo: ["--outt", "--out"], parse: assignments.parseArgs },
];

function npmRun(name: string, args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", `${name}.ts`), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, INIT_CWD: root } });
}

for (const c of commands) {
  const label = [c.name, ...c.prefix].join(" ");
  describe(`npm run ${label}`, () => {
    test("--help exits 0 and lists every option with its default", () => {
      const r = npmRun(c.name, [...c.prefix, "--help"]);
      assert.equal(r.status, 0, r.stderr);
      const listed = optionsHelp(c.options);
      assert.ok(r.stdout.replace(/\s+/g, " ").includes(listed.replace(/\s+/g, " ")), "the option table as optionsHelp writes it");
      for (const [name, o] of Object.entries(c.options)) {
        assert.match(r.stdout, new RegExp(`--${name}\\b`), `--${name}`);
        if (o.type === "string") assert.ok(o.defaultText !== undefined || /required/.test(o.help), `--${name} says its default or that it is required`);
        if (o.defaultText !== undefined) assert.ok(r.stdout.replace(/\s+/g, " ").includes(`(default: ${o.defaultText})`.replace(/\s+/g, " ")), `--${name}'s default`);
      }
    });

    test("a misspelt option gets 'did you mean' and exit code 2", () => {
      const [typo, meant] = c.typo;
      const r = npmRun(c.name, [...c.prefix, typo, ...(c.options[meant.slice(2)].type === "string" ? ["1"] : [])]);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`unknown option ${typo} \\(did you mean ${meant}\\?\\)`));
      assert.match(r.stderr, new RegExp(`See npm run ${c.name} -- --help`));
    });
  });
}

test("every example in every --help is accepted by its command's parser, as written", () => {
  const grading = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-cli-"));
  fs.mkdirSync(path.join(grading, "submissions"));
  const helps: [string, string][] = [
    ["train", train.usage()],
    ["plot", npmRun("plot", ["--help"]).stdout],
    ["deeprm", npmRun("deeprm", ["--help"]).stdout],
    ["evaluate", evaluate.HELP],
    ["cartpole-solve", cartpoleSolve.usage()],
    ["book", npmRun("book", ["--help"]).stdout],
    ["grade", grade.HELP],
    ["assignments", assignments.HELP],
  ];
  let checked = 0;
  for (const [name, help] of helps) {
    const examples = examplesOf(help);
    assert.ok(examples.length >= 1, `${name} --help has examples`);
    for (const example of examples) {
      const words = shellWords(example);
      assert.deepEqual(words.slice(0, 3), ["npm", "run", name], example);
      let args = words.slice(3);
      if (args[0] === "--") args = args.slice(1);
      const command = commands.find((c) => c.name === name && c.prefix.every((p, i) => args[i] === p)) as Command;
      const saved = process.env.INIT_CWD;
      process.env.INIT_CWD = name === "grade" ? grading : root; // grade's examples name a folder of submissions
      try {
        command.parse(args.slice(command.prefix.length));
      } catch (e) {
        assert.fail(`${example}: ${(e as Error).message}`);
      } finally {
        if (saved === undefined) delete process.env.INIT_CWD;
        else process.env.INIT_CWD = saved;
      }
      checked++;
    }
  }
  assert.ok(checked >= 18, `${checked} examples`);
  fs.rmSync(grading, { recursive: true, force: true });
});

test("deeprm: a misspelt sub-command gets a suggestion; rows are labelled with the load they ran at, the JSON keeps the requested one", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  assert.equal(await deeprm.cli(["evalute"], io), 2);
  assert.match(err.join("\n"), /unknown command "evalute" \(did you mean evaluate\?\)/);
  assert.equal(await deeprm.cli(["evaluate", "--loads", "0.5,5", "--jobsets", "2"], io), 0);
  const rows = out.join("\n").split("\n").filter((l) => /^\d/.test(l));
  assert.match(rows[0], /^0\.5 /);
  assert.match(rows[1], /^1\.845 \(asked 5\) /, "load 5 ran at 1.845");
  out.length = 0;
  assert.equal(await deeprm.cli(["evaluate", "--loads", "5", "--jobsets", "2", "--json"], io), 0);
  assert.deepEqual(Object.keys(JSON.parse(out[out.length - 1])), ["5"]);
});

test("file-reading options name themselves in their errors: deeprm --policy and --resume", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-cli-"));
  const bad = path.join(dir, "policy.json");
  fs.writeFileSync(bad, JSON.stringify({ kind: "Nonsense" }));
  const err: string[] = [];
  const io = { out: () => {}, err: (l: string) => err.push(l) };
  assert.equal(await deeprm.cli(["evaluate", "--policy", bad, "--jobsets", "1"], io), 1);
  assert.match(err.join("\n"), new RegExp(`--policy ${bad}: `));
  fs.writeFileSync(bad, "{ half");
  assert.throws(() => deeprm.parseTrain(["--resume", bad]), new RegExp(`--resume ${bad}: not valid JSON`));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("train --help lists only the config fields each algorithm accepts", () => {
  const a3c = train.usage("a3c");
  const fields = a3c.split("a3c (A3CConfig")[1];
  for (const rejected of ["qCritic", "optimizer", "sde", "normalizeObservations", "scaleRewards"]) assert.doesNotMatch(fields, new RegExp(`^  ${rejected} `, "m"), rejected);
  assert.match(fields, /^ {2}workers /m);
  assert.match(train.usage("a2c"), /^ {2}qCritic /m, "a2c lists its own");
});

test("plot: runs of different environments on one axis get a warning, and each run's environment in its name", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-cli-"));
  // The shipped Pendulum run, and a copy of it that says it ran on CartPole-v1.
  const other = path.join(dir, "cartpole-run");
  fs.cpSync(path.join(root, "data", "pendulum-a2c"), other, { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(other, "config.json"), "utf8"));
  fs.writeFileSync(path.join(other, "config.json"), JSON.stringify({ ...config, env: "CartPole-v1", config: { ...config.config, env: "CartPole-v1" } }));
  const out = path.join(dir, "plot.html");
  const r = npmRun("plot", [path.join(root, "data", "pendulum-a2c"), other, "--out", out, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: these runs are of 2 environments \(Pendulum-v1, CartPole-v1\), drawn on one axis/);
  const drawn = JSON.parse(r.stdout.trim().split("\n").pop() as string);
  assert.deepEqual(drawn.runs.map((x: { name: string }) => x.name), ["pendulum-a2c (Pendulum-v1)", "cartpole-run (CartPole-v1)"]);
  assert.match(fs.readFileSync(out, "utf8"), /Different environments<\/b> \(Pendulum-v1, CartPole-v1\) share this axis/);
  // One environment: no warning, plain names.
  const single = npmRun("plot", [path.join(root, "data", "pendulum-a2c"), "--out", out, "--quiet"]);
  assert.equal(single.status, 0, single.stderr);
  assert.equal(single.stderr + single.stdout, "");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("train --config: a bad field in the file is reported with the option and the file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-cli-"));
  const file = path.join(dir, "tuned.json");
  fs.writeFileSync(file, JSON.stringify({ algo: "a2c", env: "CartPole-v1", seeds: [0], config: { lr: -1 } }));
  assert.throws(() => train.parse(["--config", file]), (e: Error) => e.message.startsWith(`--config ${file}: `) && /lr/.test(e.message));
  fs.writeFileSync(file, "{");
  assert.throws(() => train.parse(["--config", file]), new RegExp(`--config ${file}: .* is not valid JSON`));
  fs.rmSync(dir, { recursive: true, force: true });
});
