/**
 * `npm run deeprm -- evaluate --loads 0.1,0.7,1.3,1.9 --jobsets 20 --seed 7 --json`: the mean job
 * slowdown (and its standard error over job sets) of the trained DeepRM policy, when one is shipped,
 * and of the SJF, Packer, Tetris* and Random schedulers, on held-out job sets at each load. With
 * --json the last line is one JSON object: { "<load>": { "<scheduler>": { "mean": m, "se": s } } }.
 *
 * `npm run deeprm -- train --iterations 200 --jobsets 100 --rollouts 20`: trains the policy
 * (src/deeprm/train.ts), printing a line per iteration (mean slowdown, time left), and writes
 * policy.json, config.json and curve.json into --out (default: a new folder runs/deeprm_<N>; an
 * existing run is replaced only with --overwrite, so the shipped data/deeprm stays), also every
 * --checkpoint iterations, so that an interrupted run leaves a usable policy; Ctrl-C saves and stops
 * after the iteration under way. `--help` documents both.
 */
import * as fs from "fs";
import * as path from "path";
import { deepRMConfig } from "../src/envs/deeprm/config";
import * as os from "os";
import { type Actor, type EvaluationResult, evaluateSchedulers } from "../src/deeprm/evaluate";
import { SCHEDULER_NAMES, TETRIS_KNOB } from "../src/deeprm/schedulers";
import { DEEPRM_TRAINING_LOADS, type DeepRMCurveRow, type DeepRMTrainOptions, trainDeepRM } from "../src/deeprm/train";
import { MlpCategorical } from "../src/policies/networks";
import { loadPolicy } from "../src/policies/io";
import type { SavedPolicy } from "../src/policies/policy";
import { initTf } from "../src/tf";
import { UsageError, didYouMean, helpText, optionsHelp, parseOptions, subcommand } from "./cli";
import { userPath } from "./runs";
import { FolderError, type RunKind, nextNumbered, prepareFolder } from "./train";

/** The shipped policy, found from the repository's root whatever the working directory. */
const DEFAULT_POLICY = path.join("data", "deeprm", "policy.json");
const resolvePolicy = (file: string, given: boolean) => (given ? file : path.join(__dirname, "..", file));
const CORES = os.availableParallelism?.() ?? os.cpus().length;
const COMMANDS = ["evaluate", "train"] as const;

