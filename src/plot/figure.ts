/**
 * Plotly figures for the notebooks, as plain JSON (`{ data, layout }`), built by small helpers
 * that insist on a title and axis labels and give each method the same colour in every notebook.
 * Figures stay compatible with plotly.js 2.x (VS Code renders them with its own copy).
 *
 * House style, so that a figure reads at a glance: the legend sits to the right of the plot (never
 * over an axis title), confidence bands are light and drawn under every mean line, mean lines are
 * strong, and a logarithmic axis labels only 1-2-5 or powers of ten, never every minor tick.
 */
import { confidenceBand } from "../stats";

export type Trace = Record<string, unknown>;
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

/** Options every chart takes. Title and both axis labels are required. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic axes. */
  xLog?: boolean;
  yLog?: boolean;
  /** Axis ranges [from, to] in data units (also on a log axis), e.g. to show the region the text talks about. */
  xRange?: [number, number];
  yRange?: [number, number];
  height?: number;
  width?: number;
  /** Reference lines drawn dashed across the plot, e.g. an exact optimum: `{ y: -11.66, name: "J(p*)" }`. */
  refLines?: { x?: number; y?: number; name: string }[];
}

/**
 * One curve of a line chart; `band` shades [lower, upper] around it, named in the legend by its `label`
 * (default "95% CI": say what the band is when it is something else, e.g. "range over seeds").
 */
export interface Series {
  name: string;
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  band?: { lower: ArrayLike<number>; upper: ArrayLike<number>; label?: string };
  color?: string;
  dash?: "solid" | "dash" | "dot" | "dashdot";
  mode?: "lines" | "markers" | "lines+markers";
}

/** Colours fixed per method, so that a method looks the same in every notebook. */
export const METHOD_COLORS: Readonly<Record<string, string>> = {
  exact: "#222222",
  reinforce: "#1f77b4",
  "no baseline": "#1f77b4",
  "moving average": "#ff7f0e",
  "batch mean": "#bcbd22",
  optimal: "#2ca02c",
  "williams optimal": "#2ca02c",
  "learned v": "#d62728",
  "state value": "#d62728",
  "actor-critic": "#9467bd",
  a2c: "#8c564b",
  "td actor-critic": "#e377c2",
  gae: "#17becf",
};
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** The colour of a named method: fixed for known methods, otherwise the next unused palette colour. */
export function colorFor(name: string, used: Set<string> = new Set()): string {
  const known = METHOD_COLORS[name.trim().toLowerCase()];
  if (known) return known;
  return PALETTE.find((c) => !used.has(c)) ?? PALETTE[used.size % PALETTE.length];
}

function assignColors<T extends { name: string; color?: string }>(items: T[]): string[] {
  const used = new Set<string>();
  for (const it of items) {
    const known = it.color ?? METHOD_COLORS[it.name.trim().toLowerCase()];
    if (known) used.add(known);
  }
  return items.map((it) => {
    const c = it.color ?? colorFor(it.name, used);
    used.add(c);
    return c;
  });
}

function requireText(value: unknown, option: string, fn: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`${fn}: option "${option}" is required (a non-empty string); received ${JSON.stringify(value)}.`);
  }
}

