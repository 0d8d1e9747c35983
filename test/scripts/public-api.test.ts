/**
 * `pg`'s members are the public API: every `pg.NAME` the notebooks and the README use is one, and the
 * library's internals (batch row indexing, TF.js variable lookup, argument checks, vectorised kernels,
 * per-algorithm config resolvers) are not.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as pg from "../../src/index";

const root = path.join(__dirname, "..", "..");

function namesUsedIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\bpg\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
}

/** Names src/index.ts exports as types only (the README writes `pg.Segment` in type positions). */
function typeNames(): Set<string> {
  const index = fs.readFileSync(path.join(root, "src", "index.ts"), "utf8");
  return new Set([...index.matchAll(/export type \{([^}]*)\}/g)].flatMap((m) => m[1].split(",").map((n) => n.trim())));
}

test("every pg.NAME in the notebooks and the README is a member of pg", () => {
  const types = typeNames();
  assert.ok(types.has("Segment") && types.has("IterationStats"), "the type exports are read");
  const notebooks = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb"));
  assert.ok(notebooks.length >= 8, "the notebooks are found");
  for (const file of [...notebooks.map((f) => path.join("notebooks", f)), "README.md"]) {
    const used = namesUsedIn(fs.readFileSync(path.join(root, file), "utf8"));
    const missing = [...used].filter((name) => !(name in pg) && !(file === "README.md" && types.has(name)));
    assert.deepEqual(missing, [], `${file} uses pg.${missing[0]}`);
  }
});

test("internals are not members of pg (tests import them from their files)", () => {
  const internals = ["rowIndex", "variableOf", "NO_INFO", "checkAction", "checkState", "checkGamma", "checkMlpConfig", "emptyBatch", "toBatch", "endsAt",
    "episodesOf", "psiOf", "softmaxInto", "drawIndex", "cartPoleKernel", "pendulumKernel", "deepRMKernel", "resolveA2CConfig", "STALL_ITERATIONS", "forcedBackend"];
  assert.deepEqual(internals.filter((name) => name in pg), []);
  // The surface stays one a reader can scan: well under the 132 members it had with the internals.
  const members = Object.keys(pg).length;
  assert.ok(members >= 80 && members <= 100, `${members} members`);
});
