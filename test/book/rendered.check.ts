/**
 * `npm run book:check`: opens every page of the built book (dist/book, from `npm run book`) in
 * headless Chromium and checks that it works offline: every plotly figure of the notebook was drawn,
 * math was typeset without errors, and no script or stylesheet comes from the network.
 * Chromium: see ./chromium.ts. test/book/jupyterlab.check.ts checks the executed notebooks as
 * JupyterLab shows them.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { NOTEBOOK_DIR, ROOT, cellSource, readNotebook } from "../../scripts/notebooks";
import { findChromium, renderedDom } from "./chromium";

const BOOK = path.join(ROOT, "dist", "book");

const manifestFile = path.join(BOOK, "manifest.json");
if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} not found: build the book first with "npm run book".`);
const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as {
  figureClass: string;
  chapters: { name: string; title: string; figures: number | null }[];
};
const built = manifest.chapters.filter((c) => fs.existsSync(path.join(BOOK, `${c.name}.html`)));
const chromium = findChromium();

test("the book has an index linking every built chapter, and the shared assets", () => {
  assert.ok(built.length > 0, "no chapter pages were built");
  const index = fs.readFileSync(path.join(BOOK, "index.html"), "utf8");
  for (const c of built) assert.ok(index.includes(`href="${c.name}.html"`), `index.html does not link ${c.name}.html`);
  assert.ok(fs.existsSync(path.join(BOOK, "plotly.min.js")), "plotly.min.js missing next to the pages");
  assert.ok(fs.existsSync(path.join(BOOK, "mathjax", "tex-svg-full.js")), "MathJax missing next to the pages");
});

for (const chapter of built) {
  test(`${chapter.name}: offline, figures drawn, math typeset`, () => {
    const file = path.join(BOOK, `${chapter.name}.html`);
    const html = fs.readFileSync(file, "utf8");
    const remote = [...html.matchAll(/<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//gi)].map((m) => m[0]);
    assert.deepEqual(remote, [], `${chapter.name}.html loads scripts or stylesheets from the network`);

    const dom = renderedDom(chromium, file);
    const figureDivs = [...dom.matchAll(new RegExp(`<div[^>]*class="([^"]*\\b${manifest.figureClass}\\b[^"]*)"`, "g"))];
    const drawn = figureDivs.filter((m) => /\bjs-plotly-plot\b/.test(m[1])).length;
    assert.equal(figureDivs.length, chapter.figures, `${chapter.name}: ${figureDivs.length} figure divs on the page, ${chapter.figures} figures in the notebook`);
    assert.equal(drawn, chapter.figures, `${chapter.name}: plotly drew ${drawn} of ${chapter.figures} figures`);
    assert.equal((dom.match(/class="main-svg"/g) ?? []).length >= drawn, true, `${chapter.name}: a drawn figure has no SVG`);

    const animations = [...dom.matchAll(/<div id="pglab-anim-[^"]*" class="pglab-animation"[\s\S]*?<span class="label"[^>]*>([^<]*)<\/span>/g)];
    const expectedAnimations = (html.match(/class="pglab-animation"/g) ?? []).length;
    assert.equal(animations.length, expectedAnimations, `${chapter.name}: animation controls missing`);
    for (const m of animations) {
      assert.match(m[0], /<div class="frame"><svg/, `${chapter.name}: an animation shows no frame`);
      assert.ok(m[1].trim().length > 0, `${chapter.name}: an animation's script did not run (empty frame label)`);
    }

    const nb = readNotebook(path.join(NOTEBOOK_DIR, `${chapter.name}.ipynb`));
    const hasMath = nb.cells.some((c) => c.cell_type === "markdown" && /\$[^$]+\$/.test(cellSource(c)));
    const typeset = (dom.match(/<mjx-container/g) ?? []).length;
    if (hasMath) assert.ok(typeset > 0, `${chapter.name}: the notebook has math but none was typeset`);
    assert.equal((dom.match(/<mjx-merror/g) ?? []).length, 0, `${chapter.name}: MathJax reported an error in a formula`);
  });
}
