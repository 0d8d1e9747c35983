/**
 * One graded exercise of one submission, run by `npm run grade` in a process of its own (with a time
 * and a memory limit, in a scratch folder). Runs the submission's solution cells (already transpiled to
 * JavaScript), then calls the exercise's function on each case and sends back what it returned or threw.
 * It sends values only: the grader compares them with the references in its own process, so nothing
 * the submission does here (redefining checks, patching the library, printing "PASS", writing files that
 * the grader writes afterwards) can change a grade.
 *
 * Usage (by scripts/grade.ts): node scripts/grade-child.js JOB.json, with an IPC channel.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const ROOT = path.resolve(__dirname, "..");
const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const send = process.send.bind(process);
const progressFile = path.join(path.dirname(path.resolve(process.argv[2])), "case");
const { toPlain } = require(path.join(ROOT, "dist", "lib", "grading", "values.js"));

let lib;
const loadLib = () => lib || (lib = require(path.join(ROOT, "dist", "lib", "index.js")));
const pglab = Object.defineProperty({}, "pg", { get: loadLib, enumerable: true });
const silent = () => undefined;
const tslab = { display: { html: silent, markdown: silent, latex: silent, svg: silent, png: silent, text: silent, raw: silent }, newDisplay: () => tslab.display };
Object.defineProperty(globalThis, "pg", { get: loadLib, configurable: true });
globalThis.require = (id) => (/^\.{1,2}\/pglab(\.ts)?$/.test(id) ? pglab : id === "tslab" ? tslab : require(id));
globalThis.exports = {};
globalThis.module = { exports: globalThis.exports };

const describe = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : `${typeof e === "string" ? JSON.stringify(e) : String(e)}`);
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
if (typeof fn !== "function") {
  send({ type: "missing", errors }, () => process.exit(0));
} else {
  const outcomes = [];
  for (let k = 0; k < job.cases.length; k++) {
    fs.writeFileSync(progressFile, String(k)); // synchronous: the grader reads it if this case never returns
    try {
      outcomes.push({ value: toPlain(fn(...job.cases[k])) });
    } catch (e) {
      outcomes.push({ error: describe(e) });
    }
  }
  send({ type: "result", outcomes, errors }, () => process.exit(0));
}
