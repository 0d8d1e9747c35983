/**
 * Node side of the JupyterLab check: turns executed notebooks (and a recorded session of the
 * library's display code) into pages for the browser harness (./harness.ts), and reads back what
 * the harness measured.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Notebook, type Output, cellSource } from "../../../scripts/notebooks";
import { renderedDomAsync } from "../chromium";

export type Mode = "live" | "reopened";
export type Message = { msg_type: string; content: Record<string, unknown> };
export type InputCell = { type: "markdown"; source: string } | { type: "code"; index: number; outputs: Output[]; messages?: Message[] };

export interface HarnessResult {
  name: string;
  mode: Mode;
  seconds: number;
  figures: { cell: number; title: string; state: "drawn" | "picture" | "note" | "empty"; note?: string; mismatch?: string }[];
  animations: { cell: number; state: "plays" | "picture" | "note" | "broken"; detail: string }[];
  math: { expected: number; typeset: number; errors: number };
  emptyOutputs: { cell: number; mimes: string[] }[];
  renderErrors: string[];
  errors: string[];
  /** Plots removed from the page (live views redrawn in place), and those of them not purged. */
  removedPlots: number;
  leakedPlots: number;
  fatal?: string;
}

const joined = (v: unknown) => (Array.isArray(v) && v.every((s) => typeof s === "string") ? v.join("") : v);

/**
 * An output as Jupyter's server hands it to JupyterLab: nbformat's reader joins the multi-line
 * strings of a saved notebook (`rejoin_lines`), except in JSON MIME types.
 */
function rejoined(o: Output): Output {
  const out: Output = { ...o };
  if (o.text !== undefined) out.text = joined(o.text) as string;
  if (o.data) out.data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, /json$/.test(k) ? v : joined(v)]));
  return out;
}

/** The cells of an executed notebook, numbered from 1 as Jupyter shows them. */
export function cellsOf(nb: Notebook): InputCell[] {
  return nb.cells.flatMap((c, i): InputCell[] => {
    if (c.cell_type === "markdown") return [{ type: "markdown", source: cellSource(c) }];
    if (c.cell_type === "code") return [{ type: "code", index: i + 1, outputs: (c.outputs ?? []).map(rejoined) }];
    return [];
  });
}

/** The outputs a notebook saves for a list of kernel messages (display updates applied, as nbclient does). */
export function outputsOf(messages: Message[]): Output[] {
  const outputs: Output[] = [];
  const byId = new Map<string, number[]>();
  for (const m of messages) {
    const { transient, ...content } = m.content as { transient?: { display_id?: string } };
    const id = transient?.display_id;
    if (m.msg_type === "update_display_data") {
      for (const i of (id && byId.get(id)) || []) outputs[i] = { output_type: "display_data", ...content } as Output;
      continue;
    }
    outputs.push({ output_type: m.msg_type, ...content } as Output);
    if (id && m.msg_type === "display_data") byId.set(id, [...(byId.get(id) ?? []), outputs.length - 1]);
  }
  return outputs;
}

/** Writes the page that renders `cells` in `mode` next to the harness bundle; returns its path. */
export function writePage(dir: string, name: string, mode: Mode, cells: InputCell[]): string {
  const input = JSON.stringify({ name, mode, cells }).replace(/</g, "\\u003c");
  const file = path.join(dir, `${name}.${mode}.html`);
  fs.writeFileSync(
    file,
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${name} (${mode})</title>` +
      `<link rel="stylesheet" href="harness.css"><style>body{font-family:sans-serif;max-width:1000px;margin:16px auto} .cell{margin:8px 0}</style></head>\n` +
      `<body><div id="notebook" class="jp-Notebook"></div>\n<script type="application/json" id="pglab-input">${input}</script>\n` +
      `<script src="harness.js"></script></body></html>\n`,
  );
  return file;
}

/** Renders a page in headless Chromium and returns what the harness measured. */
export async function measure(chromium: string, file: string): Promise<HarnessResult> {
  const dom = await renderedDomAsync(chromium, file, { virtualTimeMs: 120_000, windowSize: "1200,900" });
  return resultOf(dom, file) as HarnessResult;
}

/** Runs `jobs` with at most `limit` at a time, keeping their order. */
export async function inBatches<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

export interface VsCodeResult {
  name: string;
  cell: number;
  title: string;
  /** Problems plotly.js 2 (VS Code's major version) finds in the figure (Plotly.validate; "unused" attributes are not problems). */
  invalid: string[];
  /** Plotly.validate of plotly.js 2 threw on this figure's legend, so the rest was validated without it. */
  legendNotValidated?: boolean;
  drawn: boolean;
  error: string | null;
}

/**
 * A page that draws each figure's plotly JSON alone, as VS Code's plotly renderer does: plotly.js 2
 * (the devDependency plotly.js-dist-min-v2) in a page with nothing else, `Plotly.validate` and
 * `Plotly.newPlot` on the JSON of the output's application/vnd.plotly.v1+json part.
 */
export function writeVsCodePage(dir: string, figures: { name: string; cell: number; title: string; json: unknown }[]): string {
  fs.copyFileSync(require.resolve("plotly.js-dist-min-v2/plotly.min.js"), path.join(dir, "plotly-v2.min.js"));
  const file = path.join(dir, "vscode.html");
  const script = `
(async function () {
  var figs = JSON.parse(document.getElementById("pglab-input").textContent), out = [];
  window.addEventListener("error", function (e) { out.push({ name: "page", cell: 0, title: "", invalid: [], drawn: false, error: String(e.message) }); });
  for (var i = 0; i < figs.length; i++) {
    var f = figs[i], div = document.createElement("div"), r = { name: f.name, cell: f.cell, title: f.title, invalid: [], drawn: false, error: null };
    document.body.appendChild(div);
    var problems = function (layout) {
      return (Plotly.validate(f.json.data, layout) || []).filter(function (e) { return e.code !== "unused"; }).map(function (e) { return e.code + ": " + e.msg; });
    };
    try { r.invalid = problems(f.json.layout); } catch (e) {
      // plotly.js 2's validator itself throws on some legends (seen on { orientation: "h", y: -0.2 }
      // alone); newPlot below draws them. Validate the rest of the layout.
      try { var rest = Object.assign({}, f.json.layout); delete rest.legend; r.invalid = problems(rest); r.legendNotValidated = true; }
      catch (e2) { r.invalid = ["Plotly.validate failed: " + String(e2 && e2.message || e2)]; }
    }
    try {
      await Plotly.newPlot(div, f.json);
      r.drawn = div.querySelectorAll(".main-svg").length > 0 && (div._fullData || []).length === f.json.data.length;
    } catch (e) { r.error = String(e && e.message || e); }
    Plotly.purge(div); div.remove();
    out.push(r);
  }
  var pre = document.createElement("pre"); pre.id = "pglab-result"; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
  document.getElementById("pglab-input").remove();
})();`;
  fs.writeFileSync(
    file,
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>plotly JSON alone (VS Code)</title></head><body>\n` +
      `<script type="application/json" id="pglab-input">${JSON.stringify(figures).replace(/</g, "\\u003c")}</script>\n` +
      `<script src="plotly-v2.min.js"></script>\n<script>${script}</script></body></html>\n`,
  );
  return file;
}

/** The measured JSON of a page rendered by `renderedDomAsync`. */
export function resultOf(dom: string, file: string): unknown {
  const m = /<pre id="pglab-result">([\s\S]*?)<\/pre>/.exec(dom);
  if (!m) throw new Error(`${path.basename(file)}: the page wrote no result (it did not finish within Chromium's time budget)`);
  return JSON.parse(m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&"));
}
