/**
 * `npm run plot -- runs/a2c runs/reinforce ...`: the learning curves of several run folders (written by
 * `npm run train`) in one offline HTML page, as Spinning Up's plotter does: per run the mean over its
 * seeds and a band, x as env steps or wall time, the target as a dashed line. `--help` documents it.
 */
import * as fs from "fs";
import * as path from "path";
import { registeredIds, registration } from "../src/envs/registry";
import { figureHtml } from "../src/plot/display";
import { formatSeconds } from "../src/plot/progress";
import { UsageError, didYouMean, helpText, parseOptions } from "./cli";
import {
  BANDS,
  BAND_TEXT,
  type Band,
  CONFIG_FILE,
  type LoadedRun,
  RunFolderError,
  curvesFigure,
  escapeHtml,
  htmlTable,
  isOurPage,
  makeFolders,
  page,
  plotlyScript,
  readRun,
  shownPath,
  userPath,
  type XAxis,
} from "./runs";

export const OPTIONS = {
  out: {
    type: "string",
    value: "FILE",
    help: "the page to write; an earlier page of npm run plot is replaced, any other file only with --overwrite",
    defaultText: "plot.html in the folder that holds the runs",
  },
  overwrite: { type: "boolean", help: "replace FILE even if it is not a page of npm run plot" },
  x: { type: "string", value: "steps|time", help: "x axis: environment steps or wall time in seconds", defaultText: "steps" },
  y: { type: "string", value: "COLUMN", help: "the column of progress.csv to draw (e.g. meanReturn, entropy, policyLoss; the README lists them)", defaultText: "meanReturn100, the mean return of the last 100 episodes" },
  band: {
    type: "string",
    value: "KIND",
    help: "around each run's mean: minmax (the range from the lowest to the highest seed), sd (one standard deviation, within the seeds' range), ci95 (95% confidence interval of the mean, Student's t; wide with few seeds), none",
    defaultText: "minmax",
  },
  seeds: { type: "boolean", help: "also draw each seed as a thin line" },
  target: { type: "string", value: "R|none", help: "the dashed target line", defaultText: "the runs' targetReturn, else the environment's reward threshold" },
  title: { type: "string", value: "TEXT", help: "the figure's title", defaultText: "the environments and the runs' names" },
  json: { type: "boolean", help: "print what was drawn as one JSON line: the page and, per run, its folder, algorithm, environment, seeds and final value" },
  quiet: { type: "boolean", help: "print nothing but warnings and errors" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

export const EXAMPLES = ["npm run plot -- runs/a2c runs/reinforce", "npm run plot -- runs --x time --band ci95 --out compare.html", "npm run plot -- data/pendulum-a2c --y entropy --seeds --out pendulum-entropy.html"];

const HELP = helpText({
  usage: "npm run plot -- RUN [RUN ...] [options]",
  about: `Draws the learning curves of run folders written by npm run train (--out) in one HTML page that
works offline (plotly.js is inside it): per run, the mean over its seeds and a band, a dashed line
at the target. A folder that holds run folders stands for all of them (npm run plot -- runs).
Runs of different environments share the axis only with a warning (their returns differ in scale).`,
  options: OPTIONS,
  sections: ["A seed that stopped early (it reached the target) is held at its last value in the mean."],
  examples: EXAMPLES,
});

function oneOf<T extends string>(option: string, value: string, valid: readonly T[]): T {
  if (valid.includes(value as T)) return value as T;
  throw new UsageError(`${option} ${value}: expected one of ${valid.join(", ")}${didYouMean(value, valid)}.`);
}

/** The run folders an argument stands for: itself, or the run folders directly inside it. */
function expand(arg: string): string[] {
  const dir = userPath(arg);
  if (!fs.existsSync(dir)) throw new UsageError(`${arg} does not exist; give run folders written by npm run train --out.`);
  if (!fs.statSync(dir).isDirectory()) throw new UsageError(`${arg} is a file; give run folders written by npm run train --out (they hold ${CONFIG_FILE}).`);
  if (fs.existsSync(path.join(dir, CONFIG_FILE))) return [dir];
  const inner = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, CONFIG_FILE)))
    .map((e) => path.join(dir, e.name))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  if (inner.length === 0) throw new UsageError(`${arg} is not a run folder (no ${CONFIG_FILE}) and holds none; give folders written by npm run train --out.`);
  return inner;
}