function toArray(values: ArrayLike<number>, what: string, fn: string): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") throw new TypeError(`${fn}: ${what}[${i}] is ${String(v)}; expected a number.`);
    out.push(Number.isFinite(v) ? v : null); // plotly leaves gaps at null
  }
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The layout shared by every chart: fonts, margins, labelled axes, reference lines. */
export function baseLayout(opts: ChartOptions, fn: string): Record<string, unknown> {
  requireText(opts.title, "title", fn);
  requireText(opts.xLabel, "xLabel", fn);
  requireText(opts.yLabel, "yLabel", fn);
  const shapes: Trace[] = [];
  const annotations: Trace[] = [];
  for (const line of opts.refLines ?? []) {
    const vertical = line.x !== undefined;
    const at = vertical ? line.x : line.y;
    if (typeof at !== "number" || !Number.isFinite(at)) {
      throw new TypeError(`${fn}: refLines entry "${line.name}" needs a finite x or y; received ${JSON.stringify(line)}.`);
    }
    shapes.push({
      type: "line",
      xref: vertical ? "x" : "paper",
      yref: vertical ? "paper" : "y",
      x0: vertical ? at : 0,
      x1: vertical ? at : 1,
      y0: vertical ? 0 : at,
      y1: vertical ? 1 : at,
      line: { dash: "dash", color: "#444", width: 1.5 },
    });
    // shapes take data values on a log axis, but annotations take log10 of them (plotly.js)
    const log = vertical ? opts.xLog : opts.yLog;
    if (log && !(at > 0)) throw new RangeError(`${fn}: refLines entry "${line.name}" is at ${at} on a log axis; expected a value > 0.`);
    const where = log ? Math.log10(at) : at;
    annotations.push({
      xref: vertical ? "x" : "paper",
      yref: vertical ? "paper" : "y",
      x: vertical ? where : 1,
      y: vertical ? 1 : where,
      xanchor: vertical ? "left" : "right",
      yanchor: "bottom",
      text: line.name,
      showarrow: false,
      font: { size: 12, color: "#444" },
    });
  }
  return {
    title: { text: opts.title },
    xaxis: axisLayout(opts.xLabel, opts.xLog, opts.xRange, "xRange", fn),
    yaxis: axisLayout(opts.yLabel, opts.yLog, opts.yRange, "yRange", fn),
    font: { family: "Helvetica, Arial, sans-serif", size: 14 },
    margin: { l: 70, r: 30, t: 60, b: 60 },
    height: opts.height ?? 420,
    ...(opts.width ? { width: opts.width } : {}),
    legend: LEGEND,
    shapes,
    annotations,
  };
}

/** The legend to the right of the plot, top-aligned: clear of both axis titles whatever the figure's size. */
export const LEGEND: Readonly<Record<string, unknown>> = { orientation: "v", x: 1.02, xanchor: "left", y: 1, yanchor: "top" };

function axisLayout(label: string, log: boolean | undefined, range: [number, number] | undefined, option: string, fn: string): Record<string, unknown> {
  const axis: Record<string, unknown> = { title: { text: label }, type: log ? "log" : "linear", zeroline: false };
  if (range !== undefined) {
    const ok = Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === "number" && Number.isFinite(v) && (!log || v > 0)) && range[0] !== range[1];
    if (!ok) throw new TypeError(`${fn}: option "${option}" must be two different finite numbers [from, to]${log ? " > 0 (log axis)" : ""}; received ${JSON.stringify(range)}.`);
    axis.range = log ? range.map((v) => Math.log10(v)) : [...range];
    axis.autorange = false;
  }
  return axis;
}

/** A tick label that says its value in full ("0.5", "20", "0.002"), never plotly's bare "5" for 0.5 or 50. */
function tickLabel(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/**
 * Ticks of a log axis from the decades its values span: powers of ten (10^k) from three decades
 * up; from one decade up, 1-2-5 in every decade, each labelled with its full value; below one
 * decade, five or so evenly spaced round values, labelled in full.
 */
export function logTicks(values: Iterable<number | null>): Record<string, unknown> {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v === "number" && v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi > lo)) return {};
  const decades = Math.log10(hi / lo);
  if (decades >= 3) return { dtick: 1, exponentformat: "power" };
  let tickvals: number[];
  if (decades >= 1) {
    // a decade beyond the values on each side: plotly draws only the ticks inside the axis range
    tickvals = [];
    for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)) + 1; k++) for (const m of [1, 2, 5]) tickvals.push(Number((m * 10 ** k).toPrecision(6)));
  } else {
    const raw = (hi - lo) / 4;
    const p = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * p).find((st) => st >= raw) ?? 10 * p;
    tickvals = [];
    for (let v = Math.floor(lo / step) * step; v <= hi + step; v += step) if (v > 0) tickvals.push(Number(v.toPrecision(6)));
  }
  return { tickmode: "array", tickvals, ticktext: tickvals.map(tickLabel) };
}

