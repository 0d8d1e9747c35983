/**
 * The config fields' docs for --help come from the config interfaces themselves (TypeScript's
 * compiler), so a field added to a config type is listed with its doc comment without touching the CLI.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { configDocs, formatConfigHelp } from "../../scripts/config-docs";
import { ESTIMATORS, NAMED_FIELDS } from "../../src/algorithms/builtins";
import { resolveConfig } from "../../src/algorithms/registry";

test("fields, types and doc comments are read from the config types, across files and extends", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-docs-"));
  fs.writeFileSync(
    path.join(dir, "registry.ts"),
    `import type { FooConfig } from "./foo";\nexport interface AlgorithmConfigs {\n  foo: FooConfig;\n}\n`,
  );
  fs.writeFileSync(
    path.join(dir, "foo.ts"),
    [
      `interface Common {`,
      `  /** Seed of everything (default 0). */`,
      `  seed?: number;`,
      `}`,
      `export interface FooConfig extends Common {`,
      `  /**`,
      `   * Learning rate`,
      `   * of the actor (default 0.1).`,
      `   */`,
      `  lr?: number;`,
      `  /** psi_t as a function of the step. */`,
      `  psi?: (t: number) => number;`,
      `  mode?: "a" | "b";`,
      `}`,
    ].join("\n"),
  );
  const [foo] = configDocs(path.join(dir, "registry.ts"));
  assert.equal(foo.algorithm, "foo");
  assert.equal(foo.typeName, "FooConfig");
  assert.deepEqual(
    foo.fields.map((f) => [f.name, f.type, f.doc]).sort(),
    [
      ["lr", "number", "Learning rate of the actor (default 0.1)."],
      ["mode", '"a" | "b"', ""],
      ["psi", "(t: number) => number", "psi_t as a function of the step."],
      ["seed", "number", "Seed of everything (default 0)."],
    ],
  );
  const help = formatConfigHelp(foo, { lr: 0.1, psi: (t: number) => t, mode: "a", seed: 0 }, 80, { seed: "--seeds" });
  const line = (name: string) => help.split("\n").find((l) => l.trimStart().startsWith(name + " ")) ?? "";
  assert.match(line("lr"), /^ {2}lr +0\.1 +Learning rate of the actor \(default 0\.1\)\.$/);
  assert.match(line("mode"), /"a" +\("a" \| "b"\)$/, "a field without a doc shows its type");
  assert.match(line("psi"), /function +psi_t as a function of the step\.$/);
  assert.match(line("seed"), /Seed of everything \(default 0\)\. \[--seeds\]$/);
  assert.throws(() => configDocs(path.join(dir, "foo.ts")), /declares no interface AlgorithmConfigs/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a field that takes built-in names lists every name of the library's table (src/algorithms/builtins.ts)", () => {
  const docs = configDocs();
  for (const [algorithm, fields] of Object.entries(NAMED_FIELDS)) {
    const doc = docs.find((d) => d.algorithm === algorithm);
    assert.ok(doc, algorithm);
    const help = formatConfigHelp(doc, resolveConfig(algorithm, {}), 10_000);
    for (const [field, names] of Object.entries(fields)) {
      const line = help.split("\n").find((l) => l.startsWith(`  ${field} `));
      assert.ok(line?.includes(`[built-in names: ${names.map((n) => JSON.stringify(n)).join(", ")}]`), `${algorithm}.${field}: ${line}`);
    }
  }
  assert.deepEqual(NAMED_FIELDS.a2c.advantage, Object.keys(ESTIMATORS.a2c));
});
