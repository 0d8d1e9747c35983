/**
 * `npm run cartpole-solve`: every policy-gradient variant of the library trained on CartPole-v1 until
 * the mean return of its last 100 episodes reaches 475, under seeds 0-4, each at its library defaults
 * (tuned for CartPole), with a cap of 500,000 env steps (RL Zoo's A2C budget). A seed that does not
 * get there within the cap is recorded as not solved (solvedAtSteps null), never dropped. Writes
 * data/cartpole-solve/results.json, which notebook 06 reads for its table and learning curves:
 *
 * ```
 * { command, library {name, version, commit, dirty}, node, tfBackend, cpus, started, finished,
 *   loadavgStart, loadavgEnd (os.loadavg(): 1, 5, 15 minutes), cap, targetReturn, seeds, workers, complete,
 *   variants: [{ key, name, algorithm, config (resolved: every default filled in, seed left out),
 *                settings (the fields that make the variant; with env, targetReturn and totalSteps, config resolves from them),
 *                seeds: [{ seed, solvedAtSteps | null, secondsToSolve | null, finalMeanReturn100,
 *                          bestMeanReturn100, envSteps, wallTime, episodes,
 *                          curve: { envSteps[], wallTime[], meanReturn100[] } }] }] }
 * ```
 * Wall times are the algorithm's own (`history[].wallTime`: seconds since training started, after
 * TF.js has loaded). Seeds run one at a time by default, so each run has one core (A3C's two worker
 * threads excepted); the load average at start and end says how busy the machine was. The file is
 * rewritten after every variant (complete: false until the last), so an interrupted run keeps what it did.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type AlgorithmName, type AlgorithmSpec, type IterationStats, resolveConfig, runSeeds } from "../src/algorithms/index";
import { initTf } from "../src/tf";
import { formatSeconds } from "../src/plot/progress";
import { UsageError, didYouMean, helpText, parseOptions } from "./cli";
import { ROOT, jsonValue, libraryInfo, makeFolders, shownPath, userPath } from "./runs";
import { parseSeeds, positiveInt } from "./train";

export const TARGET_RETURN = 475;
/** RL Zoo's budget for A2C on CartPole-v1 (rl-baselines3-zoo, hyperparams/a2c.yml: n_timesteps 5e5). */
export const DEFAULT_CAP = 500_000;
export const DEFAULT_OUT = path.join(ROOT, "data", "cartpole-solve", "results.json");
/** Where the one-change ablations are shipped (notebook 06, table 2): `--variants` with the ABLATIONS keys and `--out` this file. */
export const ABLATION_OUT = path.join(ROOT, "data", "cartpole-solve", "ablation.json");
/** Curve points kept per seed: the first FIRST_POINTS iterations as they are, then evenly spaced ones and the last. */
export const CURVE_POINTS = 200;
export const FIRST_POINTS = 8;

export interface Variant {
  key: string;
  name: string;
  algorithm: AlgorithmName;
  /** The fields that make the variant (set explicitly even where they equal the default); env, targetReturn and totalSteps are added, everything else is the algorithm's default. */
  settings: Record<string, unknown>;
}

/** Every variant, in the table's order. */
export const VARIANTS: Variant[] = [
  { key: "reinforce", name: "REINFORCE, rewards-to-go, no baseline", algorithm: "reinforce", settings: { psi: "rewardToGo", baseline: "none" } },
  { key: "reinforce-value", name: "REINFORCE, rewards-to-go - learned V", algorithm: "reinforce", settings: { psi: "rewardToGo", baseline: "value" } },
  { key: "a2c-qv", name: "A2C design 1: Q and V networks (Q - V)", algorithm: "a2c", settings: { advantage: "qv" } },
  { key: "a2c-nstep", name: "A2C design 2: V + n-step return", algorithm: "a2c", settings: { advantage: "nstep" } },
  { key: "a2c-gae", name: "A2C design 3: GAE(0.95) from V", algorithm: "a2c", settings: { advantage: "gae" } },
  { key: "a2c-td", name: "TD actor-critic (A2C, psi = delta_t)", algorithm: "a2c", settings: { advantage: "td" } },
  { key: "actor-critic-q", name: "Q actor-critic (SARSA critic, psi = Q)", algorithm: "actorCritic", settings: { critic: "sarsa", psi: "q" } },
  { key: "a3c-gae", name: "A3C, 2 worker threads, GAE(0.95)", algorithm: "a3c", settings: { workers: 2, advantage: "gae" } },
];
/**
 * One-change ablations of the table's variants (not run by default; `--variants` picks them, e.g. into
 * data/cartpole-solve/ablation.json, which notebook 06 reads beside the table). Each differs from the
 * variant named in its comment in one setting only, so that the table's comparisons can be made like for like.
 */