/** Where the command writes: stdout lines and stderr lines. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const EVALUATE_OPTIONS = {
  loads: {
    type: "string",
    value: "L1,L2,...",
    help: `requested cluster loads, > 0. Arrivals are Bernoulli, so a load above ${deepRMConfig().unitLoad} (one arrival every step) runs at that load; its row is labelled with the load it ran at`,
    defaultText: "0.1,0.7,1.3,1.9",
  },
  jobsets: { type: "string", value: "N", help: `held-out job sets per load, numbered 0 .. N-1 of the "test" split`, defaultText: "20" },
  seed: { type: "string", value: "S", help: "seed of the job sets and of the policies' random draws", defaultText: "7" },
  policy: { type: "string", value: "FILE", help: `trained DeepRM policy saved with savePolicy; when the default file is absent the "DeepRM" entry is omitted, with a note`, defaultText: DEFAULT_POLICY },
  length: { type: "string", value: "N", help: "time steps of arrivals per job set", defaultText: "50" },
  json: { type: "boolean", help: `print the results as one JSON object on the last line, keyed by the requested loads: { "1.3": { "DeepRM": { "mean": 2.8, "se": 0.1 }, "SJF": { ... }, ... }, ... }` },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

export const TRAIN_OPTIONS = {
  config: { type: "string", value: "FILE", help: `read the options from a file's "options" (configs/deeprm.json, or a run's config.json); the options below override it`, defaultText: "none" },
  iterations: { type: "string", value: "N", help: "policy-gradient iterations, one RMSProp step each", defaultText: "100" },
  jobsets: { type: "string", value: "G", help: "training job sets per iteration, fresh every iteration", defaultText: "100, the paper's" },
  rollouts: { type: "string", value: "N", help: "rollouts of each job set from its identical start", defaultText: "20, the paper's" },
  loads: { type: "string", value: "L1,L2,...", help: "loads the job sets cycle through", defaultText: DEEPRM_TRAINING_LOADS.join(",") },
  lr: { type: "string", value: "X", help: "RMSProp learning rate", defaultText: "0.001, the paper's" },
  imitation: { type: "string", value: "E", help: "first imitate SJF for E epochs; 0 for none", defaultText: "0" },
  "imitation-jobsets": { type: "string", value: "K", help: "SJF's job sets for imitation, spread over the loads", defaultText: "100" },
  workers: { type: "string", value: "W", help: "worker threads, 0 to run in this thread", defaultText: `the number of cores, ${CORES} here` },
  seed: { type: "string", value: "S", help: "seed of the network, the sampling and the training job sets", defaultText: "0" },
  resume: {
    type: "string",
    value: "FILE",
    help: "start from this saved policy (e.g. a checkpoint) instead of a fresh network; the iteration count and RMSProp's running averages start afresh, and the same --seed gives the same job sets again (pass another --seed for new ones)",
    defaultText: "none",
  },
  out: { type: "string", value: "DIR", help: "where policy.json, config.json and curve.json go; it must be new or empty", defaultText: "runs/deeprm_<N>, N the next free number" },
  overwrite: { type: "boolean", help: "replace the run in an existing --out folder (e.g. the shipped one: --out data/deeprm --overwrite; its other files are kept)" },
  checkpoint: { type: "string", value: "K", help: "also write them every K iterations", defaultText: "5" },
  quiet: { type: "boolean", help: "no line per iteration (the start and the end are still printed)" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

const HELP = helpText({
  usage: "npm run deeprm -- <command> [options]",
  about: `Commands:
  evaluate   mean job slowdown per load of the trained DeepRM policy (if a policy file exists) and of
             the ${SCHEDULER_NAMES.join(", ")} schedulers, on held-out job sets
  train      train the DeepRM policy (REINFORCE, time-dependent baseline) and save it

npm run deeprm -- evaluate [options]

Each job set gives one number, the mean slowdown (completion time / length) of its jobs; a
scheduler's figure at a load is the mean of those numbers and its standard error. All schedulers
run the same job sets. Tetris* weighs the Packer score by ${TETRIS_KNOB} (see src/deeprm/schedulers.ts).`,
  options: EVALUATE_OPTIONS,
  optionsTitle: "Options of evaluate",
  sections: [
    `npm run deeprm -- train [options]

Each iteration prints its mean slowdown over the rollouts (-return / jobs of the job set), the
decisions per rollout, the policy's entropy, seconds per iteration and the time left. Ctrl-C
finishes the iteration under way, saves (status "stopped") and stops. Training job sets come from
the "train" split; evaluate uses the held-out "test" split.

Options of train (flags are off unless given):
${optionsHelp(TRAIN_OPTIONS)}`,
  ],
  examples: [
    "npm run deeprm -- evaluate --loads 0.1,0.7,1.3,1.9 --jobsets 20 --seed 7 --json",
    "npm run deeprm -- evaluate --policy data/deeprm/policy.json --loads 1.3",
    "npm run deeprm -- train --config configs/deeprm.json --workers 2 --out runs/deeprm",
    "npm run deeprm -- train --iterations 2 --jobsets 2 --rollouts 2 --out runs/deeprm-trial",
  ],
});

interface EvaluateArgs {
  loads: number[];
  jobSets: number;
  seed: number;
  policy: string;
  policyGiven: boolean;
  length: number;
  json: boolean;
}

/** An integer option: `raw` (undefined: `fallback`) must be >= min; `label` names it in the error. */
function integer(label: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isSafeInteger(v) || v < min) throw new UsageError(`${label} must be an integer >= ${min}; received ${JSON.stringify(raw)}.`);
  return v;
}

