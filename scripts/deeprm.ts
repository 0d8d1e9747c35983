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
import { parseArgs } from "util";
import { deepRMConfig } from "../src/envs/deeprm/config";
import * as os from "os";
import { type Actor, type EvaluationResult, evaluateSchedulers } from "../src/deeprm/evaluate";
import { SCHEDULER_NAMES, TETRIS_KNOB } from "../src/deeprm/schedulers";
import { DEEPRM_TRAINING_LOADS, type DeepRMCurveRow, type DeepRMTrainOptions, trainDeepRM } from "../src/deeprm/train";
import { MlpCategorical } from "../src/policies/networks";
import { loadPolicy } from "../src/policies/io";
import type { SavedPolicy } from "../src/policies/policy";
import { initTf } from "../src/tf";
import { userPath } from "./runs";
import { FolderError, type RunKind, nextNumbered, prepareFolder } from "./train";

/** The shipped policy, found from the repository's root whatever the working directory. */
const DEFAULT_POLICY = path.join("data", "deeprm", "policy.json");
const resolvePolicy = (file: string, given: boolean) => (given ? file : path.join(__dirname, "..", file));

/** Where the command writes: stdout lines and stderr lines. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const HELP = `Usage: npm run deeprm -- <command> [options]

Commands:
  evaluate   mean job slowdown per load of the trained DeepRM policy (if a policy file exists) and of
             the ${SCHEDULER_NAMES.join(", ")} schedulers, on held-out job sets
  train      train the DeepRM policy (REINFORCE, time-dependent baseline) and save it

npm run deeprm -- evaluate [options]
  --loads L1,L2,...  requested cluster loads, > 0 (default 0.1,0.7,1.3,1.9). Arrivals are Bernoulli, so
                     loads above ${deepRMConfig().unitLoad} (one arrival every step) run at that load (a note says so)
  --jobsets N        held-out job sets per load, numbered 0 .. N-1 of the "test" split (default 20)
  --seed S           seed of the job sets and of the policies' random draws (default 7)
  --policy FILE      trained DeepRM policy saved with savePolicy (default ${DEFAULT_POLICY});
                     when the default file is absent the "DeepRM" entry is omitted, with a note
  --length N         time steps of arrivals per job set (default 50)
  --json             print the results as one JSON object on the last line:
                     { "1.3": { "DeepRM": { "mean": 2.8, "se": 0.1 }, "SJF": { ... }, ... }, ... }
  --help             this text

Each job set gives one number, the mean slowdown (completion time / length) of its jobs; a
scheduler's figure at a load is the mean of those numbers and its standard error. All schedulers
run the same job sets. Tetris* weighs the Packer score by ${TETRIS_KNOB} (see src/deeprm/schedulers.ts).

npm run deeprm -- train [options]
  --iterations N     policy-gradient iterations, one RMSProp step each (default 100)
  --jobsets G        training job sets per iteration, fresh every iteration (default 100, the paper's)
  --rollouts N       rollouts of each job set from its identical start (default 20, the paper's)
  --loads L1,L2,...  loads the job sets cycle through (default ${DEEPRM_TRAINING_LOADS.join(",")})
  --lr X             RMSProp learning rate (default 0.001, the paper's)
  --imitation E      first imitate SJF for E epochs (default 0: no imitation)
  --imitation-jobsets K  SJF's job sets for imitation, spread over the loads (default 100)
  --workers W        worker threads, 0 to run in this thread (default: the number of cores, ${os.availableParallelism?.() ?? os.cpus().length} here)
  --seed S           seed of the network, the sampling and the training job sets (default 0)
  --resume FILE      start from this saved policy (e.g. a checkpoint) instead of a fresh network; the
                     iteration count and RMSProp's running averages start afresh, and the same --seed
                     gives the same job sets again (pass another --seed for new ones)
  --out DIR          where policy.json, config.json and curve.json go (default runs/deeprm_<N>, N
                     the next free number); it must be new or empty
  --overwrite        replace the run in an existing --out folder (e.g. the shipped one: --out
                     data/deeprm --overwrite; its other files are kept)
  --checkpoint K     also write them every K iterations (default 5)

Each iteration prints its mean slowdown over the rollouts (-return / jobs of the job set), the
decisions per rollout, the policy's entropy, seconds per iteration and the time left. Ctrl-C
finishes the iteration under way, saves (status "stopped") and stops. Training job sets come from
the "train" split; evaluate uses the held-out "test" split.
`;

class UsageError extends Error {}

interface EvaluateArgs {
  loads: number[];
  jobSets: number;
  seed: number;
  policy: string;
  policyGiven: boolean;
  length: number;
  json: boolean;
}

function integer(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isSafeInteger(v) || v < min) throw new UsageError(`--${name} must be an integer >= ${min}; received ${JSON.stringify(raw)}.`);
  return v;
}

function parseEvaluate(argv: string[]): EvaluateArgs | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      loads: { type: "string" },
      jobsets: { type: "string" },
      seed: { type: "string" },
      policy: { type: "string" },
      length: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  if (positionals.length) throw new UsageError(`unexpected argument(s) ${positionals.map((p) => JSON.stringify(p)).join(", ")}; options start with --.`);
  const loads = (values.loads ?? "0.1,0.7,1.3,1.9").split(",").map((raw) => {
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v) || v <= 0) throw new UsageError(`--loads must be a comma-separated list of numbers > 0, e.g. 0.1,0.7,1.3,1.9; received ${JSON.stringify(raw)} in ${JSON.stringify(values.loads)}.`);
    return v;
  });
  const repeated = loads.find((l, i) => loads.indexOf(l) !== i);
  if (repeated !== undefined) throw new UsageError(`--loads lists ${repeated} twice.`);
  const length = integer("length", values.length, 50, 1);
  try {
    deepRMConfig({ jobSetLength: length });
  } catch (e) {
    throw new UsageError(`--length: ${(e as Error).message}`);
  }
  return {
    loads,
    jobSets: integer("jobsets", values.jobsets, 20, 1),
    seed: integer("seed", values.seed, 7, 0),
    policy: values.policy ?? DEFAULT_POLICY,
    policyGiven: values.policy !== undefined,
    length,
    json: values.json ?? false,
  };
}

/** The trained policy, or null (with a note) when the default file is absent. */
async function trainedPolicy(args: EvaluateArgs, io: Io): Promise<Actor | null> {
  if (!fs.existsSync(resolvePolicy(args.policy, args.policyGiven))) {
    if (args.policyGiven) throw new UsageError(`--policy ${args.policy}: no such file.`);
    io.err(`deeprm: no trained policy at ${args.policy}: the "DeepRM" entry is omitted (train one with the phase-2 trainer, or pass --policy FILE).`);
    return null;
  }
  await initTf({ quiet: true }); // the network's weights live in TF.js variables
  const policy = loadPolicy(resolvePolicy(args.policy, args.policyGiven));
  if (!(policy instanceof MlpCategorical)) throw new Error(`${args.policy} holds a ${(policy as { kind?: string }).kind} policy; expected an MlpCategorical over DeepRM's state image.`);
  const cfg = deepRMConfig({ jobSetLength: args.length });
  if (policy.obsSize !== cfg.obsDim || policy.nActions !== cfg.slots + 1) {
    throw new Error(`${args.policy} takes ${policy.obsSize} inputs and has ${policy.nActions} actions; DeepRM-v0 gives ${cfg.obsDim} and has ${cfg.slots + 1}.`);
  }
  return policy as unknown as Actor;
}

