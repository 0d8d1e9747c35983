import assert from "node:assert/strict";
import { test } from "node:test";
import { FIGURE_CLASS, NOTE_CLASS, PLOTLY_LOADER_ATTR, PLOTLY_MIME, carriesPlotly, figureBundle, plotlyJson, reloadPlotly, show } from "../../src/plot/display";
import { lineChart } from "../../src/plot/figure";
import { LiveTraining } from "../../src/plot/live";
import { animationHtml } from "../../src/plot/animation";

const fig = lineChart([{ name: "a</script><b>", y: [1, 2] }], { title: "T", xLabel: "x", yLabel: "y" });

test("a figure bundle carries plotly JSON, HTML and plain text; plotly.js is inlined once per session", () => {
  reloadPlotly();
  const first = figureBundle(fig);
  const second = figureBundle(fig);
  assert.deepEqual(Object.keys(first).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
  assert.deepEqual((first[PLOTLY_MIME] as { data: unknown }).data, fig.data);
  const html1 = first["text/html"] as string;
  const html2 = second["text/html"] as string;
  assert.ok(html1.includes(`${PLOTLY_LOADER_ATTR}="inline"`) && html1.length > 1e6, "first figure inlines plotly.js");
  assert.ok(!html2.includes(PLOTLY_LOADER_ATTR) && html2.length < 1e5, "later figures do not");
  assert.ok(html2.includes(`class="${FIGURE_CLASS}"`));
  assert.ok(!/https?:\/\//.test(html2.replace(/"[^"]*plotly[^"]*"/g, "")), "no network address in the figure HTML");
  assert.ok(!html2.includes("a</script>"), "data cannot close the script element");
  assert.match(second["text/plain"] as string, /\[figure\] T \(1 trace\)/);
});

test("the plotly JSON part is data and layout only, as plain JSON", () => {
  const bundle = figureBundle(fig);
  assert.deepEqual(Object.keys(bundle[PLOTLY_MIME] as object).sort(), ["data", "layout"]);
  assert.deepEqual(JSON.parse(JSON.stringify(bundle[PLOTLY_MIME])), bundle[PLOTLY_MIME], "survives a JSON round trip unchanged");
  const odd = { data: [{ type: "scatter", y: new Float64Array([1, NaN, Infinity]), x: [0, undefined, 2], name: undefined }], layout: { title: { text: "odd" } } };
  assert.deepEqual(plotlyJson(odd as never), { data: [{ type: "scatter", y: [1, null, null], x: [0, null, 2] }], layout: { title: { text: "odd" } } });
  assert.throws(() => plotlyJson({ data: [{ y: [1], hovertemplate: () => "x" }], layout: {} } as never), /data\[0\]\.hovertemplate is a function/);
  assert.throws(() => plotlyJson(null as never), /expected a figure \{ data: \[\.\.\.\], layout: \{\.\.\.\} \}/);
});

test("the figure HTML holds a one-line note to re-run the cell, which the drawing script replaces", () => {
  const html = figureBundle(fig)["text/html"] as string;
  const note = new RegExp(`<div class="${NOTE_CLASS}"[^>]*>Figure &ldquo;T&rdquo; is not drawn: [^<]*Re-run the cell to draw it\\.</div>`);
  assert.match(html, note);
  assert.ok(!/min-height/.test(html.split("<script")[0]), "no empty box reserved before the script runs");
  assert.match(html, /el\.innerHTML = ""/);
});

test("plotly.js goes out again when the figure that carried it is shown by a later cell run", () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const g = globalThis as { __tslab__?: unknown };
  const saved = { tslab: g.__tslab__, writer: jupyter.lastWriteDisplayData };
  const sent: boolean[] = [];
  const newRun = () => (jupyter.lastWriteDisplayData = (msg: { data: Record<string, unknown> }) => sent.push(carriesPlotly(msg.data)));
  const other = lineChart([{ name: "b", y: [1] }], { title: "Other", xLabel: "x", yLabel: "y" });
  g.__tslab__ = {};
  try {
    reloadPlotly();
    newRun();
    show(fig); // first figure of the session
    show(fig); // same cell run: the page has plotly.js
    show(other);
    newRun();
    show(other); // another cell
    newRun();
    show(fig); // the first cell re-run: its old output, which held plotly.js, is cleared
    show(fig);
  } finally {
    g.__tslab__ = saved.tslab;
    jupyter.lastWriteDisplayData = saved.writer;
  }
  assert.deepEqual(sent, [true, false, false, false, true, false]);
});

test("outside a notebook, show prints a summary line instead of failing", (t) => {
  const lines: string[] = [];
  t.mock.method(console, "log", (s: string) => lines.push(s));
  show(fig);
  assert.deepEqual(lines, ["[figure] T"]);
});

test("live training view: status line with rate and ETA; redraws are throttled", async () => {
  const live = new LiveTraining({ title: "run", yLabel: "return", totalSteps: 1000, minIntervalMs: 60_000 });
  for (let i = 1; i <= 500; i++) await live.update({ iteration: i, episodes: i, envSteps: i, value: i });
  assert.equal(live.draws, 1, "one redraw per minute at most");
  await live.finish();
  assert.equal(live.draws, 2, "finish always redraws");
  const status = live.status();
  assert.match(status, /iteration 500 \| episodes 500 \| env steps 500 \| [\d,]+ steps\/s \| elapsed [\d.]+ s \| ETA/);
  assert.throws(() => new LiveTraining({} as never), /expected options \{ title, yLabel \}/);
});

test("live view: redraws replace one display; when the first carried plotly.js, the last does too", async () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const g = globalThis as { __tslab__?: unknown };
  const saved = { tslab: g.__tslab__, writer: jupyter.lastWriteDisplayData };
  const msgs: { update: boolean; plotly: boolean; id: string; html: string }[] = [];
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, unknown>; transient: { display_id: string } }, update: boolean) =>
    msgs.push({ update, plotly: carriesPlotly(msg.data), id: msg.transient.display_id, html: String(msg.data["text/html"]) });
  g.__tslab__ = {};
  try {
    reloadPlotly();
    const live = new LiveTraining({ title: "run <1>", yLabel: "return", minIntervalMs: 0 });
    for (let i = 1; i <= 3; i++) {
      await live.update({ iteration: i, episodes: i, envSteps: i, value: i });
      await new Promise((r) => setTimeout(r, 30));
    }
    await live.finish();
    const again = new LiveTraining({ title: "second", yLabel: "return" });
    await again.update({ iteration: 1, episodes: 1, envSteps: 1, value: 1 });
    await again.finish();
  } finally {
    g.__tslab__ = saved.tslab;
    jupyter.lastWriteDisplayData = saved.writer;
  }
  const first = msgs.filter((m) => m.id === msgs[0].id);
  assert.ok(first.length >= 2);
  assert.deepEqual(first.map((m) => m.update), [false, ...first.slice(1).map(() => true)]);
  assert.deepEqual(first.map((m) => m.plotly), [true, ...first.slice(1, -1).map(() => false), true]);
  assert.ok(first.every((m) => m.html.includes("run &lt;1&gt;") || m.html.includes("run \\u003c1>")), "the title is escaped");
  assert.ok(msgs.filter((m) => m.id !== msgs[0].id).every((m) => !m.plotly), "a later live view does not resend plotly.js");
});

