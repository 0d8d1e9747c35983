/**
 * Committed notebooks carry no outputs and use the project kernel; every notebook runs in quick mode
 * (PG_QUICK=1) through tslab's own converter and executor (scripts/run-notebook.ts), failing with the
 * notebook, the cell and the error message.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, test } from "node:test";
import { NOTEBOOK_DIR, ROOT, cellSource, countOutputs, listNotebooks, readNotebook } from "../../scripts/notebooks";

const names = listNotebooks();

describe("committed notebooks", () => {
  test("there is a setup notebook", () => assert.ok(names.includes("00-setup"), `notebooks: ${names.join(", ")}`));
  for (const name of names) {
    test(`${name}: no outputs, no execution counts, the project's kernel, the one-line library import`, () => {
      const nb = readNotebook(path.join(NOTEBOOK_DIR, `${name}.ipynb`));
      assert.equal(countOutputs(nb), 0, `${name}.ipynb is committed with outputs: clear them (Edit > Clear Outputs of All Cells)`);
      assert.ok(nb.cells.every((c) => c.cell_type !== "code" || c.execution_count == null), `${name}.ipynb has execution counts`);
      assert.equal((nb.metadata.kernelspec as { name: string }).name, "pglab");
      const firstCode = nb.cells.find((c) => c.cell_type === "code");
      assert.ok(firstCode && /import \{ pg(, type \w+)* \} from "\.\/pglab";/.test(cellSource(firstCode)), 'the first code cell imports the library: import { pg } from "./pglab";');
      assert.ok(firstCode && /\bSEED\b/.test(cellSource(firstCode)), "the first code cell sets SEED");
    });
  }
});

describe("notebooks run in quick mode through tslab", () => {
  for (const name of names) {
    test(name, () => {
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "run-notebook.ts"), path.join(NOTEBOOK_DIR, `${name}.ipynb`)], {
        cwd: ROOT,
        env: { ...process.env, PG_QUICK: "1" },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      const last = r.stdout.trim().split("\n").pop() ?? "";
      let result: { ok: boolean; error?: { cell: number; firstLine: string; message: string } };
      try {
        result = JSON.parse(last);
      } catch {
        assert.fail(`${name}: the runner printed no result (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
      }
      const e = result.error;
      assert.ok(result.ok, e ? `notebooks/${name}.ipynb, cell ${e.cell} (\`${e.firstLine}\`): ${e.message}` : "failed");
    });
  }
});
