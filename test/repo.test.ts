/** The repository's own text files carry no leftover merge-conflict markers. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const root = path.join(__dirname, "..");

test("no merge-conflict markers in the repository's text files", () => {
  let files: string[];
  try {
    files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
  } catch {
    files = []; // not a git checkout (an exported copy): nothing to check
  }
  const text = files.filter((f) => /\.(ts|js|json|md|ipynb|css|html|sh|yml|yaml)$/.test(f) || f.startsWith(".ci/"));
  const found: string[] = [];
  for (const f of text) {
    const full = path.join(root, f);
    if (!fs.existsSync(full) || fs.statSync(full).size > 5_000_000) continue;
    fs.readFileSync(full, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (/^(<<<<<<< |>>>>>>> |<<<<<<<$|>>>>>>>$)/.test(line)) found.push(`${f}:${i + 1}: ${line}`);
      });
  }
  assert.deepEqual(found, [], `conflict markers left by a merge:\n${found.join("\n")}`);
});
