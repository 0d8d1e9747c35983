/**
 * `npm run train -- --algo a2c --env CartPole-v1 --seeds 5 --out runs/a2c`: trains outside notebooks,
 * shows each seed's progress as it goes, and writes a run folder (layout in scripts/runs.ts):
 * config.json (the full resolved config, library version, git commit), seed<N>/progress.csv and
 * progress.json (one row per iteration), seed<N>/policy.json (`loadPolicy`), summary.json and
 * learning-curve.html. `--help` lists the options and every algorithm's config fields, read from the
 * config interfaces' doc comments (scripts/config-docs.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { ALGORITHMS, type AlgorithmName, type AlgorithmSpec, resolveConfig, runSeeds } from "../src/algorithms/index";
import type { IterationStats } from "../src/algorithms/index";
import type { TrainingState } from "../src/algorithms/checkpoint";
import type { SeedRun, SeedRuns } from "../src/algorithms/run-seeds";
import { make, registeredIds, registration } from "../src/envs/registry";
import { pageFigureHtml } from "../src/plot/svg";
import { formatSeconds } from "../src/plot/progress";
import { initTf } from "../src/tf";
import { UsageError, didYouMean, helpText, parseOptions } from "./cli";
import { type ConfigDoc, configDocs, formatConfigHelp } from "./config-docs";
import {
  CONFIG_FILE,
  CREATED_BY,
  RUN_ENTRIES,
  type RunConfig,
  type RunStatus,
  csvHeader,
  csvLine,
  curvesFigure,
  escapeHtml,
  htmlTable,
  jsonValue,
  libraryInfo,
  makeFolders,
  page,
  PLOTLY_WHERE,
  plotlyLoader,
  shownPath,
  userPath,
} from "./runs";

const ALGOS = Object.keys(ALGORITHMS) as AlgorithmName[];

export const OPTIONS = {
  algo: { type: "string", value: "NAME", help: `algorithm: ${ALGOS.join(", ")}; required unless --config gives it` },
  env: { type: "string", value: "ID", help: "environment (see the list below)", defaultText: "CartPole-v1" },
  seed: { type: "string", value: "N", help: "one seed: seed N", defaultText: "seed 0" },
  seeds: {
    type: "string",
    value: "N|LIST",
    help: "several: a count (--seeds 5: seeds 0..4) or a list and ranges (--seeds 0,3,7 or 10-14); a count is at least 1 (for seed 0 alone: --seed 0)",
    defaultText: "1",
  },
  shard: {
    type: "string",
    value: "I/N",
    help: "run only shard I (0 .. N-1) of the seeds, every N-th from the I-th, e.g. on machine I of N; npm run plot merges the N run folders (README: a Slurm array)",
    defaultText: "all the seeds",
  },
  steps: { type: "string", value: "N", help: "budget in environment steps per seed (config.totalSteps)", defaultText: "the algorithm's totalSteps" },
  target: { type: "string", value: "R", help: "stop a seed once the mean return of its last 100 episodes reaches R (config.targetReturn)", defaultText: "none" },
  set: {
    type: "string",
    multiple: true,
    value: "KEY=VALUE",
    help: "any config field of the algorithm (listed below), JSON-parsed when possible; repeatable, e.g. --set lr=0.003 --set hiddenSizes=[32,32]",
    defaultText: "the field's default",
  },
  out: { type: "string", value: "DIR", help: "run folder; it must be new or empty", defaultText: "runs/<algo>-<env>_<N>, N the next free number" },
  overwrite: { type: "boolean", help: "replace the run in an existing --out folder (its other files are kept)" },
  config: {
    type: "string",
    value: "FILE|DIR",
    help: "algorithm, environment, seeds and config from a file: a tuned configuration (configs/*.json) or a run folder's config.json, to repeat it; other options override them",
    defaultText: "none",
  },
  workers: {
    type: "string",
    value: "N",
    help: "seeds trained at the same time, one worker thread each; not a3c's config field workers (its threads within one seed: --set workers=N)",
    defaultText: "one per core, at most one per seed",
  },
  checkpoint: {
    type: "string",
    value: "N",
    help: "save each seed's training state (seed<N>/checkpoint.json) every N iterations, for --resume",
    defaultText: "only when the run is interrupted",
  },
  resume: {
    type: "string",
    value: "DIR",
    help: "continue the run in DIR from its checkpoints (seeds without one start again; finished seeds are kept); its config, seeds and folder are the run's own",
    defaultText: "none",
  },
  json: { type: "boolean", help: "print the summary (summary.json's seeds and the run folder) as one JSON line at the end" },
  quiet: { type: "boolean", help: "no progress display" },
  help: { type: "boolean", short: "h", help: "this text (with --algo NAME: only that algorithm's fields)" },
} as const;

export const EXAMPLES = [
  "npm run train -- --algo a2c --seeds 5 --out runs/a2c",
  "npm run train -- --algo reinforce --seeds 0,3,7 --set baseline=movingAverage --set lr=0.005",
  `npm run train -- --algo a2c --env Pendulum-v1 --set envKwargs='{"g":9.81}' --steps 200000`,
  "npm run train -- --config configs/pendulum-a2c.json --seeds 5-9",
  "npm run train -- --config data/pendulum-a2c --seeds 5-9 --out runs/pendulum-more",
  "npm run train -- --algo a2c --seeds 0-99 --shard 0/4 --checkpoint 10",
  "npm run train -- --algo a3c --help",
];

/** Config fields that have their own option. */
const FIELD_NOTES: Record<string, string> = { env: "--env", seed: "--seed, --seeds", totalSteps: "also --steps", targetReturn: "also --target" };