export const ABLATIONS: Variant[] = [
  // reinforce with standardised weights: the effect of standardisation alone (no baseline either way)
  { key: "reinforce-std", name: "REINFORCE, rewards-to-go, no baseline, standardised", algorithm: "reinforce", settings: { psi: "rewardToGo", baseline: "none", normalize: true } },
  // reinforce-value without standardisation: the learned V alone (neither arm standardised)
  { key: "reinforce-value-raw", name: "REINFORCE, rewards-to-go - learned V, not standardised", algorithm: "reinforce", settings: { psi: "rewardToGo", baseline: "value", normalize: false } },
  // a2c-gae with 8 copies: A3C's update (8 x 32 rows) and A3C's number of updates per env step, in one thread
  { key: "a2c-gae-8envs", name: "A2C GAE(0.95), 8 copies (A3C's update size and count)", algorithm: "a2c", settings: { advantage: "gae", numEnvs: 8 } },
  // actor-critic-q with psi = Q - V: the state's value subtracted (the actor-critic's own advantage)
  { key: "actor-critic-advantage", name: "Q actor-critic (SARSA critic), psi = Q - sum_a pi Q", algorithm: "actorCritic", settings: { critic: "sarsa", psi: "advantage" } },
];
const KEYS = VARIANTS.map((v) => v.key);
const ABLATION_KEYS = ABLATIONS.map((v) => v.key);

/** The config a variant runs with (seed left to the seed list). */
export function variantConfig(v: Variant, cap: number): Record<string, unknown> {
  return { env: "CartPole-v1", ...v.settings, targetReturn: TARGET_RETURN, totalSteps: cap };
}

