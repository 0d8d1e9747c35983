#!/usr/bin/env node
/**
 * `npm test` (after the type check): runs every test/**\/*.test.ts file with Node's built-in test
 * runner and tsx. Node 20's runner does not expand globs itself, hence this small script.
 * Extra arguments are passed to the runner, e.g. `npm test -- --test-name-pattern=rng`.
 */
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full);
    return e.name.endsWith(".test.ts") ? [full] : [];
  });
}
const files = walk(path.join(root, "test")).sort().map((f) => path.relative(root, f));
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...process.argv.slice(2), ...files], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