/** The fields `algo` accepts, with their defaults: its config interface's (a3c's resolved config also holds A2C-only fields it rejects). */
function acceptedDefaults(doc: ConfigDoc): Record<string, unknown> {
  const defaults = resolveConfig(doc.algorithm as AlgorithmName, {});
  return Object.fromEntries(doc.fields.map((f) => [f.name, defaults[f.name as keyof typeof defaults]]));
}

export function usage(algo?: AlgorithmName): string {
  const envs = registeredIds().map((id) => `  ${id.padEnd(18)} ${registration(id).description}`);
  const width = Math.min(Math.max(process.stdout.columns ?? 100, 80), 120);
  let fields: string;
  try {
    fields = configDocs()
      .filter((d) => !algo || d.algorithm === algo)
      .map((d) => formatConfigHelp(d, acceptedDefaults(d), width, FIELD_NOTES))
      .join("\n\n");
  } catch (e) {
    fields = `(could not read the config fields' docs: ${(e as Error).message})`;
  }
  return helpText({
    usage: "npm run train -- --algo NAME [options]",
    about: `Trains NAME under one or more seeds (in worker threads, one per core), shows each seed's progress,
and writes a run folder: config.json, seed<N>/progress.csv (+ .json), seed<N>/policy.json,
summary.json, learning-curve.html. Compare run folders with npm run plot -- DIR DIR ...`,
    options: OPTIONS,
    sections: [
      `Progress goes to stderr: one line per seed updated in place on a terminal, plain lines at every
tenth of a seed's budget when stderr is not a terminal or CI is set.

Ctrl-C (SIGINT) or SIGTERM stops every seed at the end of its iteration and saves it: policy.json,
checkpoint.json (a2c, reinforce, actorCritic: critic, optimiser, random and environment state, for
--resume), summary.json and the page; the run is marked "interrupted" in config.json and
summary.json (exit code 130). A second Ctrl-C stops at once, saving nothing more.

TF.js backend: tensorflow (the optional @tensorflow/tfjs-node) if it loads, else wasm, else cpu;
the environment variable PG_TF_BACKEND=tensorflow|wasm|cpu forces one. config.json records the one
used (tfBackend).`,
      `Environments:\n${envs.join("\n")}`,
      `Config fields (--set KEY=VALUE), with their defaults${algo ? "" : " (each algorithm accepts only its own)"}:\n\n${fields}`,
    ],
    examples: EXAMPLES,
  });
}

/** `5` -> 0..4; `0,3,7`; `10-14`; mixtures such as `0-2,7`. */
export function parseSeeds(text: string): number[] {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n === 0) throw new UsageError(`--seeds 0: a count of seeds must be at least 1; for seed 0 alone write --seed 0 (or --seeds 0-0).`);
    if (!Number.isSafeInteger(n)) throw new UsageError(`--seeds ${text}: a count must be an integer >= 1 (or give a list such as 0,3,7).`);
    return Array.from({ length: n }, (_, i) => i);
  }
  const seeds: number[] = [];
  for (const part of t.split(",")) {
    const p = part.trim();
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(p);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a) throw new UsageError(`--seeds ${text}: the range ${p} runs backwards; write ${b}-${a}.`);
      for (let s = a; s <= b; s++) seeds.push(s);
    } else if (/^\d+$/.test(p)) seeds.push(Number(p));
    else throw new UsageError(`--seeds ${text}: ${JSON.stringify(p)} is not a seed; expected a count (5), a list of integers >= 0 (0,3,7) or a range (10-14).`);
  }
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (dup !== undefined) throw new UsageError(`--seeds ${text}: seed ${dup} appears twice.`);
  return seeds;
}

function nonNegativeInt(option: string, text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError(`${option} must be an integer >= 0; received ${JSON.stringify(text)}.`);
  return n;
}