function numberList(label: string, raw: string): number[] {
  return raw.split(",").map((x) => {
    const v = Number(x);
    if (x.trim() === "" || !Number.isFinite(v) || v <= 0) throw new UsageError(`${label} must be a comma-separated list of numbers > 0, e.g. 0.1,0.7,1.3,1.9; received ${JSON.stringify(x)} in ${JSON.stringify(raw)}.`);
    return v;
  });
}

export function parseEvaluate(argv: string[]): EvaluateArgs | "help" {
  const { values } = parseOptions({ args: argv, options: EVALUATE_OPTIONS, strict: true, allowPositionals: false }, "deeprm");
  if (values.help) return "help";
  const loads = numberList("--loads", values.loads ?? "0.1,0.7,1.3,1.9");
  const repeated = loads.find((l, i) => loads.indexOf(l) !== i);
  if (repeated !== undefined) throw new UsageError(`--loads lists ${repeated} twice.`);
  const length = integer("--length", values.length, 50, 1);
  try {
    deepRMConfig({ jobSetLength: length });
  } catch (e) {
    throw new UsageError(`--length: ${(e as Error).message}`);
  }
  return {
    loads,
    jobSets: integer("--jobsets", values.jobsets, 20, 1),
    seed: integer("--seed", values.seed, 7, 0),
    policy: values.policy ?? DEFAULT_POLICY,
    policyGiven: values.policy !== undefined,
    length,
    json: values.json ?? false,
  };
}

/** The trained policy, or null (with a note) when the default file is absent. Errors name --policy. */
async function trainedPolicy(args: EvaluateArgs, io: Io): Promise<Actor | null> {
  const file = resolvePolicy(args.policy, args.policyGiven);
  const option = `--policy ${args.policy}`;
  if (!fs.existsSync(file)) {
    if (args.policyGiven) throw new UsageError(`${option}: no such file.`);
    io.err(`deeprm: no trained policy at ${args.policy}: the "DeepRM" entry is omitted (train one with npm run deeprm -- train, or pass --policy FILE).`);
    return null;
  }
  await initTf({ quiet: true }); // the network's weights live in TF.js variables
  let policy: ReturnType<typeof loadPolicy>;
  try {
    policy = loadPolicy(file);
  } catch (e) {
    throw new Error(`${option}: ${(e as Error).message}`);
  }
  if (!(policy instanceof MlpCategorical)) throw new Error(`${option} holds a ${(policy as { kind?: string }).kind} policy; expected an MlpCategorical over DeepRM's state image.`);
  const cfg = deepRMConfig({ jobSetLength: args.length });
  if (policy.obsSize !== cfg.obsDim || policy.nActions !== cfg.slots + 1) {
    throw new Error(`${option} takes ${policy.obsSize} inputs and has ${policy.nActions} actions; DeepRM-v0 gives ${cfg.obsDim} and has ${cfg.slots + 1}.`);
  }
  return policy as unknown as Actor;
}

/** The contract: { load: { name: { mean, se } } }, keyed by the requested load. */
function contractJson(result: EvaluationResult): Record<string, Record<string, { mean: number; se: number }>> {
  const out: Record<string, Record<string, { mean: number; se: number }>> = {};
  for (const l of result.loads) {
    out[String(l.load)] = Object.fromEntries(Object.entries(l.policies).map(([name, s]) => [name, { mean: s.mean, se: s.se }]));
  }
  return out;
}

/** A row's label: the load it ran at, and the requested one where arrivals capped it. */
const loadLabel = (l: { load: number; effectiveLoad: number }) => (l.effectiveLoad < l.load ? `${Number(l.effectiveLoad.toFixed(3))} (asked ${l.load})` : String(l.load));

