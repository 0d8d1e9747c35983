/**
 * Runs one notebook's code cells in this process through tslab's own converter and executor (the
 * code the kernel runs, without Jupyter or Python), as the notebook smoke test and the benchmarks
 * need. Usage, from anywhere:
 *
 *   PG_QUICK=1 node --import tsx scripts/run-notebook.ts notebooks/00-setup.ipynb
 *
 * Prints the cells' output, then one JSON line: {"ok", "cells", "figures", "seconds", "error"?}
 * where error = {"cell", "codeCell", "firstLine", "message"}. Exit code 0 if every cell passed.
 * A cell fails on a compile error, a thrown error, or an exception that escapes later (a timer or
 * an unawaited promise) while it or a later cell runs, or within 250 ms after the last cell.
 */
import * as fs from "fs";
import * as path from "path";
import { type Notebook, ROOT, cellSource, errorMessage, firstLine } from "./notebooks";

const file = path.resolve(process.argv[2] || "");
if (!process.argv[2] || !fs.existsSync(file)) {
  console.error(`usage: node --import tsx scripts/run-notebook.ts NOTEBOOK.ipynb (received ${JSON.stringify(process.argv[2])}: not a file)`);
  process.exit(2);
}

/** Stop before running anything: the promised result line with ok false and the reason. */
function refuse(message: string): never {
  process.stdout.write("\n" + JSON.stringify({ ok: false, error: { cell: "notebook", message }, cells: 0, figures: 0, displays: 0, seconds: 0 }) + "\n");
  process.exit(1);
}

function readNotebook(): Notebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    refuse(`${file} is not a notebook: it is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const cells = (parsed as { cells?: unknown })?.cells;
  if (parsed === null || typeof parsed !== "object" || !Array.isArray(cells)) {
    refuse(`${file} is not a notebook: expected a JSON object with a "cells" list (nbformat 4); found ${parsed === null ? "null" : Array.isArray(parsed) ? "a list" : typeof parsed === "object" ? `keys ${JSON.stringify(Object.keys(parsed as object))}` : typeof parsed}.`);
  }
  cells.forEach((c, i) => {
    const cell = c as { cell_type?: unknown; source?: unknown };
    if (cell === null || typeof cell !== "object" || typeof cell.cell_type !== "string" || !(typeof cell.source === "string" || Array.isArray(cell.source))) {
      refuse(`${file} is not a notebook: cell ${i + 1} needs a "cell_type" and a "source" (a string or a list of strings).`);
    }
  });
  return parsed as Notebook;
}
const nb = readNotebook();
// tslab compiles with the notebook's folder as root, exactly as the kernel started there does.
process.chdir(path.dirname(file));

/* eslint-disable @typescript-eslint/no-var-requires */
const { createConverter } = require(path.join(ROOT, "node_modules/tslab/dist/converter"));
const { createExecutor } = require(path.join(ROOT, "node_modules/tslab/dist/executor"));
const jupyter = require(path.join(ROOT, "node_modules/tslab/dist/jupyter"));
type Bundle = { data?: Record<string, unknown> };

let figures = 0;
let displays = 0;
jupyter.lastWriteDisplayData = (msg: Bundle, update: boolean) => {
  if (!update) displays++;
  if (!update && msg.data && "application/vnd.plotly.v1+json" in msg.data) figures++;
};

let errText = "";
const realErr = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  errText += String(chunk);
  return realErr(chunk, ...rest);
}) as typeof process.stderr.write;

const late: string[] = [];
const keep = (e: unknown) => late.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
process.on("uncaughtException", keep);
process.on("unhandledRejection", keep);

let node: { close(): void } | undefined;
const convs = {
  get node() {
    return (node = node || createConverter({ isJS: false, isBrowser: false }));
  },
  get browser() {
    throw new Error("browser cells are not supported by the smoke runner");
  },
  close() {
    if (node) node.close();
  },
};
const executor = createExecutor(process.cwd(), convs, { log: console.log, error: console.error });

async function main() {
  const started = performance.now();
  let codeCell = 0;
  let result: { ok: boolean; error?: Record<string, unknown> } = { ok: true };
  for (let i = 0; i < nb.cells.length; i++) {
    const cell = nb.cells[i];
    if (cell.cell_type !== "code") continue;
    codeCell++;
    const src = cellSource(cell);
    errText = "";
    const ok = await executor.execute(src);
    const where = { cell: i + 1, codeCell, firstLine: firstLine(src) };
    if (!ok) {
      result = { ok: false, error: { ...where, message: errorMessage(errText) } };
      break;
    }
    if (late.length) {
      result = { ok: false, error: { ...where, message: `an exception escaped from a timer or promise of this or an earlier cell: ${late.join("; ")}` } };
      break;
    }
  }
  if (result.ok) {
    await new Promise((r) => setTimeout(r, 250));
    if (late.length) result = { ok: false, error: { cell: "after the last cell", message: `an exception escaped after a cell finished: ${late.join("; ")}` } };
  }
  executor.close();
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write("\n" + JSON.stringify({ ...result, cells: codeCell, figures, displays, seconds }) + "\n");
  process.exit(result.ok ? 0 : 1);
}

main().catch((e: unknown) => {
  process.stdout.write("\n" + JSON.stringify({ ok: false, error: { cell: "runner", message: e instanceof Error ? e.stack : String(e) } }) + "\n");
  process.exit(1);
});
