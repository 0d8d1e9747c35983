/** Pieces of the book build (scripts/book.ts) that need no Jupyter: execution counts and the index page. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { indexPage, numberCells } from "../../scripts/book";
import type { Notebook } from "../../scripts/notebooks";

test("numberCells gives code cells In [1], In [2], ... in order and leaves Markdown alone", () => {
  const nb: Notebook = {
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# t" },
      { cell_type: "code", metadata: {}, source: "1", execution_count: null, outputs: [{ output_type: "execute_result", data: {} }] },
      { cell_type: "code", metadata: {}, source: "2", execution_count: null, outputs: [{ output_type: "stream", name: "stdout", text: "x" }] },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  const numbered = numberCells(nb);
  assert.equal(numbered.cells[0].execution_count, undefined);
  assert.deepEqual(numbered.cells.slice(1).map((c) => c.execution_count), [1, 2]);
  assert.equal((numbered.cells[1].outputs?.[0] as { execution_count?: number }).execution_count, 1);
  assert.equal(nb.cells[1].execution_count, null, "the input notebook is not modified");
});

test("the index page typesets the math of chapter summaries with the local MathJax", () => {
  const html = indexPage([{ name: "01-x", title: "01 · Policy search", summary: "Define $\\mathcal{J}(\\theta)$ exactly.", seconds: 1.5, figures: 2 }]);
  assert.match(html, /<script id="MathJax-script" src="mathjax\/tex-svg-full\.js"><\/script>/);
  assert.match(html, /inlineMath: \[\["\$", "\$"\]/);
  assert.ok(html.includes("Define $\\mathcal{J}(\\theta)$ exactly."), "the TeX reaches the page intact");
  assert.match(html, /1\.5 s<\/td>/);
  assert.match(indexPage([{ name: "01-x", title: "t", summary: "s", seconds: 2, figures: 1, quick: true }]), /2\.0 s \(quick mode\)<\/td>/);
});
