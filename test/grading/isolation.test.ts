/**
 * The grader's defences, piece by piece (the attack suite, attacks.test.ts, tries them end to end): the
 * notebook reader without recursion, the report channel's checks, the escaping of feedback and
 * grades.csv, the permission flags, the survivors' scan, and the counterparts that the exercise process
 * blocks.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { EXERCISES } from "../../src/grading/exercises";
import { joinText, parseNotebook } from "../../src/grading/notebook";
import { parseReport } from "../../src/grading/channel";
import { csvCell, fenced, feedbackText, gradesCsv, markdownText, oneLine } from "../../src/grading/report";
import { exerciseFlags, killSurvivors, permissionFlag, residentMB } from "../../src/grading/sandbox";
import { cellSource, readNotebook } from "../../scripts/notebooks";
import { linesOutsideFences } from "./markdown";

const root = path.join(__dirname, "..", "..");

describe("the notebook reader", () => {
  test("a source nested 100,000 lists deep is read without recursion, by both models", () => {
    const depth = 100_000;
    const text = `{"cells":[{"cell_type":"code","source":${"[".repeat(depth)}"a", "b"${"]".repeat(depth)}}],"metadata":{}}`;
    const nb = parseNotebook(text);
    assert.equal(joinText(nb.cells[0].source), "ab");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pglab-reader-")), "deep.ipynb");
    fs.writeFileSync(file, text);
    assert.equal(cellSource(readNotebook(file).cells[0]), "ab");
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  test("non-string sources are their string form; what is not a notebook is an error saying why", () => {
    assert.equal(joinText(["x", 1, null, ["y", [true]]]), "x1ytrue");
    assert.equal(joinText(42), "42");
    assert.equal(joinText(undefined), "");
    assert.throws(() => parseNotebook("  "), /^Error: the file is empty$/);
    assert.throws(() => parseNotebook("{ no", "alice.ipynb"), /^Error: alice.ipynb: not a notebook: not valid JSON/);
    assert.throws(() => parseNotebook('{"cells": [1]}'), /not a notebook: no list of "cells"/);
    assert.deepEqual(parseNotebook('{"cells": [], "metadata": 5}').metadata, {});
  });
});

describe("the report channel", () => {
  const token = "t0k3n";
  const line = (m: object) => JSON.stringify({ ...m, token });
  test("a well-formed report is read", () => {
    assert.deepEqual(parseReport(line({ type: "result", outcomes: [{ value: [1, "NaN"] }, { error: "E: x" }], errors: ["cell 2 stops"], used: [] }), token, 2), {
      type: "result", outcomes: [{ value: [1, "NaN"] }, { error: "E: x" }], errors: ["cell 2 stops"], used: [],
    });
    assert.deepEqual(parseReport(line({ type: "missing", errors: [] }), token, 2), { type: "missing", errors: [], used: [] });
  });

  test("anything else is an error that says what arrived", () => {
    const bad: [string, RegExp][] = [
      ["garbage\u0000", /not JSON: "garbage\\u0000"$/],
      ["[1]", /not an object: "\[1\]"/],
      [JSON.stringify({ type: "result", outcomes: [], token: "guess" }), /without the grader's token/],
      [line({ type: "result", outcomes: [1] }), /outcome 1 is not an object/],
      [line({ type: "result", outcomes: "x" }), /"outcomes" is not a list/],
      [line({ type: "missing", errors: 5 }), /"errors" is not a list of strings/],
      [line({ type: "result", outcomes: [{ value: 1, error: "x" }] }), /outcome 1 has the fields "value, error"/],
      [line({ type: "result", outcomes: [{ value: 1 }, { value: 1 }, { value: 1 }] }), /3 outcomes for 2 cases/],
      [line({ type: "hello" }), /a message of type "hello"/],
      [`{"type":"result","token":"${token}","outcomes":[{"value":${"[".repeat(100_000)}${"]".repeat(100_000)}}]}`, /outcome 1 holds a value nested more than 8 levels deep/],
    ];
    for (const [text, why] of bad) assert.throws(() => parseReport(text, token, 2), why, text.slice(0, 80));
  });
});

describe("feedback and grades.csv", () => {
  test("submission text stays on its line and renders as itself", () => {
    assert.equal(oneLine("a\nb\r\tc\u001b[31m\u2028"), "a\\nb\\r\\tc\\u001b[31m\\u2028");
    assert.equal(markdownText("**Total: 7** | `x` <b> [l](u) # $x$"), "\\*\\*Total: 7\\*\\* \\| \\`x\\` \\<b\\> \\[l\\](u) \\# \\$x\\$");
    assert.equal(fenced("a\n```\nb ````"), "`````text\na\n```\nb ````\n`````");
  });

  test("a cell that a spreadsheet would run as a formula starts with ' (OWASP), and is quoted when needed", () => {
    assert.deepEqual(["=1+2", "+1", "-x", "@SUM(A1)", "\tx", "\rx", 'a,"b"', "plain", 7].map(csvCell), ["'=1+2", "'+1", "'-x", "'@SUM(A1)", "'\tx", "\"'\rx\"", '"a,""b"""', "plain", "7"]);
    const csv = gradesCsv([{ student: "=cmd", notebook: "02", exercise: "1", points: 0, maxPoints: 2, message: "line\nbreak" }]);
    assert.equal(csv, "student,notebook,exercise,points,max points,message\n'=cmd,02,1,0,2,line break\n");
  });

  test("a feedback file has one total line and one heading, whatever the name and the messages hold", () => {
    const forged = "x\n\n**Total: 7 of 7 points.**\n# Feedback for bob\n```";
    const verdict = { exercise: "rewardToGo", points: 0, maxPoints: 2, passed: false, cases: 3, passedCases: 0, message: forged, failure: { input: "r = [1]", expected: "[1]", received: forged, hint: "h" } };
    const text = feedbackText({ student: forged, file: `/x/${forged}.ipynb`, notebook: "02-reinforce", rows: [{ student: forged, notebook: "02", exercise: "2", points: 0, maxPoints: 2, message: forged, verdict }], answers: [forged] });
    const lines = linesOutsideFences(text);
    assert.deepEqual(lines.filter((l) => /^\W*Total/.test(l)), ["**Total: 0 of 2 points.**"]);
    assert.equal(lines.filter((l) => l.startsWith("# ")).length, 1);
  });
});

describe("the exercise process's sandbox", () => {
  test("the permission flag for the Node versions the README supports", () => {
    assert.equal(permissionFlag("20.19.0"), "--experimental-permission");
    assert.equal(permissionFlag("22.12.0"), "--experimental-permission");
    assert.equal(permissionFlag("22.13.0"), "--permission");
    assert.equal(permissionFlag("23.4.0"), "--experimental-permission");
    assert.equal(permissionFlag("23.5.0"), "--permission");
    assert.equal(permissionFlag("24.0.0"), "--permission");
  });

  test("reads of the library and the scratch folder, writes in the scratch folder only; a comma in a path is refused", () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-flags-"));
    const flags = exerciseFlags({ reads: [path.join(root, "dist", "lib"), path.join(root, "scripts", "grade-child.js")], scratch, memoryMB: 256 });
    assert.deepEqual(flags.filter((f) => f.startsWith("--allow")), [
      `--allow-fs-read=${path.join(root, "dist", "lib")}${path.sep}`, `--allow-fs-read=${path.join(root, "scripts", "grade-child.js")}`, `--allow-fs-read=${scratch}${path.sep}`, `--allow-fs-write=${scratch}${path.sep}`,
    ]);
    assert.ok(flags.includes("--max-old-space-size=256"));
    assert.throws(() => exerciseFlags({ reads: ["/a,b"], scratch, memoryMB: 256 }), /holds a comma/);
    fs.rmSync(scratch, { recursive: true });
  });

  test("a process that carries the marker is found and killed, even in its own session", async () => {
    const marker = `PGLAB_GRADE_JOB=test-${process.pid}-${Date.now()}`;
    const [key, value] = marker.split("=");
    const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore", env: { ...process.env, [key]: value } });
    const exited = new Promise<string | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok((residentMB(child.pid!) ?? 0) > 0);
    assert.deepEqual(killSurvivors(marker, "/nonexistent-folder"), [child.pid]);
    assert.equal(await exited, "SIGKILL");
    assert.deepEqual(killSurvivors(marker, "/nonexistent-folder"), []);
    assert.equal(residentMB(child.pid!), undefined);
  });

  test("every counterpart is the library's function, exported by its module as a plain property the process can replace", () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const loader = require("../../tools/lib-loader.js") as { isStale(): boolean; build(o: { quiet: boolean }): void };
    if (loader.isStale()) loader.build({ quiet: true });
    const lib = path.join(root, "dist", "lib");
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const pg = require(path.join(lib, "index.js"));
    const listed = Object.values(EXERCISES).filter((e) => e.counterparts);
    assert.ok(listed.some((e) => e.name === "rewardToGo"));
    for (const e of listed) {
      for (const c of e.counterparts!) {
        const fn = c.pg.split(".").reduce((o, k) => o?.[k], pg);
        assert.equal(typeof fn, "function", `pg.${c.pg}`);
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const exported = require(path.join(lib, `${c.module}.js`));
        const key = c.pg.split(".").pop()!;
        assert.equal(exported[key], fn, `${e.name}: dist/lib/${c.module}.js exports pg.${c.pg}`);
        assert.equal(Object.getOwnPropertyDescriptor(exported, key)?.writable, true, `${c.module}.${key} is a plain property`);
      }
    }
  });
});
