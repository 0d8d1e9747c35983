/**
 * Static SVG pictures of line figures (src/plot/svg.ts), which pages meant to be copied alone carry:
 * round ticks, one path per line with gaps at missing values, bands as polygons, named target lines.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lineChart } from "../../src/plot/figure";
import { figureSvg, niceTicks, pageFigureHtml } from "../../src/plot/svg";

test("niceTicks: round steps of 1, 2 or 5 times a power of ten inside the range", () => {
  assert.deepEqual(niceTicks(0, 20_480), [0, 5000, 10000, 15000, 20000]);
  assert.deepEqual(niceTicks(-1.3, 0.2), [-1, -0.5, 0]);
  assert.deepEqual(niceTicks(0.1, 0.7), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], "no 0.30000000000000004");
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test("figureSvg: a path per line (a gap where a value is missing), a polygon per band, the target named", () => {
  const fig = lineChart(
    [
      { name: "mean", x: [0, 1, 2, 3], y: [1, NaN, 3, 4], band: { lower: [0, NaN, 2, 3], upper: [2, NaN, 4, 5] } },
      { name: "other", x: [0, 3], y: [2, 2] },
    ],
    { title: "T <&>", xLabel: "steps", yLabel: "return", refLines: [{ y: 4.5, name: "target 4.5" }] },
  );
  const svg = figureSvg(fig);
  const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(paths.length, 2);
  assert.equal((paths[0].match(/M/g) ?? []).length, 2, "the missing value splits the first line in two");
  assert.equal((svg.match(/<polygon /g) ?? []).length, 1);
  assert.ok(svg.includes("T &lt;&amp;&gt;"), "the title, escaped");
  assert.ok(svg.includes("target 4.5") && svg.includes('stroke-dasharray="6 4"'));
  assert.ok(svg.includes(">mean</text>") && svg.includes(">other</text>"), "the legend");
  assert.match(figureSvg(lineChart([{ name: "none", x: [], y: [] }], { title: "empty", xLabel: "x", yLabel: "y" })), /no data to draw/);
});

test("pageFigureHtml: the picture, the sentence saying where plotly.js is looked for, and the interactive figure's data", () => {
  const html = pageFigureHtml(lineChart([{ name: "a", x: [0, 1], y: [0, 1] }], { title: "t", xLabel: "x", yLabel: "y" }), "fig1", "looked for here.");
  assert.match(html, /^<div id="fig1"[^>]*><svg /);
  assert.ok(html.includes("A static picture: looked for here."));
  assert.ok(html.includes('window.addEventListener("pglab-plotly", draw)'));
  assert.ok(!html.includes("Re-run the cell"));
});