/** Set readable ticks on the log axes of a single-plot figure, from the values its traces draw. */
function tidyLogAxes(data: Trace[], layout: Record<string, unknown>): void {
  for (const key of ["x", "y"] as const) {
    const axis = layout[`${key}axis`] as Record<string, unknown>;
    if (axis?.type !== "log") continue;
    const values = data.flatMap((t) => (Array.isArray(t[key]) ? (t[key] as (number | null)[]) : []));
    const range = axis.range as number[] | undefined;
    Object.assign(axis, logTicks(range ? range.map((v) => 10 ** v) : values));
  }
}

function hexToRgba(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Line chart of several series, each optionally with a shaded band. */
export function lineChart(series: Series[], opts: ChartOptions): Figure {
  const fn = "lineChart";
  const layout = baseLayout(opts, fn);
  if (series.length === 0) throw new RangeError(`${fn}: expected at least one series; received none.`);
  const colors = assignColors(series);
  const bands: Trace[] = [];
  const lines: Trace[] = [];
  series.forEach((s, k) => {
    requireText(s.name, `series[${k}].name`, fn);
    const y = toArray(s.y, `series "${s.name}" y`, fn);
    const x = s.x ? toArray(s.x, `series "${s.name}" x`, fn) : range(y.length);
    if (x.length !== y.length) {
      throw new RangeError(`${fn}: series "${s.name}" has ${x.length} x values but ${y.length} y values; expected equal lengths.`);
    }
    if (s.band) {
      const lower = toArray(s.band.lower, `series "${s.name}" band.lower`, fn);
      const upper = toArray(s.band.upper, `series "${s.name}" band.upper`, fn);
      if (lower.length !== y.length || upper.length !== y.length) {
        throw new RangeError(`${fn}: series "${s.name}" band has ${lower.length}/${upper.length} values; expected ${y.length}.`);
      }
      bands.push({
        type: "scatter",
        mode: "lines",
        x: [...x, ...[...x].reverse()],
        y: [...upper, ...[...lower].reverse()],
        fill: "toself",
        fillcolor: hexToRgba(colors[k], BAND_OPACITY),
        line: { width: 0, color: colors[k] },
        hoverinfo: "skip",
        showlegend: false,
        legendgroup: s.name,
        name: `${s.name} (${s.band.label ?? "95% CI"})`,
      });
    }
    lines.push({
      type: "scatter",
      mode: s.mode ?? "lines",
      name: s.name,
      legendgroup: s.name,
      x,
      y,
      line: { color: colors[k], width: LINE_WIDTH, dash: s.dash ?? "solid" },
      marker: { color: colors[k] },
    });
  });
  // every band under every line: a light band never hides another method's mean
  const data = [...bands, ...lines];
  if (lines.length === 1) layout.showlegend = false;
  tidyLogAxes(data, layout);
  return { data, layout };
}

/** Opacity of a confidence band's fill, and the width of mean lines. */
export const BAND_OPACITY = 0.12;
export const LINE_WIDTH = 2.5;

/** One method's curves, one per seed (equal x), for `bandChart` and `rangeChart`. */
export interface SeedCurves {
  name: string;
  x?: ArrayLike<number>;
  curves: ArrayLike<number>[];
  color?: string;
  dash?: Series["dash"];
}

/**
 * Learning curves over seeds: for each method, the pointwise mean with a shaded 95% confidence
 * band (Student's t over seeds).
 */
export function bandChart(
  methods: SeedCurves[],
  opts: ChartOptions,
): Figure {
  return lineChart(
    methods.map((m) => {
      const band = confidenceBand(m.curves);
      return { name: m.name, x: m.x ? Array.from(m.x).slice(0, band.mean.length) : undefined, y: band.mean, band, color: m.color, dash: m.dash };
    }),
    opts,
  );
}

/**
 * Learning curves over a few seeds: for each method, the pointwise mean with a band from the lowest to
 * the highest seed. With three seeds a Student-t band is wider than the data (and than what a return
 * can be); the range says only what was seen.
 */
export function rangeChart(
  methods: SeedCurves[],
  opts: ChartOptions,
): Figure {
  return lineChart(
    methods.map((m) => {
      if (m.curves.length === 0) throw new RangeError(`rangeChart: method "${m.name}" has no curves; expected one per seed.`);
      const n = Math.min(...m.curves.map((c) => c.length));
      const at = (f: (xs: number[]) => number) => Array.from({ length: n }, (_, i) => f(m.curves.map((c) => c[i])));
      const band = { lower: at((xs) => Math.min(...xs)), upper: at((xs) => Math.max(...xs)), label: "range over seeds" };
      const y = at((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
      return { name: m.name, x: m.x ? Array.from(m.x).slice(0, n) : undefined, y, band, color: m.color, dash: m.dash };
    }),
    opts,
  );
}

/** Histogram of one or more samples, overlaid. `histnorm: "probability density"` by default. */
export function histogram(
  groups: { name: string; values: ArrayLike<number> }[],
  opts: ChartOptions & { bins?: number; density?: boolean },
): Figure {
  const fn = "histogram";
  const layout = baseLayout(opts, fn);
  if (groups.length === 0) throw new RangeError(`${fn}: expected at least one group; received none.`);
  const colors = assignColors(groups);
  const data = groups.map((g, k) => ({
    type: "histogram",
    name: g.name,
    x: toArray(g.values, `group "${g.name}" values`, fn),
    opacity: groups.length > 1 ? 0.6 : 0.85,
    marker: { color: colors[k] },
    histnorm: opts.density === false ? "" : "probability density",
    ...(opts.bins ? { nbinsx: opts.bins } : {}),
  }));
  if (groups.length === 1) layout.showlegend = false;
  tidyLogAxes(data, layout);
  return { data, layout: { ...layout, barmode: "overlay" } };
}

/** Grouped bar chart with optional error bars (e.g. +-1 standard error). */
export function barChart(
  categories: string[],
  series: { name: string; values: ArrayLike<number>; errors?: ArrayLike<number>; color?: string }[],
  opts: ChartOptions,
): Figure {
  const fn = "barChart";
  const layout = baseLayout(opts, fn);
  const colors = assignColors(series);
  const data = series.map((s, k) => {
    const y = toArray(s.values, `series "${s.name}" values`, fn);
    if (y.length !== categories.length) {
      throw new RangeError(`${fn}: series "${s.name}" has ${y.length} values for ${categories.length} categories; expected equal counts.`);
    }
    return {
      type: "bar",
      name: s.name,
      x: categories,
      y,
      marker: { color: colors[k] },
      ...(s.errors ? { error_y: { type: "data", array: toArray(s.errors, `series "${s.name}" errors`, fn), visible: true } } : {}),
    };
  });
  if (series.length === 1) layout.showlegend = false;
  tidyLogAxes(data, layout);
  return { data, layout: { ...layout, barmode: "group", xaxis: { ...(layout.xaxis as object), type: "category" } } };
}

/** Heatmap of z[row][column] with labelled axes and a titled colour bar. */
export function heatmap(
  z: ArrayLike<number>[],
  opts: ChartOptions & { x?: ArrayLike<number>; y?: ArrayLike<number>; colorbarTitle: string; colorscale?: string },
): Figure {
  const fn = "heatmap";
  const layout = baseLayout(opts, fn);
  requireText(opts.colorbarTitle, "colorbarTitle", fn);
  if (z.length === 0) throw new RangeError(`${fn}: expected at least one row; received none.`);
  const width = z[0].length;
  const rows = z.map((row, i) => {
    if (row.length !== width) throw new RangeError(`${fn}: row ${i} has ${row.length} values; expected ${width} like row 0.`);
    return toArray(row, `z[${i}]`, fn);
  });
  return {
    data: [
      {
        type: "heatmap",
        z: rows,
        x: opts.x ? toArray(opts.x, "x", fn) : range(width),
        y: opts.y ? toArray(opts.y, "y", fn) : range(z.length),
        colorscale: opts.colorscale ?? "Viridis",
        colorbar: { title: { text: opts.colorbarTitle } },
      },
    ],
    layout,
  };
}

/** Scatter plot of one or more point sets. */
export function scatter(sets: { name: string; x: ArrayLike<number>; y: ArrayLike<number>; color?: string }[], opts: ChartOptions): Figure {
  return lineChart(sets.map((s) => ({ ...s, mode: "markers" as const })), opts);
}

/**
 * Several figures side by side in a grid (row-major). Each keeps its own title (as a subplot title)
 * and axis labels; a legend entry appears once per name.
 */
export function subplots(figures: Figure[], opts: { title: string; cols?: number; height?: number }): Figure {
  const fn = "subplots";
  requireText(opts.title, "title", fn);
  if (figures.length === 0) throw new RangeError(`${fn}: expected at least one figure; received none.`);
  const cols = opts.cols ?? Math.min(figures.length, 3);
  const rows = Math.ceil(figures.length / cols);
  const gap = 0.08;
  const w = (1 - gap * (cols - 1)) / cols;
  const h = (1 - gap * 1.6 * (rows - 1)) / rows;
  const layout: Record<string, unknown> = {
    title: { text: opts.title },
    font: { family: "Helvetica, Arial, sans-serif", size: 13 },
    height: opts.height ?? 380 * rows,
    margin: { l: 70, r: 30, t: 80, b: 60 },
    legend: LEGEND,
    annotations: [] as Trace[],
    shapes: [] as Trace[],
  };
  const seen = new Set<string>();
  const data: Trace[] = [];
  figures.forEach((fig, i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const suffix = i === 0 ? "" : String(i + 1);
    const x0 = c * (w + gap);
    const y1 = 1 - r * (h + gap * 1.6);
    const sub = fig.layout as { title?: { text?: string }; xaxis?: object; yaxis?: object; barmode?: string };
    // clamped to [0, 1]: the last row's lower edge can round to -5.6e-17, which plotly.js 2 rejects
    const unit = (v: number) => Math.min(1, Math.max(0, v));
    layout[`xaxis${suffix}`] = { ...sub.xaxis, domain: [unit(x0), unit(x0 + w)], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = { ...sub.yaxis, domain: [unit(y1 - h), unit(y1)], anchor: `x${suffix}` };
    if (sub.barmode) layout.barmode = sub.barmode;
    (layout.annotations as Trace[]).push({
      text: `<b>${sub.title?.text ?? ""}</b>`,
      xref: "paper",
      yref: "paper",
      x: x0 + w / 2,
      y: y1 + 0.01,
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
    });
    for (const t of fig.data) {
      const name = String(t.name ?? "");
      const show = t.showlegend !== false && !seen.has(name);
      if (show) seen.add(name);
      data.push({ ...t, xaxis: `x${suffix}`, yaxis: `y${suffix}`, showlegend: show });
    }
  });
  return { data, layout };
}

/** Draw the traces of `others` on top of `base` (keeping `base`'s title, axes and layout). */
export function overlay(base: Figure, ...others: Figure[]): Figure {
  const data = [...base.data, ...others.flatMap((f) => f.data)];
  const layout = { ...base.layout };
  if (data.filter((t) => t.showlegend !== false).length > 1) delete layout.showlegend;
  return { data, layout };
}
