#!/usr/bin/env node
/**
 * Makes `notebooks/lib` point at `src/`, so that notebooks import the library with
 * `import * as pg from "./lib/index";`.
 *
 * Why a link: tslab compiles every imported file with the notebook's folder as TypeScript's rootDir,
 * so `../src/...` cannot be imported (tslab issue #63); a link inside `notebooks/` can. The link is
 * made here, at `npm install` time, and never committed: a committed symlink becomes a text file on
 * Windows checkouts. On Windows it is a directory junction, which needs no administrator rights.
 * Because the link points at the real `src/`, edits there take effect when the import cell is re-run.
 * Runs on every `npm install` / `npm ci`; safe to run again (`node scripts/link-lib.js`).
 */
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const target = path.join(root, "src");
const link = path.join(root, "notebooks", "lib");

function pointsAtSrc() {
  try {
    return fs.realpathSync(link) === fs.realpathSync(target);
  } catch {
    return false;
  }
}

if (!fs.existsSync(path.join(root, "notebooks"))) process.exit(0); // installed as a dependency
if (!pointsAtSrc()) {
  let stat = null;
  try {
    stat = fs.lstatSync(link);
  } catch {
    /* nothing there yet */
  }
  if (stat && !stat.isSymbolicLink() && stat.isDirectory()) {
    console.error(`link-lib: ${link} is a real folder; move it away so that it can become a link to ${target}.`);
    process.exit(1);
  }
  if (stat) fs.rmSync(link, { force: true }); // a stale link, or a text file left by a Windows checkout
  if (process.platform === "win32") fs.symlinkSync(target, link, "junction");
  else fs.symlinkSync(path.relative(path.dirname(link), target), link, "dir");
}
console.log(`link-lib: notebooks/lib -> ${path.relative(root, fs.realpathSync(link)) || "."}`);
