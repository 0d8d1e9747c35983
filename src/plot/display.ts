/**
 * Showing figures in a notebook. A figure goes out as one display bundle with three MIME types:
 * - `application/vnd.plotly.v1+json`: `{ data, layout }` as plain JSON, valid on its own (no
 *   functions, typed arrays or non-finite numbers, nothing sent earlier needed); VS Code draws it
 *   natively, and so does JupyterLab with Python plotly's renderer extension installed;
 * - `text/html`: a div holding a one-line note, and a script that replaces the note by the plot
 *   once `window.Plotly` is there. JupyterLab (without the extension), the classic Notebook and
 *   nbconvert's HTML use it. Jupyter runs the script only in trusted output (produced in this
 *   session); in a notebook opened from disk the note stays, telling the reader to re-run the cell;
 * - `text/plain`: a one-line summary for terminals.
 * plotly.js itself goes out inline (from the installed `plotly.js-dist-min`, never a CDN) with the
 * first figure of a kernel session, and again when the figure that carried it is shown by a later
 * cell run (most likely its own cell re-run, which clears the output that held plotly.js) or after
 * `reloadPlotly()`. The book replaces the inline copy by one shared `plotly.min.js` file (see
 * scripts/book.ts, which looks for `PLOTLY_LOADER_ATTR`).
 */
import * as fs from "fs";
import type { Figure } from "./figure";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";
/** Attribute marking the inline plotly.js script, so the book can swap it for a shared file. */
export const PLOTLY_LOADER_ATTR = "data-pglab-plotly";
/** Class of every figure's div; the book check counts rendered ones. */
export const FIGURE_CLASS = "pglab-figure";

export type MimeBundle = Record<string, unknown>;
type WriteDisplayData = (msg: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

/** Class of the one-line note a figure or animation shows until its script runs. */
export const NOTE_CLASS = "pglab-note";

let plotlySent = false;
/** Title of the figure that carried plotly.js, and the cell run (tslab's writer) that showed it. */
let loaderTitle: string | null = null;
let loaderRun: unknown = null;
let figureCount = 0;

/** True inside the tslab kernel (or a harness that runs notebooks through tslab's executor). */
export function inNotebook(): boolean {
  return (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined;
}

function writer(): WriteDisplayData | null {
  if (!inNotebook()) return null;
  try {
    // tslab's public API sends one MIME type per call; its internal writer sends a whole bundle.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData;
  } catch {
    return null;
  }
}

/** Send a MIME bundle to the notebook. With `displayId`, later sends with `update` replace it. */
export function displayBundle(data: MimeBundle, options: { displayId?: string; update?: boolean } = {}): boolean {
  const write = writer();
  if (!write) return false;
  write({ data, metadata: {}, transient: options.displayId ? { display_id: options.displayId } : {} }, options.update ?? false);
  return true;
}

/** JSON safe to embed inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A figure's data as plain JSON: typed arrays become arrays, NaN and infinities become null (a gap,
 * for plotly), undefined members are dropped; a function, symbol or bigint is an error naming where
 * it is.
 */
export function plotlyJson(fig: Figure): Figure {
  const plain = (v: unknown, where: string): unknown => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : null;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => plain(x, where));
    if (Array.isArray(v)) return v.map((x, i) => (x === undefined ? null : plain(x, `${where}[${i}]`)));
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as object)) if (x !== undefined) out[k] = plain(x, `${where}.${k}`);
      return out;
    }
    throw new TypeError(`show: ${where} is a ${typeof v}; a figure must be plain JSON (numbers, strings, arrays, objects).`);
  };
  if (!fig || !Array.isArray(fig.data) || typeof fig.layout !== "object" || fig.layout === null) {
    throw new TypeError(`show: expected a figure { data: [...], layout: {...} }; received ${fig === null ? "null" : typeof fig}.`);
  }
  return { data: plain(fig.data, "data") as Figure["data"], layout: plain(fig.layout, "layout") as Figure["layout"] };
}

function plotlyLoaderHtml(): string {
  const file = require.resolve("plotly.js-dist-min/plotly.min.js");
  const source = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  return `<script ${PLOTLY_LOADER_ATTR}="inline">if (!window.Plotly) {\n${source}\n}</script>`;
}

/** Send plotly.js again with the next figure (e.g. after clearing the outputs of the notebook). */
export function reloadPlotly(): void {
  plotlySent = false;
}

