/**
 * `npm run evaluate -- RUN_DIR [--episodes 100] [--deterministic] [--json] [--record FILE.html]`:
 * the trained policies of a run folder (seed<N>/policy.json, written by `npm run train`) played for
 * whole episodes on the run's environment, without learning: the mean return with its 95% interval
 * per seed and over seeds (RL Zoo's `enjoy`, Spinning Up's `test_policy`). `--record` writes an
 * offline page with an animation of one episode (CartPole's cart, Pendulum's pendulum, DeepRM's
 * state image: whatever the environment's `render()` draws).
 *
 * Episode k of every seed starts from the same reset (seed 1,000,000 + k), so the seeds are compared
 * on the same start states, none of which training used (training resets from the run's seed).
 */
import * as fs from "fs";
import * as path from "path";
import { make, registeredIds } from "../src/envs/registry";
import { recordEpisode } from "../src/envs/record";
import { animationHtml } from "../src/plot/animation";
import { loadPolicy } from "../src/policies/io";
import { Rng } from "../src/rng";
import { meanConfidence } from "../src/stats";
import { initTf } from "../src/tf";
import { UsageError, helpText, parseOptions } from "./cli";
import { CONFIG_FILE, type RunConfig, escapeHtml, makeFolders, page, shownPath, userPath } from "./runs";
import { DEEPRM_RUN } from "./deeprm";
import { positiveInt } from "./train";