/** The deepest folder that holds all of `dirs`. */
function commonParent(dirs: string[]): string {
  let parent = path.dirname(dirs[0]);
  while (!dirs.every((d) => d.startsWith(parent + path.sep)) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  return parent;
}

/**
 * Runs of one sharded training (`npm run train -- --shard I/N`: same algorithm, environment,
 * config and seed list) merged into one run with every shard's seeds; other runs as they are.
 */
export function mergeShards(runs: LoadedRun[]): LoadedRun[] {
  const key = (r: LoadedRun) => (r.meta.shard ? JSON.stringify([r.algo, r.env, r.config, r.meta.shard.count, r.meta.shard.of]) : null);
  const merged: LoadedRun[] = [];
  const groups = new Map<string, LoadedRun[]>();
  for (const r of runs) {
    const k = key(r);
    if (k === null) merged.push(r);
    else if (groups.has(k)) groups.get(k)!.push(r);
    else {
      groups.set(k, [r]);
      merged.push(r); // a placeholder, replaced below, so that the order of the arguments is kept
    }
  }
  return merged.map((r) => {
    const k = key(r);
    const parts = k === null ? [r] : groups.get(k)!;
    if (parts.length === 1 && k === null) return r;
    const shard = r.meta.shard!;
    const present = [...new Set(parts.map((p) => p.meta.shard!.index))].sort((a, b) => a - b);
    const missing = Array.from({ length: shard.count }, (_, i) => i).filter((i) => !present.includes(i));
    const name = `${r.algo}-${r.env} (${present.length === shard.count ? `all ${shard.count} shards` : `shards ${present.join(", ")} of ${shard.count}; ${missing.join(", ")} missing`})`;
    const seeds = parts.flatMap((p) => p.seeds).sort((a, b) => a.seed - b.seed);
    const status = parts.some((p) => p.meta.status === "interrupted") ? "interrupted" : r.meta.status;
    return { ...r, name, dir: commonParent(parts.map((p) => p.dir)), seeds, meta: { ...r.meta, status } };
  });
}

/** A sentence naming the runs that have no value of `y` to draw (a return needs an ended episode). */
function emptyNote(runs: LoadedRun[], labels: string[], y: string): string {
  const empty = labels.filter((_, i) => runs[i].seeds.every((s) => s.rows.every((row) => !Number.isFinite(row[y]))));
  if (empty.length === 0) return "";
  const why = y.toLowerCase().includes("return") || y === "meanLength" ? ": no episode ended in them" : "";
  return `<p class="note"><b>Nothing to draw</b> for ${empty.map(escapeHtml).join(", ")}: no value of ${escapeHtml(y)}${why}.</p>`;
}

/** A run's status in words, for its label ("" when it finished). */
function statusNote(r: LoadedRun): string {
  const s = r.meta.status;
  return s === "interrupted" ? "interrupted" : s === "running" ? "running or killed" : s === "failed" ? "failed" : "";
}

/** Short distinct names: the folder names, or paths where two folders share a name. */
function names(runs: LoadedRun[]): string[] {
  const base = runs.map((r) => r.name);
  return runs.map((r, i) => (base.filter((b) => b === base[i]).length > 1 ? shownPath(r.dir) : base[i]));
}

export function main(argv: string[]): void {
  const parsed = parseOptions({ args: argv, options: OPTIONS, strict: true, allowPositionals: true }, "plot");
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP);
    return;
  }
  if (parsed.positionals.length === 0) throw new UsageError("give at least one run folder, e.g. npm run plot -- runs/a2c runs/reinforce.");
  const x: XAxis = oneOf("--x", String(v.x ?? "steps"), ["steps", "time"] as const) === "time" ? "wallTime" : "envSteps";
  const band: Band = oneOf("--band", String(v.band ?? "minmax"), BANDS);
  const dirs = [...new Set(parsed.positionals.flatMap(expand))];
  // Default: plot.html in the folder that holds the runs (their common parent).
  const out = v.out !== undefined ? userPath(String(v.out)) : path.join(commonParent(dirs), "plot.html");
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) throw new UsageError(`--out ${shownPath(out)} is a folder; give a file name such as ${shownPath(path.join(out, "plot.html"))}.`);
  if (fs.existsSync(out) && !v.overwrite && !isOurPage(out)) throw new UsageError(`${shownPath(out)} exists and is not a page of npm run plot; add --overwrite to replace it, or choose another --out.`);

  const runs = mergeShards(
    dirs.map((d) => {
      try {
        return readRun(d);
      } catch (e) {
        if (e instanceof RunFolderError) throw new UsageError(e.message);
        throw e;
      }
    }),
  );
  const y = String(v.y ?? "meanReturn100");
  const columns = [...new Set(runs.flatMap((r) => r.seeds.flatMap((s) => Object.keys(s.rows[0] ?? {}))))];
  if (!columns.includes(y)) throw new UsageError(`--y ${y}: no such column in the runs' progress${didYouMean(y, columns)}; columns: ${columns.join(", ")}.`);

  let target: number | null = null;
  if (v.target !== undefined && v.target !== "none") {
    target = Number(v.target);
    if (String(v.target).trim() === "" || !Number.isFinite(target)) throw new UsageError(`--target must be a number or none; received ${JSON.stringify(v.target)}.`);
  } else if (v.target === undefined && y.startsWith("meanReturn")) {
    const targets = [...new Set(runs.map((r) => r.config.targetReturn).filter((t): t is number => typeof t === "number"))];
    const envs = [...new Set(runs.map((r) => r.env))];
    if (targets.length === 1) target = targets[0];
    else if (targets.length === 0 && envs.length === 1 && registeredIds().includes(envs[0])) target = registration(envs[0]).rewardThreshold;
  }

  const envs = [...new Set(runs.map((r) => r.env))];
  // Returns of different environments are on different scales: say so, and name each run's environment.
  const mixed = envs.length > 1;
  const labels = names(runs).map((name, i) => {
    const notes = [mixed ? runs[i].env : "", statusNote(runs[i])].filter((n) => n !== "");
    return notes.length ? `${name} (${notes.join(", ")})` : name;
  });
  if (mixed) console.error(`plot: warning: these runs are of ${envs.length} environments (${envs.join(", ")}), drawn on one axis; their ${y} values are not comparable across environments.`);
  const title = String(v.title ?? `${envs.join(", ")}: ${runs.length === 1 ? labels[0] : labels.join(" vs ")}`);
  const fig = curvesFigure(
    runs.map((r, i) => ({ name: labels[i], seeds: r.seeds })),
    { title, x, y, band, perSeed: Boolean(v.seeds), target },
  );
  const rows = runs.map((r, i) => {
    const finals = r.seeds.map((s) => s.rows[s.rows.length - 1]);
    const last = (k: string) => finals.map((f) => f[k]).filter(Number.isFinite);
    const ret = last(y);
    const lib = r.meta.library;
    return [
      escapeHtml(labels[i]),
      escapeHtml(r.algo),
      escapeHtml(r.env),
      escapeHtml(r.seeds.map((s) => s.seed).join(", ")),
      Math.max(...last("envSteps")).toLocaleString("en-US"),
      ret.length ? (ret.reduce((a, b) => a + b, 0) / ret.length).toFixed(2) : "-",
      formatSeconds(Math.max(...last("wallTime"))),
      escapeHtml(lib ? `${lib.version} ${lib.commit ? lib.commit.slice(0, 10) : ""}${lib.dirty ? " (modified)" : ""}` : "-"),
      `<code>${escapeHtml(shownPath(r.dir))}</code>`,
    ];
  });
  const body =
    `<h1>${escapeHtml(title)}</h1>` +
    `<p class="note">Per run: the mean over its seeds (thick line)${band !== "none" ? ` and, shaded, the ${escapeHtml(BAND_TEXT[band])}` : ""}` +
    `${target !== null ? `; dashed: the target ${target}` : ""}. A seed that reached the target stopped there and is held at its last value. Click a legend entry to hide a run.</p>` +
    (mixed ? `<p class="note"><b>Different environments</b> (${escapeHtml(envs.join(", "))}) share this axis: compare runs within one environment only.</p>` : "") +
    emptyNote(runs, labels, y) +
    figureHtml(fig, "runs") +
    `<h2>Runs</h2>` +
    htmlTable(["run", "algorithm", "environment", "seeds", "env steps", `final ${escapeHtml(y)} (mean over seeds)`, "wall time", "library", "folder"], rows);
  try {
    makeFolders(path.dirname(out));
    fs.writeFileSync(out, page(title, plotlyScript(), body));
  } catch (e) {
    throw new UsageError(`--out ${shownPath(out)}: cannot write the page (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another --out.`);
  }
  if (v.json) {
    const finals = runs.map((r) => r.seeds.map((s) => s.rows[s.rows.length - 1]?.[y]).filter(Number.isFinite));
    const described = runs.map((r, i) => ({ name: labels[i], dir: shownPath(r.dir), algo: r.algo, env: r.env, seeds: r.seeds.map((s) => s.seed), [`final ${y}`]: finals[i].length ? finals[i].reduce((a, b) => a + b, 0) / finals[i].length : null }));
    console.log(JSON.stringify({ out: shownPath(out), y, runs: described }));
  } else if (!v.quiet) console.log(`wrote ${shownPath(out)}: ${runs.length} run${runs.length === 1 ? "" : "s"} (${labels.join(", ")})`);
}

export { UsageError };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    const usage = e instanceof UsageError;
    console.error(`plot: ${e instanceof Error ? e.message : String(e)}${usage ? "\nSee npm run plot -- --help." : ""}`);
    process.exit(usage ? 2 : 1);
  }
}