/** The contract: { load: { name: { mean, se } } }. */
function contractJson(result: EvaluationResult): Record<string, Record<string, { mean: number; se: number }>> {
  const out: Record<string, Record<string, { mean: number; se: number }>> = {};
  for (const l of result.loads) {
    out[String(l.load)] = Object.fromEntries(Object.entries(l.policies).map(([name, s]) => [name, { mean: s.mean, se: s.se }]));
  }
  return out;
}

function table(result: EvaluationResult): string {
  const lines = [`Mean job slowdown +- standard error over ${result.jobSets} held-out job sets (seed ${result.seed}):`, ""];
  const names = Object.keys(result.loads[0].policies);
  lines.push(`${"load".padEnd(8)}${names.map((n) => n.padStart(16)).join("")}`);
  for (const l of result.loads) {
    const cells = names.map((n) => {
      const s = l.policies[n];
      return `${s.mean.toFixed(2)} +- ${Number.isNaN(s.se) ? "n/a" : s.se.toFixed(2)}`.padStart(16);
    });
    lines.push(`${String(l.load).padEnd(8)}${cells.join("")}`);
  }
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
}

/** The run folders `npm run deeprm -- train` writes (config.json with its options and command). */
export const DEEPRM_RUN: RunKind = {
  isRun: (c) => typeof c.options === "object" && String(c.command ?? "").startsWith("npm run deeprm -- train"),
  entries: /^(config|policy|curve)\.json(\.tmp)?$/,
  command: "npm run deeprm -- train",
};

