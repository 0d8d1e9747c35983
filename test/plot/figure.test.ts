import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { METHOD_COLORS, bandChart, barChart, rangeChart, heatmap, histogram, lineChart, overlay, scatter, subplots } from "../../src/plot/figure";

const axes = { title: "T", xLabel: "x", yLabel: "y" };

describe("figure builders", () => {
  test("title and axis labels are required, with an error naming the option", () => {
    assert.throws(() => lineChart([{ name: "a", y: [1] }], { ...axes, title: "" }), /option "title" is required/);
    assert.throws(() => lineChart([{ name: "a", y: [1] }], { ...axes, xLabel: undefined as unknown as string }), /option "xLabel" is required/);
    assert.throws(() => histogram([{ name: "a", values: [1] }], { ...axes, yLabel: " " }), /option "yLabel" is required/);
  });

  test("lineChart: labelled axes, x defaults to 0..n-1, non-finite values become gaps", () => {
    const fig = lineChart([{ name: "a", y: [1, NaN, 3] }], axes);
    const layout = fig.layout as { title: { text: string }; xaxis: { title: { text: string } }; yaxis: { title: { text: string } } };
    assert.equal(layout.title.text, "T");
    assert.equal(layout.xaxis.title.text, "x");
    assert.equal(layout.yaxis.title.text, "y");
    assert.deepEqual(fig.data[0].x, [0, 1, 2]);
    assert.deepEqual(fig.data[0].y, [1, null, 3]);
    assert.throws(() => lineChart([{ name: "a", x: [0, 1], y: [1, 2, 3] }], axes), /2 x values but 3 y values/);
  });

  test("bandChart: a filled band plus the mean line, per method, in the method's fixed colour", () => {
    const fig = bandChart([{ name: "REINFORCE", curves: [[0, 2], [2, 4]] }], axes);
    assert.equal(fig.data.length, 2);
    assert.equal(fig.data[0].fill, "toself");
    assert.deepEqual(fig.data[1].y, [1, 3]);
    assert.equal((fig.data[1].line as { color: string }).color, METHOD_COLORS.reinforce);
  });

  test("rangeChart: the mean line and a band from the lowest to the highest seed, named as a range in the legend", () => {
    const fig = rangeChart([{ name: "A2C", x: [0, 1, 2], curves: [[0, 2, 9], [4, 2, 3], [2, 5, 0]] }], axes);
    assert.equal(fig.data.length, 2);
    assert.deepEqual(fig.data[0].y, [4, 5, 9, 0, 2, 0], "upper, then lower reversed");
    assert.equal(fig.data[0].name, "A2C (range over seeds)");
    assert.deepEqual(fig.data[1].y, [2, 3, 4]);
    assert.equal(bandChart([{ name: "B", curves: [[0, 2], [2, 4]] }], axes).data[0].name, "B (95% CI)");
    assert.throws(() => rangeChart([{ name: "A2C", curves: [] }], axes), /method "A2C" has no curves/);
  });

  test("unknown methods get distinct colours that avoid the known ones in the figure", () => {
    const fig = lineChart([{ name: "REINFORCE", y: [1] }, { name: "mine", y: [1] }, { name: "yours", y: [1] }], axes);
    const colors = fig.data.map((t) => (t.line as { color: string }).color);
    assert.equal(new Set(colors).size, 3);
  });

  test("reference lines become dashed shapes with a label", () => {
    const fig = lineChart([{ name: "a", y: [1, 2] }], { ...axes, refLines: [{ y: -11.66, name: "J(p*)" }] });
    const shapes = fig.layout.shapes as { y0: number; line: { dash: string } }[];
    assert.equal(shapes[0].y0, -11.66);
    assert.equal(shapes[0].line.dash, "dash");
    assert.throws(() => lineChart([{ name: "a", y: [1] }], { ...axes, refLines: [{ name: "bad" }] }), /needs a finite x or y/);
    // on a log axis the line (a shape) takes the value, its label (an annotation) takes log10 of it, as plotly.js reads them
    const logFig = lineChart([{ name: "a", x: [1, 10], y: [0.1, 10] }], { ...axes, xLog: true, yLog: true, refLines: [{ y: 0.7, name: "y" }, { x: 5, name: "x" }] });
    const [hLine, vLine] = logFig.layout.shapes as { y0: number; x0: number }[];
    const [hLabel, vLabel] = logFig.layout.annotations as { y: number; x: number }[];
    assert.equal(hLine.y0, 0.7);
    assert.ok(Math.abs(hLabel.y - Math.log10(0.7)) < 1e-12, `label at ${hLabel.y}`);
    assert.equal(vLine.x0, 5);
    assert.ok(Math.abs(vLabel.x - Math.log10(5)) < 1e-12, `label at ${vLabel.x}`);
    assert.throws(() => lineChart([{ name: "a", y: [1, 2] }], { ...axes, yLog: true, refLines: [{ y: 0, name: "zero" }] }), /is at 0 on a log axis; expected a value > 0/);
  });

  test("histogram, bar chart, heatmap, scatter, overlay and subplots", () => {
    assert.equal(histogram([{ name: "h", values: [1, 2] }], { ...axes, bins: 5 }).data[0].nbinsx, 5);
    const bars = barChart(["a", "b"], [{ name: "v", values: [1, 2], errors: [0.1, 0.2] }], axes);
    assert.deepEqual((bars.data[0].error_y as { array: number[] }).array, [0.1, 0.2]);
    assert.throws(() => barChart(["a"], [{ name: "v", values: [1, 2] }], axes), /2 values for 1 categories/);
    const hm = heatmap([[1, 2], [3, 4]], { ...axes, colorbarTitle: "J" });
    assert.deepEqual(hm.data[0].z, [[1, 2], [3, 4]]);
    assert.throws(() => heatmap([[1, 2], [3]], { ...axes, colorbarTitle: "J" }), /row 1 has 1 values; expected 2/);
    assert.equal(scatter([{ name: "s", x: [1], y: [2] }], axes).data[0].mode, "markers");
    assert.equal(overlay(lineChart([{ name: "a", y: [1] }], axes), lineChart([{ name: "b", y: [1] }], axes)).data.length, 2);
    const grid = subplots([lineChart([{ name: "a", y: [1] }], axes), lineChart([{ name: "a", y: [2] }], { ...axes, title: "U" })], { title: "both" });
    assert.equal(grid.data[1].xaxis, "x2");
    assert.equal(grid.data[1].showlegend, false, "a name appears once in the legend");
    assert.ok((grid.layout.xaxis2 as { domain: number[] }).domain[0] > 0.5);
    // several rows: every axis domain inside [0, 1] (plotly.js 2 rejects -5.6e-17 from rounding)
    const five = subplots([1, 2, 3, 4, 5].map((k) => lineChart([{ name: "a", y: [k] }], axes)), { title: "five", cols: 3 });
    for (const [key, axis] of Object.entries(five.layout).filter(([k]) => /^[xy]axis\d*$/.test(k))) {
      const [lo, hi] = (axis as { domain: number[] }).domain;
      assert.ok(lo >= 0 && hi <= 1 && lo < hi, `${key}.domain = [${lo}, ${hi}]`);
    }
  });
});

