/**
 * `npm run book [-- NAME ...]` executes the notebooks with the project's tslab kernel through
 * Jupyter's own nbconvert and writes an offline HTML book to dist/book/:
 *   index.html          table of contents: title, one-line summary and run time of each chapter
 *   NAME.html           one page per notebook, with previous/next links
 *   plotly.min.js       one shared copy of plotly.js (the pages' inline copies are removed)
 *   mathjax/            MathJax 3 (tex-svg-full.js), so that math renders offline
 *   manifest.json       per chapter: title, summary, seconds, number of figures (read by the book check)
 *   executed/NAME.ipynb the executed notebooks
 *
 * A failing cell stops the build with exit code 1, naming the notebook, the cell, the first line of
 * its source and the error message (tslab writes the message only to the cell's stderr). An
 * exception raised after a cell finished (in a timer or an unawaited promise) fails the build too.
 *
 * `npm run book -- --notebook PATH.ipynb [--execute] [--out FILE]` renders any one notebook (a
 * student's, a submission) the same way to a single page, PATH.html by default, with plotly.js and
 * MathJax inside it, so that it opens offline with nothing beside it.
 */
import { spawnSync, type SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIGURE_CLASS, PLOTLY_LOADER_ATTR } from "../src/plot/display";
import { isQuick } from "../src/config";
import { UsageError, didYouMean, helpText, parseOptions } from "./cli";
import {
  LATE_ERROR_MARKS,
  NOTEBOOK_DIR,
  ROOT,
  type Cell,
  type Notebook,
  cellSource,
  countFigures,
  describeCell,
  describeNotebook,
  errorMessage,
  firstLine,
  listNotebooks,
  readNotebook,
  streamText,
} from "./notebooks";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const kernel = require("./kernel.js") as { KERNEL_NAME: string; writeKernelspec: () => string; jupyterEnv: () => NodeJS.ProcessEnv };

const OUT = path.join(ROOT, "dist", "book");
const INTERNAL_TAG = "pglab-internal";
const CELL_TIMEOUT_S = 1800;

export interface Chapter {
  name: string;
  title: string;
  summary: string;
  seconds: number | null;
  /** Built with PG_QUICK=1 (small budgets): its run time and results are not the full notebook's. */
  quick?: boolean;
  figures: number | null;
}

class BookError extends Error {}

// ---------------------------------------------------------------------------------------------
// Finding (or installing) Jupyter's nbconvert

type Command = { cmd: string; args: string[] };

function run(c: Command, extra: string[], options: { env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(c.cmd, [...c.args, ...extra], {
    encoding: "utf8",
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
    shell: process.platform === "win32",
  });
}

function findNbconvert(): Command | null {
  const candidates: Command[] = [
    { cmd: "jupyter-nbconvert", args: [] },
    { cmd: "jupyter", args: ["nbconvert"] },
    { cmd: "python3", args: ["-m", "nbconvert"] },
    { cmd: "python", args: ["-m", "nbconvert"] },
  ];
  if (process.platform !== "win32") candidates.push({ cmd: "/usr/bin/python3", args: ["-m", "nbconvert"] });
  for (const c of candidates) {
    const r = run(c, ["--version"]);
    if (r.status === 0 && /^\d+\./.test(r.stdout?.trim() ?? "")) return c;
  }
  return null;
}

function installNbconvert(): void {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (isRoot && hasApt) {
    console.log("Jupyter's nbconvert is missing: installing the Debian packages jupyter-nbconvert and python3-nbclient ...");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "jupyter-nbconvert", "python3-nbclient", "jupyter-client"], { stdio: "inherit", env });
    return;
  }
  const python = process.platform === "win32" ? "python" : "python3";
  console.log(`Jupyter's nbconvert is missing: trying "${python} -m pip install --user nbconvert nbclient" ...`);
  spawnSync(python, ["-m", "pip", "install", "--user", "nbconvert", "nbclient"], { stdio: "inherit", shell: process.platform === "win32" });
}

