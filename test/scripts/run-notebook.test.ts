import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

const root = path.join(__dirname, "..", "..");
const run = (file: string) => spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "run-notebook.ts"), file], { cwd: root, encoding: "utf8" });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop() as string);

test("a file that is not a notebook gives the JSON result line with ok false and the reason", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-nb-"));
  const cases: [string, string, RegExp][] = [
    ["bad.ipynb", "{not json", /is not a notebook: it is not valid JSON/],
    ["empty.ipynb", "{}", /is not a notebook: expected a JSON object with a "cells" list/],
    ["list.ipynb", "[1, 2]", /found a list/],
    ["cell.ipynb", JSON.stringify({ cells: [{ source: "1" }] }), /cell 1 needs a "cell_type" and a "source"/],
  ];
  for (const [name, text, message] of cases) {
    fs.writeFileSync(path.join(dir, name), text);
    const r = run(path.join(dir, name));
    assert.equal(r.status, 1, name);
    const result = lastJson(r.stdout);
    assert.equal(result.ok, false, name);
    assert.match(result.error.message, message, name);
    assert.doesNotMatch(r.stderr, /SyntaxError|TypeError/, name);
  }
});
