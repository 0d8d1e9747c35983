/**
 * Progress of long training runs: the redraw throttle and time-left estimate shared by the live view
 * (`LiveTraining`) and the multi-seed progress of `runSeeds` and `npm run train` (`SeedsProgress`).
 *
 * `SeedsProgress` shows, per seed, the iteration, env steps, mean return of the last 100 episodes and
 * the time left, in one of four ways:
 * - `"notebook"`: one display updated in place (the seeds' learning curves growing, and a table),
 *   replaced by a one-line summary per seed when the run ends;
 * - `"terminal"`: one line per seed and a total line, rewritten in place on a terminal;
 * - `"lines"`: plain lines (a line per seed at every tenth of its budget, and when it ends), for logs
 *   and CI;
 * - `"none"`.
 * `"auto"` picks the notebook view inside a notebook, the terminal view when stderr is a terminal and
 * `CI` is not set, and nothing otherwise.
 */
import { carriesPlotly, displayBundle, escapeHtml, figureBundle, inNotebook, reloadPlotly } from "./display";
import { type Figure, lineChart, type Series } from "./figure";

/** "12.3 s", "4 min 05 s", "1 h 02 min"; "?" when unknown. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * When to redraw: the first point at once, then at most every `minIntervalMs` and at least 100
 * times as long as a typical redraw takes (so drawing costs under 1% of the run). Typical: the
 * cheapest of the last three redraws, so that one slow redraw (a garbage collection, a busy
 * machine) does not stretch the pause; a draw that also sends plotly.js (several megabytes, once per
 * session) does not count at all. The pause never exceeds `maxIntervalMs`.
 */
export class Throttle {
  private last = -Infinity;
  private cost = 0;
  private readonly recent: number[] = [];

  constructor(
    private readonly minIntervalMs = 1000,
    private readonly maxIntervalMs = 10_000,
  ) {}

  /** The pause required after the last draw, in ms. */
  interval(): number {
    return Math.min(this.maxIntervalMs, Math.max(this.minIntervalMs, 100 * this.cost));
  }

  due(now: number): boolean {
    return now - this.last >= this.interval();
  }

  /** Record a draw that started at `start` and took `costMs`; `typical: false` for one that sent plotly.js. */
  drew(start: number, costMs: number, typical = true): void {
    this.last = start;
    if (!typical) return;
    this.recent.push(costMs);
    if (this.recent.length > 3) this.recent.shift();
    this.cost = Math.min(...this.recent);
  }
}

/**
 * Time left from the recent progress rate: over the later half of the time since the first point.
 * Start-up (loading TF.js, building networks) happens before the first point and never counts; the
 * first iterations, slower while the code warms up, drop out of the window as the run goes on.
 * Unknown until two points.
 */
export class RateEstimator {
  private readonly points: { t: number; done: number }[] = [];

  /** Record that `done` units (env steps, iterations) are done at time `t` (ms). */
  add(t: number, done: number): void {
    this.points.push({ t, done });
  }

  /** Units per second over the recent window, or NaN before two distinct points. */
  rate(): number {
    const p = this.points;
    if (p.length < 2) return NaN;
    const last = p[p.length - 1];
    const from = p[0].t + (last.t - p[0].t) / 2;
    let k = p.findIndex((q) => q.t >= from);
    if (k >= p.length - 1) k = p.length - 2; // at least two points in the window
    // Drop points from the front that are no longer needed, keeping the list short.
    if (k > 64) {
      p.splice(1, k - 1);
      k = 1;
    }
    const a = p[k];
    if (last.t <= a.t || last.done <= a.done) return NaN;
    return ((last.done - a.done) * 1000) / (last.t - a.t);
  }

  /** Seconds until `total` units at time `now` (NaN while unknown). */
  secondsLeft(total: number, now: number): number {
    const r = this.rate();
    const last = this.points[this.points.length - 1];
    if (!last || !Number.isFinite(r) || !Number.isFinite(total)) return NaN;
    return Math.max(0, (total - last.done) / r - (now - last.t) / 1000);
  }
}