function table(result: EvaluationResult): string {
  const lines = [`Mean job slowdown +- standard error over ${result.jobSets} held-out job sets (seed ${result.seed}):`, ""];
  const names = Object.keys(result.loads[0].policies);
  const labels = result.loads.map(loadLabel);
  const width = Math.max(8, ...labels.map((l) => l.length + 2));
  lines.push(`${"load".padEnd(width)}${names.map((n) => n.padStart(16)).join("")}`);
  result.loads.forEach((l, i) => {
    const cells = names.map((n) => {
      const s = l.policies[n];
      return `${s.mean.toFixed(2)} +- ${Number.isNaN(s.se) ? "n/a" : s.se.toFixed(2)}`.padStart(16);
    });
    lines.push(`${labels[i].padEnd(width)}${cells.join("")}`);
  });
  return lines.join("\n");
}
async function evaluate(argv: string[], io: Io): Promise<void> {
  const args = parseEvaluate(argv);
  if (args === "help") {
    io.out(HELP);
    return;
  }
  const policy = await trainedPolicy(args, io);
  const result = evaluateSchedulers({
    loads: args.loads,
    jobSets: args.jobSets,
    seed: args.seed,
    env: { jobSetLength: args.length },
    policies: policy ? { DeepRM: policy } : {},
  });
  for (const l of result.loads) {
    if (l.effectiveLoad < l.load) io.err(`deeprm: load ${l.load} needs more than one arrival per step; it runs at arrival probability 1, load ${l.effectiveLoad.toFixed(3)}.`);
    if (l.emptyJobSets) io.err(`deeprm: load ${l.load}: ${l.emptyJobSets} of ${args.jobSets} job sets have no job and are not counted.`);
    for (const [name, s] of Object.entries(l.policies)) {
      if (s.truncated) io.err(`deeprm: load ${l.load}: ${name} hit the step cap on ${s.truncated} job set(s); their slowdown counts unfinished jobs so far (a lower bound).`);
    }
  }
  io.out(args.json ? JSON.stringify(contractJson(result)) : table(result));
}

interface TrainArgs {
  options: DeepRMTrainOptions;
  out: string;
  overwrite: boolean;
  checkpoint: number;
  resume: string | null;
  /** The policy read from --resume. */
  initialPolicy: SavedPolicy | undefined;
  quiet: boolean;
}

/** The run folders `npm run deeprm -- train` writes (config.json with its options and command). */
export const DEEPRM_RUN: RunKind = {
  isRun: (c) => typeof c.options === "object" && String(c.command ?? "").startsWith("npm run deeprm -- train"),
  entries: /^(config|policy|curve)\.json(\.tmp)?$/,
  command: "npm run deeprm -- train",
};

type TrainOption = keyof typeof TRAIN_OPTIONS;

/**
 * The options a --config file gives, as command-line text: its "options" object (configs/deeprm.json,
 * or the config.json a train run writes) in the names of DeepRMTrainOptions.
 */
function configOptions(file: string): Partial<Record<TrainOption, string>> {
  const option = `--config ${file}`;
  if (!fs.existsSync(file)) throw new UsageError(`${option}: no such file; give configs/deeprm.json or a run's config.json.`);
  let json: { options?: Record<string, unknown> };
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${option}: not valid JSON (${(e as Error).message}).`);
  }
  const o = json?.options;
  if (typeof o !== "object" || o === null) throw new UsageError(`${option}: expected an object with "options": { iterations, jobSets, rollouts, loads, lr, imitation, seed }.`);
  const names: Record<string, TrainOption> = { iterations: "iterations", jobSets: "jobsets", rollouts: "rollouts", loads: "loads", lr: "lr", seed: "seed", workers: "workers" };
  const out: Partial<Record<TrainOption, string>> = {};
  for (const [key, value] of Object.entries(o)) {
    if (key === "imitation") {
      const im = value as { epochs?: unknown; jobSets?: unknown } | null;
      out.imitation = String(im?.epochs ?? 0);
      if (im?.jobSets !== undefined) out["imitation-jobsets"] = String(im.jobSets);
    } else if (key in names) out[names[key]] = Array.isArray(value) ? value.join(",") : String(value);
    else throw new UsageError(`${option}: unknown option "${key}"${didYouMean(key, [...Object.keys(names), "imitation"])}; expected ${[...Object.keys(names), "imitation"].join(", ")}.`);
  }
  return out;
}

/** A policy file saved with savePolicy, for --resume; its errors name the option. */
function readSavedPolicy(file: string): SavedPolicy {
  const option = `--resume ${file}`;
  if (!fs.existsSync(file)) throw new UsageError(`${option}: no such file.`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${option}: not valid JSON (${(e as Error).message}); expected a policy saved with savePolicy (policy.json of a run).`);
  }
  const saved = json as Partial<SavedPolicy> | null;
  if (typeof saved !== "object" || saved === null || saved.kind !== "MlpCategorical" || !Array.isArray(saved.params)) {
    throw new UsageError(`${option}: not a saved DeepRM policy; expected { "kind": "MlpCategorical", "params": [...], ... } as savePolicy writes it.`);
  }
  return saved as SavedPolicy;
}

