/**
 * `npm run train -- --algo a2c --env CartPole-v1 --seeds 5 --out runs/x`: trains outside notebooks
 * and writes to the output folder: config.json, history-seed<N>.json, policy-seed<N>.json (load it
 * with `loadPolicy`), summary.json, and learning-curve.html (mean and 95% band over seeds; works
 * offline, plotly.min.js is copied next to it). `--help` lists algorithms, environments and options.
 */
import * as fs from "fs";
import * as path from "path";
import { ALGORITHMS, runSeeds } from "../src/algorithms/index";
import { registeredIds, registration } from "../src/envs/registry";
import { bandChart } from "../src/plot/figure";
import { figureHtml } from "../src/plot/display";

const HELP = `Usage: npm run train -- --algo NAME [options]

Algorithms: ${Object.keys(ALGORITHMS).join(", ")}
Environments:
${registeredIds().map((id) => `  ${id.padEnd(18)} ${registration(id).description}`).join("\n")}

Options:
  --algo NAME        algorithm (required)
  --env ID           environment id (default CartPole-v1)
  --seeds N          number of seeds 0 .. N-1 (default 1), run in worker threads
  --steps N          budget in environment steps (config.totalSteps)
  --target R         stop a seed once the mean return of its last 100 episodes reaches R
  --out DIR          output folder (default runs/<algo>-<env>)
  --set KEY=VALUE    any other config field, JSON-parsed when possible (repeatable), e.g. --set lr=0.003
  --help             this text
`;

class UsageError extends Error {}

function parse(argv: string[]): { algo: string; env: string; seeds: number; out: string; config: Record<string, unknown> } {
  const opts: Record<string, string> = {};
  const config: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      console.log(HELP);
      process.exit(0);
    }
    if (!a.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(a)}; options start with --.`);
    const key = a.slice(2);
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`option --${key} needs a value.`);
    if (key === "set") {
      const eq = value.indexOf("=");
      if (eq < 1) throw new UsageError(`--set expects KEY=VALUE; received ${JSON.stringify(value)}.`);
      const raw = value.slice(eq + 1);
      let parsed: unknown = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        /* a plain string */
      }
      config[value.slice(0, eq)] = parsed;
    } else if (["algo", "env", "seeds", "steps", "target", "out"].includes(key)) opts[key] = value;
    else throw new UsageError(`unknown option --${key}; valid: --algo, --env, --seeds, --steps, --target, --out, --set, --help.`);
  }
  const algo = opts.algo;
  if (!algo) throw new UsageError("--algo is required.");
  if (!(algo in ALGORITHMS)) throw new UsageError(`unknown algorithm ${JSON.stringify(algo)}; valid: ${Object.keys(ALGORITHMS).join(", ")}.`);
  const env = opts.env ?? "CartPole-v1";
  if (!registeredIds().includes(env)) throw new UsageError(`unknown environment ${JSON.stringify(env)}; valid: ${registeredIds().join(", ")}.`);
  const seeds = Number(opts.seeds ?? 1);
  if (!Number.isSafeInteger(seeds) || seeds < 1) throw new UsageError(`--seeds must be an integer >= 1; received ${JSON.stringify(opts.seeds)}.`);
  if (opts.steps !== undefined) {
    const steps = Number(opts.steps);
    if (!Number.isSafeInteger(steps) || steps < 1) throw new UsageError(`--steps must be an integer >= 1; received ${JSON.stringify(opts.steps)}.`);
    config.totalSteps = steps;
  }
  if (opts.target !== undefined) {
    const target = Number(opts.target);
    if (!Number.isFinite(target)) throw new UsageError(`--target must be a number; received ${JSON.stringify(opts.target)}.`);
    config.targetReturn = target;
  }
  config.env = env;
  return { algo, env, seeds, out: opts.out ?? path.join("runs", `${algo}-${env}`), config };
}

async function main(): Promise<void> {
  const { algo, env, seeds, out, config } = parse(process.argv.slice(2));
  ALGORITHMS[algo as keyof typeof ALGORITHMS]; // validated above
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "config.json"), JSON.stringify({ algo, seeds, config }, null, 2) + "\n");
  console.log(`training ${algo} on ${env}, ${seeds} seed(s) -> ${out}`);
  const started = performance.now();
  const result = await runSeeds({ algorithm: algo as keyof typeof ALGORITHMS, config }, Array.from({ length: seeds }, (_, s) => s));
  for (const run of result.runs) {
    fs.writeFileSync(path.join(out, `history-seed${run.seed}.json`), JSON.stringify(run.history) + "\n");
    if (run.policy) fs.writeFileSync(path.join(out, `policy-seed${run.seed}.json`), JSON.stringify(run.policy) + "\n");
  }
  const summary = result.runs.map((r) => ({ seed: r.seed, envSteps: r.history.at(-1)?.envSteps, meanReturn100: r.history.at(-1)?.meanReturn100, solvedAtSteps: r.solvedAtSteps }));
  fs.writeFileSync(path.join(out, "summary.json"), JSON.stringify({ seconds: (performance.now() - started) / 1000, seeds: summary }, null, 2) + "\n");
  const fig = bandChart([{ name: algo, x: result.curve.x, curves: result.curve.perSeed }], {
    title: `${algo} on ${env}: mean return of the last 100 episodes (${seeds} seed${seeds > 1 ? "s" : ""}, 95% band)`,
    xLabel: "environment steps",
    yLabel: "mean return (last 100 episodes)",
  });
  fs.copyFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), path.join(out, "plotly.min.js"));
  fs.writeFileSync(
    path.join(out, "learning-curve.html"),
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${algo} on ${env}</title><script src="plotly.min.js"></script></head>` +
      `<body style="font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:30px auto">${figureHtml(fig, "curve")}` +
      `<pre>${JSON.stringify(summary, null, 2)}</pre></body></html>\n`,
  );
  for (const s of summary) console.log(`seed ${s.seed}: ${s.envSteps} steps, mean return (last 100) ${s.meanReturn100?.toFixed(1)}${s.solvedAtSteps ? `, reached the target at ${s.solvedAtSteps} steps` : ""}`);
  console.log(`wrote ${path.join(out, "learning-curve.html")}`);
}

main().catch((e) => {
  console.error(e instanceof UsageError ? `train: ${e.message}\n\n${HELP}` : `train: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
