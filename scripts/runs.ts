/**
 * Run folders, as `npm run train` writes them and `npm run plot` and `npm run evaluate` read them:
 *
 * ```
 * <out>/config.json          what ran: algorithm, environment, seeds, the full resolved config (every
 *                            default filled in), library version and git commit, the command line,
 *                            its status (running, finished, interrupted, failed) and --shard
 * <out>/seed<N>/progress.csv one row per iteration, the history's columns (empty cell: no value)
 * <out>/seed<N>/progress.json the same rows as JSON (null: no value)
 * <out>/seed<N>/policy.json  the trained policy (`loadPolicy`)
 * <out>/seed<N>/checkpoint.json the seed's whole training state, for --resume (src/algorithms/checkpoint.ts)
 * <out>/summary.json         per seed: status, iterations, env steps, final mean return (null: no episode
 *                            ended), when the target was reached, its checkpoint
 * <out>/learning-curve.html  per-seed curves and their mean, the config as a table: a static SVG that opens
 *                            anywhere, interactive where plotly.min.js is found (see `plotlySources`)
 * ```
 * The progress files grow while the run goes, so an interrupted run keeps what it did.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { type Band, aggregate } from "../src/plot/curves";
import { type Figure, type Series, lineChart } from "../src/plot/figure";

export const ROOT = path.resolve(__dirname, "..");
export const CONFIG_FILE = "config.json";
export const CREATED_BY = "policy-gradient-lab: npm run train";
/** Files and folders a run folder holds (what `--overwrite` removes; `.tmp`: one being written when a second Ctrl-C came). */
export const RUN_ENTRIES = /^(config\.json|summary\.json|learning-curve\.html|plotly\.min\.js|seed\d+|history-seed\d+\.json|policy-seed\d+\.json)(\.tmp)?$/;

/** A user's path: relative to the folder `npm run` was started from (npm itself runs in the project root). */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** A path as the user would type it: relative to where they are, if inside it. */
export function shownPath(p: string): string {
  const rel = path.relative(process.env.INIT_CWD ?? process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

/**
 * `mkdir -p`, one level at a time (Node's own recursive mkdir loops forever where the system
 * answers ENOENT for a folder whose parent exists, e.g. under /proc). Throws Node's error of the
 * level that failed.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) {
    missing.unshift(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing) fs.mkdirSync(m);
}

export interface RunConfig {
  createdBy: string;
  algo: string;
  env: string;
  seeds: number[];
  /** The resolved config (every default; null where a field has no value); `seed` comes from `seeds`. */
  config: Record<string, unknown>;
  library: { name: string; version: string; commit: string | null; dirty: boolean | null };
  node: string;
  /** The TF.js backend the run used (runs written before it was recorded lack it). */
  tfBackend?: string;
  command: string;
  started: string;
  /** "running" while it trains; "finished", "interrupted" (Ctrl-C or SIGTERM: seeds stopped early) or "failed" after. */
  status?: RunStatus;
  /** `--shard I/N`: this folder holds shard I of N of the seed list `of` (npm run plot merges the shards). */
  shard?: { index: number; count: number; of: number[] };
}

export type RunStatus = "running" | "finished" | "interrupted" | "failed";

/** The library's name, version and git commit (null outside a git checkout). */
export function libraryInfo(): RunConfig["library"] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
  let commit: string | null = null;
  let dirty: boolean | null = null;
  try {
    const git = (args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    commit = git(["rev-parse", "HEAD"]);
    dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
  } catch {
    /* not a git checkout, or git is not installed */
  }
  return { name: pkg.name, version: pkg.version, commit, dirty };
}

/** JSON with every key kept: undefined becomes null, a function `{ "$function": name }`. */
export function jsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "function") return { $function: value.name || "(anonymous)" };
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

// ---- CSV -----------------------------------------------------------------------------------------

export type Row = Record<string, number>;

function csvCell(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(columns: string[]): string {
  return columns.map(csvCell).join(",") + "\n";
}

export function csvLine(row: Record<string, unknown>, columns: string[]): string {
  return columns.map((c) => csvCell(row[c])).join(",") + "\n";
}

/** Rows of a CSV file written by `csvLine` (numbers; an empty cell is NaN). */
export function parseCsv(text: string): Row[] {
  const lines = text.split(/\r?\n/).filter((l) => l !== "");
  if (lines.length === 0) return [];
  const columns = lines[0].split(",");
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] === undefined || cells[i] === "" ? NaN : Number(cells[i])]));
  });
}

// ---- reading runs --------------------------------------------------------------------------------

