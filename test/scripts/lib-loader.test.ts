/**
 * The notebooks' loader (scripts/lib-loader.js) on a copy of the project: it compiles src/ when dist/lib
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
    const loader = require(${JSON.stringify(path.join(root, "scripts", "lib-loader.js"))});
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
  const r = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(path.join(root, "scripts", "lib-loader.js"))}).load()`], {
    env: { ...process.env, PGLAB_ROOT: copy },
    encoding: "utf8",
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /does not compile; fix these errors/);
  assert.match(r.stderr, /src\/index\.ts.*Type 'string' is not assignable to type 'number'/);
  fs.rmSync(copy, { recursive: true, force: true });
});