/** `ETA 12.3 s`, or `ETA estimating...` while the rate is unknown. */
export function etaText(seconds: number): string {
  return Number.isFinite(seconds) ? `ETA ${formatSeconds(seconds)}` : "ETA estimating...";
}

/**
 * Put status lines into a figure, as an annotation under its title, so that every renderer shows
 * them (VS Code and JupyterLab's plotly extension draw only the plotly JSON, not the HTML around it).
 */
export function withStatus(fig: Figure, lines: string[]): Figure {
  const layout = fig.layout as { annotations: object[]; margin: { t: number } };
  layout.margin.t = 70 + 14 * lines.length;
  layout.annotations.push({
    xref: "paper",
    yref: "paper",
    x: 0,
    y: 1.02,
    xanchor: "left",
    yanchor: "bottom",
    align: "left",
    showarrow: false,
    text: lines.map(escapeHtml).join("<br>"),
    font: { family: "monospace", size: 11, color: "#444" },
  });
  return fig;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// ---- several seeds ------------------------------------------------------------------------------

/** The fields of an iteration's statistics that the progress view reads. */
export interface ProgressStats {
  iteration: number;
  envSteps: number;
  meanReturn100: number;
}

export type ProgressMode = "notebook" | "terminal" | "lines" | "none";

export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface SeedsProgressOptions {
  /** What is trained, e.g. "a2c on CartPole-v1". */
  title: string;
  seeds: number[];
  /** Each seed's budget in env steps (for the percentage and the time left). */
  totalSteps?: number;
  /** Default "auto" (see the module's doc). */
  mode?: ProgressMode | "auto";
  /** Where terminal and line output go (default process.stderr). */
  stream?: Writable;
  /** Clock in ms (default performance.now; tests pass their own). */
  now?: () => number;
  /** Minimum pause between two redraws (default 1000 ms in a notebook, 250 ms on a terminal). */
  minIntervalMs?: number;
}

interface SeedState {
  seed: number;
  state: "waiting" | "running" | "done" | "failed";
  last: ProgressStats | null;
  rate: RateEstimator;
  xs: number[];
  ys: number[];
  /** Tenths of the budget already reported (lines mode). */
  reportedTenths: number;
  lastLineAt: number;
  note: string;
}

/** Resolve "auto" for the current process. */
export function progressMode(mode: ProgressMode | "auto" = "auto", stream: Writable = process.stderr): ProgressMode {
  if (mode !== "auto") return mode;
  if (inNotebook()) return "notebook";
  if (stream.isTTY && !process.env.CI) return "terminal";
  return "none";
}

export class SeedsProgress {
  readonly mode: ProgressMode;
  private readonly seeds: Map<number, SeedState>;
  private readonly stream: Writable;
  private readonly now: () => number;
  private readonly start: number;
  private readonly throttle: Throttle;
  private readonly displayId = `pglab-seeds-${process.pid}-${Date.now().toString(36)}-${Math.floor(performance.now())}`;
  private shownLines = 0;
  private displayed = false;
  private sentPlotly = false;
  /** Redraws so far (notebook and terminal views). */
  draws = 0;

  constructor(private readonly opts: SeedsProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.mode = progressMode(opts.mode, this.stream);
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
    this.throttle = new Throttle(opts.minIntervalMs ?? (this.mode === "notebook" ? 1000 : 250));
    this.seeds = new Map(
      opts.seeds.map((seed) => [seed, { seed, state: "waiting", last: null, rate: new RateEstimator(), xs: [], ys: [], reportedTenths: 0, lastLineAt: -Infinity, note: "" } as SeedState]),
    );
  }

  private get(seed: number): SeedState {
    const s = this.seeds.get(seed);
    if (!s) throw new RangeError(`SeedsProgress: seed ${seed} is not one of ${[...this.seeds.keys()].join(", ")}.`);
    return s;
  }

  /** A seed's worker has started. */
  started(seed: number): void {
    this.get(seed).state = "running";
    this.redraw(false);
  }

  /** A seed finished an iteration. Returns after the picture was sent (a notebook needs the event loop for that). */
  async update(seed: number, stats: ProgressStats): Promise<void> {
    const s = this.get(seed);
    const t = this.now();
    s.state = "running";
    s.last = stats;
    s.rate.add(t, stats.envSteps);
    s.xs.push(stats.envSteps);
    s.ys.push(stats.meanReturn100);
    if (this.mode === "lines") this.lineFor(s, t);
    // A seed's first point is drawn at once; later ones when the throttle allows.
    else if (this.redraw(s.xs.length === 1) && this.mode === "notebook") await yieldToEventLoop();
  }

  /** A seed ended (`note`, e.g. "reached the target at 81,920 steps"). */
  done(seed: number, note = ""): void {
    const s = this.get(seed);
    s.state = "done";
    s.note = note;
    if (this.mode === "lines") this.stream.write(`${this.seedLine(s)}\n`);
    else this.redraw(false);
  }

  failed(seed: number, message: string): void {
    const s = this.get(seed);
    s.state = "failed";
    s.note = message;
    if (this.mode === "lines") this.stream.write(`${this.seedLine(s)}\n`);
    else this.redraw(false);
  }

  /** The last picture: a summary per seed (notebook), the final block (terminal). */
  finish(): void {
    if (this.mode === "notebook") this.finalNotebook();
    else if (this.mode === "terminal") this.redraw(true);
  }

  /** Seconds left for one seed (NaN while unknown; 0 once done). */
  secondsLeft(seed: number): number {
    const s = this.get(seed);
    if (s.state === "done" || s.state === "failed") return 0;
    if (!this.opts.totalSteps || !s.last) return NaN;
    return s.rate.secondsLeft(this.opts.totalSteps, this.now());
  }

  /**
   * Seconds left for the whole run: the steps still to do (waiting seeds included) over the running
   * seeds' summed rate; a seed that just started counts at the mean rate of the seeds measured so far.
   */
  totalSecondsLeft(): number {
    const total = this.opts.totalSteps;
    if (!total) return NaN;
    const all = [...this.seeds.values()];
    const known = all.map((s) => s.rate.rate()).filter(Number.isFinite);
    const typical = known.length ? known.reduce((a, b) => a + b, 0) / known.length : NaN;
    let left = 0;
    let rate = 0;
    for (const s of all) {
      if (s.state === "done" || s.state === "failed") continue;
      left += Math.max(0, total - (s.last?.envSteps ?? 0));
      if (s.state === "running") {
        const r = s.rate.rate();
        rate += Number.isFinite(r) ? r : typical;
      }
    }
    if (left === 0) return 0;
    return rate > 0 ? left / rate : NaN;
  }

  /** One seed's progress in words. */
  seedLine(s: SeedState): string {
    const head = `seed ${s.seed}`;
    if (s.state === "waiting") return `${head}: waiting`;
    if (s.state === "failed") return `${head}: failed: ${s.note}`;
    const p = s.last;
    if (!p) return `${head}: starting...`;
    const total = this.opts.totalSteps;
    const pct = total ? ` ${String(Math.min(100, Math.floor((100 * p.envSteps) / total))).padStart(3)}% |` : "";
    const steps = total ? `${int(p.envSteps)}/${int(total)}` : int(p.envSteps);
    const ret = Number.isFinite(p.meanReturn100) ? p.meanReturn100.toFixed(1) : "-";
    const tail = s.state === "done" ? `done${s.note ? `, ${s.note}` : ""}` : etaText(this.secondsLeft(s.seed));
    return `${head}:${pct} iteration ${p.iteration} | env steps ${steps} | mean return (last 100) ${ret} | ${tail}`;
  }

  /** The total line: seeds done, elapsed, time left. */
  totalLine(): string {
    const all = [...this.seeds.values()];
    const done = all.filter((s) => s.state === "done").length;
    const failed = all.filter((s) => s.state === "failed").length;
    const elapsed = (this.now() - this.start) / 1000;
    const finished = done + failed === all.length;
    return (
      `${this.opts.title}: ${done}/${all.length} seeds done${failed ? `, ${failed} failed` : ""} | elapsed ${formatSeconds(elapsed)}` +
      (finished ? "" : ` | ${etaText(this.totalSecondsLeft())}`)
    );
  }

  private lineFor(s: SeedState, t: number): void {
    const total = this.opts.totalSteps;
    if (total && s.last) {
      const tenths = Math.floor((10 * s.last.envSteps) / total);
      if (tenths > s.reportedTenths && tenths < 10) { // the budget's end is the "done" line
        s.reportedTenths = tenths;
        this.stream.write(`${this.seedLine(s)}\n`);
      }
    } else if (t - s.lastLineAt >= 10_000) {
      s.lastLineAt = t;
      this.stream.write(`${this.seedLine(s)}\n`);
    }
  }

  /** Redraw if due (or `force`); true if it drew. */
  private redraw(force: boolean): boolean {
    if (this.mode !== "notebook" && this.mode !== "terminal") return false;
    const t0 = this.now();
    if (!force && !this.throttle.due(t0)) return false;
    const typical = this.mode === "terminal" ? (this.drawTerminal(), true) : this.drawNotebook();
    this.draws++;
    this.throttle.drew(t0, this.now() - t0, typical);
    return true;
  }

  private visibleSeeds(): SeedState[] {
    const all = [...this.seeds.values()];
    if (all.length <= 10) return all;
    return all.filter((s) => s.state === "running" || s.state === "failed");
  }

  private drawTerminal(): void {
    const width = Math.max(40, (this.stream.columns || Number(process.env.COLUMNS) || 120) - 1);
    const lines = [...this.visibleSeeds().map((s) => this.seedLine(s)), this.totalLine()].map((l) => (l.length > width ? l.slice(0, width - 1) + "…" : l));
    // Back to the first line of the previous block, rewrite it, clear what is left below.
    const up = this.shownLines > 0 ? `\x1b[${this.shownLines}F` : "";
    this.stream.write(`${up}${lines.map((l) => `${l}\x1b[K`).join("\n")}\n\x1b[J`);
    this.shownLines = lines.length;
  }

  /** The total line and a line per seed (unless `all`, only those running when there are many seeds). */
  private statusLines(all = false): string[] {
    return [this.totalLine(), ...(all ? [...this.seeds.values()] : this.visibleSeeds()).map((s) => this.seedLine(s))];
  }

  private table(all = false): string {
    return `<div style="font-family:monospace;font-size:12px;margin:2px 0">${this.statusLines(all).map((l, i) => `<div>${i === 0 ? `<b>${escapeHtml(l)}</b>` : escapeHtml(l)}</div>`).join("")}</div>`;
  }

  /** Send the view; false if it carried plotly.js (not a typical redraw). */
  private drawNotebook(): boolean {
    let carried = false;
    const series: Series[] = [...this.seeds.values()]
      .filter((s) => s.xs.length > 0)
      .map((s) => ({ name: `seed ${s.seed}`, x: s.xs, y: s.ys, mode: s.xs.length < 2 ? "lines+markers" : "lines" }));
    const lines = this.statusLines();
    if (series.length === 0) {
      displayBundle({ "text/html": this.table(), "text/plain": lines.join("\n") }, { displayId: this.displayId, update: this.displayed });
    } else {
      const fig = lineChart(series, {
        title: `${this.opts.title}: mean return of the last 100 episodes, per seed (live)`,
        xLabel: "environment steps",
        yLabel: "mean return (last 100 episodes)",
        height: 360 + 15 * lines.length,
      });
      withStatus(fig, lines);
      const bundle = figureBundle(fig, { status: lines.join("\n"), liveKey: this.displayId });
      carried = carriesPlotly(bundle);
      if (carried) this.sentPlotly = true;
      displayBundle(bundle, { displayId: this.displayId, update: this.displayed });
    }
    this.displayed = true;
    return !carried;
  }

  /** Replace the live figure by the per-seed summary (the notebook's own plots follow). */
  private finalNotebook(): void {
    displayBundle({ "text/html": this.table(true), "text/plain": this.statusLines(true).join("\n") }, { displayId: this.displayId, update: this.displayed });
    this.displayed = true;
    // plotly.js went out with the figure just replaced: send it again with the next figure.
    if (this.sentPlotly) reloadPlotly();
  }
}
