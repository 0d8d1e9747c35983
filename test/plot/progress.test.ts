/**
 * Progress of training runs (src/plot/progress.ts, src/plot/live.ts): the redraw throttle, the time
 * left, the per-seed view on a terminal, in logs and in a notebook (tslab's display writer replaced by
 * a recorder).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PLOTLY_MIME, reloadPlotly } from "../../src/plot/display";
import { LiveTraining } from "../../src/plot/live";
import { RateEstimator, SeedsProgress, Throttle, formatSeconds } from "../../src/plot/progress";

type Sent = { data: Record<string, unknown>; transient: { display_id?: string }; update: boolean };

/** Pretend to be inside tslab: record what would be sent to the notebook. */
function fakeNotebook(t: { after: (fn: () => void) => void }): Sent[] {
  const sent: Sent[] = [];
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const saved = jupyter.lastWriteDisplayData;
  jupyter.lastWriteDisplayData = (msg: Omit<Sent, "update">, update: boolean) => sent.push({ ...msg, update });
  (globalThis as { __tslab__?: unknown }).__tslab__ = {};
  t.after(() => {
    jupyter.lastWriteDisplayData = saved;
    delete (globalThis as { __tslab__?: unknown }).__tslab__;
  });
  return sent;
}

test("formatSeconds: seconds, minutes, hours", () => {
  assert.equal(formatSeconds(12.34), "12.3 s");
  assert.equal(formatSeconds(125), "2 min 05 s");
  assert.equal(formatSeconds(3720), "1 h 02 min");
  assert.equal(formatSeconds(NaN), "?");
});

test("throttle: the first draw is due at once, and a slow draw that sent plotly.js does not stretch the pause", () => {
  const th = new Throttle(1000, 10_000);
  assert.ok(th.due(0));
  th.drew(0, 5000, false); // the draw that sends plotly.js: slow, not typical
  assert.equal(th.interval(), 1000, "its cost does not count");
  assert.ok(!th.due(999) && th.due(1000));
  th.drew(1000, 30); // a typical redraw: 100 x 30 ms = 3 s
  assert.equal(th.interval(), 3000);
  th.drew(4000, 500); // one slow redraw (GC, a busy machine)
  assert.equal(th.interval(), 3000, "the cheapest of the last three");
  th.drew(7000, 400);
  th.drew(10_000, 200); // expensive redraws, three in a row
  assert.equal(th.interval(), 10_000, "capped");
});

test("time left: from the rate since the first point, so start-up does not count", () => {
  const r = new RateEstimator();
  r.add(8000, 1000); // first point after 8 s of start-up
  assert.ok(Number.isNaN(r.secondsLeft(100_000, 8000)), "unknown from one point");
  r.add(8100, 2000); // 1000 steps in 0.1 s
  assert.equal(r.rate(), 10_000);
  assert.equal(r.secondsLeft(100_000, 8100), 9.8);
  // Measured from t = 0 instead, the rate would be 2000 / 8.1 s and the ETA 397 s.
});

test("time left: slow first iterations (warm-up) leave the window as the run goes on", () => {
  const r = new RateEstimator();
  r.add(0, 0);
  r.add(1000, 100); // 100 steps/s while warming up
  for (let t = 1100; t <= 3000; t += 100) r.add(t, 100 + (t - 1000) * 10); // then 10,000 steps/s
  assert.equal(r.rate(), 10_000, "the rate of the later half");
  assert.equal(r.secondsLeft(20_100 + 10_000, 3000), 1);
  // Cumulative since the first point it would be 20,100 / 3 s = 6,700 steps/s.
});

test("live view: the first point is drawn at once, as a marker, and the ETA waits for a second point", async (t) => {
  const sent = fakeNotebook(t);
  reloadPlotly();
  const live = new LiveTraining({ title: "run", yLabel: "return", totalSteps: 1000, minIntervalMs: 60_000 });
  await live.update({ iteration: 1, episodes: 3, envSteps: 10, value: 7 });
  assert.equal(sent.length, 1, "drawn at the first point");
  const trace = (sent[0].data[PLOTLY_MIME] as { data: { mode: string; y: number[] }[] }).data[0];
  assert.deepEqual(trace.y, [7]);
  assert.equal(trace.mode, "lines+markers", "a single point is visible");
  assert.match(String(sent[0].data["text/plain"]), /ETA estimating\.\.\./);
  await live.update({ iteration: 2, episodes: 6, envSteps: 20, value: 8 });
  assert.equal(sent.length, 1, "then throttled");
  assert.match(live.status(), /ETA (\d+ (h|min) )?[\d.]+ (s|min)$/, "a number once there are two points");
  await live.finish();
  assert.equal(sent.length, 2);
  assert.equal(sent[1].update, true);
  assert.equal((sent[1].data[PLOTLY_MIME] as { data: { mode: string }[] }).data[0].mode, "lines");
});

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => out.push(s) } };
}