describe("house style: legends, bands, log ticks, ranges", () => {
  test("the legend sits right of the plot area (clear of both axis titles); one series needs none", () => {
    const two = lineChart([{ name: "a", y: [1, 2] }, { name: "b", y: [2, 3] }], axes);
    const legend = two.layout.legend as { x: number; xanchor: string; orientation: string };
    assert.ok(legend.x >= 1 && legend.xanchor === "left" && legend.orientation === "v", JSON.stringify(legend));
    assert.notEqual(two.layout.showlegend, false);
    assert.equal(lineChart([{ name: "a", y: [1, 2] }], axes).layout.showlegend, false);
    const grid = subplots([two, two], { title: "g" });
    assert.ok((grid.layout.legend as { x: number }).x >= 1);
    const both = overlay(histogram([{ name: "h", values: [1, 2] }], axes), lineChart([{ name: "exact", y: [1] }], axes));
    assert.notEqual(both.layout.showlegend, false, "an overlay of two named traces shows its legend");
  });

  test("bands are light and drawn before every mean line; mean lines are strong", () => {
    const fig = bandChart([{ name: "a", curves: [[0, 2], [2, 4]] }, { name: "b", curves: [[1, 1], [3, 3]] }], axes);
    assert.deepEqual(fig.data.map((t) => (t.fill === "toself" ? "band" : "line")), ["band", "band", "line", "line"]);
    const alpha = Number(/rgba\(.*,\s*([\d.]+)\)/.exec(String(fig.data[0].fillcolor))?.[1]);
    assert.ok(alpha > 0 && alpha <= 0.15, `band opacity ${alpha}`);
    assert.ok((fig.data[2].line as { width: number }).width >= 2.5);
  });

  test("log axes label 1-2-5 over one to three decades, powers of ten beyond; ranges in data units", () => {
    const yaxis = (ys: number[]) => lineChart([{ name: "a", y: ys }], { ...axes, yLog: true }).layout.yaxis as { dtick?: unknown; tickvals?: number[]; ticktext?: string[] };
    const tick = (ys: number[]) => yaxis(ys).dtick;
    // one to three decades: 1-2-5 in every decade, each labelled with its full value (not a bare "5" for 0.5)
    const some = yaxis([0.3, 50]);
    assert.equal(some.dtick, undefined);
    for (const v of [0.5, 1, 2, 5, 10, 20, 50]) assert.ok(some.tickvals?.includes(v), `tick ${v} in ${some.tickvals}`);
    assert.equal(some.ticktext?.[some.tickvals!.indexOf(0.5)], "0.5");
    assert.equal(some.ticktext?.[some.tickvals!.indexOf(20)], "20");
    assert.equal(tick([0.01, 50]), 1);
    // under a decade: a few round values, in full (no "8 9" for 0.8 and 0.9)
    const narrow = yaxis([0.62, 1.3]);
    assert.deepEqual(narrow.ticktext, ["0.6", "0.8", "1", "1.2", "1.4"]);
    const ranged = lineChart([{ name: "a", x: [1, 10, 100], y: [1, 2, 3] }], { ...axes, xLog: true, xRange: [1, 1000], yRange: [-100, 0] });
    assert.deepEqual((ranged.layout.xaxis as { range: number[] }).range, [0, 3]);
    assert.deepEqual((ranged.layout.yaxis as { range: number[] }).range, [-100, 0]);
    assert.throws(() => lineChart([{ name: "a", y: [1] }], { ...axes, yLog: true, yRange: [0, 10] }), /option "yRange" must be two different finite numbers \[from, to\] > 0 \(log axis\); received \[0,10\]/);
    assert.equal((barChart(["a", "b"], [{ name: "v", values: [1, 1000] }], { ...axes, yLog: true }).layout.yaxis as { dtick?: unknown }).dtick, 1);
  });
});