/** Rows of a history saved as JSON (null, which JSON writes for NaN, back to NaN). */
function jsonRows(text: string): Row[] {
  return (JSON.parse(text) as Record<string, number | null>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? NaN])));
}

export interface LoadedRun {
  dir: string;
  name: string;
  algo: string;
  env: string;
  config: Record<string, unknown>;
  meta: Partial<RunConfig>;
  seeds: { seed: number; rows: Row[] }[];
}

export class RunFolderError extends Error {}

/** Read a run folder (also the older flat layout with history-seed<N>.json). */
export function readRun(dir: string): LoadedRun {
  const configFile = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(dir)) throw new RunFolderError(`${shownPath(dir)} does not exist.`);
  if (!fs.statSync(dir).isDirectory()) throw new RunFolderError(`${shownPath(dir)} is a file; expected a run folder written by npm run train --out.`);
  if (!fs.existsSync(configFile)) throw new RunFolderError(`${shownPath(dir)} is not a run folder: it has no ${CONFIG_FILE} (npm run train --out writes one).`);
  let meta: Partial<RunConfig>;
  try {
    meta = JSON.parse(fs.readFileSync(configFile, "utf8"));
  } catch (e) {
    throw new RunFolderError(`${shownPath(configFile)} is not valid JSON (${(e as Error).message}).`);
  }
  const config = (meta.config ?? {}) as Record<string, unknown>;
  const seeds: LoadedRun["seeds"] = [];
  for (const entry of fs.readdirSync(dir).sort((a, b) => a.localeCompare(b, "en", { numeric: true }))) {
    const sub = /^seed(\d+)$/.exec(entry);
    const flat = /^history-seed(\d+)\.json$/.exec(entry);
    if (sub) {
      const json = path.join(dir, entry, "progress.json");
      const csv = path.join(dir, entry, "progress.csv");
      const rows = fs.existsSync(json)
        ? jsonRows(fs.readFileSync(json, "utf8"))
        : fs.existsSync(csv)
          ? parseCsv(fs.readFileSync(csv, "utf8"))
          : [];
      if (rows.length) seeds.push({ seed: Number(sub[1]), rows });
    } else if (flat) {
      const rows = jsonRows(fs.readFileSync(path.join(dir, entry), "utf8"));
      if (rows.length) seeds.push({ seed: Number(flat[1]), rows });
    }
  }
  if (seeds.length === 0) throw new RunFolderError(`${shownPath(dir)} holds no progress yet (no seed<N>/progress.csv with rows).`);
  return { dir, name: path.basename(path.resolve(dir)), algo: String(meta.algo ?? "?"), env: String(meta.env ?? config.env ?? "?"), config, meta, seeds };
}

// ---- curves over seeds ---------------------------------------------------------------------------

export type XAxis = "envSteps" | "wallTime";
export { BANDS, BAND_TEXT, aggregate } from "../src/plot/curves";
export type { Aggregate, Band } from "../src/plot/curves";

/** Rename band traces (lineChart calls every band a 95% CI) and show them in the legend. */
export function nameBands(fig: Figure, names: string[]): Figure {
  let k = 0;
  for (const trace of fig.data) {
    if (trace.fill === "toself") {
      trace.name = names[k++];
      trace.showlegend = true;
    }
  }
  return fig;
}

// ---- pages ---------------------------------------------------------------------------------------

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A table from rows of cells (already HTML). */
export function htmlTable(header: string[], rows: string[][]): string {
  return (
    `<table><thead><tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>`
  );
}

const STYLE =
  "body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:30px auto;padding:0 16px;color:#222}" +
  "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:14px;vertical-align:top}" +
  "th{background:#f3f3f3}code,td.v{font-family:Menlo,Consolas,monospace;font-size:13px}p.note{color:#555;font-size:14px}";

/** Marks the pages written here, so that writing one again may replace it. */
export const GENERATOR = "policy-gradient-lab";

