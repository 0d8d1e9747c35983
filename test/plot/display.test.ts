import assert from "node:assert/strict";
import { test } from "node:test";
import { FIGURE_CLASS, PLOTLY_LOADER_ATTR, PLOTLY_MIME, figureBundle, reloadPlotly, show } from "../../src/plot/display";
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

test("animation: frames, play/pause, slider, captions; bad input is an error", () => {
  const html = animationHtml(["<svg>a</svg>", "<svg>b</svg>"], { title: "ep", captions: ["t = 0", "t = 1"], fps: 10 });
  assert.match(html, /<button class="play"/);
  assert.match(html, /<input class="slider" type="range" min="0" max="1"/);
  assert.ok(html.includes("\\u003csvg>b\\u003c/svg>"), "frames are embedded safely in the script");
  assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(html), "nothing is loaded from the network");
  assert.throws(() => animationHtml([], { title: "x" }), /non-empty list of SVG strings/);
  assert.throws(() => animationHtml(["<svg/>"], { title: "x", captions: [] }), /0 captions for 1 frames/);
  assert.throws(() => animationHtml(["<svg/>"], { title: "" }), /option "title" is required/);
});