export function parseTrain(argv: string[]): TrainArgs | "help" {
  const { values } = parseOptions({ args: argv, options: TRAIN_OPTIONS, strict: true, allowPositionals: false }, "deeprm");
  if (values.help) return "help";
  const fromFile = values.config !== undefined ? configOptions(values.config) : {};
  // A value and the name to report it by: the command line's, else the --config file's.
  const given = (name: TrainOption): [string, string | undefined] => {
    const cli = values[name as keyof typeof values];
    if (typeof cli === "string") return [`--${name}`, cli];
    return [`--config ${values.config}: ${name}`, fromFile[name]];
  };
  const int = (name: TrainOption, fallback: number, min: number) => integer(...given(name), fallback, min);
  const [lrLabel, lrText] = given("lr");
  const lr = lrText === undefined ? 0.001 : Number(lrText);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new UsageError(`${lrLabel} must be a number > 0; received ${JSON.stringify(lrText)}.`);
  const epochs = int("imitation", 0, 0);
  const initialPolicy = values.resume !== undefined ? readSavedPolicy(values.resume) : undefined;
  const [loadsLabel, loadsText] = given("loads");
  return {
    options: {
      iterations: int("iterations", 100, 1),
      jobSets: int("jobsets", 100, 1),
      rollouts: int("rollouts", 20, 1),
      loads: loadsText === undefined ? [...DEEPRM_TRAINING_LOADS] : numberList(loadsLabel, loadsText),
      lr,
      imitation: epochs > 0 ? { epochs, jobSets: int("imitation-jobsets", 100, 1) } : null,
      workers: int("workers", CORES, 0),
      seed: int("seed", 0, 0),
    },
    out: values.out !== undefined ? userPath(values.out) : nextNumbered(userPath(path.join("runs", "deeprm"))),
    overwrite: values.overwrite ?? false,
    checkpoint: integer("--checkpoint", values.checkpoint, 5, 1),
    resume: values.resume ?? null,
    initialPolicy,
    quiet: values.quiet ?? false,
  };
}

/** "1h 05m", "4m 10s", "12s". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** Training was interrupted (Ctrl-C) and the policy saved. */
class Interrupted extends Error {}