export function positiveInt(option: string, text: string): number {
  const n = Number(text);
  if (!/^\s*\d+(e\d+)?\s*$/i.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} must be an integer >= 1; received ${JSON.stringify(text)}.`);
  return n;
}

/** `--shard I/N`: the I-th of N parts of the seed list (I from 0). */
export interface Shard {
  index: number;
  count: number;
  /** The whole seed list the shards split. */
  of: number[];
}

/** Seeds I, I + N, I + 2N, ... of the list (by position), so that every shard gets about as many. */
export function parseShard(text: string, seeds: number[]): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard ${text}: expected I/N, the shard's index from 0 and the number of shards, e.g. --shard 0/4 ... --shard 3/4.`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1) throw new UsageError(`--shard ${text}: the number of shards must be at least 1.`);
  if (index >= count) throw new UsageError(`--shard ${text}: the index counts from 0, so it is 0 .. ${count - 1} for ${count} shards.`);
  if (count > seeds.length) throw new UsageError(`--shard ${text}: ${count} shards of ${seeds.length} seed${seeds.length === 1 ? "" : "s"} would leave shards empty; give more seeds (e.g. --seeds 0-99) or fewer shards.`);
  return { index, count, of: seeds };
}

export function shardSeeds(shard: Shard): number[] {
  return shard.of.filter((_, k) => k % shard.count === shard.index);
}

interface Plan {
  algo: AlgorithmName;
  env: string;
  seeds: number[];
  shard: Shard | undefined;
  /** --resume: continue the run in `out`. */
  resume: boolean;
  checkpointEvery: number | undefined;
  config: Record<string, unknown>;
  resolved: Record<string, unknown>;
  out: string | undefined;
  overwrite: boolean;
  workers: number | undefined;
  quiet: boolean;
  json: boolean;
}

function readConfigArg(arg: string, option: string): Partial<RunConfig> {
  let file = userPath(arg);
  const folder = fs.existsSync(file) && fs.statSync(file).isDirectory();
  if (option === "--resume" && fs.existsSync(file) && !folder) throw new UsageError(`--resume ${arg}: give the run folder, not a file.`);
  if (folder) file = path.join(file, CONFIG_FILE);
  if (!fs.existsSync(file)) throw new UsageError(`${option} ${arg}: ${shownPath(file)} does not exist; give a run folder${option === "--config" ? " or its config.json" : ""}.`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Partial<RunConfig>;
  } catch (e) {
    throw new UsageError(`${option} ${arg}: ${shownPath(file)} is not valid JSON (${(e as Error).message}).`);
  }
}

