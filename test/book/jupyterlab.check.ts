/**
 * Part of `npm run book:check`: every executed notebook of the book (dist/book/executed/, from
 * `npm run book`) as a JupyterLab 4 user sees it, rendered by JupyterLab's own rendermime registry,
 * standard renderers, sanitizer, output area and MathJax typesetter (bundled from the npm packages
 * by tools/jupyterlab-harness.js) in headless Chromium, in two modes:
 * - live: outputs arrive as kernel messages in a running session (trusted): every figure is drawn
 *   by plotly, every animation plays, all math is typeset;
 * - reopened: the saved notebook opened from disk (untrusted, sanitised, no scripts run): every
 *   figure and animation shows a static picture or a visible note saying to re-run the cell, never
 *   an empty box.
 * Both: no output that renders as nothing, no renderer or script errors.
 * A recorded session of the library's display code (a live training view that updates in place,
 * sent first in the session and again later, a figure, an animation) goes through the same path.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { PLOTLY_LOADER_ATTR, PLOTLY_MIME } from "../../src/plot/display";
import { ROOT, readNotebook } from "../../scripts/notebooks";
import { findChromium, renderedDomAsync } from "./chromium";
import { type HarnessResult, type InputCell, type Mode, type VsCodeResult, cellsOf, inBatches, measure, resultOf, writePage, writeVsCodePage } from "./jupyterlab/pages";
import { type Session, recordSession } from "./jupyterlab/session";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { buildHarness } = require("../../tools/jupyterlab-harness.js") as { buildHarness: (dir: string) => Promise<{ js: string }> };

const EXECUTED = path.join(ROOT, "dist", "book", "executed");
const OUT = path.join(ROOT, "dist", "jupyterlab-check");
const MODES: Mode[] = ["live", "reopened"];

if (!fs.existsSync(EXECUTED)) throw new Error(`${EXECUTED} not found: build the book first with "npm run book".`);
const names = fs
  .readdirSync(EXECUTED)
  .filter((f) => f.endsWith(".ipynb"))
  .map((f) => f.slice(0, -".ipynb".length))
  .sort();

const SESSION = "library-session";
const results = new Map<string, HarnessResult>();
const key = (name: string, mode: Mode) => `${name}.${mode}`;
const notebookCells = new Map<string, InputCell[]>();
let session: Session;
let vscode: VsCodeResult[] = [];
const started = performance.now();

/** Every figure output (its plotly JSON part) of the executed notebooks and the recorded session. */
function figureOutputs(): { name: string; cell: number; title: string; json: Record<string, unknown> }[] {
  return [...notebookCells.entries(), [SESSION, session.cells] as const].flatMap(([name, cells]) =>
    cells.flatMap((c) =>
      c.type === "code"
        ? c.outputs
            .filter((o) => o.data && PLOTLY_MIME in o.data)
            .map((o) => {
              const json = o.data![PLOTLY_MIME] as Record<string, unknown>;
              return { name, cell: c.index, title: (json.layout as { title?: { text?: string } })?.title?.text ?? "", json };
            })
        : [],
    ),
  );
}

before(async () => {
  const chromium = findChromium();
  fs.rmSync(OUT, { recursive: true, force: true });
  await buildHarness(OUT);
  session = await recordSession();
  const pages: { name: string; mode: Mode; file: string }[] = [];
  for (const name of names) notebookCells.set(name, cellsOf(readNotebook(path.join(EXECUTED, `${name}.ipynb`))));
  for (const [name, cells] of [...notebookCells.entries(), [SESSION, session.cells] as const]) {
    for (const mode of MODES) pages.push({ name, mode, file: writePage(OUT, name, mode, cells) });
  }
  const vscodePage = writeVsCodePage(OUT, figureOutputs());
  const measured = await inBatches<HarnessResult | VsCodeResult[]>(
    [
      ...pages.map((p) => () => measure(chromium, p.file)),
      async () => resultOf(await renderedDomAsync(chromium, vscodePage, { virtualTimeMs: 60_000 }), vscodePage) as VsCodeResult[],
    ],
    2,
  );
  pages.forEach((p, i) => results.set(key(p.name, p.mode), measured[i] as HarnessResult));
  vscode = measured[pages.length] as VsCodeResult[];
});

after(() => {
  if (results.size === 0) return;
  const rows = [...results.values()].map((r) => {
    const count = (s: string) => r.figures.filter((f) => f.state === s).length;
    const shown = r.mode === "live" ? `${count("drawn")} drawn` : `${count("picture")} picture, ${count("note")} note`;
    return `  ${r.name.padEnd(20)} ${r.mode.padEnd(9)} figures: ${shown} of ${r.figures.length} sent; empty ${count("empty")}; ` +
      `animations ${r.animations.filter((a) => a.state !== "broken").length}/${r.animations.length}; math ${r.math.typeset}/${r.math.expected}`;
  });
  const ok = vscode.filter((v) => v.drawn && !v.error && v.invalid.length === 0).length;
  const legends = vscode.filter((v) => v.legendNotValidated).length;
  rows.push(`  VS Code (plotly.js 2 on the plotly JSON alone): ${ok} of ${vscode.length} figures valid and drawn (${legends} legends not validated: plotly.js 2's validator throws on them)`);
  console.log(`JupyterLab check (${((performance.now() - started) / 1000).toFixed(1)} s):\n${rows.join("\n")}`);
});

function get(name: string, mode: Mode): HarnessResult {
  const r = results.get(key(name, mode));
  assert.ok(r, `${name} (${mode}) was not measured`);
  assert.equal(r.fatal, undefined, `${name} (${mode}): the harness failed: ${r.fatal}`);
  return r;
}