test("animation: frames, play/pause, slider, captions; bad input is an error", () => {
  const html = animationHtml(["<svg>a</svg>", "<svg>b</svg>"], { title: "ep", captions: ["t = 0", "t = 1"], fps: 10 });
  assert.match(html, /<button class="play"/);
  assert.match(html, /<input class="slider" type="range" min="0" max="1"/);
  assert.ok(html.includes("\\u003csvg>b\\u003c/svg>"), "frames are embedded safely in the script");
  // Where the script does not run (sanitised HTML keeps <img>, drops <svg>): the first frame as a picture and a note.
  const picture = /<div class="frame"><img alt="[^"]*" src="data:image\/svg\+xml;base64,([^"]+)"\/><\/div>/.exec(html);
  assert.ok(picture, "the first frame is an image");
  assert.equal(Buffer.from(picture[1], "base64").toString("utf8"), '<svg xmlns="http://www.w3.org/2000/svg">a</svg>');
  assert.match(html, new RegExp(`<div class="${NOTE_CLASS}"[^>]*>[^<]*Re-run the cell to play it\\.</div>`));
  assert.match(html, /<div class="controls" style="display:none/, "controls hidden until the script runs");
  assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(html), "nothing is loaded from the network");
  assert.throws(() => animationHtml([], { title: "x" }), /non-empty list of SVG strings/);
  assert.throws(() => animationHtml(["<svg/>"], { title: "x", captions: [] }), /0 captions for 1 frames/);
  assert.throws(() => animationHtml(["<svg/>"], { title: "" }), /option "title" is required/);
});