export function parse(argv: string[]): Plan | { help: AlgorithmName | undefined } {
  const configKeys = () => ALGOS.flatMap((a) => Object.keys(resolveConfig(a, {})));
  const { values } = parseOptions({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }, "train", (name) =>
    configKeys().includes(name) ? `config fields are set with --set, e.g. --set ${name}=VALUE.` : undefined,
  );
  if (values.help) return { help: ALGOS.includes(values.algo as AlgorithmName) ? (values.algo as AlgorithmName) : undefined };

  if (values.resume !== undefined) {
    const kept = ["resume", "workers", "quiet", "checkpoint", "help"];
    const extra = Object.keys(values).filter((k) => !kept.includes(k));
    if (extra.length) throw new UsageError(`--resume continues a run with its own config, seeds and folder; drop ${extra.map((k) => `--${k}`).join(", ")} (only --workers, --checkpoint and --quiet go with it).`);
  }
  if (values.seed !== undefined && values.seeds !== undefined) throw new UsageError(`both --seed and --seeds are given; --seed N is one seed, --seeds several: keep one.`);
  const configArg = values.resume ?? values.config;
  const saved = configArg !== undefined ? readConfigArg(configArg, values.resume !== undefined ? "--resume" : "--config") : undefined;
  const algoText = values.algo ?? saved?.algo;
  if (!algoText) throw new UsageError(`--algo is required: one of ${ALGOS.join(", ")}.`);
  if (!ALGOS.includes(algoText as AlgorithmName)) throw new UsageError(`unknown algorithm ${JSON.stringify(algoText)}${didYouMean(algoText, ALGOS)}; valid: ${ALGOS.join(", ")}.`);
  const algo = algoText as AlgorithmName;
  if (saved?.algo && values.algo && saved.algo !== values.algo) throw new UsageError(`--algo ${values.algo} contradicts --config ${values.config}, a ${saved.algo} run; drop one of them.`);

  const env = values.env ?? saved?.env ?? "CartPole-v1";
  const envs = registeredIds();
  if (!envs.includes(env)) throw new UsageError(`unknown environment ${JSON.stringify(env)}${didYouMean(env, envs)}; valid: ${envs.join(", ")}.`);

  const savedSeeds = saved?.seeds as unknown;
  const listed =
    values.seed !== undefined
      ? [nonNegativeInt("--seed", values.seed)]
      : values.seeds !== undefined
      ? parseSeeds(values.seeds)
      : Array.isArray(savedSeeds)
        ? (savedSeeds as number[])
        : typeof savedSeeds === "number" // the first layout saved a count
          ? parseSeeds(String(savedSeeds))
          : [0];
  const shard = values.shard !== undefined ? parseShard(values.shard, listed) : undefined;
  const seeds = shard ? shardSeeds(shard) : listed;

  // The config: a saved run's (without the nulls that mark unset fields and the functions, which a
  // command line cannot give: their defaults apply), then --set, --steps, --target.
  const config: Record<string, unknown> = {};
  const isFunction = (v: unknown) => typeof v === "object" && v !== null && "$function" in v;
  for (const [k, v] of Object.entries(saved?.config ?? {})) if (v !== null && !isFunction(v) && k !== "seed") config[k] = v;
  if (saved) {
    // A mistake in the file is the file's: name it before the command line's options are added.
    try {
      resolveConfig(algo, { ...config, env });
    } catch (e) {
      throw new UsageError(`--config ${values.config}: ${(e as Error).message}`);
    }
  }
  for (const item of values.set ?? []) {
    const eq = item.indexOf("=");
    if (eq < 1) throw new UsageError(`--set expects KEY=VALUE, e.g. --set lr=0.003; received ${JSON.stringify(item)}.`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1);
    if (key === "seed") throw new UsageError(`--set seed=${raw}: seeds are chosen with --seed ${raw} (one) or --seeds (several).`);
    if (key === "env") throw new UsageError(`--set env=${raw}: choose the environment with --env ${raw}.`);
    if (key === "totalSteps" && values.steps !== undefined) throw new UsageError(`both --steps and --set totalSteps are given; keep one.`);
    if (key === "targetReturn" && values.target !== undefined) throw new UsageError(`both --target and --set targetReturn are given; keep one.`);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a plain string, e.g. --set advantage=td */
    }
    config[key] = value;
  }
  if (values.steps !== undefined) config.totalSteps = positiveInt("--steps", values.steps);
  if (values.target !== undefined) {
    const target = Number(values.target);
    if (values.target.trim() === "" || !Number.isFinite(target)) throw new UsageError(`--target must be a number; received ${JSON.stringify(values.target)}.`);
    config.targetReturn = target;
  }
  config.env = env;

  // Everything is checked before anything is written: the config's keys, types and ranges, the environment's arguments.
  let resolved: Record<string, unknown>;
  try {
    resolved = resolveConfig(algo, { ...config, seed: seeds[0] });
    make(env, resolved.envKwargs as Record<string, unknown> | undefined);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    algo,
    env,
    seeds,
    shard: shard ?? (values.seeds === undefined && values.seed === undefined ? saved?.shard : undefined),
    resume: values.resume !== undefined,
    checkpointEvery: values.checkpoint !== undefined ? positiveInt("--checkpoint", values.checkpoint) : undefined,
    config,
    resolved,
    out: values.resume ?? values.out,
    overwrite: values.overwrite ?? false,
    workers: values.workers !== undefined ? positiveInt("--workers", values.workers) : undefined,
    quiet: values.quiet ?? false,
    json: values.json ?? false,
  };
}

// ---- the run folder --------------------------------------------------------------------------------

export class FolderError extends Error {}