function commonChecks(r: HarnessResult): void {
  const where = `${r.name} (${r.mode})`;
  assert.deepEqual(r.errors, [], `${where}: errors in the page`);
  assert.deepEqual(r.renderErrors, [], `${where}: outputs that JupyterLab could not render`);
  assert.deepEqual(r.emptyOutputs, [], `${where}: outputs that render as an empty box`);
  assert.equal(r.math.errors, 0, `${where}: MathJax reported an error in a formula`);
  assert.equal(r.math.typeset, r.math.expected, `${where}: ${r.math.typeset} of ${r.math.expected} math expressions typeset`);
  assert.deepEqual(r.figures.filter((f) => f.mismatch), [], `${where}: drawn figures that do not show the data of their output`);
  assert.equal(r.leakedPlots, 0, `${where}: ${r.leakedPlots} of ${r.removedPlots} plots removed from the page were not purged (a live view leaks)`);
}

for (const name of names) {
  describe(`${name} in JupyterLab`, () => {
    test("live session: every figure drawn, every animation plays, all math typeset", () => {
      const r = get(name, "live");
      commonChecks(r);
      const notDrawn = r.figures.filter((f) => f.state !== "drawn");
      assert.deepEqual(notDrawn, [], `${name}: ${r.figures.length - notDrawn.length} of ${r.figures.length} figures drawn`);
      assert.deepEqual(r.animations.filter((a) => a.state !== "plays"), [], `${name}: animations that do not play`);
    });
    test("reopened, untrusted: every figure and animation shows a picture or a note to re-run the cell", () => {
      const r = get(name, "reopened");
      commonChecks(r);
      assert.deepEqual(r.figures.filter((f) => f.state !== "picture" && f.state !== "note"), [], `${name}: figures that show neither a picture nor a note`);
      assert.deepEqual(r.animations.filter((a) => a.state !== "picture" && a.state !== "note"), [], `${name}: animations that show neither a picture nor a note`);
    });
  });
}

describe("the library's display code in a JupyterLab session (recorded)", () => {
  test("live: a live view sent first draws and updates in place, then a figure, an animation and a second live view", () => {
    const r = get(SESSION, "live");
    commonChecks(r);
    assert.deepEqual(
      r.figures.map((f) => [f.cell, f.state]),
      [
        [1, "drawn"],
        [2, "drawn"],
        [4, "drawn"],
      ],
    );
    assert.deepEqual(r.animations.map((a) => [a.cell, a.state]), [[3, "plays"]]);
    const updatesOf = (cell: number) => ((session.cells[cell - 1] as Extract<InputCell, { type: "code" }>).messages ?? []).filter((m) => m.msg_type === "update_display_data").length;
    // The throttle decides how many redraws happen (the first view's first draw, which reads
    // plotly.js, is slow, so it may redraw only when it finishes); finish() always sends one.
    assert.ok(updatesOf(1) >= 1 && updatesOf(4) >= 1, `the live views sent ${updatesOf(1)} and ${updatesOf(4)} updates; expected at least 1 each`);
    const updates = updatesOf(1) + updatesOf(4);
    assert.equal(r.removedPlots, updates, `${r.removedPlots} plots replaced in place for ${updates} updates`);
    const points = [1, 4].map((cell) => {
      const c = session.cells.find((x) => x.type === "code" && x.index === cell) as Extract<InputCell, { type: "code" }>;
      return ((c.outputs[0].data![PLOTLY_MIME] as { data: { x: unknown[] }[] }).data[0].x.length);
    });
    assert.deepEqual(points, session.livePoints, "the saved live views hold every point of the run");
  });
  test("saved: the live view that carried plotly.js still carries it after its redraws (reopened trusted notebooks draw)", () => {
    const first = session.cells[0] as Extract<InputCell, { type: "code" }>;
    assert.ok(String(first.outputs[0].data!["text/html"]).includes(`${PLOTLY_LOADER_ATTR}="inline"`));
    const second = session.cells[3] as Extract<InputCell, { type: "code" }>;
    assert.ok(!String(second.outputs[0].data!["text/html"]).includes(PLOTLY_LOADER_ATTR), "the second live view does not send plotly.js again");
  });
  test("reopened, untrusted: notes for the figures, the first frame and a note for the animation", () => {
    const r = get(SESSION, "reopened");
    commonChecks(r);
    assert.deepEqual(r.figures.map((f) => f.state), ["note", "note", "note"]);
    assert.deepEqual(r.animations.map((a) => a.state), ["picture"]);
  });
});

describe("VS Code: every figure's plotly JSON draws on its own", () => {
  test("data and layout only, plain JSON", () => {
    const figures = figureOutputs();
    assert.ok(figures.length > 0);
    for (const f of figures) {
      assert.deepEqual(Object.keys(f.json).sort(), ["data", "layout"], `${f.name}, cell ${f.cell}: the plotly part holds ${Object.keys(f.json).join(", ")}`);
      assert.ok(Array.isArray(f.json.data) && typeof f.json.layout === "object", `${f.name}, cell ${f.cell}: data must be an array, layout an object`);
    }
  });
  test("plotly.js 2 alone (no script sent earlier) validates and draws each one", () => {
    assert.equal(vscode.length, figureOutputs().length, "every figure was tried");
    const bad = vscode.filter((v) => !v.drawn || v.error || v.invalid.length > 0);
    assert.deepEqual(bad, [], `${vscode.length - bad.length} of ${vscode.length} figures valid and drawn by plotly.js 2 alone`);
  });
});
