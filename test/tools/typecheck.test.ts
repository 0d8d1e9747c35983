/**
 * `npm run typecheck` checks with the project's own TypeScript (the devDependency that lib-loader
 * builds the library with), not the first `tsc` on the PATH (node_modules/.bin/tsc is tslab's bundled
 * 5.0.4, which passed a type error that 5.9 reports).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const root = path.join(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

test("the typecheck script runs tools/typecheck.js, which resolves the devDependency's compiler", () => {
  assert.equal(pkg.scripts.typecheck, "node tools/typecheck.js");
  assert.doesNotMatch(pkg.scripts.typecheck, /(^|\s)tsc\b/, "a bare tsc resolves to whatever is first on the PATH");
  const resolved = require(require.resolve("typescript/package.json", { paths: [root] })).version;
  assert.equal(resolved, pkg.devDependencies.typescript, "require('typescript') from the project root");
});

test("the compiler typecheck.js runs is the devDependency's version", () => {
  const script = fs.readFileSync(path.join(root, "tools", "typecheck.js"), "utf8");
  assert.match(script, /require\.resolve\("typescript\/bin\/tsc"/);
  const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  const r = spawnSync(process.execPath, [tsc, "--version"], { encoding: "utf8" });
  assert.equal(r.stdout.trim(), `Version ${pkg.devDependencies.typescript}`);
});