function nbconvertOrInstall(): Command {
  const found = findNbconvert() ?? (installNbconvert(), findNbconvert());
  if (found) return found;
  throw new BookError(
    "Jupyter's nbconvert was not found and could not be installed. Install it, then run `npm run book` again:\n" +
      "  Debian/Ubuntu:  sudo apt-get install jupyter-nbconvert python3-nbclient\n" +
      "  elsewhere:      python3 -m pip install --user nbconvert nbclient",
  );
}

// ---------------------------------------------------------------------------------------------
// Executing one notebook

const RECORD_LATE_ERRORS = `{
  const g = globalThis as any;
  if (!g.__pglabLateErrors) {
    g.__pglabLateErrors = [];
    const keep = (e: unknown) => g.__pglabLateErrors.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.on("uncaughtException", keep);
    process.on("unhandledRejection", keep);
  }
}`;

const CHECK_LATE_ERRORS = `await new Promise((resolve) => setTimeout(resolve, 250));
{
  const late = ((globalThis as any).__pglabLateErrors ?? []) as string[];
  if (late.length > 0) {
    console.error(late.join("\\n"));
    throw new Error("an exception was raised after a cell had finished");
  }
}`;

function internalCell(source: string): Cell {
  return { cell_type: "code", source, metadata: { tags: [INTERNAL_TAG] }, outputs: [], execution_count: null };
}

function withoutInternal(nb: Notebook): Notebook {
  return { ...nb, cells: nb.cells.filter((c) => !((c.metadata.tags as string[] | undefined) ?? []).includes(INTERNAL_TAG)) };
}

function fail(shown: string, nb: Notebook, index: number, message: string): never {
  const cell = nb.cells[index];
  throw new BookError(`${shown}, ${describeCell(nb, index)}: \`${firstLine(cellSource(cell))}\`\n  ${message.replace(/\n/g, "\n  ")}`);
}

/**
 * Execute the notebook `file` with the project's kernel; the executed notebook goes to
 * `executedDir/NAME.ipynb`. Errors name the notebook as `shown`.
 */
function execute(nbconvert: Command, file: string, executedDir: string, shown: string): { executed: Notebook; executedFile: string; seconds: number } {
  const name = path.basename(file, ".ipynb");
  const source = readNotebook(file);
  const instrumented: Notebook = { ...source, cells: [internalCell(RECORD_LATE_ERRORS), ...source.cells, internalCell(CHECK_LATE_ERRORS)] };
  // The copy sits next to the original so that the kernel runs in the notebook's folder and `./pglab` resolves.
  const copy = path.join(path.dirname(file), `.book-${name}.ipynb`);
  const errorFile = path.join(os.tmpdir(), `pglab-book-error-${process.pid}-${name}.json`);
  fs.mkdirSync(executedDir, { recursive: true });
  fs.writeFileSync(copy, JSON.stringify(instrumented, null, 1));
  fs.rmSync(errorFile, { force: true });
  const started = performance.now();
  let result: SpawnSyncReturns<string>;
  try {
    result = run(
      nbconvert,
      [
        "--to",
        "notebook",
        "--execute",
        `--ExecutePreprocessor.kernel_name=${kernel.KERNEL_NAME}`,
        `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
        "--config",
        path.join(__dirname, "book", "nbconvert_config.py"),
        "--output-dir",
        executedDir,
        "--output",
        name,
        copy,
      ],
      { env: { ...kernel.jupyterEnv(), PGLAB_ERROR_FILE: errorFile, PG_QUICK: process.env.PG_QUICK ?? "" } },
    );
  } finally {
    fs.rmSync(copy, { force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    if (fs.existsSync(errorFile)) {
      const err = JSON.parse(fs.readFileSync(errorFile, "utf8")) as { cell_index: number; stderr: string };
      fs.rmSync(errorFile, { force: true });
      const message = errorMessage(err.stderr);
      if (err.cell_index === instrumented.cells.length - 1) {
        throw new BookError(`${shown}: an exception was raised after a cell had finished (in a timer or an unawaited promise):\n  ${message}`);
      }
      fail(shown, source, err.cell_index - 1, message);
    }
    const tail = `${result.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    throw new BookError(`nbconvert failed on ${shown} (exit ${result.status}):\n${tail}`);
  }
  const executedFile = path.join(executedDir, `${name}.ipynb`);
  const executed = numberCells(withoutInternal(readNotebook(executedFile)));
  executed.cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      const text = o.output_type === "stream" && o.name === "stderr" ? streamText(o) : "";
      if (LATE_ERROR_MARKS.some((m) => text.includes(m))) {
        fail(shown, executed, i, `an exception escaped while this cell ran (from a timer or promise of this or an earlier cell): ${errorMessage(text)}`);
      }
    }
  });
  fs.writeFileSync(executedFile, JSON.stringify(executed, null, 1));
  return { executed, executedFile, seconds };
}

