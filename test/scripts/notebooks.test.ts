import assert from "node:assert/strict";
import { test } from "node:test";
import { stripInlinePlotly } from "../../scripts/book";
import { type Notebook, countFigures, describeCell, describeNotebook, errorMessage } from "../../scripts/notebooks";

const nb = (cells: Notebook["cells"]): Notebook => ({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });

test("errorMessage finds the real message in what tslab wrote to stderr", () => {
  assert.equal(errorMessage("evalmachine.<anonymous>:2\nthrow new RangeError(\"x\");\n^\n\nRangeError: bad value 3\n    at evalmachine"), "RangeError: bad value 3");
  assert.equal(errorMessage("1:7 - Type 'string' is not assignable to type 'number'.\n"), "1:7 - Type 'string' is not assignable to type 'number'.");
  assert.equal(errorMessage("Error: plain\n    at x"), "Error: plain");
  assert.equal(errorMessage(""), "(the kernel reported a failure but wrote no message)");
});

test("describeNotebook: title from the first heading, summary from the Goal sentence", () => {
  const d = describeNotebook(nb([{ cell_type: "markdown", metadata: {}, source: "# 02 · REINFORCE\n\n**Goal.** Derive the *estimator*. Then more.\n" }]), "x");
  assert.deepEqual(d, { title: "02 · REINFORCE", summary: "Derive the estimator." });
  assert.deepEqual(describeNotebook(nb([]), "fallback"), { title: "fallback", summary: "" });
});

test("describeCell counts cells and code cells from 1; countFigures counts plotly outputs", () => {
  const cells: Notebook["cells"] = [
    { cell_type: "markdown", metadata: {}, source: "" },
    { cell_type: "code", metadata: {}, source: "", outputs: [{ output_type: "display_data", data: { "application/vnd.plotly.v1+json": {} } }] },
  ];
  assert.equal(describeCell(nb(cells), 1), "cell 2 (code cell 1)");
  assert.equal(countFigures(nb(cells)), 1);
});

test("stripInlinePlotly removes only the marked inline copies", () => {
  const html = `<p>a</p><script data-pglab-plotly="inline">if(!window.Plotly){x<\\/script>}</script><script>draw()</script>`;
  assert.equal(stripInlinePlotly(html), "<p>a</p><script>draw()</script>");
});