/** A whole offline page. `plotly`: a script element that loads plotly.js (a file next to the page, or inline). */
export function page(title: string, plotly: string, body: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta name="generator" content="${GENERATOR}"><title>${escapeHtml(title)}</title><style>${STYLE}</style>${plotly}</head>\n<body>${body}</body></html>\n`;
}

/** True if `file` is a page written by `page` (it may be replaced). */
export function isOurPage(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(300);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString("utf8").includes(`<meta name="generator" content="${GENERATOR}">`);
  } finally {
    fs.closeSync(fd);
  }
}


/** plotly.js inline, as a script element (a page of 4.7 MB that needs nothing else). */
export function plotlyScript(): string {
  const file = require.resolve("plotly.js-dist-min/plotly.min.js");
  return `<script>${fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script")}</script>`;
}

/**
 * Where a run folder's page looks for plotly.js, in order: beside itself, in the folder above (one
 * copy shared by the runs in it), and in this clone's node_modules. The first found loads, then the
 * page's figures turn interactive (event "pglab-plotly"); with none, they stay static pictures.
 */
export function plotlySources(): string[] {
  const installed = require.resolve("plotly.js-dist-min/plotly.min.js");
  return ["plotly.min.js", "../plotly.min.js", pathToFileURL(installed).href];
}

/** The sentence under a static figure saying where the page looks for plotly.js. */
export const PLOTLY_WHERE =
  "the interactive plot needs plotly.min.js, which this page looks for beside itself, in the folder above it, and in the policy-gradient-lab clone that wrote it (node_modules/plotly.js-dist-min).";

/** A script element that loads plotly.js from the first of `plotlySources()` that exists. */
export function plotlyLoader(): string {
  return (
    `<script>(function () {\n` +
    `  var sources = ${JSON.stringify(plotlySources())}, i = 0;\n` +
    `  function next() {\n` +
    `    if (window.Plotly) return window.dispatchEvent(new Event("pglab-plotly"));\n` +
    `    if (i >= sources.length) return;\n` +
    `    var s = document.createElement("script"); s.src = sources[i++]; s.onload = next; s.onerror = next;\n` +
    `    document.head.appendChild(s);\n` +
    `  }\n` +
    `  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", next); else next();\n` +
    `})();</script>`
  );
}

// ---- the learning-curve figure -------------------------------------------------------------------

const Y_LABELS: Record<string, string> = {
  meanReturn100: "mean return (last 100 episodes)",
  meanReturn: "mean return (episodes of the iteration)",
};
const X_LABELS: Record<XAxis, string> = { envSteps: "environment steps", wallTime: "wall time (s)" };

/**
 * Learning curves of one or more runs: per run the mean over its seeds, with the band `band` or
 * (`perSeed`) each seed's own curve as a thin line; a dashed line at `target`.
 */
export function curvesFigure(
  runs: { name: string; seeds: { seed: number; rows: Row[] }[] }[],
  opts: { title: string; x: XAxis; y: string; band: Band; perSeed?: boolean; target?: number | null },
): Figure {
  const series: Series[] = [];
  const bandNames: string[] = [];
  const seedLines: { run: number; seed: number; x: number[]; y: number[] }[] = [];
  runs.forEach((run, k) => {
    const agg = aggregate(run.seeds, opts.x, opts.y, opts.band);
    const n = run.seeds.length;
    const label = runs.length === 1 ? `mean over ${n} seed${n === 1 ? "" : "s"}` : `${run.name} (mean of ${n} seed${n === 1 ? "" : "s"})`;
    const banded = opts.band !== "none" && n > 1;
    series.push({ name: label, x: agg.x, y: agg.mean, ...(banded ? { band: { lower: agg.lower, upper: agg.upper } } : {}) });
    if (banded) bandNames.push(runs.length === 1 ? agg.bandName : `${run.name}: ${agg.bandName}`);
    if (opts.perSeed) {
      for (const s of run.seeds) {
        const rows = s.rows.filter((r) => Number.isFinite(r[opts.x]) && Number.isFinite(r[opts.y]));
        seedLines.push({ run: k, seed: s.seed, x: rows.map((r) => r[opts.x]), y: rows.map((r) => r[opts.y]) });
      }
    }
  });
  const fig = nameBands(
    lineChart(series, {
      title: opts.title,
      xLabel: X_LABELS[opts.x],
      yLabel: Y_LABELS[opts.y] ?? opts.y,
      height: 480,
      refLines: opts.target !== undefined && opts.target !== null && Number.isFinite(opts.target) ? [{ y: opts.target, name: `target ${opts.target}` }] : [],
    }),
    bandNames,
  );
  // Seeds as thin lines under the means, in their run's colour.
  const means = fig.data.filter((t) => t.fill !== "toself");
  const seedTraces = seedLines.map((s, i) => {
    const color = (means[s.run].line as { color: string }).color;
    return {
      type: "scatter",
      mode: s.x.length < 2 ? "lines+markers" : "lines",
      name: runs.length === 1 ? `seed ${s.seed}` : `${runs[s.run].name}: seeds`,
      legendgroup: `seeds-${s.run}`,
      showlegend: runs.length === 1 || i === seedLines.findIndex((o) => o.run === s.run),
      x: s.x,
      y: s.y,
      opacity: 0.45,
      line: { color, width: 1 },
      marker: { color, size: 4 },
    };
  });
  fig.data = [...seedTraces, ...fig.data];
  return fig;
}
