/**
 * The library as a package, from a scratch project outside the clone: `npm install CLONE` (npm links
 * the folder; offline, well under a second), then the README's "From a script" programs run with
 * `npx tsx` as .mts, .ts and .js files, plain node runs a .mjs and a require()ing .js file, and the
 * package's types check the programs under TypeScript's node16 rules (ESM and CommonJS).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";

const root = path.join(__dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");

/** The README's "From a script" code blocks that start with a `// FILE` line, by file name. */
function readmePrograms(): Map<string, string> {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.split("\n## From a script\n")[1]?.split("\n## ")[0];
  assert.ok(section, "README has a '## From a script' section");
  const programs = new Map<string, string>();
  for (const m of section.matchAll(/```ts\n\/\/ (\S+)\n([\s\S]*?)```/g)) programs.set(m[1], m[2]);
  return programs;
}

let scratch = "";
const env = { ...process.env, PG_QUICK: "1" };

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { cwd: scratch, env, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `${path.basename(command)} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-package-"));
  fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", version: "1.0.0", private: true }));
  run("npm", ["install", "--no-audit", "--no-fund", "--offline", "--ignore-scripts", root]);
  const programs = readmePrograms();
  assert.deepEqual([...programs.keys()].sort(), ["train.mts", "train.ts"]);
  for (const [file, text] of programs) fs.writeFileSync(path.join(scratch, file), text);
});

after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("the README's .mts program (top-level await) runs with npx tsx and saves a policy", () => {
  const out = run(tsx, ["train.mts"]);
  assert.match(out, /^A2C on CartPole-v1: \d+ env steps, mean return of the last 100 episodes \d+\.\d$/m);
  const saved = JSON.parse(fs.readFileSync(path.join(scratch, "cartpole-policy.json"), "utf8"));
  assert.equal(typeof saved, "object");
});

test("the README's .ts program (async main, CommonJS) runs with npx tsx, and as a .js file too", () => {
  const out = run(tsx, ["train.ts"]);
  assert.match(out, /^REINFORCE, seed 0: \d+ env steps/m);
  assert.match(out, /^REINFORCE, seed 1: \d+ env steps/m);
  // The same program without its two type annotations is JavaScript.
  const js = fs.readFileSync(path.join(scratch, "train.ts"), "utf8").replace(": Promise<void>", "");
  fs.writeFileSync(path.join(scratch, "train.js"), js);
  assert.equal(run(tsx, ["train.js"]), out, "same seeds, same numbers");
});

test("plain node imports the package from an ES module and requires it from CommonJS", () => {
  const program = (load: string) => `${load}\nconsole.log(typeof pg.a2c, new pg.Rng(7).random(), Object.keys(pg).includes("rowIndex"));\n`;
  fs.writeFileSync(path.join(scratch, "check.mjs"), program(`import { pg } from "policy-gradient-lab";`));
  fs.writeFileSync(path.join(scratch, "check.js"), program(`const { pg } = require("policy-gradient-lab");`));
  const esm = run(process.execPath, ["check.mjs"]);
  assert.match(esm, /^function 0\.\d+ false$/m, "the public API, without internals");
  assert.equal(run(process.execPath, ["check.js"]), esm);
});

test("the package's types check both programs (node16 modules: ESM and CommonJS)", () => {
  fs.writeFileSync(
    path.join(scratch, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "node16", target: "es2022", strict: true, noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [path.join(root, "node_modules", "@types")] }, files: ["train.mts", "train.ts", "wrong.mts"] }),
  );
  // (A user's project has @types/node for `process`; the clone's serves here.) A wrong use must be
  // reported, so the check can fail.
  fs.writeFileSync(path.join(scratch, "wrong.mts"), `import { pg, type IterationStats } from "policy-gradient-lab";\nexport const n: number = pg.make("CartPole-v1");\nexport const s: IterationStats | null = null;\n`);
  const r = spawnSync(process.execPath, [tsc, "-p", "."], { cwd: scratch, encoding: "utf8" });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  const errors = r.stdout.trim().split("\n");
  assert.equal(errors.length, 1, r.stdout);
  assert.match(errors[0], /^wrong\.mts\(2,14\): error TS2322: Type 'TimeLimit<CartPole>' is not assignable to type 'number'/);
});
