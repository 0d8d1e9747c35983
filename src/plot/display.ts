/**
 * Showing figures in a notebook. A figure goes out as one display bundle with three MIME types:
 * - `application/vnd.plotly.v1+json`: drawn natively by VS Code and by JupyterLab with the plotly
 *   extension;
 * - `text/html`: a div and a script that waits for `window.Plotly` and draws the figure; used by
 *   JupyterLab without the extension (trusted output), classic Notebook and nbconvert's HTML;
 * - `text/plain`: a one-line summary for terminals.
 * plotly.js itself is sent once per kernel session (again after the import cell is re-run), inline
 * from the installed `plotly.js-dist-min`, never from a CDN. The book replaces that inline copy by
 * one shared `plotly.min.js` file (see scripts/book.ts, which looks for `PLOTLY_LOADER_ATTR`).
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

let plotlySent = false;
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
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function plotlyLoaderHtml(): string {
  const file = require.resolve("plotly.js-dist-min/plotly.min.js");
  const source = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  return `<script ${PLOTLY_LOADER_ATTR}="inline">if (!window.Plotly) {\n${source}\n}</script>`;
}

/** Force plotly.js to be sent again with the next figure (e.g. after reloading the browser page). */
export function reloadPlotly(): void {
  plotlySent = false;
}

function titleOf(fig: Figure): string {
  const t = (fig.layout as { title?: { text?: string } }).title;
  return t?.text ?? "untitled";
}

/** The HTML that draws a figure into a fresh div once plotly.js is present. */
export function figureHtml(fig: Figure, id: string, header = ""): string {
  const height = Number((fig.layout as { height?: number }).height ?? 420);
  return (
    `${header}<div id="${id}" class="${FIGURE_CLASS}" style="width:100%;min-height:${height}px"></div>\n` +
    `<script type="text/javascript">(function () {\n` +
    `  var fig = ${scriptJson({ ...fig, config: { responsive: true, displaylogo: false } })};\n` +
    `  var tries = 0;\n` +
    `  function draw() {\n` +
    `    var el = document.getElementById(${JSON.stringify(id)});\n` +
    `    if (!el) return;\n` +
    `    if (window.Plotly) { window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); return; }\n` +
    `    if (++tries > 400) { el.textContent = "plotly.js is not loaded in this page: re-run the cell that imports the library."; return; }\n` +
    `    setTimeout(draw, 50);\n` +
    `  }\n` +
    `  draw();\n` +
    `})();</script>`
  );
}

/** The display bundle of a figure (plotly JSON + HTML + plain text). */
export function figureBundle(fig: Figure, options: { header?: string; status?: string } = {}): MimeBundle {
  const id = `pglab-fig-${process.pid}-${Date.now().toString(36)}-${++figureCount}`;
  let loader = "";
  if (!plotlySent) {
    loader = plotlyLoaderHtml();
    plotlySent = true;
  }
  const plain = `[figure] ${titleOf(fig)} (${fig.data.length} trace${fig.data.length === 1 ? "" : "s"})`;
  return {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: { responsive: true, displaylogo: false } },
    "text/html": loader + figureHtml(fig, id, options.header ?? ""),
    "text/plain": options.status ? `${options.status}\n${plain}` : plain,
  };
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