function numberList(name: string, raw: string): number[] {
  return raw.split(",").map((x) => {
    const v = Number(x);
    if (x.trim() === "" || !Number.isFinite(v) || v <= 0) throw new UsageError(`--${name} must be a comma-separated list of numbers > 0; received ${JSON.stringify(x)} in ${JSON.stringify(raw)}.`);
    return v;
  });
}

function parseTrain(argv: string[]): TrainArgs | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      iterations: { type: "string" },
      jobsets: { type: "string" },
      rollouts: { type: "string" },
      loads: { type: "string" },
      lr: { type: "string" },
      imitation: { type: "string" },
      "imitation-jobsets": { type: "string" },
      workers: { type: "string" },
      seed: { type: "string" },
      resume: { type: "string" },
      out: { type: "string" },
      overwrite: { type: "boolean" },
      checkpoint: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  if (positionals.length) throw new UsageError(`unexpected argument(s) ${positionals.map((p) => JSON.stringify(p)).join(", ")}; options start with --.`);
  const lr = values.lr === undefined ? 0.001 : Number(values.lr);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new UsageError(`--lr must be a number > 0; received ${JSON.stringify(values.lr)}.`);
  const epochs = integer("imitation", values.imitation, 0, 0);
  if (values.resume !== undefined && !fs.existsSync(values.resume)) throw new UsageError(`--resume ${values.resume}: no such file.`);
  return {
    options: {
      iterations: integer("iterations", values.iterations, 100, 1),
      jobSets: integer("jobsets", values.jobsets, 100, 1),
      rollouts: integer("rollouts", values.rollouts, 20, 1),
      loads: values.loads === undefined ? [...DEEPRM_TRAINING_LOADS] : numberList("loads", values.loads),
      lr,
      imitation: epochs > 0 ? { epochs, jobSets: integer("imitation-jobsets", values["imitation-jobsets"], 100, 1) } : null,
      workers: integer("workers", values.workers, os.availableParallelism?.() ?? os.cpus().length, 0),
      seed: integer("seed", values.seed, 0, 0),
    },
    out: values.out !== undefined ? userPath(values.out) : nextNumbered(userPath(path.join("runs", "deeprm"))),
    overwrite: values.overwrite ?? false,
    checkpoint: integer("checkpoint", values.checkpoint, 5, 1),
    resume: values.resume ?? null,
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
  let initialPolicy: SavedPolicy | undefined;
  if (args.resume) initialPolicy = JSON.parse(fs.readFileSync(args.resume, "utf8")) as SavedPolicy;
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
          io.out(`imitation epoch ${e.epoch}: cross-entropy ${e.loss.toFixed(3)}, accuracy ${e.accuracy.toFixed(3)} (${e.seconds.toFixed(0)} s)`);
        },
        onIteration: (row, policy) => {
          curve.push(row);
          const perIteration = row.wallTime / row.iteration;
          io.out(
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
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === "train") await train(rest, io);
    else if (command === "evaluate") await evaluate(rest, io);
    else throw new UsageError(`unknown command ${JSON.stringify(command)}; available: evaluate, train (see --help).`);
    return 0;
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    io.err(`deeprm: ${(e as Error).message}${usage ? "\nRun npm run deeprm -- --help for the options." : ""}`);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  cli(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
