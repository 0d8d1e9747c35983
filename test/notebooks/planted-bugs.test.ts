/**
 * The notebooks' checks bite. Each test plants one realistic bug (a sign, an off-by-one, a missing
 * discount, a wrong normaliser) in a copy of the library, runs the notebooks that stand on that code
 * through tslab (the copy's scripts/run-notebook.ts, quick mode), and asserts that the notebook stops
 * with the error of the check that guards that code: not a time-out, not a compile error, not some other
 * cell. A notebook that only hangs or runs to the end on a bug has not caught it.
 *
 * The bug is planted in the TypeScript source of the copy and compiled into the copy's dist/lib with
 * TypeScript's single-file transpiler (the test first checks that it reproduces the build's output
 * exactly for the unmodified file), which takes milliseconds where the full build takes seconds.
 * Quick mode suffices for every bug below: each is caught by a check whose quick-mode tolerance is
 * still smaller than the bug's effect (see the notebooks' text for the tolerances).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import * as ts from "typescript";

const root = path.join(__dirname, "..", "..");
const RUN_TIMEOUT_MS = 300_000;

interface Bug {
  name: string;
  /** Library file (under src/) and the exact code the bug replaces (must occur exactly once). */
  file: string;
  from: string;
  to: string;
  /** Notebooks that must catch it, and the message of the check expected to fail. */
  caughtBy: { notebook: string; message: RegExp }[];
}