export function nextNumbered(base: string): string {
  for (let n = 1; ; n++) {
    const candidate = `${base}_${n}`;
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/** A kind of run folder: how to recognise one, the entries a new run replaces, the command that writes it. */
export interface RunKind {
  isRun(config: Record<string, unknown>): boolean;
  entries: RegExp;
  command: string;
}

export const TRAIN_RUN: RunKind = {
  isRun: (c) => c.createdBy === CREATED_BY || (typeof c.algo === "string" && typeof c.config === "object"), // also the first layout's config.json
  entries: RUN_ENTRIES,
  command: "npm run train",
};

function isRunFolder(dir: string, kind: RunKind = TRAIN_RUN): boolean {
  try {
    return kind.isRun(JSON.parse(fs.readFileSync(path.join(dir, CONFIG_FILE), "utf8")) as Record<string, unknown>);
  } catch {
    return false;
  }
}

/** Make `out` ready for a new run of `kind`, or explain why not. Returns whether the folder was created here. */
export function prepareFolder(out: string, overwrite: boolean, kind: RunKind = TRAIN_RUN): boolean {
  const shown = shownPath(out);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOTDIR") throw new FolderError(`--out ${shown}: a part of that path is a file, not a folder; choose another --out.`);
  }
  if (stat && !stat.isDirectory()) throw new FolderError(`--out ${shown} is a file, not a folder; choose another --out (a new or empty folder).`);
  if (stat) {
    const entries = fs.readdirSync(out);
    if (entries.length > 0) {
      if (!isRunFolder(out, kind)) {
        throw new FolderError(`--out ${shown} is not empty and holds no run (no config.json from ${kind.command}); choose a new or empty folder, e.g. --out ${shownPath(nextNumbered(out))}.`);
      }
      if (!overwrite) {
        throw new FolderError(`--out ${shown} already holds a run. Add --overwrite to replace it, or choose a new folder, e.g. --out ${shownPath(nextNumbered(out))}.`);
      }
      for (const e of entries) if (kind.entries.test(e)) fs.rmSync(path.join(out, e), { recursive: true, force: true });
    }
    return false;
  }
  try {
    makeFolders(out);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOTDIR" || code === "EEXIST"
        ? "a part of that path is a file, not a folder"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? "permission denied"
          : `the system refused: ${code ?? (e as Error).message}`;
    throw new FolderError(`--out ${shown}: cannot create the folder (${why}); choose another --out.`);
  }
  return true;
}

function commandLine(argv: string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return `npm run train -- ${argv.map(quote).join(" ")}`;
}

// ---- the learning-curve page ---------------------------------------------------------------------------

function learningCurvePage(out: string, plan: Plan, meta: RunConfig, result: SeedRuns, seconds: number): string {
  const seeds = result.runs.map((r) => ({ seed: r.seed, rows: r.history as unknown as Record<string, number>[] }));
  const target = (plan.resolved.targetReturn as number | undefined) ?? registration(plan.env).rewardThreshold;
  const n = plan.seeds.length;
  const fig = curvesFigure([{ name: plan.algo, seeds }], {
    title: `${plan.algo} on ${plan.env}: ${n} seed${n === 1 ? "" : "s"} and their mean`,
    x: "envSteps",
    y: "meanReturn100",
    band: "none",
    perSeed: n > 1,
    target,
  });
  const cell = (v: unknown) => `<td class="v">${escapeHtml(JSON.stringify(v) ?? "null")}</td>`;
  const configRows = Object.entries(meta.config).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td>${cell(v)}</tr>`).join("");
  const summary = htmlTable(
    ["seed", "iterations", "env steps", "episodes", "mean return (last 100)", "reached the target at", "wall time", "status"],
    result.runs.map((r) => {
      const last = r.history.at(-1);
      return [
        String(r.seed),
        String(r.history.length),
        last ? last.envSteps.toLocaleString("en-US") : "-",
        last ? last.totalEpisodes.toLocaleString("en-US") : "-",
        last && Number.isFinite(last.meanReturn100) ? last.meanReturn100.toFixed(1) : "-",
        r.solvedAtSteps !== null ? `${r.solvedAtSteps.toLocaleString("en-US")} steps` : "-",
        last ? formatSeconds(last.wallTime) : "-",
        r.stopped ? "interrupted" : "finished",
      ];
    }),
  );
  const lib = meta.library;
  const body =
    `<h1>${escapeHtml(plan.algo)} on ${escapeHtml(plan.env)}</h1>` +
    `<p class="note">${n} seed${n === 1 ? "" : "s"} (${plan.seeds.join(", ")}), ${formatSeconds(seconds)} in all, started ${escapeHtml(meta.started)}. ` +
    `Thin lines: each seed's mean return over its last 100 episodes; thick line: their mean` +
    `${target !== null && target !== undefined ? `; dashed: the target ${target}` : ""}. A seed that reached the target stopped there and is held at its last value in the mean.</p>` +
    (meta.status === "interrupted" ? `<p class="note"><b>Interrupted</b> (Ctrl-C or SIGTERM): the seeds marked so stopped early. Continue with <code>npm run train -- --resume ${escapeHtml(shownPath(out))}</code>.</p>` : "") +
    (result.runs.every((r) => (r.history.at(-1)?.totalEpisodes ?? 0) === 0) ? `<p class="note"><b>No curve:</b> ${escapeHtml(noEpisodeNote(plan))}.</p>` : "") +
    pageFigureHtml(fig, "curve", PLOTLY_WHERE) +
    `<h2>Seeds</h2>${summary}` +
    `<h2>Config</h2><p class="note">Every field as the run used it, defaults filled in (null: not set). Seeds come from the seed list.</p>` +
    `<table><thead><tr><th>field</th><th>value</th></tr></thead><tbody>${configRows}</tbody></table>` +
    `<h2>Repeat or compare</h2><p class="note">Library ${escapeHtml(lib.name)} ${escapeHtml(lib.version)}, commit ${escapeHtml(lib.commit ?? "unknown")}${lib.dirty ? " (with uncommitted changes)" : ""}, Node.js ${escapeHtml(meta.node)}.</p>` +
    `<pre>${escapeHtml(meta.command)}\nnpm run train -- --config ${escapeHtml(shownPath(out))}      # the same run again\nnpm run plot -- ${escapeHtml(shownPath(out))} OTHER_RUN ...   # compare with other runs</pre>`;
  return page(`${plan.algo} on ${plan.env}`, plotlyLoader(), body);
}

// ---- resuming ------------------------------------------------------------------------------------

const CHECKPOINT_FILE = "checkpoint.json";

interface SeedSummary {
  seed: number;
  /** "finished": budget used or target reached; "interrupted": stopped early; "not started". */
  status: "finished" | "interrupted" | "not started";
  iterations: number;
  envSteps: number;
  episodes: number;
  meanReturn100: number | null;
  solvedAtSteps: number | null;
  wallTime: number;
  /** seed<N>/checkpoint.json if the seed can be continued from it, else why not (null: not needed). */
  checkpoint: string | null;
}

/** What --resume finds in a run folder: the seeds it keeps as they are, and the states the others continue from. */
function resumable(out: string, plan: Plan): { kept: SeedRun[]; states: Map<number, TrainingState> } {
  const summaryFile = path.join(out, "summary.json");
  const previous = fs.existsSync(summaryFile) ? ((JSON.parse(fs.readFileSync(summaryFile, "utf8")) as { seeds?: SeedSummary[] }).seeds ?? []) : [];
  const kept: SeedRun[] = [];
  const states = new Map<number, TrainingState>();
  for (const seed of plan.seeds) {
    const dir = path.join(out, `seed${seed}`);
    const before = previous.find((p) => p.seed === seed);
    if (before?.status === "finished" && fs.existsSync(path.join(dir, "progress.json"))) {
      const history = (JSON.parse(fs.readFileSync(path.join(dir, "progress.json"), "utf8")) as IterationStats[]).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v ?? NaN])) as unknown as IterationStats);
      kept.push({ seed, history, episodeReturns: [], solvedAtSteps: before.solvedAtSteps });
    } else if (fs.existsSync(path.join(dir, CHECKPOINT_FILE))) {
      const state = JSON.parse(fs.readFileSync(path.join(dir, CHECKPOINT_FILE), "utf8")) as TrainingState;
      states.set(seed, state);
      // The progress file restarts from the checkpoint's record: rows after it are computed again.
      const history = state.record.history;
      const cols = Object.keys(history[0] ?? {});
      fs.writeFileSync(path.join(dir, "progress.csv"), csvHeader(cols) + history.map((h) => csvLine(h as unknown as Record<string, unknown>, cols)).join(""));
      fs.rmSync(path.join(dir, "progress.json"), { force: true });
    } else {
      fs.rmSync(dir, { recursive: true, force: true }); // no state to continue from: the seed starts again
    }
  }
  return { kept, states };
}

