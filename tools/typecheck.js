#!/usr/bin/env node
/**
 * `npm run typecheck`: the strict type check of the notebooks' loader config and of the library, with
 * the project's own TypeScript (the devDependency), never the `tsc` that happens to be first on the
 * PATH: `node_modules/.bin/tsc` is tslab's bundled TypeScript 5.0.4, which misses errors that the
 * compiler building the library (lib-loader) reports.
 */
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
const expected = require(path.join(root, "package.json")).devDependencies.typescript;
const actual = require(require.resolve("typescript/package.json", { paths: [root] })).version;
if (actual !== expected) {
  console.error(`typecheck: the project's TypeScript is ${expected} (package.json), but ${actual} was found at ${path.dirname(tsc)}: run npm install`);
  process.exit(1);
}
for (const project of ["tsconfig.json", "tsconfig.lib.json"]) {
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "-p", project], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
