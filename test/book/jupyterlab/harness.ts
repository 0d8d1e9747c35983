/**
 * Runs in the browser (bundled by tools/jupyterlab-harness.js): renders one notebook's outputs the
 * way JupyterLab 4 does, with JupyterLab's own packages: the rendermime registry with its standard
 * renderers and sanitizer, the output area (and its handling of kernel messages, display ids
 * included), the MathJax 3 typesetter of @jupyterlab/mathjax-extension, and marked configured as
 * @jupyterlab/markedparser-extension configures it (gfm, heading ids, mangle; without its code
 * highlighting and mermaid blocks, which pull in CodeMirror and mermaid and touch no output here).
 *
 * Two modes:
 * - "live": a running session. Each code cell's outputs arrive as kernel messages (display_data,
 *   update_display_data, stream, execute_result) on an output area already on the page, whose model
 *   is trusted, as JupyterLab makes it when it executes a cell.
 * - "reopened": a notebook opened from disk without a valid signature: each cell's saved outputs go
 *   into an untrusted output model, as the notebook model does on load.
 * Markdown cells are rendered as JupyterLab's MarkdownCell does (always untrusted, i.e. sanitised).
 *
 * The page holds the input in <script type="application/json" id="pglab-input">; the harness writes
 * what it measured as JSON into <pre id="pglab-result">.
 */
import { OutputArea, OutputAreaModel } from "@jupyterlab/outputarea";
import { type IMarkdownParser, MimeModel, RenderMimeRegistry, removeMath, standardRendererFactories } from "@jupyterlab/rendermime";
import { MathJaxTypesetter } from "@jupyterlab/mathjax-extension";
import { Widget } from "@lumino/widgets";
import { marked } from "marked";
import { gfmHeadingId } from "marked-gfm-heading-id";
import { mangle } from "marked-mangle";
import "@jupyterlab/rendermime/style/base.css";
import "@jupyterlab/outputarea/style/base.css";
import "@jupyterlab/mathjax-extension/style/base.css";
import "@jupyterlab/mathjax-extension/style/fonts.css";

type Json = Record<string, unknown>;
type Output = { output_type: string; data?: Json; metadata?: Json; text?: string | string[]; name?: string; [k: string]: unknown };
type Message = { msg_type: string; content: Json };
export type InputCell =
  | { type: "markdown"; source: string }
  | { type: "code"; index: number; outputs: Output[]; messages?: Message[] };
export interface HarnessInput {
  mode: "live" | "reopened";
  name: string;
  cells: InputCell[];
}

const PLOTLY_MIME = "application/vnd.plotly.v1+json";

const errors: string[] = [];
window.addEventListener("error", (e) => errors.push(`uncaught: ${e.message}${e.filename ? ` (${e.filename}:${e.lineno})` : ""}`));
window.addEventListener("unhandledrejection", (e) => errors.push(`unhandled rejection: ${String((e as PromiseRejectionEvent).reason)}`));
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  errors.push(`console.error: ${args.map((a) => (a instanceof Error ? a.stack ?? a.message : String(a))).join(" ")}`);
  consoleError(...args);
};

marked.use(gfmHeadingId(), mangle());
const markdownParser: IMarkdownParser = { render: async (content: string) => marked.parse(content, { async: true, gfm: true }) };