export const OPTIONS = {
  episodes: { type: "string", value: "N", help: "episodes per seed", defaultText: "100" },
  deterministic: { type: "boolean", help: "act with the most likely action (categorical) or the mean action (Gaussian) instead of sampling as in training" },
  json: { type: "boolean", help: "print one JSON object instead of the table" },
  record: { type: "string", value: "FILE", help: "also write FILE (.html): an animation of episode 0 of the first seed, which opens offline in any browser", defaultText: "none" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

export const EXAMPLES = [
  "npm run evaluate -- runs/a2c-CartPole-v1_1",
  "npm run evaluate -- runs/a2c-Pendulum-v1_1 --episodes 20 --deterministic --record pendulum.html",
  "npm run evaluate -- data/deeprm --episodes 10 --record deeprm.html",
];

export const HELP = helpText({
  usage: "npm run evaluate -- RUN_DIR [options]",
  about: `Plays the trained policy of every seed of a run folder (written by npm run train, or a folder of
npm run deeprm -- train such as data/deeprm, played on DeepRM-v0) for whole episodes on the run's
environment, without learning, and prints the mean return with a 95% confidence interval per seed
(Student's t over its episodes) and over seeds (over the seeds' means).
Episode k of every seed starts from reset seed 1,000,000 + k: the same starts for every seed, none
of them used in training.`,
  options: OPTIONS,
  examples: EXAMPLES,
});

/** Reset seed of episode k (the same for every seed of the run). */
export const EVALUATION_SEED = 1_000_000;

interface Acting {
  sample(obs: never, rng: Rng): unknown;
  probs?(obs: never): Float64Array;
  distribution?(obs: never): { mean: Float64Array };
  dispose?(): void;
}

/** The policy's action: sampled, or its most likely (categorical) or mean (Gaussian) action. */
function actor(policy: Acting, deterministic: boolean, rng: Rng): (obs: unknown) => unknown {
  if (!deterministic) return (obs) => policy.sample(obs as never, rng);
  if (policy.distribution) return (obs) => Array.from(policy.distribution!(obs as never).mean);
  if (policy.probs) {
    return (obs) => {
      const p = policy.probs!(obs as never);
      let best = 0;
      for (let a = 1; a < p.length; a++) if (p[a] > p[best]) best = a;
      return best;
    };
  }
  throw new UsageError("--deterministic: this policy has neither action probabilities nor a mean action.");
}

interface Plan {
  dir: string;
  episodes: number;
  deterministic: boolean;
  json: boolean;
  record: string | undefined;
}

export function parse(argv: string[]): Plan | "help" {
  const { values, positionals } = parseOptions({ args: argv, options: OPTIONS, strict: true, allowPositionals: true }, "evaluate");
  if (values.help) return "help";
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "give a run folder, e.g. npm run evaluate -- runs/a2c-CartPole-v1_1." : `give one run folder; received ${positionals.length}: ${positionals.join(" ")}.`);
  if (values.record !== undefined && !/\.html?$/i.test(values.record)) throw new UsageError(`--record ${values.record}: the animation is an HTML page; give a file name ending in .html.`);
  return {
    dir: userPath(positionals[0]),
    episodes: values.episodes !== undefined ? positiveInt("--episodes", values.episodes) : 100,
    deterministic: values.deterministic ?? false,
    json: values.json ?? false,
    record: values.record !== undefined ? userPath(values.record) : undefined,
  };
}

interface RunToEvaluate {
  env: string;
  envKwargs: Record<string, unknown> | undefined;
  maxEpisodeSteps: number | undefined;
  policies: { seed: number; file: string }[];
}

function readRunFolder(dir: string): RunToEvaluate {
  const configFile = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${shownPath(dir)} is not a folder; give a run folder written by npm run train.`);
  if (!fs.existsSync(configFile)) throw new UsageError(`${shownPath(dir)} is not a run folder: it has no ${CONFIG_FILE} (npm run train writes one).`);
  let meta: Partial<RunConfig>;
  try {
    meta = JSON.parse(fs.readFileSync(configFile, "utf8")) as Partial<RunConfig>;
  } catch (e) {
    throw new UsageError(`${shownPath(configFile)} is not valid JSON (${(e as Error).message}).`);
  }
  if (DEEPRM_RUN.isRun(meta as Record<string, unknown>)) {
    // a folder of npm run deeprm -- train (e.g. the shipped data/deeprm): one policy, for DeepRM-v0
    const seed = Number((meta as { options?: { seed?: number } }).options?.seed ?? 0);
    if (!fs.existsSync(path.join(dir, "policy.json"))) throw new UsageError(`${shownPath(dir)} holds no policy.json yet.`);
    return { env: "DeepRM-v0", envKwargs: undefined, maxEpisodeSteps: undefined, policies: [{ seed, file: path.join(dir, "policy.json") }] };
  }
  const env = String(meta.env ?? meta.config?.env ?? "");
  if (!registeredIds().includes(env)) throw new UsageError(`${shownPath(configFile)}: environment ${JSON.stringify(env)} is not registered here (registered: ${registeredIds().join(", ")}).`);
  const policies = fs
    .readdirSync(dir)
    .map((e) => /^seed(\d+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null && fs.existsSync(path.join(dir, m[0], "policy.json")))
    .map((m) => ({ seed: Number(m[1]), file: path.join(dir, m[0], "policy.json") }))
    .sort((a, b) => a.seed - b.seed);
  if (policies.length === 0) throw new UsageError(`${shownPath(dir)} holds no trained policy (no seed<N>/policy.json): the run has not finished or been interrupted yet.`);
  const config = meta.config ?? {};
  return { env, envKwargs: (config.envKwargs as Record<string, unknown> | null) ?? undefined, maxEpisodeSteps: (config.maxEpisodeSteps as number | null) ?? undefined, policies };
}

type Interval = { mean: number; lower: number; upper: number; n: number };

export interface Evaluation {
  run: string;
  env: string;
  episodes: number;
  deterministic: boolean;
  seeds: (Interval & { seed: number; meanLength: number })[];
  /** Over the seeds' means (null with one seed: no interval over one value). */
  overSeeds: Interval | null;
}

function playEpisode(run: RunToEvaluate, act: (obs: unknown) => unknown, k: number, render: boolean) {
  const env = make(run.env, run.envKwargs) as Parameters<typeof recordEpisode>[0];
  return recordEpisode(env, (obs) => act(obs) as never, { seed: EVALUATION_SEED + k, render, ...(run.maxEpisodeSteps !== undefined ? { maxSteps: run.maxEpisodeSteps } : {}) });
}

export async function evaluate(plan: Plan): Promise<{ evaluation: Evaluation; recorded?: string }> {
  const run = readRunFolder(plan.dir);
  await initTf({ quiet: true });
  const seeds: Evaluation["seeds"] = [];
  let recorded: string | undefined;
  for (const { seed, file } of run.policies) {
    let policy: Acting;
    try {
      policy = loadPolicy<Acting>(file);
    } catch (e) {
      throw new UsageError(`${shownPath(file)}: ${(e as Error).message}`);
    }
    const returns: number[] = [];
    const lengths: number[] = [];
    for (let k = 0; k < plan.episodes; k++) {
      const act = actor(policy, plan.deterministic, new Rng(EVALUATION_SEED + k, [seed]));
      const ep = playEpisode(run, act, k, false);
      returns.push(ep.rewards.reduce((a, b) => a + b, 0));
      lengths.push(ep.rewards.length);
    }
    seeds.push({ seed, ...meanConfidence(returns), meanLength: lengths.reduce((a, b) => a + b, 0) / lengths.length });
    if (plan.record && recorded === undefined) recorded = recordPage(run, plan, seed, actor(policy, plan.deterministic, new Rng(EVALUATION_SEED, [seed])));
    policy.dispose?.();
  }
  const overSeeds = seeds.length > 1 ? meanConfidence(seeds.map((s) => s.mean)) : null;
  return { evaluation: { run: shownPath(plan.dir), env: run.env, episodes: plan.episodes, deterministic: plan.deterministic, seeds, overSeeds }, recorded };
}

/** Episode 0 of `seed`'s policy as an animation page; returns the file written. */
function recordPage(run: RunToEvaluate, plan: Plan, seed: number, act: (obs: unknown) => unknown): string {
  const ep = playEpisode(run, act, 0, true);
  if (ep.frames.length === 0) throw new UsageError(`--record: ${run.env} draws no pictures (it has no render()).`);
  let total = 0;
  const captions = ep.frames.map((_, t) => {
    if (t > 0) total += ep.rewards[t - 1];
    return `t = ${t}, return so far ${Number(total.toFixed(2))}`;
  });
  const title = `${run.env}: seed ${seed}'s policy, episode 0 (${plan.deterministic ? "deterministic" : "sampled"} actions), return ${Number(total.toFixed(2))}${ep.terminated ? "" : ep.truncated ? ", cut at the time limit" : ""}`;
  const body = `<h1>${escapeHtml(run.env)}</h1>` + animationHtml(ep.frames, { title, captions, fps: 30 }) + `<p class="note">Written by npm run evaluate -- ${escapeHtml(shownPath(plan.dir))} --record. Reset seed ${EVALUATION_SEED}.</p>`;
  const out = plan.record!;
  try {
    makeFolders(path.dirname(out));
    fs.writeFileSync(out, page(`${run.env}: an episode`, "", body));
  } catch (e) {
    throw new UsageError(`--record ${shownPath(out)}: cannot write the page (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(2));
const interval = (i: Interval) => (i.n > 1 ? `${fmt(i.mean)}  [${fmt(i.lower)}, ${fmt(i.upper)}]` : fmt(i.mean));

export function table(e: Evaluation): string {
  const lines = [
    `${e.run}: ${e.env}, ${e.episodes} episode${e.episodes === 1 ? "" : "s"} per seed, ${e.deterministic ? "deterministic" : "sampled"} actions`,
    `seed   mean return  [95% interval]      mean length`,
    ...e.seeds.map((s) => `${String(s.seed).padEnd(6)} ${interval(s).padEnd(30)} ${s.meanLength.toFixed(1)}`),
  ];
  lines.push(e.overSeeds ? `over ${e.overSeeds.n} seeds: ${interval(e.overSeeds)} (interval over the seeds' means)` : "over seeds: one seed, so no interval over seeds");
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const plan = parse(process.argv.slice(2));
  if (plan === "help") {
    process.stdout.write(HELP);
    return;
  }
  const { evaluation, recorded } = await evaluate(plan);
  if (plan.json) process.stdout.write(JSON.stringify(evaluation) + "\n");
  else process.stdout.write(table(evaluation));
  if (recorded && !plan.json) console.log(`wrote ${shownPath(recorded)} (an animation of episode 0 of seed ${evaluation.seeds[0].seed})`);
}

if (require.main === module) {
  main().catch((e) => {
    const usage = e instanceof UsageError;
    console.error(`evaluate: ${e instanceof Error ? e.message : String(e)}${usage ? "\nSee npm run evaluate -- --help." : ""}`);
    process.exit(usage ? 2 : 1);
  });
}
