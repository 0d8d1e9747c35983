/**
 * A live view of a long training run: a learning-curve figure and a status line (iteration,
 * episodes, env steps, steps/s, elapsed, ETA) updated in place while training runs.
 *
 * In a notebook it uses one updatable display; in plain Node it writes a progress line on stderr,
 * and stays silent when stderr is not a terminal or when `CI` is set. Redraws are throttled so that
 * drawing costs under 1% of the run: the pause between two redraws is at least one second and at
 * least 100 times as long as the last redraw took.
 *
 * ```ts
 * const live = new LiveTraining({ title: "REINFORCE on CartPole-v1", yLabel: "mean return", totalSteps: 1e5 });
 * for (...) await live.update({ iteration, episodes, envSteps, value: meanReturn });
 * await live.finish();
 * ```
 * `update` is async: after a redraw it yields to the event loop once, so that the kernel can send
 * the new picture while a synchronous training loop is still running.
 */
import { carriesPlotly, displayBundle, escapeHtml, figureBundle, inNotebook } from "./display";
import { lineChart } from "./figure";

export interface LiveOptions {
  title: string;
  /** Label of the tracked value, e.g. "mean return". */
  yLabel: string;
  /** x axis: env steps (default) or iterations. */
  x?: "envSteps" | "iteration";
  /** Planned budget, for the ETA. */
  totalSteps?: number;
  totalIterations?: number;
  /** Minimum milliseconds between two redraws (default 1000). */
  minIntervalMs?: number;
}

export interface LivePoint {
  iteration: number;
  episodes: number;
  envSteps: number;
  /** The value to plot (e.g. mean return of the episodes finished in this iteration). */
  value: number;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export class LiveTraining {
  private readonly opts: LiveOptions;
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private readonly start = performance.now();
  private readonly displayId: string;
  private lastDraw = -Infinity;
  private lastCost = 0;
  private drawn = false;
  /** Whether the first redraw carried plotly.js: then the last one carries it too (see `draw`). */
  private sentPlotly = false;
  private last: LivePoint | null = null;
  /** Redraws so far, and the milliseconds they took (to check the throttle's promise). */
  draws = 0;
  drawMs = 0;

  constructor(opts: LiveOptions) {
    if (!opts || typeof opts.title !== "string" || typeof opts.yLabel !== "string") {
      throw new TypeError(`LiveTraining: expected options { title, yLabel }; received ${JSON.stringify(opts)}.`);
    }
    this.opts = opts;
    this.displayId = `pglab-live-${process.pid}-${Date.now().toString(36)}`;
  }

  /** Record a point; redraw if the throttle allows (and then let the kernel send it). */
  async update(point: LivePoint): Promise<void> {
    this.last = point;
    this.xs.push(this.opts.x === "iteration" ? point.iteration : point.envSteps);
    this.ys.push(point.value);
    const now = performance.now();
    if (now - this.lastDraw >= Math.max(this.opts.minIntervalMs ?? 1000, 100 * this.lastCost)) {
      this.draw(now);
      await yieldToEventLoop();
    }
  }

  /** The status line for the latest point. */
  status(): string {
    const p = this.last;
    const elapsed = (performance.now() - this.start) / 1000;
    if (!p) return `starting... elapsed ${formatSeconds(elapsed)}`;
    const rate = p.envSteps / Math.max(elapsed, 1e-9);
    let eta = NaN;
    if (this.opts.totalSteps) eta = (this.opts.totalSteps - p.envSteps) / rate;
    else if (this.opts.totalIterations) eta = ((this.opts.totalIterations - p.iteration) * elapsed) / Math.max(p.iteration, 1);
    return (
      `iteration ${p.iteration} | episodes ${p.episodes} | env steps ${p.envSteps.toLocaleString("en-US")} | ` +
      `${Math.round(rate).toLocaleString("en-US")} steps/s | elapsed ${formatSeconds(elapsed)} | ETA ${formatSeconds(Math.max(eta, 0))}`
    );
  }

  /**
   * Callbacks for the training algorithms: plots the mean return of the last 100 episodes after
   * every iteration, e.g. `await a2c(config, live.callbacks())`.
   */
  callbacks(): { onIteration: (stats: { iteration: number; totalEpisodes: number; envSteps: number; meanReturn100: number }) => Promise<void> } {
    return {
      onIteration: (s) => this.update({ iteration: s.iteration, episodes: s.totalEpisodes, envSteps: s.envSteps, value: s.meanReturn100 }),
    };
  }

  /** Final redraw (always), and end the terminal line. */
  async finish(): Promise<void> {
    this.draw(performance.now(), true);
    await yieldToEventLoop();
  }

  private draw(now: number, final = false): void {
    const t0 = performance.now();
    const status = this.status();
    if (inNotebook()) {
      const fig = lineChart([{ name: this.opts.yLabel, x: this.xs, y: this.ys }], {
        title: this.opts.title,
        xLabel: this.opts.x === "iteration" ? "iteration" : "environment steps",
        yLabel: this.opts.yLabel,
        height: 360,
      });
      // The status line is part of the figure (an annotation under the title), so that every
      // renderer shows it: VS Code and JupyterLab's plotly extension draw only the plotly JSON.
      const layout = fig.layout as { annotations: object[]; margin: { t: number } };
      layout.margin.t = 84;
      layout.annotations.push({
        xref: "paper",
        yref: "paper",
        x: 0,
        y: 1.02,
        xanchor: "left",
        yanchor: "bottom",
        showarrow: false,
        text: escapeHtml(status),
        font: { family: "monospace", size: 11, color: "#444" },
      });
      // Each redraw replaces the previous output. If the first one carried plotly.js (the live view
      // is the session's first figure), the last one carries it again, so that the saved notebook
      // still holds plotly.js for its other figures when it is reopened.
      const bundle = figureBundle(fig, { status, liveKey: this.displayId, withPlotly: final && this.sentPlotly });
      if (!this.drawn) this.sentPlotly = carriesPlotly(bundle);
      displayBundle(bundle, { displayId: this.displayId, update: this.drawn });
      this.drawn = true;
    } else if (process.stderr.isTTY && !process.env.CI) {
      process.stderr.write(`\r${status}\x1b[K${final ? "\n" : ""}`);
    }
    this.draws++;
    this.lastCost = performance.now() - t0;
    this.drawMs += this.lastCost;
    this.lastDraw = now;
  }
}