const rendermime = new RenderMimeRegistry({
  initialFactories: standardRendererFactories,
  latexTypesetter: new MathJaxTypesetter(),
  markdownParser,
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const text = (v: unknown) => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

/** A stand-in for the kernel future whose messages the output area handles. */
function fakeFuture() {
  return {
    onIOPub: (_msg: unknown) => {},
    onReply: (_msg: unknown) => {},
    onStdin: (_msg: unknown) => {},
    done: new Promise<void>(() => {}),
    isDisposed: false,
    dispose() {
      this.isDisposed = true;
    },
  };
}

function messageOf(m: Message) {
  return { header: { msg_type: m.msg_type, msg_id: `${Math.random()}` }, parent_header: {}, metadata: {}, content: m.content, channel: "iopub" };
}

/** The messages a kernel sends for a list of saved outputs (no display ids: nbformat does not keep them). */
export function messagesOf(outputs: Output[]): Message[] {
  return outputs.map((o) => {
    const { output_type, ...content } = o;
    return { msg_type: output_type, content: { ...content, transient: {} } };
  });
}

interface CellView {
  cell: InputCell;
  node: HTMLElement;
  area?: OutputArea;
}

async function renderMarkdown(source: string, host: HTMLElement): Promise<HTMLElement> {
  const renderer = rendermime.createRenderer("text/markdown");
  renderer.addClass("jp-MarkdownOutput");
  Widget.attach(renderer, host);
  await renderer.renderModel(new MimeModel({ data: { "text/markdown": source } }));
  return renderer.node;
}

async function renderCode(cell: Extract<InputCell, { type: "code" }>, mode: HarnessInput["mode"], host: HTMLElement): Promise<OutputArea> {
  if (mode === "reopened") {
    const model = new OutputAreaModel({ values: cell.outputs as never, trusted: false });
    const area = new OutputArea({ model, rendermime });
    Widget.attach(area, host);
    return area;
  }
  const model = new OutputAreaModel({ trusted: true });
  const area = new OutputArea({ model, rendermime });
  Widget.attach(area, host);
  const future = fakeFuture();
  area.future = future as never;
  for (const m of cell.messages ?? messagesOf(cell.outputs)) {
    future.onIOPub(messageOf(m));
    await sleep(0);
  }
  return area;
}

function visible(el: Element): boolean {
  const r = (el as HTMLElement).getBoundingClientRect();
  const style = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && style.display !== "none";
}

function visibleText(el: HTMLElement): string {
  return (el.innerText ?? "").replace(/\s+/g, " ").trim();
}

function pictureIn(el: Element): boolean {
  return Array.from(el.querySelectorAll("img")).some((img) => img.complete && img.naturalWidth > 0 && visible(img));
}

type FigureState = "drawn" | "picture" | "note" | "empty";
interface FigureResult {
  cell: number;
  title: string;
  state: FigureState;
  note?: string;
  /** For a drawn figure: what it shows differs from the output's plotly JSON (traces, points). */
  mismatch?: string;
}
interface AnimationResult {
  cell: number;
  state: "plays" | "picture" | "note" | "broken";
  detail: string;
}

type PlotData = { x?: ArrayLike<unknown>; y?: ArrayLike<unknown>; z?: ArrayLike<unknown> }[];
const shape = (data: PlotData) => data.map((t) => (t.x ?? t.y ?? t.z ?? []).length).join(",");

function figureState(node: HTMLElement, sent?: PlotData): { state: FigureState; note?: string; mismatch?: string } {
  const plot = node.querySelector(".js-plotly-plot") as (HTMLElement & { data?: PlotData }) | null;
  if (plot && plot.querySelector(".main-svg") && visible(plot)) {
    const drawn = plot.data ?? [];
    if (sent && shape(drawn) !== shape(sent)) return { state: "drawn", mismatch: `drawn points per trace ${shape(drawn)}, sent ${shape(sent)}` };
    return { state: "drawn" };
  }
  if (pictureIn(node)) return { state: "picture" };
  const t = visibleText(node);
  if (t && /re-?run/i.test(t)) return { state: "note", note: t };
  return { state: "empty", note: t };
}

function animationState(root: HTMLElement, mode: HarnessInput["mode"]): AnimationResult["state"] | string {
  const slider = root.querySelector<HTMLInputElement>("input.slider");
  const label = root.querySelector<HTMLElement>(".label");
  const frame = root.querySelector<HTMLElement>(".frame");
  if (mode === "live" && slider && label && frame && visible(slider)) {
    const before = frame.innerHTML;
    const last = Number(slider.max);
    slider.value = String(last);
    slider.dispatchEvent(new Event("input"));
    const moved = frame.innerHTML !== before && label.textContent!.trim() !== "" && (frame.querySelector("svg,img") !== null);
    return moved ? "plays" : `the slider did not change the frame (label "${label.textContent}")`;
  }
  if (pictureIn(root)) return "picture";
  const t = visibleText(root);
  if (/re-?run/i.test(t)) return "note";
  return `no picture and no note (visible text "${t.slice(0, 120)}")`;
}

async function settle(check: () => boolean, timeoutMs: number): Promise<void> {
  const start = performance.now();
  while (!check() && performance.now() - start < timeoutMs) await sleep(100);
}

const removedPlots: HTMLElement[] = [];
new MutationObserver((records) => {
  for (const r of records)
    r.removedNodes.forEach((n) => {
      if (n instanceof HTMLElement) removedPlots.push(...(n.classList.contains("js-plotly-plot") ? [n] : Array.from(n.querySelectorAll<HTMLElement>(".js-plotly-plot"))));
    });
}).observe(document.body, { childList: true, subtree: true });

async function run(input: HarnessInput) {
  const started = performance.now();
  const root = document.getElementById("notebook")!;
  const views: CellView[] = [];
  for (const cell of input.cells) {
    const host = document.createElement("div");
    host.className = cell.type === "markdown" ? "cell markdown" : "cell code";
    root.appendChild(host);
    if (cell.type === "markdown") views.push({ cell, node: await renderMarkdown(cell.source, host) });
    else {
      const area = await renderCode(cell, input.mode, host);
      views.push({ cell, node: area.node, area });
    }
  }

  // What was sent, per output of the final model (after display updates).
  const figureOutputs: { cell: number; node: HTMLElement; title: string; data: PlotData }[] = [];
  const animationOutputs: { cell: number; node: HTMLElement }[] = [];
  const outputNodes: { cell: number; node: HTMLElement; mimes: string[] }[] = [];
  let mathExpected = 0;
  for (const v of views) {
    if (v.cell.type === "markdown") {
      mathExpected += removeMath(v.cell.source).math.length;
      continue;
    }
    const area = v.area!;
    for (let i = 0; i < area.model.length; i++) {
      const model = area.model.get(i);
      const node = area.widgets[i].node;
      const data = model.data as Json;
      outputNodes.push({ cell: v.cell.index, node, mimes: Object.keys(data) });
      if (PLOTLY_MIME in data) {
        const fig = data[PLOTLY_MIME] as { data: PlotData; layout?: { title?: { text?: string } } };
        figureOutputs.push({ cell: v.cell.index, node, title: fig.layout?.title?.text ?? "(untitled)", data: fig.data });
      }
      if (/class="pglab-animation"/.test(text(data["text/html"]))) animationOutputs.push({ cell: v.cell.index, node });
      const preferred = rendermime.preferredMimeType(data as never, model.trusted ? "any" : "ensure");
      if (preferred === "text/markdown") mathExpected += removeMath(text(data["text/markdown"])).math.length;
      if (preferred === "text/latex") mathExpected += removeMath(text(data["text/latex"])).math.length;
    }
  }

  // Wait until the figures are drawn (live) and MathJax is done, or give up after 60 s.
  const done = () =>
    figureOutputs.every((f) => figureState(f.node).state === "drawn" || /not loaded/.test(visibleText(f.node))) &&
    document.querySelectorAll("mjx-container").length >= mathExpected;
  await settle(input.mode === "live" ? done : () => document.querySelectorAll("mjx-container").length >= mathExpected, 60_000);
  await sleep(500);

  const figures: FigureResult[] = figureOutputs.map((f) => ({ cell: f.cell, title: f.title, ...figureState(f.node, f.data) }));
  // Plots that left the page (a live view redrawn in place) must have been purged by plotly.
  const leaked = removedPlots.filter((gd) => !gd.isConnected && (gd as { _fullLayout?: unknown })._fullLayout !== undefined).length;
  const animations: AnimationResult[] = animationOutputs.map((a) => {
    const el = a.node.querySelector<HTMLElement>(".pglab-animation") ?? a.node;
    const s = animationState(el, input.mode);
    return ["plays", "picture", "note"].includes(s) ? { cell: a.cell, state: s as AnimationResult["state"], detail: "" } : { cell: a.cell, state: "broken", detail: s };
  });
  const emptyOutputs = outputNodes
    .filter((o) => visibleText(o.node) === "" && !o.node.querySelector("svg,img,canvas,mjx-container"))
    .map((o) => ({ cell: o.cell, mimes: o.mimes }));
  const renderErrors = outputNodes
    .map((o) => ({ cell: o.cell, text: visibleText(o.node) }))
    .filter((o) => /Javascript Error|No renderer could be found|This HTML output contains inline scripts/.test(o.text))
    .map((o) => `cell ${o.cell}: ${o.text.slice(0, 200)}`);
  return {
    name: input.name,
    mode: input.mode,
    seconds: (performance.now() - started) / 1000,
    figures,
    animations,
    math: {
      expected: mathExpected,
      typeset: document.querySelectorAll("mjx-container").length,
      errors: document.querySelectorAll("mjx-merror").length,
    },
    emptyOutputs,
    renderErrors,
    removedPlots: removedPlots.length,
    leakedPlots: leaked,
    errors,
  };
}

async function main() {
  const result = document.createElement("pre");
  result.id = "pglab-result";
  try {
    const input = JSON.parse(document.getElementById("pglab-input")!.textContent!) as HarnessInput;
    const r = await run(input);
    result.textContent = JSON.stringify(r);
  } catch (e) {
    result.textContent = JSON.stringify({ fatal: e instanceof Error ? e.stack ?? e.message : String(e), errors });
  }
  // Keep the dumped page small unless a person wants to look at it (?keep).
  if (!/[?&]keep\b/.test(location.search)) {
    document.getElementById("pglab-input")?.remove();
    document.getElementById("notebook")?.remove();
  }
  document.body.appendChild(result);
}

void main();