/** Write a file whole or not at all (a reader never sees half a checkpoint). */
function writeAtomic(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

async function train(argv: string[], io: Io): Promise<void> {
  const args = parseTrain(argv);
  if (args === "help") {
    io.out(HELP);
    return;
  }
  const o = args.options;
  try {
    prepareFolder(args.out, args.overwrite, DEEPRM_RUN);
  } catch (e) {
    throw e instanceof FolderError ? new UsageError(e.message) : e;
  }
  const initialPolicy = args.initialPolicy;
  const started = new Date();
  const t0 = performance.now();
  const curve: DeepRMCurveRow[] = [];
  const imitation: unknown[] = [];
  const save = (policy: { toJSON(): SavedPolicy }, status: string) => {
    const elapsed = (performance.now() - t0) / 1000;
    const saved = policy.toJSON(); // float32 parameters: 9 significant digits give each back exactly
    writeAtomic(path.join(args.out, "policy.json"), JSON.stringify({ ...saved, params: saved.params.map((x) => Number(x.toPrecision(9))) }) + "\n");
    writeAtomic(path.join(args.out, "curve.json"), JSON.stringify(curve, null, 1) + "\n");
    const info = {
      status,
      command: `npm run deeprm -- train ${argv.join(" ")}`.trim(),
      options: o,
      resumedFrom: args.resume,
      iterations: curve.length,
      wallSeconds: Math.round(elapsed),
      started: started.toISOString(),
      saved: new Date().toISOString(),
      cores: os.availableParallelism?.() ?? os.cpus().length,
      imitation: imitation.length ? imitation : null,
      lastMeanSlowdown: curve.length ? curve[curve.length - 1].meanSlowdown : null,
    };
    writeAtomic(path.join(args.out, "config.json"), JSON.stringify(info, null, 1) + "\n");
  };
  io.out(`deeprm train: ${o.iterations} iterations of ${o.jobSets} job sets x ${o.rollouts} rollouts, loads ${o.loads?.join(", ")}, ${o.workers} worker(s); writing ${args.out}`);
  // Ctrl-C (or SIGTERM): finish the iteration under way, save, and stop
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    io.err("deeprm train: stopping after this iteration (the policy will be saved); press Ctrl-C again to abort without saving.");
    process.once("SIGINT", () => process.exit(130));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let result: Awaited<ReturnType<typeof trainDeepRM>>;
  try {
    result = await trainDeepRM(
      { ...o, ...(initialPolicy ? { initialPolicy } : {}) },
      {
        onImitationEpoch: (e) => {
          imitation.push(e);
          if (!args.quiet) io.out(`imitation epoch ${e.epoch}: cross-entropy ${e.loss.toFixed(3)}, accuracy ${e.accuracy.toFixed(3)} (${e.seconds.toFixed(0)} s)`);
        },
        onIteration: (row, policy) => {
          curve.push(row);
          const perIteration = row.wallTime / row.iteration;
          if (!args.quiet) io.out(
            `iteration ${row.iteration}/${o.iterations}  mean slowdown ${row.meanSlowdown.toFixed(3)}  decisions/rollout ${row.meanLength.toFixed(1)}  entropy ${row.entropy.toFixed(3)}  ${perIteration.toFixed(1)} s/iteration  time left ${duration(perIteration * (o.iterations - row.iteration))}`,
          );
          if (interrupted) {
            save(policy, "stopped");
            throw new Interrupted();
          }
          if (row.iteration % args.checkpoint === 0) save(policy, "running");
        },
      },
    );
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    io.out(`deeprm train: stopped after ${curve.length} iterations in ${duration((performance.now() - t0) / 1000)}; policy in ${path.join(args.out, "policy.json")}`);
    return;
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
  }
  save(result.policy, "finished");
  io.out(`deeprm train: done, ${curve.length} iterations in ${duration((performance.now() - t0) / 1000)}; policy in ${path.join(args.out, "policy.json")}`);
  result.policy.dispose();
}

/** Run the command; returns the exit status (0 done, 1 failed, 2 usage error). */
export async function cli(argv: string[], io: Io = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  try {
    const [word, ...rest] = argv;
    if (word === undefined || word === "--help" || word === "-h" || word === "help") {
      io.out(HELP);
      if (word === undefined) io.err("deeprm: give a command: evaluate or train.");
      return word === undefined ? 2 : 0;
    }
    const command = subcommand(word, COMMANDS, "deeprm");
    if (command === "train") await train(rest, io);
    else await evaluate(rest, io);
    return 0;
  } catch (e) {
    const usage = e instanceof UsageError;
    io.err(`deeprm: ${(e as Error).message}${usage ? "\nSee npm run deeprm -- --help." : ""}`);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  cli(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