export const OPTIONS = {
  seeds: { type: "string", value: "N|LIST", help: "a count (--seeds 5: seeds 0..4) or a list and ranges (0,3,7 or 10-14)", defaultText: "5" },
  cap: { type: "string", value: "N", help: "env steps per seed before a run counts as not solved (RL Zoo's A2C budget for CartPole-v1)", defaultText: DEFAULT_CAP.toLocaleString("en-US") },
  workers: {
    type: "string",
    value: "N",
    help: "seeds trained at a time, in worker threads (more runs share the cores and inflate each run's wall time)",
    defaultText: "1, so that wall times are per single core",
  },
  variants: { type: "string", value: "LIST", help: `some of the variants, comma-separated: ${VARIANTS.map((v) => v.key).join(", ")} (listed below)`, defaultText: "all" },
  out: { type: "string", value: "FILE", help: "where to write the results; must end in .json", defaultText: shownPath(DEFAULT_OUT) },
  quiet: { type: "boolean", help: "no progress lines" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

export const EXAMPLES = ["npm run cartpole-solve", "npm run cartpole-solve -- --variants a2c-gae,reinforce-value --seeds 0-1 --cap 20000 --out runs/solve-trial.json"];

export function usage(): string {
  return helpText({
    usage: "npm run cartpole-solve -- [options]",
    about: `Trains every variant on CartPole-v1 until the mean return of its last 100 episodes reaches ${TARGET_RETURN},
each at its library defaults, and writes the env steps and wall time to get there, with a thinned
learning curve per seed, to ${shownPath(DEFAULT_OUT)} (notebook 06 reads it). A seed that does not
reach ${TARGET_RETURN} within the cap is recorded as not solved. The full run takes tens of minutes.`,
    options: OPTIONS,
    sections: [
      `Variants:\n${VARIANTS.map((v) => `  ${v.key.padEnd(16)} ${v.name}`).join("\n")}`,
      `One-change ablations (run only when named in --variants):\n${ABLATIONS.map((v) => `  ${v.key.padEnd(16)} ${v.name}`).join("\n")}`,
    ],
    examples: EXAMPLES,
  });
}

export interface Plan {
  seeds: number[];
  cap: number;
  workers: number;
  variants: Variant[];
  out: string;
  quiet: boolean;
}

export function parse(argv: string[]): Plan | { help: true } {
  const { values } = parseOptions({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }, "cartpole-solve");
  if (values.help) return { help: true };
  const seeds = parseSeeds(values.seeds ?? "5");
  const cap = values.cap !== undefined ? positiveInt("--cap", values.cap) : DEFAULT_CAP;
  const workers = values.workers !== undefined ? positiveInt("--workers", values.workers) : 1;
  let variants = VARIANTS;
  if (values.variants !== undefined) {
    const words = values.variants.split(",").map((w) => w.trim());
    for (const w of words) {
      if (!KEYS.includes(w) && !ABLATION_KEYS.includes(w)) {
        throw new UsageError(`--variants: unknown variant ${JSON.stringify(w)}${didYouMean(w, [...KEYS, ...ABLATION_KEYS])}; valid: ${[...KEYS, ...ABLATION_KEYS].join(", ")}.`);
      }
    }
    const dup = words.find((w, i) => words.indexOf(w) !== i);
    if (dup !== undefined) throw new UsageError(`--variants: ${dup} appears twice.`);
    variants = [...VARIANTS, ...ABLATIONS].filter((v) => words.includes(v.key));
  }
  const out = values.out !== undefined ? userPath(values.out) : DEFAULT_OUT;
  if (!out.endsWith(".json")) throw new UsageError(`--out ${values.out}: the results are one JSON file; give a path ending in .json, e.g. --out ${values.out}/results.json.`);
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) throw new UsageError(`--out ${values.out} is a folder; give a file path ending in .json.`);
  // Every variant's config through the library's checks before anything runs.
  for (const v of variants) {
    try {
      resolveConfig(v.algorithm, { ...variantConfig(v, cap), seed: seeds[0] });
    } catch (e) {
      throw new UsageError(`${v.key}: ${(e as Error).message}`);
    }
  }
  return { seeds, cap, workers, variants, out, quiet: values.quiet ?? false };
}

// ---- results ---------------------------------------------------------------------------------------

export interface Curve {
  envSteps: number[];
  wallTime: number[];
  /** null where no episode had finished yet */
  meanReturn100: (number | null)[];
}

/**
 * At most `points` rows of a history: the first FIRST_POINTS iterations unchanged (so a short re-run can
 * be compared with them exactly), then evenly spaced rows, always the last, and the row at index `also`
 * (the solve: A3C may record the other worker's update that was in flight after it).
 */
export function thin(history: IterationStats[], points = CURVE_POINTS, also?: number): Curve {
  const n = history.length;
  let keep: number[];
  if (n <= points) keep = history.map((_, i) => i);
  else {
    const rest = points - FIRST_POINTS - (also === undefined ? 0 : 1);
    const set = new Set<number>();
    for (let i = 0; i < FIRST_POINTS; i++) set.add(i);
    for (let k = 0; k < rest; k++) set.add(Math.round(FIRST_POINTS + ((n - 1 - FIRST_POINTS) * k) / (rest - 1)));
    if (also !== undefined) set.add(also);
    keep = [...set].sort((a, b) => a - b);
  }
  const rows = keep.map((i) => history[i]);
  return {
    envSteps: rows.map((h) => h.envSteps),
    wallTime: rows.map((h) => Math.round(h.wallTime * 1000) / 1000),
    meanReturn100: rows.map((h) => (Number.isFinite(h.meanReturn100) ? h.meanReturn100 : null)),
  };
}

export interface SeedResult {
  seed: number;
  solvedAtSteps: number | null;
  secondsToSolve: number | null;
  finalMeanReturn100: number | null;
  bestMeanReturn100: number | null;
  envSteps: number;
  wallTime: number;
  episodes: number;
  curve: Curve;
}

export function seedResult(seed: number, history: IterationStats[], solvedAtSteps: number | null): SeedResult {
  const last = history[history.length - 1];
  // the first row at the target (A3C can record two updates at the same env steps, the solve being the second)
  const solveIndex = solvedAtSteps === null ? -1 : history.findIndex((h) => h.envSteps === solvedAtSteps && h.meanReturn100 >= TARGET_RETURN && h.totalEpisodes >= 100);
  if (solvedAtSteps !== null && solveIndex < 0) throw new Error(`seed ${seed}: solvedAtSteps ${solvedAtSteps} is not in the history`);
  const atSolve = solveIndex < 0 ? undefined : history[solveIndex];
  const finite = history.map((h) => h.meanReturn100).filter(Number.isFinite);
  return {
    seed,
    solvedAtSteps,
    secondsToSolve: atSolve ? Math.round(atSolve.wallTime * 1000) / 1000 : null,
    finalMeanReturn100: last && Number.isFinite(last.meanReturn100) ? last.meanReturn100 : null,
    bestMeanReturn100: finite.length ? Math.max(...finite) : null,
    envSteps: last?.envSteps ?? 0,
    wallTime: last ? Math.round(last.wallTime * 1000) / 1000 : 0,
    episodes: last?.totalEpisodes ?? 0,
    curve: thin(history, CURVE_POINTS, solveIndex < 0 ? undefined : solveIndex),
  };
}

/** JSON indented by one space, with arrays of numbers on one line (the curves: about 6 KB per seed). */
export function compactJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\[\n[-\d.e+,\snul]*\n\s*\]/g, (m) => m.replace(/\s+/g, "")) + "\n";
}

