/**
 * A kernel session of the library's display code, recorded message by message as tslab would send
 * it (display_data, then update_display_data for a live view), for the JupyterLab check:
 *   cell 1: a live training view that is the session's first figure (it carries plotly.js, and its
 *           redraws replace it in place),
 *   cell 2: a figure,
 *   cell 3: an animation,
 *   cell 4: a second live view (plotly.js already in the page).
 */
import { reloadPlotly, show } from "../../../src/plot/display";
import { showAnimation } from "../../../src/plot/animation";
import { lineChart } from "../../../src/plot/figure";
import { LiveTraining } from "../../../src/plot/live";
import { type InputCell, type Message, outputsOf } from "./pages";

type Writer = (msg: { data: Record<string, unknown>; metadata: object; transient: object }, update: boolean) => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a live view until it has redrawn `redraws` times (its throttle decides when) or for 5 s, then finishes it. */
async function liveRun(title: string, redraws: number): Promise<number> {
  const live = new LiveTraining({ title, yLabel: "mean return", x: "iteration", totalIterations: 1000, minIntervalMs: 0 });
  let i = 0;
  const start = performance.now();
  while (live.draws < redraws && performance.now() - start < 5_000) {
    i++;
    await live.update({ iteration: i, episodes: 10 * i, envSteps: 200 * i, value: Math.sqrt(i) });
    await sleep(20);
  }
  await live.finish();
  return i;
}

export interface Session {
  cells: InputCell[];
  /** Points in each live view (cells 1 and 4). */
  livePoints: number[];
}

export async function recordSession(): Promise<Session> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: Writer | null };
  const g = globalThis as { __tslab__?: unknown };
  const saved = { tslab: g.__tslab__, writer: jupyter.lastWriteDisplayData };
  const cells: InputCell[] = [];
  const livePoints: number[] = [];
  const cell = async (body: () => unknown) => {
    const messages: Message[] = [];
    // tslab installs a new writer for every cell it runs.
    jupyter.lastWriteDisplayData = (msg, update) =>
      messages.push({ msg_type: update ? "update_display_data" : "display_data", content: JSON.parse(JSON.stringify(msg)) });
    await body();
    cells.push({ type: "code", index: cells.length + 1, messages, outputs: outputsOf(messages) });
  };
  g.__tslab__ = {};
  try {
    reloadPlotly();
    await cell(async () => livePoints.push(await liveRun("Live view, the session's first figure", 4)));
    await cell(() => show(lineChart([{ name: "a", y: [3, 1, 2] }], { title: "A figure after the live view", xLabel: "x", yLabel: "y" })));
    const frames = [0, 1, 2, 3].map((k) => `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect x="${10 * k}" y="10" width="20" height="20" fill="#1f77b4"/></svg>`);
    await cell(() => showAnimation(frames, { title: "A moving square", fps: 10 }));
    await cell(async () => livePoints.push(await liveRun("A second live view", 3)));
  } finally {
    g.__tslab__ = saved.tslab;
    jupyter.lastWriteDisplayData = saved.writer;
  }
  return { cells, livePoints };
}
