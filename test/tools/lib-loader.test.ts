/**
 * The notebooks' loader (tools/lib-loader.js) on a copy of the project: it compiles src/ when dist/lib
 * is missing, and an edit in src/ reaches the same `pg` object at its next use, without a new import.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

const root = path.join(__dirname, "..", "..");

test("an edit in src/ is compiled and visible through the same pg object", () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-loader-"));
  fs.cpSync(path.join(root, "src"), path.join(copy, "src"), { recursive: true });
  for (const f of ["package.json", "tsconfig.json", "tsconfig.lib.json"]) fs.copyFileSync(path.join(root, f), path.join(copy, f));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "junction");
  const script = `
    const fs = require("fs");
    const path = require("path");
    const loader = require(${JSON.stringify(path.join(root, "tools", "lib-loader.js"))});
    const pg = loader.load();
    const before = typeof pg.__probe;
    const index = path.join(process.env.PGLAB_ROOT, "src", "index.ts");
    fs.appendFileSync(index, "\\nexport const __probe = 42;\\n");
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(index, future, future);
    const until = Date.now() + 1100;
    while (Date.now() < until) {} // past the loader's once-per-second check
    console.log(JSON.stringify({ before, after: pg.__probe, rngWorks: new pg.Rng(1).random() < 1 }));
  `;
  const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, PGLAB_ROOT: copy }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
  assert.deepEqual(result, { before: "undefined", after: 42, rngWorks: true });
  assert.ok(fs.existsSync(path.join(copy, "dist", "lib", "index.d.ts")), "declarations for tslab");
  fs.rmSync(copy, { recursive: true, force: true });
});

test("a compile error in src/ is reported with the compiler's message", () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-loader-"));
  fs.cpSync(path.join(root, "src"), path.join(copy, "src"), { recursive: true });
  for (const f of ["package.json", "tsconfig.json", "tsconfig.lib.json"]) fs.copyFileSync(path.join(root, f), path.join(copy, f));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "junction");
  fs.appendFileSync(path.join(copy, "src", "index.ts"), "\nexport const broken: number = \"text\";\n");
  const r = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(path.join(root, "tools", "lib-loader.js"))}).load()`], {
    env: { ...process.env, PGLAB_ROOT: copy },
    encoding: "utf8",
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /does not compile; fix these errors/);
  assert.match(r.stderr, /src\/index\.ts.*Type 'string' is not assignable to type 'number'/);
  fs.rmSync(copy, { recursive: true, force: true });
});

test("formatError: the message first, source paths relative to the project, the kernel's frames left out", () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { formatError } = require(path.join(root, "tools", "lib-loader.js")) as { formatError: (e: Error) => string };
  const e = new RangeError("a2c: config.lr must be a positive number; received -1.");
  e.stack = [
    `${root}/dist/lib/algorithms/config.js:22`,
    "    throw new RangeError(`...`);",
    "    ^",
    "",
    "RangeError: a2c: config.lr must be a positive number; received -1.",
    `    at fail (${root}/src/algorithms/config.ts:8:9)`,
    `    at resolveA2CConfig (${root}/src/algorithms/a2c.ts:97:17)`,
    "    at evalmachine.<anonymous>:3:33",
    "    at evalmachine.<anonymous>:5:3",
    "    at Script.runInThisContext (node:vm:137:12)",
    `    at Object.execute (${root}/node_modules/tslab/dist/executor.js:160:38)`,
    `    at JupyterHandlerImpl.handleExecute (${root}/node_modules/tslab/dist/jupyter.js:250:38)`,
  ].join("\n");
  assert.equal(
    formatError(e),
    [
      "RangeError: a2c: config.lr must be a positive number; received -1.",
      "    at fail (src/algorithms/config.ts:8:9)",
      "    at resolveA2CConfig (src/algorithms/a2c.ts:97:17)",
      "    at the notebook cell",
    ].join("\n"),
  );
});

test("in a notebook, a library error shows its message first and stack lines in src/*.ts", () => {
  // A notebook folder beside a link to this project's build, run by the project's notebook runner.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-nb-error-"));
  fs.mkdirSync(path.join(dir, "notebooks"));
  fs.copyFileSync(path.join(root, "notebooks", "pglab.ts"), path.join(dir, "notebooks", "pglab.ts"));
  for (const link of ["dist", "tools", "node_modules"]) fs.symlinkSync(path.join(root, link), path.join(dir, link), "junction");
  const cell = (source: string) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null });
  const nb = {
    cells: [cell('import { pg } from "./pglab";'), cell("const gamma = 0.99;\nawait pg.a2c({ lr: -1, gamma: gamma });")],
    metadata: { kernelspec: { name: "pglab", display_name: "TypeScript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const file = path.join(dir, "notebooks", "error.ipynb");
  fs.writeFileSync(file, JSON.stringify(nb));
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "run-notebook.ts"), file], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.notEqual(r.status, 0);
  const start = r.stderr.indexOf("RangeError: a2c: config.lr must be a positive number; received -1.");
  assert.ok(start >= 0, r.stderr.slice(-2000));
  const block = r.stderr.slice(start).trimEnd().split("\n");
  assert.match(block[1], /^ {4}at fail \(src\/algorithms\/config\.ts:\d+:\d+\)$/, "the first stack line is in the TypeScript source");
  assert.ok(block.slice(1).every((l) => /^ {4}at .*\((src\/[\w/-]+\.ts:\d+:\d+)\)$|^ {4}at the notebook cell$/.test(l)), block.join("\n"));
  assert.equal(block.at(-1), "    at the notebook cell");
  assert.ok(!r.stderr.includes("dist/lib/") && !r.stderr.includes("node_modules/tslab"), "no compiled or kernel frames");
  fs.rmSync(dir, { recursive: true, force: true });
});