const BUGS: Bug[] = [
  {
    name: "sign: the softmax score is pi - e_a instead of e_a - pi",
    file: "policies/softmax.ts",
    from: "g[s * this.nActions + b] = (b === a ? 1 : 0) - p[b];",
    to: "g[s * this.nActions + b] = p[b] - (b === a ? 1 : 0);",
    caughtBy: [
      { notebook: "02-reinforce", message: /grad rho differs from rho grad log rho/ },
      { notebook: "03-baselines", message: /bias check failed for row\(s\) 1, 2, 3, 4, 5, 6/ },
    ],
  },
  {
    name: "off-by-one: totalReturn skips the first reward",
    file: "estimators/returns.ts",
    from: "for (let t = a.length - 1; t >= 0; t--) g = a[t] + gamma * g;",
    to: "for (let t = a.length - 1; t > 0; t--) g = a[t] + gamma * g;",
    caughtBy: [{ notebook: "01-policy-search", message: /the mean sampled return is more than 4 standard errors from the exact J/ }],
  },
  {
    name: "missing discount: totalReturn ignores gamma",
    file: "estimators/returns.ts",
    from: "for (let t = a.length - 1; t >= 0; t--) g = a[t] + gamma * g;",
    to: "for (let t = a.length - 1; t >= 0; t--) g = a[t] + g;",
    caughtBy: [{ notebook: "03-baselines", message: /bias check failed for row\(s\) 1, 2, 3, 4\b/ }],
  },
  {
    name: "GAE ignores lambda: A_t = delta_t + gamma A_{t+1}",
    file: "estimators/returns.ts",
    from: "out[k] = acc = delta + gamma * lambda * acc;",
    to: "out[k] = acc = delta + gamma * acc;",
    caughtBy: [{ notebook: "06-advantage-actor-critic", message: /gae, lambda = 0 {2}vs {2}tdErrors: differs by/ }],
  },
  {
    name: "off-by-one: the reward-to-go R_t starts one reward late",
    file: "estimators/returns.ts",
    from: "for (let t = a.length - 1; t >= 0; t--) out[t] = g = a[t] + gamma * g;",
    to: "for (let t = a.length - 1; t >= 0; t--) { out[t] = g; g = a[t] + gamma * g; }",
    caughtBy: [
      { notebook: "01-policy-search", message: /rewardToGo differs from the definition/ },
      { notebook: "03-baselines", message: /bias check failed for row\(s\) 5, 6\b/ },
    ],
  },
  {
    name: "wrong normaliser: the trajectory gradient averages over steps instead of summing",
    file: "estimators/gradient.ts",
    from: "g[k] += s[k] * psi[t];",
    to: "g[k] += (s[k] * psi[t]) / T;",
    caughtBy: [{ notebook: "02-reinforce", message: /grad rho differs from rho grad log rho/ }],
  },
  {
    name: "missing discount: discountWeighted drops gamma^t",
    file: "estimators/gradient.ts",
    from: "    w *= gamma;\n",
    to: "",
    caughtBy: [{ notebook: "03-baselines", message: /bias check failed for row\(s\) 5, 6\b/ }],
  },
  {
    name: "wrong normaliser: the exact policy gradient weights states by d(s) instead of the expected visits eta(s)",
    file: "exact/solve.ts",
    from: "e.visits[s] * p * e.A[s][b]",
    to: "e.distribution[s] * p * e.A[s][b]",
    caughtBy: [{ notebook: "02-reinforce", message: /exact\.policyGradient disagrees with finite differences of J/ }],
  },
  {
    name: "missing discount: the exact Q^pi forgets gamma",
    file: "exact/solve.ts",
    from: "if (row[t] !== 0 && !terminal[t]) q += gamma * row[t] * V[t];",
    to: "if (row[t] !== 0 && !terminal[t]) q += row[t] * V[t];",
    caughtBy: [{ notebook: "02-reinforce", message: /exact\.policyGradient disagrees with finite differences of J/ }],
  },
  {
    name: "wrong normaliser: Box-Muller without the factor 2 (normal draws of variance 1/2)",
    file: "rng.ts",
    from: "Math.sqrt(-2 * Math.log(u))",
    to: "Math.sqrt(-Math.log(u))",
    caughtBy: [{ notebook: "00-setup", message: /the sample variance .* is more than 4 standard errors/ }],
  },
  {
    name: "sign: CartPole pushes left on action 1",
    file: "envs/classic/cartpole.ts",
    from: "actions[a] === 1 ? FORCE_MAG : -FORCE_MAG",
    to: "actions[a] === 1 ? -FORCE_MAG : FORCE_MAG",
    caughtBy: [{ notebook: "00-setup", message: /the lean rule let the pole fall/ }],
  },
  // i25a: the heuristics' scores and the time-dependent baseline (04), Williams' baseline (03)
  {
    name: "wrong index: Packer's dot product reads the first resource's demand for every resource",
    file: "deeprm/schedulers.ts",
    from: "for (let r = 0; r < resources; r++) dot += avail[r * horizon] * demands[d + r];",
    to: "for (let r = 0; r < resources; r++) dot += avail[r * horizon] * demands[d];",
    caughtBy: [{ notebook: "04-deeprm", message: /Packer chose action \d+ on drawn state \d+; its score picks/ }],
  },
  {
    name: "wrong grouping: the time-dependent baseline pools the rollouts of all job sets",
    file: "baselines/index.ts",
    from: "const groupOf = (start: number) => (segment.groups ? segment.groups[start] : 0);",
    to: "const groupOf = (_start: number) => 0;",
    caughtBy: [{ notebook: "04-deeprm", message: /timeDependentBaseline does not compute b_t per job set/ }],
  },
  {
    name: "wrong weight: Williams' baseline weights the returns by |g_k| instead of g_k^2",
    file: "baselines/index.ts",
    from: "const g2 = g[j] * g[j];",
    to: "const g2 = Math.abs(g[j]);",
    caughtBy: [{ notebook: "03-baselines", message: /Williams' baseline does not minimise the variance/ }],
  },
  // ---- i25b: notebooks 05-07 (issue 25)
  {
    name: "terminal bootstrap: the estimators read V(s_{t+1}) at a terminated row",
    file: "estimators/returns.ts",
    from: "return s.terminated[k] ? 0 : (s.nextValues as ArrayLike<number>)[k];",
    to: "return (s.nextValues as ArrayLike<number>)[k];",
    caughtBy: [{ notebook: "06-advantage-actor-critic", message: /tdErrors reads V\(s_\{t\+1\}\) at a terminated row/ }],
  },
  {
    name: "wrong Gaussian log-density: the log sigma term is missing from logProbTensor",
    file: "policies/networks.ts",
    from: "const perDim = tf.sub(tf.sub(tf.mul(-0.5, tf.square(z)), logStd), 0.5 * LOG_2PI);",
    to: "const perDim = tf.sub(tf.mul(-0.5, tf.square(z)), 0.5 * LOG_2PI);",
    caughtBy: [{ notebook: "06-advantage-actor-critic", message: /the Gaussian's log-density, logProbTensor .* differs from the closed form/ }],
  },
  {
    name: "wrong Gaussian scale: z = (a - mu) / sigma^2 in logProbTensor",
    file: "policies/networks.ts",
    from: "const z = tf.div(tf.sub(a, mean), tf.exp(logStd));",
    to: "const z = tf.div(tf.sub(a, mean), tf.exp(tf.mul(2, logStd)));",
    caughtBy: [{ notebook: "06-advantage-actor-critic", message: /the Gaussian's log-density, logProbTensor .* differs from the closed form/ }],
  },
  {
    name: "critic timing: a2c fits the critic to the batch before the actor uses its values",
    file: "algorithms/a2c.ts",
    from: 'const { targets, qTargets, weights } = advantagesOf(batch, c, critics, advantageFn, "a2c");',
    to:
      'const { targets, qTargets } = advantagesOf(batch, c, critics, advantageFn, "a2c");\n' +
      "      for (let k = 0; k < c.valueIters; k++) critic.fitRows(batch.observations, targets);\n" +
      '      const { weights } = advantagesOf(batch, c, critics, advantageFn, "a2c");',
    caughtBy: [{ notebook: "06-advantage-actor-critic", message: /the actor's psi in update 1 used values that are not the untrained critic's/ }],
  },
  // ---- end i25b
];

/** The library build's own compiler options (tsconfig.lib.json), so that a transpiled file equals the built one, source map comment included. */
function libCompilerOptions(): ts.CompilerOptions {
  const configPath = path.join(root, "tsconfig.lib.json");
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath).options;
}
const COMPILER_OPTIONS = libCompilerOptions();
const transpile = (source: string, file: string) => ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName: file }).outputText;

/** A copy of the project (library, compiled library, scripts, tools, notebooks) sharing node_modules and data. */
function copyProject(to: string): void {
  for (const dir of ["src", "scripts", "tools", "notebooks"]) {
    fs.cpSync(path.join(root, dir), path.join(to, dir), { recursive: true, preserveTimestamps: true, filter: (f) => !/\.ipynb_checkpoints|[/\\]\.book-/.test(f) });
  }
  fs.cpSync(path.join(root, "dist", "lib"), path.join(to, "dist", "lib"), { recursive: true, preserveTimestamps: true });
  for (const f of ["package.json", "tsconfig.json", "tsconfig.lib.json"]) fs.copyFileSync(path.join(root, f), path.join(to, f));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(to, "node_modules"), "junction");
  // the shipped runs (data/deeprm, ...) that notebooks read, shared read-only
  fs.symlinkSync(path.join(root, "data"), path.join(to, "data"), "junction");
}

/** Replace `from` by `to` in the copy's source and its compiled module; returns the copy's folder. */
function plant(bug: Bug): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-bug-"));
  copyProject(dir);
  const src = path.join(dir, "src", bug.file);
  const out = path.join(dir, "dist", "lib", bug.file.replace(/\.ts$/, ".js"));
  const original = fs.readFileSync(src, "utf8");
  const count = original.split(bug.from).length - 1;
  assert.equal(count, 1, `src/${bug.file}: the code this bug replaces must occur exactly once (found ${count}): update the planted bug to the library's code`);
  assert.equal(transpile(original, src), fs.readFileSync(out, "utf8"), `dist/lib is not the build of src/${bug.file}: run npm run build`);
  const mutated = original.replace(bug.from, bug.to);
  fs.writeFileSync(src, mutated);
  fs.writeFileSync(out, transpile(mutated, src));
  // the loader rebuilds dist/lib when a source is newer than its stamp: the copy is built as planted
  const future = new Date(Date.now() + 3_600_000);
  fs.utimesSync(path.join(dir, "dist", "lib", ".built"), future, future);
  return dir;
}

interface RunResult {
  ok: boolean;
  error?: { cell: number | string; firstLine?: string; message: string };
}

/** Runs one notebook of the copy in a child process (asynchronously, so that two bugs run side by side). */
function runNotebook(dir: string, notebook: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(dir, "scripts", "run-notebook.ts"), path.join(dir, "notebooks", `${notebook}.ipynb`)], {
      cwd: dir,
      env: { ...process.env, PG_QUICK: "1", PGLAB_ROOT: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal) return reject(new Error(`${notebook}: no result within ${RUN_TIMEOUT_MS / 1000} s (${signal}): a check that only hangs has not caught the bug`));
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(last) as RunResult);
      } catch {
        reject(new Error(`${notebook}: the runner printed no result (exit ${code}):\n${stderr.slice(-2000)}`));
      }
    });
  });
}

describe("planted bugs are caught by the notebooks' checks (quick mode)", { concurrency: 2 }, () => {
  before(() => assert.ok(fs.existsSync(path.join(root, "dist", "lib", "index.js")), "dist/lib is missing: run npm install (or npm run build)"));

  for (const bug of BUGS) {
    test(bug.name, async () => {
      const dir = plant(bug);
      try {
        for (const { notebook, message } of bug.caughtBy) {
          const result = await runNotebook(dir, notebook);
          assert.equal(result.ok, false, `${notebook} ran to the end with the bug planted in src/${bug.file}`);
          const e = result.error!;
          assert.equal(typeof e.cell, "number", `${notebook} failed outside a cell: ${e.message}`);
          assert.doesNotMatch(e.message, /^\d+:\d+ - /, `${notebook} failed to compile, not at a check: ${e.message}`);
          assert.match(e.message, message, `${notebook} failed at cell ${e.cell} (\`${e.firstLine}\`) with another error: ${e.message}`);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