const stats = (iteration: number, envSteps: number, meanReturn100: number) => ({ iteration, envSteps, meanReturn100 });

test("seeds on a terminal: one line per seed and a total line, rewritten in place", async () => {
  let now = 0;
  const { out, stream } = fakeStream(true);
  const p = new SeedsProgress({ title: "a2c on CartPole-v1", seeds: [0, 3], totalSteps: 1000, mode: "auto", stream, now: () => now, minIntervalMs: 100 });
  assert.equal(p.mode, process.env.CI ? "none" : "terminal");
  const q = new SeedsProgress({ title: "a2c on CartPole-v1", seeds: [0, 3], totalSteps: 1000, mode: "terminal", stream, now: () => now, minIntervalMs: 100 });
  q.started(0);
  now = 1000;
  await q.update(0, stats(1, 100, 20));
  now = 2000;
  await q.update(0, stats(2, 200, 25.25)); // 100 steps per second: 8 s left
  const block = out.at(-1) ?? "";
  assert.ok(block.startsWith("\x1b[3F"), "moves back up over the previous three lines");
  assert.match(block, /seed 0:\s+20% \| iteration 2 \| env steps 200\/1,000 \| mean return \(last 100\) 25\.3 \| ETA 8\.0 s/);
  assert.match(block, /seed 3: waiting/);
  assert.match(block, /a2c on CartPole-v1: 0\/2 seeds done \| elapsed 2\.0 s \| ETA 18\.0 s/);
  q.done(0);
  q.finish();
  assert.match(out.at(-1) ?? "", /seed 0: .*\| done/);
});

test("seeds in a log: a plain line at every tenth of the budget, and one at the end", async () => {
  let now = 0;
  const { out, stream } = fakeStream(false);
  const p = new SeedsProgress({ title: "t", seeds: [1], totalSteps: 1000, mode: "lines", stream, now: () => now });
  for (let i = 1; i <= 20; i++) {
    now = i * 100;
    await p.update(1, stats(i, i * 50 + 10, i));
  }
  p.done(1, "reached the target at 1,010 steps");
  p.finish();
  assert.equal(out.length, 10, out.join(""));
  assert.ok(out.every((l) => l.endsWith("\n") && !l.includes("\x1b")), "no terminal codes");
  assert.match(out[0], /^seed 1:\s+11% \| iteration 2 \| env steps 110\/1,000/);
  assert.match(out.at(-1) ?? "", /seed 1: 100% .*\| done, reached the target at 1,010 steps/);
});

test("seeds in a notebook: the curves grow in one display, replaced by a summary at the end", async (t) => {
  const sent = fakeNotebook(t);
  reloadPlotly();
  let now = 0;
  const p = new SeedsProgress({ title: "reinforce on CartPole-v1", seeds: [0, 1], totalSteps: 100, mode: "auto", now: () => now, minIntervalMs: 1000 });
  assert.equal(p.mode, "notebook");
  p.started(0);
  await p.update(0, stats(1, 10, 5)); // each seed's first point at once
  now = 500;
  await p.update(1, stats(1, 10, 6));
  assert.equal(sent.length, 3);
  now = 600;
  await p.update(0, stats(2, 20, 7)); // throttled
  assert.equal(sent.length, 3);
  now = 1500;
  await p.update(1, stats(2, 20, 8));
  assert.equal(sent.length, 4);
  const ids = new Set(sent.map((s) => s.transient.display_id));
  assert.equal(ids.size, 1, "one display, updated in place");
  assert.deepEqual(sent.map((s) => s.update), [false, true, true, true]);
  const fig = sent[3].data[PLOTLY_MIME] as { data: { name: string; y: number[] }[] };
  assert.deepEqual(fig.data.map((d) => [d.name, d.y]), [["seed 0", [5, 7]], ["seed 1", [6, 8]]]);
  p.done(0);
  p.done(1);
  p.finish();
  const last = sent.at(-1)!;
  assert.ok(!(PLOTLY_MIME in last.data), "the live figure is replaced by the summary");
  assert.match(String(last.data["text/plain"]), /reinforce on CartPole-v1: 2\/2 seeds done/);
  assert.match(String(last.data["text/html"]), /seed 1: .*\| done/);
});
