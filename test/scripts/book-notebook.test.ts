/**
 * `npm run book -- --notebook PATH.ipynb [--execute] [--out FILE]`: any notebook to one HTML page that
 * opens offline with nothing beside it; the page, copied alone into an empty folder, draws its figure
 * and typesets its math in headless Chromium. Needs Jupyter's nbconvert (as the book does).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { FIGURE_CLASS, figureBundle } from "../../src/plot/display";
import { findChromium, renderedDom } from "../book/chromium";

const root = path.join(__dirname, "..", "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-book-notebook-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function book(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "book.ts"), ...args], { cwd: root, encoding: "utf8", timeout: 300_000 });
}

function notebook(cells: object[]): string {
  return JSON.stringify({ cells, metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } }, nbformat: 4, nbformat_minor: 5 });
}

const markdown = { cell_type: "markdown", metadata: {}, source: ["# A student's notebook\n", "The objective $J(\\theta) = \\mathbb{E}_{\\tau \\sim \\pi_\\theta}[R(\\tau)]$."] };

test("a notebook with saved outputs becomes one page that draws its figure and typesets its math when copied alone", () => {
  const fig = { data: [{ type: "scatter", x: [0, 1, 2], y: [1, 3, 2], name: "return" }], layout: { title: { text: "a curve" } } };
  const code = { cell_type: "code", execution_count: 1, metadata: {}, source: ["pg.plot.show(fig);"], outputs: [{ output_type: "display_data", metadata: {}, data: figureBundle(fig as never) }] };
  const file = path.join(dir, "submission.ipynb");
  fs.writeFileSync(file, notebook([markdown, code]));
  const out = path.join(dir, "pages", "alice.html");
  const r = book(["--notebook", file, "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const html = fs.readFileSync(out, "utf8");
  const remote = [...html.matchAll(/<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//gi)].map((m) => m[0]);
  assert.deepEqual(remote, [], "nothing is loaded from the network");
  assert.deepEqual([...html.matchAll(/<script[^>]*\bsrc=/g)].length, 0, "no script file beside the page");
  // Alone in an empty folder, in a browser.
  const alone = path.join(fs.mkdtempSync(path.join(dir, "alone-")), "page.html");
  fs.copyFileSync(out, alone);
  const dom = renderedDom(findChromium(), alone);
  assert.match(dom, new RegExp(`class="[^"]*\\b${FIGURE_CLASS}\\b[^"]*\\bjs-plotly-plot\\b`), "plotly drew the figure");
  assert.match(dom, /class="main-svg"/);
  assert.match(dom, /<mjx-container/, "MathJax typeset the formula");
  assert.doesNotMatch(dom, /<mjx-merror/);
});

test("--execute runs the notebook with the project's kernel; the page goes beside it by default", () => {
  const file = path.join(dir, "exercise.ipynb");
  fs.writeFileSync(file, notebook([markdown, { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ['console.log("six times seven is", 6 * 7);'] }]));
  const r = book(["--notebook", file, "--execute"]);
  assert.equal(r.status, 0, r.stderr);
  const html = fs.readFileSync(path.join(dir, "exercise.html"), "utf8");
  assert.match(html, /six times seven is 42/);
  assert.ok(!fs.existsSync(path.join(dir, ".book-exercise.ipynb")), "the executed copy is removed");
});

test("--notebook errors name the option; an unknown chapter gets a suggestion", () => {
  const missing = book(["--notebook", path.join(dir, "nothing.ipynb")]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--notebook .*nothing\.ipynb: no such file/);
  fs.writeFileSync(path.join(dir, "broken.ipynb"), "{ not json");
  const broken = book(["--notebook", path.join(dir, "broken.ipynb")]);
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /--notebook .*broken\.ipynb: not a Jupyter notebook/);
  const chapter = book(["02-reinforse"]);
  assert.equal(chapter.status, 2);
  assert.match(chapter.stderr, /unknown chapter "02-reinforse" \(did you mean 02-reinforce\?\)/);
});