function writeAtomically(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file); // a signal while writing never leaves half a file
}

// ---- main ----------------------------------------------------------------------------------------

/** SIGINT and SIGTERM abort the run (saving it); a second one exits at once. */
function stopOnSignals(out: string): AbortController {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${signal} again: stopped without saving the seeds' last iterations; the progress so far is in ${shownPath(out)}/seed<N>/progress.csv\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${signal}: stopping each seed at the end of its iteration and saving it (${signal} again to stop at once)\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller;
}

function summarize(run: SeedRun, status: SeedSummary["status"], checkpoint: string | null): SeedSummary {
  const last = run.history.at(-1);
  const mean = last?.meanReturn100;
  return { seed: run.seed, status, iterations: run.history.length, envSteps: last?.envSteps ?? 0, episodes: last?.totalEpisodes ?? 0, meanReturn100: mean !== undefined && Number.isFinite(mean) ? mean : null, solvedAtSteps: run.solvedAtSteps, wallTime: last?.wallTime ?? 0, checkpoint };
}

/** The sentence a summary gives when no episode ended (no return to report), with the copies' lengths when known. */
export function noEpisodeNote(plan: Pick<Plan, "env" | "resolved">): string {
  const steps = Number(plan.resolved.totalSteps);
  const copies = Number(plan.resolved.numEnvs ?? 1);
  const limit = (plan.resolved.maxEpisodeSteps as number | null | undefined) ?? registration(plan.env).maxEpisodeSteps;
  const perCopy = Math.ceil(steps / copies);
  const why = copies > 1 ? ` (${copies} copies of about ${perCopy.toLocaleString("en-US")} steps each${limit !== null ? `; ${plan.env}'s episodes last up to ${limit} steps` : ""})` : limit !== null ? ` (${plan.env}'s episodes last up to ${limit} steps)` : "";
  return `no episode ended within ${steps.toLocaleString("en-US")} env steps${why}, so there is no return to report; give a larger --steps (an episode must end for its return to count)`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const plan = parse(argv);
  if ("help" in plan) {
    process.stdout.write(usage(plan.help));
    return;
  }
  const base = `${plan.algo}-${plan.env}${plan.shard ? `-shard${plan.shard.index}of${plan.shard.count}` : ""}`;
  const out = plan.out !== undefined ? userPath(plan.out) : nextNumbered(userPath(path.join("runs", base)));
  const previousMeta = plan.resume ? (JSON.parse(fs.readFileSync(path.join(out, CONFIG_FILE), "utf8")) as RunConfig) : undefined;
  if (plan.resume && !isRunFolder(out)) throw new UsageError(`--resume ${shownPath(out)}: not a run folder of npm run train.`);
  if (previousMeta?.status === "finished") {
    console.log(`${shownPath(out)} finished; there is nothing to continue.`);
    return;
  }
  const created = plan.resume ? false : prepareFolder(out, plan.overwrite);
  const { kept, states } = plan.resume ? resumable(out, plan) : { kept: [], states: new Map<number, TrainingState>() };
  const toRun = plan.seeds.filter((s) => !kept.some((k) => k.seed === s));
  const { seed: _seed, ...resolvedWithoutSeed } = plan.resolved;
  const tfBackend = (await initTf({ quiet: true })).backend; // the one the seeds' worker threads choose too
  if (previousMeta?.tfBackend && previousMeta.tfBackend !== tfBackend) console.error(`train: warning: ${shownPath(out)} was trained with the TF.js backend ${previousMeta.tfBackend}; this one is ${tfBackend}, so the continued run may differ in the last digits from one that never stopped.`);
  const meta: RunConfig = previousMeta
    ? { ...previousMeta, status: "running" }
    : {
        createdBy: CREATED_BY,
        algo: plan.algo,
        env: plan.env,
        seeds: plan.seeds,
        config: jsonValue(resolvedWithoutSeed) as Record<string, unknown>,
        library: libraryInfo(),
        node: process.version,
        tfBackend,
        command: commandLine(argv),
        started: new Date().toISOString(),
        status: "running",
        ...(plan.shard ? { shard: plan.shard } : {}),
      };
  const written: string[] = [];
  const write = (file: string, text: string) => {
    writeAtomically(path.join(out, file), text);
    written.push(file);
  };
  write(CONFIG_FILE, JSON.stringify(meta, null, 2) + "\n");
  const steps = Number(plan.resolved.totalSteps).toLocaleString("en-US");
  if (plan.resume) {
    const continued = toRun.filter((s) => states.has(s));
    const afresh = toRun.filter((s) => !states.has(s));
    console.log(`continuing ${plan.algo} on ${plan.env} in ${shownPath(out)}: ${[kept.length ? `seed${kept.length > 1 ? "s" : ""} ${kept.map((k) => k.seed).join(", ")} finished` : "", continued.length ? `seed${continued.length > 1 ? "s" : ""} ${continued.map((s) => `${s} from iteration ${states.get(s)!.iteration}`).join(", ")}` : "", afresh.length ? `seed${afresh.length > 1 ? "s" : ""} ${afresh.join(", ")} from the start (no checkpoint)` : ""].filter(Boolean).join("; ")}`);
  } else {
    console.log(`training ${plan.algo} on ${plan.env}, seed${plan.seeds.length > 1 ? "s" : ""} ${plan.seeds.join(", ")}${plan.shard ? ` (shard ${plan.shard.index} of ${plan.shard.count})` : ""}; ${steps} env steps each -> ${shownPath(out)}`);
  }

  // Each iteration's row goes to seed<N>/progress.csv as it arrives.
  const columns = new Map<number, string[]>();
  let rows = 0;
  const onIteration = (seed: number, stats: IterationStats) => {
    const dir = path.join(out, `seed${seed}`);
    let cols = columns.get(seed);
    if (!cols) {
      cols = Object.keys(stats);
      columns.set(seed, cols);
      fs.mkdirSync(dir, { recursive: true });
      if (!states.has(seed)) fs.writeFileSync(path.join(dir, "progress.csv"), csvHeader(cols));
      written.push(`seed${seed}`);
    }
    fs.appendFileSync(path.join(dir, "progress.csv"), csvLine(stats as unknown as Record<string, unknown>, cols));
    rows++;
  };
  const onCheckpoint = (seed: number, state: TrainingState) => {
    fs.mkdirSync(path.join(out, `seed${seed}`), { recursive: true });
    writeAtomically(path.join(out, `seed${seed}`, CHECKPOINT_FILE), JSON.stringify(state) + "\n");
  };
  const interactive = Boolean(process.stderr.isTTY) && !process.env.CI;
  const controller = stopOnSignals(out);

  const started = performance.now();
  let result: SeedRuns;
  try {
    result = await runSeeds({ algorithm: plan.algo, config: plan.config } as AlgorithmSpec, toRun, {
      workers: plan.workers,
      progress: plan.quiet ? "none" : interactive ? "terminal" : "lines",
      onIteration,
      signal: controller.signal,
      checkpointEvery: plan.checkpointEvery,
      onCheckpoint,
      resume: (seed) => states.get(seed),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (rows === 0 && !plan.resume) {
      // Nothing ran: leave no trace of this run.
      if (created) fs.rmSync(out, { recursive: true, force: true });
      else for (const f of written) fs.rmSync(path.join(out, f), { recursive: true, force: true });
      throw new Error(`${message}\nNothing was written (${shownPath(out)} ${created ? "removed" : "left as it was"}).`);
    }
    write("summary.json", JSON.stringify({ status: "failed", error: message, seconds: (performance.now() - started) / 1000 }, null, 2) + "\n");
    write(CONFIG_FILE, JSON.stringify({ ...meta, status: "failed" }, null, 2) + "\n");
    throw new Error(`${message}\nThe progress so far is kept in ${shownPath(out)}/seed<N>/progress.csv.`);
  }
  const seconds = (performance.now() - started) / 1000;

  for (const run of result.runs) {
    const dir = path.join(out, `seed${run.seed}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "progress.json"), JSON.stringify(run.history, null, 0).replace(/},{/g, "},\n{") + "\n");
    if (run.policy) fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify(run.policy) + "\n");
  }
  const all = [...kept, ...result.runs].sort((a, b) => plan.seeds.indexOf(a.seed) - plan.seeds.indexOf(b.seed));
  const summary: SeedSummary[] = plan.seeds.map((seed) => {
    const run = all.find((r) => r.seed === seed);
    if (!run) return { seed, status: "not started", iterations: 0, envSteps: 0, episodes: 0, meanReturn100: null, solvedAtSteps: null, wallTime: 0, checkpoint: null };
    if (!run.stopped) {
      if (plan.checkpointEvery === undefined) fs.rmSync(path.join(out, `seed${seed}`, CHECKPOINT_FILE), { force: true }); // a finished seed needs no state to continue from
      return summarize(run, "finished", null);
    }
    const hasCheckpoint = fs.existsSync(path.join(out, `seed${seed}`, CHECKPOINT_FILE));
    return summarize(run, "interrupted", hasCheckpoint ? `seed${seed}/${CHECKPOINT_FILE}` : `none: ${run.checkpointError ?? "not saved"}`);
  });
  const status: RunStatus = summary.every((s) => s.status === "finished") ? "finished" : "interrupted";
  const noEpisodes = summary.every((s) => s.episodes === 0) ? noEpisodeNote(plan) : undefined;
  write("summary.json", JSON.stringify({ status, seconds, ...(noEpisodes ? { note: noEpisodes } : {}), seeds: summary }, null, 2) + "\n");
  write(CONFIG_FILE, JSON.stringify({ ...meta, status }, null, 2) + "\n");
  write("learning-curve.html", learningCurvePage(out, plan, { ...meta, status }, { ...result, runs: all }, seconds));

  if (plan.json) {
    console.log(JSON.stringify({ out: shownPath(out), seconds, seeds: summary }));
    return;
  }
  for (const s of summary) {
    const ret = s.meanReturn100 === null ? (s.episodes === 0 ? "- (no episode ended)" : "-") : s.meanReturn100.toFixed(1);
    const how = s.status === "finished" ? "" : s.status === "not started" ? " (not started)" : ` (interrupted; checkpoint: ${s.checkpoint})`;
    console.log(`seed ${s.seed}: ${s.envSteps.toLocaleString("en-US")} steps, mean return (last 100) ${ret}${s.solvedAtSteps !== null ? `, reached the target at ${s.solvedAtSteps.toLocaleString("en-US")} steps` : ""}${how}`);
  }
  if (noEpisodes) console.log(`Note: ${noEpisodes}.`);
  if (status === "interrupted") {
    console.log(`interrupted after ${formatSeconds(seconds)}; saved ${shownPath(out)}/ (policies, checkpoints where possible, summary.json, learning-curve.html). Continue with: npm run train -- --resume ${shownPath(out)}`);
    process.exitCode = 130;
  } else {
    console.log(`done in ${formatSeconds(seconds)}; wrote ${shownPath(out)}/ (learning-curve.html, config.json, summary.json, seed<N>/progress.csv, progress.json, policy.json)`);
  }
}

export { UsageError };

if (require.main === module) {
  main().catch((e) => {
    const usageError = e instanceof UsageError;
    console.error(`train: ${e instanceof Error ? e.message : String(e)}${usageError ? "\nSee npm run train -- --help." : ""}`);
    process.exit(usageError || e instanceof FolderError ? 2 : 1);
  });
}
