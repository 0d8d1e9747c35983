/**
 * Notebook 05's checks bite. Each test plants one realistic bug in a copy of the library code the
 * notebook stands on (an off-by-one in an estimator, a wrong normaliser in the exact theorem, a critic
 * target that forgets its max), runs the notebook in quick mode through tslab (the copy's
 * scripts/run-notebook.ts), and asserts that it stops with the error of the check that guards that
 * code: not a time-out, not a compile error, not another cell.
 *
 * The bug goes into the copy's source and, through TypeScript's single-file transpiler, into the
 * copy's compiled dist/lib (the full build takes seconds; the test first checks that the transpiler
 * reproduces the build's output for each unmodified file).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import * as ts from "typescript";

const root = path.join(__dirname, "..", "..");
const NOTEBOOK = "05-policy-gradient-theorem.ipynb";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const loader = require(path.join(root, "tools", "lib-loader.js")) as { isStale(): boolean; build(o?: { quiet?: boolean }): void };

interface Bug {
  name: string;
  /** Library file under src/, and the exact code the bug replaces (must occur exactly once). */
  file: string;
  from: string;
  to: string;
  /** The message of the check expected to stop the notebook. */
  caughtBy: RegExp;
}

const BUGS: Bug[] = [
  {
    name: "off-by-one: the reward-to-go of a segment starts one reward late",
    file: "estimators/returns.ts",
    from: "if (restart) g = 0;\n    out[k] = g = rewards[k] + gamma * g;",
    to: "if (restart) g = 0;\n    out[k] = g;\n    g = rewards[k] + gamma * g;",
    caughtBy: /psi = R_t: a parameter's mean is [\d.]+ standard errors from the exact value/,
  },
  {
    name: "wrong normaliser: the theorem's sum weights states by d instead of the visits eta",
    file: "exact/theorem.ts",
    from: 'const w = weighting === "visits" ? e.visits : e.distribution;',
    to: "const w = e.distribution;",
    caughtBy: /the single-transition gradient is not grad J \/ Z/,
  },
  {
    name: "wrong target: the Q-learning critic bootstraps from the action taken instead of the max",
    file: "critics/train.ts",
    from: "const max = maxOf(b.observations, b.rows);",
    to: "const max = Float64Array.from({ length: b.rows }, (_, k) => critic.qRows(b.observations.subarray(k, k + 1), 1)[b.actions[k]]);",
    caughtBy: /the Q-learning critic should estimate Q\*/,
  },
];

const options = (() => {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.lib.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error("tsconfig.lib.json could not be read");
  return parsed.options;
})();
const transpile = (source: string, file: string) => ts.transpileModule(source, { compilerOptions: options, fileName: file }).outputText;
const compiled = (dir: string, file: string) => path.join(dir, "dist", "lib", file.replace(/\.ts$/, ".js"));

/** A copy of the project (sources, compiled library, scripts, notebook 05) sharing node_modules. */
function copyProject(to: string): void {
  for (const dir of ["src", "scripts", "tools", path.join("dist", "lib")]) fs.cpSync(path.join(root, dir), path.join(to, dir), { recursive: true, preserveTimestamps: true });
  fs.mkdirSync(path.join(to, "notebooks"));
  for (const f of [NOTEBOOK, "pglab.ts"]) fs.copyFileSync(path.join(root, "notebooks", f), path.join(to, "notebooks", f));
  for (const f of ["package.json", "tsconfig.json", "tsconfig.lib.json"]) fs.copyFileSync(path.join(root, f), path.join(to, f));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(to, "node_modules"), "junction");
}

describe(`notebooks/${NOTEBOOK}: planted bugs stop it at the check that guards the code`, () => {
  before(() => {
    if (loader.isStale()) loader.build({ quiet: true });
    for (const bug of BUGS) {
      const source = fs.readFileSync(path.join(root, "src", bug.file), "utf8");
      assert.equal(source.split(bug.from).length, 2, `${bug.file}: the code to replace must occur exactly once: ${bug.from}`);
      assert.equal(transpile(source, bug.file), fs.readFileSync(compiled(root, bug.file), "utf8"), `the transpiler does not reproduce dist/lib for ${bug.file}`);
    }
  });

  for (const bug of BUGS) {
    test(bug.name, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-bug-"));
      try {
        copyProject(dir);
        const file = path.join(dir, "src", bug.file);
        const buggy = fs.readFileSync(file, "utf8").replace(bug.from, bug.to);
        fs.writeFileSync(file, buggy);
        fs.writeFileSync(compiled(dir, bug.file), transpile(buggy, bug.file));
        const later = new Date(Date.now() + 60_000); // the copy's build counts as newer than its sources: no rebuild
        fs.utimesSync(path.join(dir, "dist", "lib", ".built"), later, later);
        const r = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, "scripts", "run-notebook.ts"), path.join(dir, "notebooks", NOTEBOOK)], {
          cwd: dir,
          env: { ...process.env, PG_QUICK: "1" },
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
          timeout: 600_000,
        });
        assert.ok(!r.error, `the run did not finish: ${r.error?.message}`);
        const last = r.stdout.trim().split("\n").pop() ?? "";
        let result: { ok: boolean; error?: { message: string; firstLine: string } };
        try {
          result = JSON.parse(last);
        } catch {
          return assert.fail(`the runner printed no result (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
        }
        assert.equal(result.ok, false, "the notebook ran to the end with the bug planted");
        assert.match(result.error?.message ?? "", bug.caughtBy, `stopped elsewhere: \`${result.error?.firstLine}\`: ${result.error?.message}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