/** One variant in the results file. */
export interface VariantResult {
  key: string;
  name: string;
  algorithm: AlgorithmName;
  settings: Record<string, unknown>;
  /** The resolved config (null: no value), seed left out. */
  config: Record<string, unknown>;
  seeds: SeedResult[];
}

/** The results file, as written. */
export interface SolveResults {
  command: string;
  library: ReturnType<typeof libraryInfo>;
  node: string;
  tfBackend: string;
  cpus: string;
  started: string;
  finished: string | null;
  loadavgStart: number[];
  loadavgEnd: number[] | null;
  cap: number;
  targetReturn: number;
  seeds: number[];
  workers: number;
  complete: boolean;
  variants: VariantResult[];
}

function commandLine(argv: string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return `npm run cartpole-solve${argv.length ? ` -- ${argv.map(quote).join(" ")}` : ""}`;
}

const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const plan = parse(argv);
  if ("help" in plan) {
    process.stdout.write(usage());
    return;
  }
  makeFolders(path.dirname(plan.out));
  const tf = await initTf({ quiet: true });
  const file: SolveResults = {
    command: commandLine(argv),
    library: libraryInfo(),
    node: process.version,
    tfBackend: tf.backend,
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown"}`,
    started: new Date().toISOString(),
    finished: null,
    loadavgStart: loadavg(),
    loadavgEnd: null,
    cap: plan.cap,
    targetReturn: TARGET_RETURN,
    seeds: plan.seeds,
    workers: plan.workers,
    complete: false,
    variants: [],
  };
  const write = () => fs.writeFileSync(plan.out, compactJson(file));
  const started = performance.now();
  console.log(`${plan.variants.length} variant(s) x seeds ${plan.seeds.join(", ")}, cap ${plan.cap.toLocaleString("en-US")} env steps, ${plan.workers} at a time -> ${shownPath(plan.out)}`);
  for (const v of plan.variants) {
    const config = variantConfig(v, plan.cap);
    const { seed: _seed, ...resolved } = resolveConfig(v.algorithm, { ...config, seed: plan.seeds[0] });
    const t0 = performance.now();
    const result = await runSeeds({ algorithm: v.algorithm, config } as AlgorithmSpec, plan.seeds, { workers: plan.workers, progress: plan.quiet ? "none" : "lines" });
    const seeds = result.runs.map((r) => seedResult(r.seed, r.history, r.solvedAtSteps));
    file.variants.push({ key: v.key, name: v.name, algorithm: v.algorithm, settings: v.settings, config: jsonValue(resolved) as Record<string, unknown>, seeds });
    write();
    const solved = seeds.filter((s) => s.solvedAtSteps !== null);
    console.log(
      `${v.key}: ${solved.length}/${seeds.length} solved (${seeds.map((s) => (s.solvedAtSteps === null ? `- (best ${s.bestMeanReturn100?.toFixed(0) ?? "-"})` : `${s.solvedAtSteps} in ${s.secondsToSolve?.toFixed(0)} s`)).join(", ")}); ${formatSeconds((performance.now() - t0) / 1000)}`,
    );
  }
  file.finished = new Date().toISOString();
  file.loadavgEnd = loadavg();
  file.complete = true;
  write();
  const size = fs.statSync(plan.out).size;
  console.log(`done in ${formatSeconds((performance.now() - started) / 1000)}; wrote ${shownPath(plan.out)} (${(size / 1024).toFixed(0)} KB); load average ${file.loadavgStart.join(", ")} at the start, ${file.loadavgEnd!.join(", ")} at the end`);
}

if (require.main === module) {
  main().catch((e) => {
    const usageError = e instanceof UsageError;
    console.error(`cartpole-solve: ${e instanceof Error ? e.message : String(e)}${usageError ? "\nSee npm run cartpole-solve -- --help." : ""}`);
    process.exit(usageError ? 2 : 1);
  });
}
