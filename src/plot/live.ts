/**
 * A live view of a long training run: a learning-curve figure and a status line (iteration,
 * episodes, env steps, steps/s, elapsed, ETA) updated in place while training runs.
 *
 * In a notebook it uses one updatable display; in plain Node it writes a progress line on stderr,
 * and stays silent when stderr is not a terminal or when `CI` is set. The first point is drawn at
 * once (a single point as a marker); later redraws are throttled so that drawing costs under 1% of
 * the run (see `Throttle`: at least `minIntervalMs` apart, at least 100 times a typical redraw; one
 * that also sends plotly.js does not count). The ETA comes from the recent rate (see
 * `RateEstimator`: start-up and warm-up do not inflate it); it reads "estimating..." until the second
 * point.
 *
 * ```ts
 * const live = new LiveTraining({ title: "REINFORCE on CartPole-v1", yLabel: "mean return", totalSteps: 1e5 });
 * for (...) await live.update({ iteration, episodes, envSteps, value: meanReturn });
 * await live.finish();
 * // or, with a training algorithm:
 * const result = await a2c({ totalSteps: 1e5 }, live.callbacks());
 * await live.finish();
 * ```
 * `update` is async: after a redraw it yields to the event loop once, so that the kernel can send
 * the new picture while a synchronous training loop is still running.
 */
import { carriesPlotly, displayBundle, figureBundle, inNotebook } from "./display";
import { lineChart } from "./figure";
import { RateEstimator, Throttle, etaText, formatSeconds, withStatus } from "./progress";

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

export class LiveTraining {
  private readonly opts: LiveOptions;
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private readonly start = performance.now();
  private readonly displayId: string;
  private readonly throttle: Throttle;
  private readonly rate = new RateEstimator();
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
    this.throttle = new Throttle(opts.minIntervalMs ?? 1000);
    this.displayId = `pglab-live-${process.pid}-${Date.now().toString(36)}`;
  }

  /** Record a point; redraw if the throttle allows (and then let the kernel send it). */
  async update(point: LivePoint): Promise<void> {
    this.last = point;
    this.xs.push(this.opts.x === "iteration" ? point.iteration : point.envSteps);
    this.ys.push(point.value);
    const now = performance.now();
    this.rate.add(now, this.opts.totalSteps ? point.envSteps : point.iteration);
    if (this.throttle.due(now)) {
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
    const total = this.opts.totalSteps ?? this.opts.totalIterations;
    const eta = total ? this.rate.secondsLeft(total, performance.now()) : NaN;
    return (
      `iteration ${p.iteration} | episodes ${p.episodes} | env steps ${p.envSteps.toLocaleString("en-US")} | ` +
      `${Math.round(rate).toLocaleString("en-US")} steps/s | elapsed ${formatSeconds(elapsed)} | ${total ? etaText(eta) : "ETA ?"}`
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
    let carried = false; // whether this redraw sent plotly.js (then its cost is not typical)
    const status = this.status();
    if (inNotebook()) {
      // One point is invisible as a line: draw markers until there are two.
      const fig = lineChart([{ name: this.opts.yLabel, x: this.xs, y: this.ys, mode: this.xs.length < 2 ? "lines+markers" : "lines" }], {
        title: this.opts.title,
        xLabel: this.opts.x === "iteration" ? "iteration" : "environment steps",
        yLabel: this.opts.yLabel,
        height: 360,
      });
      withStatus(fig, [status]); // in the figure, so that every renderer shows it
      // Each redraw replaces the previous output. If the first one carried plotly.js (the live view
      // is the session's first figure), the last one carries it again, so that the saved notebook
      // still holds plotly.js for its other figures when it is reopened.
      const bundle = figureBundle(fig, { status, liveKey: this.displayId, withPlotly: final && this.sentPlotly });
      carried = carriesPlotly(bundle);
      if (!this.drawn) this.sentPlotly = carried;
      displayBundle(bundle, { displayId: this.displayId, update: this.drawn });
      this.drawn = true;
    } else if (process.stderr.isTTY && !process.env.CI) {
      process.stderr.write(`\r${status}\x1b[K${final ? "\n" : ""}`);
    }
    this.draws++;
    const cost = performance.now() - t0;
    this.drawMs += cost;
    this.throttle.drew(now, cost, !carried);
  }
}