/**
 * Execution counts "In [1]:", "In [2]:", ... on the code cells in order, as a notebook run from top to
 * bottom shows them (tslab does not report them to Jupyter, so nbconvert leaves every cell "In [ ]:").
 */
export function numberCells(nb: Notebook): Notebook {
  let n = 0;
  const cells = nb.cells.map((cell) => {
    if (cell.cell_type !== "code") return cell;
    n++;
    const count = cell.execution_count ?? n;
    const outputs = (cell.outputs ?? []).map((o) => (o.output_type === "execute_result" ? { ...o, execution_count: (o as { execution_count?: number | null }).execution_count ?? count } : o));
    return { ...cell, execution_count: count, outputs };
  });
  return { ...nb, cells };
}

// ---------------------------------------------------------------------------------------------
// Pages

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function toHtml(nbconvert: Command, executedFile: string): string {
  const r = run(nbconvert, [
    "--to",
    "html",
    `--TemplateExporter.extra_template_basedirs=${path.join(__dirname, "book", "templates")}`,
    "--template",
    "pglab",
    "--stdout",
    executedFile,
  ]);
  if (r.status !== 0) throw new BookError(`nbconvert could not export ${executedFile} to HTML:\n${(r.stderr ?? "").trim().split("\n").slice(-10).join("\n")}`);
  return r.stdout;
}

/** Remove the inline copies of plotly.js (the page loads the shared plotly.min.js). */
export function stripInlinePlotly(html: string): string {
  const re = new RegExp(`<script ${PLOTLY_LOADER_ATTR}="inline">[\\s\\S]*?</script>`, "g");
  return html.replace(re, "");
}

function nav(chapters: Chapter[], i: number): string {
  const link = (c: Chapter | undefined, label: string) =>
    c ? `<a href="${c.name}.html">${label} ${escapeHtml(c.title)}</a>` : "<span></span>";
  return `<nav class="pglab-nav">${link(chapters[i - 1], "&larr;")}<a href="index.html">Contents</a>${link(chapters[i + 1], "&rarr;")}</nav>`;
}

function addNav(html: string, chapters: Chapter[], i: number): string {
  const bar = nav(chapters, i);
  return html.replace(/(<body[^>]*>)/, `$1\n${bar}`).replace(/<\/body>/, `${bar}\n</body>`);
}