function titleOf(fig: Figure): string {
  const t = (fig.layout as { title?: { text?: string } | string }).title;
  return (typeof t === "string" ? t : t?.text) ?? "untitled";
}

/** The note a figure shows where its script does not run (a notebook opened from disk). */
function figureNote(title: string): string {
  return (
    `<div class="${NOTE_CLASS}" style="font-family:sans-serif;font-size:13px;color:#555;padding:4px 0">` +
    `Figure &ldquo;${escapeHtml(title)}&rdquo; is not drawn: its script did not run (Jupyter runs no scripts in a notebook opened from disk). ` +
    `Re-run the cell to draw it.</div>`
  );
}

/**
 * The HTML that draws a figure into its div once plotly.js is present. With `liveKey` (a live
 * view that is redrawn in place), the plot it replaces is purged, so that redraws leak nothing.
 */
export function figureHtml(fig: Figure, id: string, header = "", liveKey?: string): string {
  return htmlOf(plotlyJson(fig), id, header, liveKey);
}

function htmlOf(json: Figure, id: string, header: string, liveKey?: string): string {
  const height = Number((json.layout as { height?: number }).height ?? 420);
  return (
    `${header}<div id="${id}" class="${FIGURE_CLASS}" style="width:100%">${figureNote(titleOf(json))}</div>\n` +
    `<script type="text/javascript">(function () {\n` +
    `  var fig = ${scriptJson({ ...json, config: { responsive: true, displaylogo: false } })};\n` +
    `  var key = ${JSON.stringify(liveKey ?? null)}, tries = 0;\n` +
    `  function draw() {\n` +
    `    var el = document.getElementById(${JSON.stringify(id)});\n` +
    `    if (!el) return;\n` +
    `    if (window.Plotly) {\n` +
    `      el.innerHTML = ""; el.style.minHeight = "${height}px";\n` +
    `      if (key) { var live = window.__pglabLive || (window.__pglabLive = {}); if (live[key] && live[key] !== el) window.Plotly.purge(live[key]); live[key] = el; }\n` +
    `      window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);\n` +
    `      return;\n` +
    `    }\n` +
    `    if (++tries > 400) { el.textContent = "plotly.js is not loaded in this page (the output that carried it was cleared): run pg.plot.reloadPlotly() in a cell, then re-run this one."; return; }\n` +
    `    setTimeout(draw, 50);\n` +
    `  }\n` +
    `  draw();\n` +
    `})();</script>`
  );
}

/**
 * The display bundle of a figure (plotly JSON + HTML + plain text). `withPlotly` sends plotly.js
 * along even if it went out before (a live view's last redraw, which replaces the first one that
 * carried it); `liveKey` marks the redraws of one live view.
 */
export function figureBundle(fig: Figure, options: { header?: string; status?: string; withPlotly?: boolean; liveKey?: string } = {}): MimeBundle {
  const json = plotlyJson(fig);
  const id = `pglab-fig-${process.pid}-${Date.now().toString(36)}-${++figureCount}`;
  const title = titleOf(json);
  const run = writer();
  let loader = "";
  if (!plotlySent || options.withPlotly || (title === loaderTitle && run !== loaderRun)) {
    loader = plotlyLoaderHtml();
    plotlySent = true;
    loaderTitle = title;
    loaderRun = run;
  }
  const plain = `[figure] ${title} (${fig.data.length} trace${fig.data.length === 1 ? "" : "s"})`;
  return {
    [PLOTLY_MIME]: json,
    "text/html": loader + htmlOf(json, id, options.header ?? "", options.liveKey),
    "text/plain": options.status ? `${options.status}\n${plain}` : plain,
  };
}

/** Whether a bundle carries plotly.js. */
export function carriesPlotly(bundle: MimeBundle): boolean {
  return typeof bundle["text/html"] === "string" && bundle["text/html"].includes(`${PLOTLY_LOADER_ATTR}="inline"`);
}

/**
 * Show a figure inline in the notebook. Outside a notebook (scripts, tests) prints a one-line
 * summary instead.
 */
export function show(fig: Figure): void {
  if (!displayBundle(figureBundle(fig))) console.log(`[figure] ${titleOf(fig)}`);
}

/** Show Markdown (tables, results) in the notebook, or print it outside one. */
export function markdown(text: string): void {
  if (!displayBundle({ "text/markdown": text, "text/plain": text })) console.log(text);
}
