/**
 * One graded exercise of one submission, run by `npm run grade` in a process of its own: under Node's
 * permission model (no child processes, no workers, reads of the library and this job's scratch folder
 * only, writes in the scratch folder only), with a time and a memory limit. Runs the submission's
 * solution cells (already transpiled to JavaScript), then calls the exercise's function on each case and
 * reports what it returned or threw. It reports values only: the grader compares them with the
 * references in its own process.
 *
 * Before the submission's code runs, the answers are put out of reach: every exercise's reference (and
 * its typical mistakes) and the library's own implementations of the graded function (the exercise's
 * `counterparts`, e.g. pg.rewardToGo) throw "not available while this exercise is graded", and
 * signals to other processes are refused.
 *
 * The report is one line of JSON on file descriptor 3, carrying a token that only this file knows (it
 * arrives in the environment and is removed before the submission runs): the grader ignores anything
 * else on that pipe, except to say that something else arrived.
 *
 * Usage (by scripts/grade.ts): node [permission flags] scripts/grade-child.js JOB.json, fd 3 a pipe.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const Module = require("module");

const ROOT = path.resolve(__dirname, "..");
const LIB = path.join(ROOT, "dist", "lib");
const token = process.env.PGLAB_GRADE_TOKEN;
delete process.env.PGLAB_GRADE_TOKEN;
const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const progressFile = path.join(path.dirname(path.resolve(process.argv[2])), "case");
const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const toBytes = Buffer.from.bind(Buffer);
const exit = process.reallyExit.bind(process);
const { toPlain } = require(path.join(LIB, "grading", "values.js"));

/** The one line the grader reads; whatever the submission did to globals, it is written or nothing is. */
function report(message) {
  // The token is put in by hand: JSON.stringify would show it to a toJSON the submission defined.
  let body;
  try {
    body = stringify(message);
  } catch (e) {
    body = undefined;
  }
  if (typeof body !== "string" || body[0] !== "{") body = '{"type":"unreportable"}';
  const line = `{"token":"${token}"${body.length > 2 ? "," : ""}${body.slice(1)}\n`;
  try {
    const bytes = toBytes(line);
    for (let at = 0; at < bytes.length; ) {
      try {
        at += writeSync(3, bytes, at);
      } catch (e) {
        if (e.code !== "EAGAIN") throw e; // a full pipe: the grader is reading it
      }
    }
  } finally {
    exit(0);
  }
}

// ---- the answers out of reach
const used = new Set();
const unavailable = (label) =>
  function () {
    used.add(label);
    throw new Error(`${label} is not available while this exercise is graded: write it yourself`);
  };
const exercises = require(path.join(LIB, "grading", "exercises.js")).EXERCISES;
for (const e of Object.values(exercises)) {
  e.reference = unavailable(`pg.grading.EXERCISES.${e.name}.reference`);
  for (const m of e.mistakes) m.wrong = unavailable(`pg.grading.EXERCISES.${e.name}.mistakes`);
}
// The library is CommonJS: its modules call each other's exports through the exporting module's
// `exports` object, and `pg` reads through to it, so replacing the export there replaces it everywhere.
for (const c of job.counterparts) {
  const exported = require(path.join(LIB, `${c.module}.js`));
  const key = c.pg.split(".").pop();
  if (typeof exported[key] !== "function") throw new Error(`grading: ${c.module} exports no function ${key} (counterpart pg.${c.pg} of ${job.name})`);
  exported[key] = unavailable(`pg.${c.pg}`);
}
// A module loaded again from its file would bring the originals back: the loaded ones stay in the cache.
for (const file of Object.keys(Module._cache)) {
  Object.defineProperty(Module._cache, file, { value: Module._cache[file], writable: false, configurable: false, enumerable: true });
}
Object.defineProperty(Module, "_cache", { value: Module._cache, writable: false, configurable: false });
// The permission model does not cover signals: a submission must not stop the grader or another student's run.
const noSignals = () => {
  throw new Error("sending signals is not allowed while grading");
};
Object.defineProperty(process, "_kill", { value: noSignals, writable: false, configurable: false });
Object.defineProperty(process, "kill", { value: noSignals, writable: false, configurable: false });

// ---- the notebook's world: pg, tslab, require
let lib;
const loadLib = () => lib || (lib = require(path.join(LIB, "index.js")));
const pglab = Object.defineProperty({}, "pg", { get: loadLib, enumerable: true });
const silent = () => undefined;
const tslab = { display: { html: silent, markdown: silent, latex: silent, svg: silent, png: silent, text: silent, raw: silent }, newDisplay: () => tslab.display };
Object.defineProperty(globalThis, "pg", { get: loadLib, configurable: true });
globalThis.require = (id) => (/^\.{1,2}\/pglab(\.ts)?$/.test(id) ? pglab : id === "tslab" ? tslab : require(id));
globalThis.exports = {};
globalThis.module = { exports: globalThis.exports };

const describe = (e) => {
  try {
    if (!(e instanceof Error)) return typeof e === "string" ? stringify(e) : String(e);
    // the permission model's error does not say what was refused
    const denied = e.code === "ERR_ACCESS_DENIED" ? ` (refused while grading: ${e.permission}${e.resource ? ` ${e.resource}` : ""})` : "";
    return `${e.name}: ${e.message}${denied}`;
  } catch {
    return "(a value that cannot be printed)";
  }
};
const errors = [];
for (const cell of job.cells) {
  try {
    vm.runInThisContext(cell.js, { filename: `cell ${cell.cell + 1}` });
  } catch (e) {
    errors.push(`cell ${cell.cell + 1} stops with ${describe(e)}`);
  }
}
let fn;
try {
  fn = vm.runInThisContext(`typeof ${job.name} === "function" ? ${job.name} : undefined`);
} catch (e) {
  fn = undefined;
}
if (typeof fn !== "function") report({ type: "missing", errors, used: [...used] });
else {
  const outcomes = [];
  for (let k = 0; k < job.cases.length; k++) {
    fs.writeFileSync(progressFile, String(k)); // synchronous: the grader reads it if this case never returns
    try {
      outcomes.push({ value: toPlain(fn(...job.cases[k])) });
    } catch (e) {
      outcomes.push({ error: describe(e) });
    }
  }
  report({ type: "result", outcomes, errors, used: [...used] });
}