export function indexPage(chapters: Chapter[]): string {
  const rows = chapters
    .map((c) => {
      const built = fs.existsSync(path.join(OUT, `${c.name}.html`));
      const title = built ? `<a href="${c.name}.html">${escapeHtml(c.title)}</a>` : `${escapeHtml(c.title)} <em>(not built)</em>`;
      const time = c.seconds === null ? "&ndash;" : `${c.seconds.toFixed(1)} s${c.quick ? " (quick mode)" : ""}`;
      return `<tr><td>${title}</td><td>${escapeHtml(c.summary)}</td><td class="t">${time}</td></tr>`;
    })
    .join("\n");
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Policy-gradient lab</title>
${INDEX_MATHJAX}
<style>
body { font-family: Helvetica, Arial, sans-serif; max-width: 960px; margin: 40px auto; padding: 0 16px; color: #222; }
table { border-collapse: collapse; width: 100%; } td, th { padding: 8px 10px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.t { white-space: nowrap; text-align: right; }
</style></head>
<body>
<h1>Policy-gradient lab</h1>
<p>Policy-gradient reinforcement learning in TypeScript: each chapter derives a result of the lecture, checks it
against exact answers and runs the experiments. Pages work offline.</p>
<table><thead><tr><th>Chapter</th><th>Summary</th><th>Run time</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

/** MathJax (the copy next to the pages) for the index, whose chapter summaries hold math such as $\mathcal{J}(\theta)$. */
export const INDEX_MATHJAX = `<script>
window.MathJax = { tex: { inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]], processEscapes: true }, svg: { fontCache: "global" } };
</script>
<script id="MathJax-script" src="mathjax/tex-svg-full.js"></script>`;

function copyAssets(): void {
  fs.copyFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), path.join(OUT, "plotly.min.js"));
  fs.mkdirSync(path.join(OUT, "mathjax"), { recursive: true });
  fs.copyFileSync(require.resolve("mathjax/es5/tex-svg-full.js"), path.join(OUT, "mathjax", "tex-svg-full.js"));
}

function readManifest(): Map<string, Chapter> {
  const file = path.join(OUT, "manifest.json");
  const map = new Map<string, Chapter>();
  if (fs.existsSync(file)) for (const c of JSON.parse(fs.readFileSync(file, "utf8")).chapters as Chapter[]) map.set(c.name, c);
  return map;
}

// ---------------------------------------------------------------------------------------------

export const OPTIONS = {
  notebook: {
    type: "string",
    value: "PATH.ipynb",
    help: "render this notebook (any: a student's, a submission) to one HTML page that works offline, with the book's look (plots, math), instead of building the book",
    defaultText: "none: build the book",
  },
  execute: { type: "boolean", help: "with --notebook: run it first with the project's kernel, in its own folder (it imports ./pglab from there); otherwise its saved outputs are shown" },
  out: { type: "string", value: "FILE", help: "with --notebook: the page to write", defaultText: "PATH.html beside the notebook" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

export const EXAMPLES = [
  "npm run book",
  "npm run book -- 00-setup 02-reinforce",
  "npm run book -- --notebook dist/assignments/02-reinforce.ipynb --execute",
  "npm run book -- --notebook submissions/alice.ipynb --out alice.html",
];

function usage(): string {
  return helpText({
    usage: "npm run book -- [CHAPTER ...] [options]",
    about: `Executes the notebooks (or the CHAPTERs named) with the project's tslab kernel through Jupyter's
nbconvert and writes the offline book to ${path.relative(ROOT, OUT)}/index.html. Chapters:
${listNotebooks().join(", ")}.
With --notebook it renders one notebook instead, as jupyter nbconvert --to html does, to a single
page that needs no network and no file beside it (plotly.js and MathJax are inside it).`,
    options: OPTIONS,
    examples: EXAMPLES,
  });
}

/** A script's text as an inline <script> (a "</script" inside it would end the element). */
function inlineScript(file: string, attributes = ""): string {
  return `<script${attributes}>${fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script")}</script>`;
}

/**
 * A book page as one file: the shared plotly.min.js and MathJax that the template loads from beside
 * the page go inside it (the figures' own inline copies of plotly.js are removed first).
 */
export function selfContained(html: string): string {
  const plotly = `<script src="plotly.min.js"></script>`;
  const mathjax = `<script id="MathJax-script" src="mathjax/tex-svg-full.js"></script>`;
  if (!html.includes(plotly) || !html.includes(mathjax)) throw new BookError("the page template no longer loads plotly.min.js and MathJax as expected (scripts/book/templates/pglab).");
  return stripInlinePlotly(html)
    .replace(plotly, () => inlineScript(require.resolve("plotly.js-dist-min/plotly.min.js")))
    .replace(mathjax, () => inlineScript(require.resolve("mathjax/es5/tex-svg-full.js"), ` id="MathJax-script"`));
}

/** A path relative to the working folder when inside it, else absolute. */
function shownFile(file: string): string {
  const rel = path.relative(process.env.INIT_CWD ?? process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

/** `npm run book -- --notebook FILE [--execute] [--out PAGE]`: one notebook to one offline page. */
function renderNotebook(file: string, options: { execute: boolean; out: string | undefined }): string {
  const shown = shownFile(file);
  if (!file.endsWith(".ipynb")) throw new UsageError(`--notebook ${shown}: expected a notebook file ending in .ipynb; received ${JSON.stringify(path.basename(file))}.`);
  if (!fs.existsSync(file)) throw new UsageError(`--notebook ${shown}: no such file.`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`--notebook ${shown} is a folder; give one notebook file (PATH.ipynb).`);
  try {
    const nb = readNotebook(file);
    if (!Array.isArray(nb.cells)) throw new Error("it has no cells list");
  } catch (e) {
    throw new UsageError(`--notebook ${shown}: not a Jupyter notebook (${(e as Error).message}).`);
  }
  const out = options.out !== undefined ? path.resolve(options.out) : file.replace(/\.ipynb$/, ".html");
  const nbconvert = nbconvertOrInstall();
  let source = file;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-notebook-"));
  try {
    if (options.execute) {
      kernel.writeKernelspec();
      process.stdout.write(`${shown}: executing ... `);
      const { executedFile, executed, seconds } = execute(nbconvert, file, scratch, shown);
      console.log(`${seconds.toFixed(1)} s, ${countFigures(executed)} figure(s)`);
      source = executedFile;
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, selfContained(toHtml(nbconvert, source)));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`wrote ${shownFile(out)} (one file: plots and math work offline)`);
  return out;
}

function main(argv: string[]): void {
  const { values, positionals } = parseOptions({ args: argv, options: OPTIONS, strict: true, allowPositionals: true }, "book");
  if (values.help) {
    process.stdout.write(usage());
    return;
  }
  if (values.notebook !== undefined) {
    if (positionals.length) throw new UsageError(`--notebook renders one notebook; the chapter name(s) ${positionals.join(", ")} are for the book build.`);
    renderNotebook(path.resolve(process.env.INIT_CWD ?? process.cwd(), values.notebook), { execute: values.execute ?? false, out: values.out === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out) });
    return;
  }
  if (values.execute || values.out !== undefined) throw new UsageError(`--execute and --out go with --notebook PATH.ipynb (the book always executes, into ${path.relative(ROOT, OUT)}/).`);
  buildBook(positionals);
}

function buildBook(names: string[]): void {
  const available = listNotebooks();
  for (const a of names) {
    const name = a.replace(/\.ipynb$/, "");
    if (!available.includes(name)) throw new UsageError(`unknown chapter ${JSON.stringify(a)}${didYouMean(name, available)}; chapters: ${available.join(", ")} (any other notebook: --notebook PATH.ipynb).`);
  }
  const selected = names.length ? names.map((a) => a.replace(/\.ipynb$/, "")) : available;
  const nbconvert = nbconvertOrInstall();
  kernel.writeKernelspec();
  fs.mkdirSync(OUT, { recursive: true });
  copyAssets();

  const previous = readManifest();
  const chapters: Chapter[] = available.map((name) => {
    const { title, summary } = describeNotebook(readNotebook(path.join(NOTEBOOK_DIR, `${name}.ipynb`)), name);
    const old = previous.get(name);
    return { name, title, summary, seconds: old?.seconds ?? null, figures: old?.figures ?? null, quick: old?.quick };
  });
  for (const name of selected) {
    process.stdout.write(`${name}: executing ... `);
    const { executed, seconds } = execute(nbconvert, path.join(NOTEBOOK_DIR, `${name}.ipynb`), path.join(OUT, "executed"), `notebooks/${name}.ipynb`);
    const chapter = chapters.find((c) => c.name === name)!;
    chapter.seconds = seconds;
    chapter.quick = isQuick();
    chapter.figures = countFigures(executed);
    console.log(`${seconds.toFixed(1)} s, ${chapter.figures} figure(s)`);
  }
  for (const name of selected) {
    const i = chapters.findIndex((c) => c.name === name);
    const html = addNav(stripInlinePlotly(toHtml(nbconvert, path.join(OUT, "executed", `${name}.ipynb`))), chapters, i);
    fs.writeFileSync(path.join(OUT, `${name}.html`), html);
  }
  fs.writeFileSync(path.join(OUT, "manifest.json"), JSON.stringify({ figureClass: FIGURE_CLASS, chapters }, null, 2) + "\n");
  fs.writeFileSync(path.join(OUT, "index.html"), indexPage(chapters));
  console.log(`Book written to ${path.relative(process.cwd(), OUT) || "."}/index.html`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`book: ${e.message}\nSee npm run book -- --help.`);
      process.exit(2);
    }
    if (e instanceof BookError) {
      console.error(`\nbook: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}
