/**
 * `npm run deeprm -- evaluate --loads 0.1,0.7,1.3,1.9 --jobsets 20 --seed 7 --json`: the mean job
 * slowdown (and its standard error over job sets) of the trained DeepRM policy, when one is shipped,
 * and of the SJF, Packer, Tetris* and Random schedulers, on held-out job sets at each load. With
 * --json the last line is one JSON object: { "<load>": { "<scheduler>": { "mean": m, "se": s } } }.
 * `--help` documents everything.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { deepRMConfig } from "../src/envs/deeprm/config";
import { type Actor, type EvaluationResult, evaluateSchedulers } from "../src/deeprm/evaluate";
import { SCHEDULER_NAMES, TETRIS_KNOB } from "../src/deeprm/schedulers";
import { MlpCategorical } from "../src/policies/networks";
import { loadPolicy } from "../src/policies/io";
import { initTf } from "../src/tf";

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

/** Run the command; returns the exit status (0 done, 1 failed, 2 usage error). */
export async function cli(argv: string[], io: Io = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command !== "evaluate") throw new UsageError(`unknown command ${JSON.stringify(command)}; available: evaluate (see --help).`);
    await evaluate(rest, io);
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
