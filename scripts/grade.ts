/**
 * `npm run grade -- FOLDER`: grades a class's submitted notebooks (FOLDER/*.ipynb; the student is the
 * file name) with the instructor's checks.
 *
 * The grade of an exercise comes from the instructor's exercise (src/grading/exercises.ts) run on the
 * student's function, not from the submission's check cells: the submission's solution cells (the cells
 * that hold a solution in the instructor notebook, or that declare an exercise's function) are run in a
 * fresh process per exercise, with a time limit, a memory limit and a scratch folder; the process only
 * reports what the function returned on each case, and this process compares that with the reference
 * answers. One student's infinite loop, crash or process.exit costs that exercise, nothing else.
 *
 * Writes FOLDER/grades.csv (student, notebook, exercise, points, max points, message) and
 * FOLDER/feedback/STUDENT.md, after all grading, over anything a submission may have written there.
 *
 *   npm run grade -- submissions/                        every notebook recognised from its metadata
 *   npm run grade -- submissions/ --notebook 02-reinforce  every file must be a submission for 02
 *   options: --timeout SECONDS (per exercise, default 30), --memory MB (per process, default 1024),
 *            --jobs N (processes at once, default: the number of cores)
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { UsageError, didYouMean, helpText, parseOptions } from "./cli";
import { NOTEBOOK_DIR, ROOT, listNotebooks } from "./notebooks";
import {
  EXERCISES, METADATA_KEY, type NotebookJson, type Outcome, type Verdict,
  casesOf, checkedExercises, formatVerdict, judge, notRun, submissionCode, writtenAnswers,
} from "../src/grading/index";

interface Options { folder: string; notebook?: string; timeout: number; memory: number; jobs: number }

const CORES = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

export const OPTIONS = {
  notebook: { type: "string", value: "NAME", help: "grade every file as a submission of this notebook (e.g. 02-reinforce)", defaultText: "each file's notebook, recognised from its metadata" },
  timeout: { type: "string", value: "SECONDS", help: "time limit per exercise", defaultText: "30" },
  memory: { type: "string", value: "MB", help: "memory limit per grading process", defaultText: "1024" },
  jobs: { type: "string", value: "N", help: "grading processes at once", defaultText: `the number of cores, ${CORES} here` },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

export const EXAMPLES = ["npm run grade -- submissions/", "npm run grade -- submissions/ --notebook 02-reinforce --timeout 60 --jobs 2"];

export const HELP = helpText({
  usage: "npm run grade -- FOLDER [options]",
  about: `Grades the submitted notebooks in FOLDER (FOLDER/*.ipynb; the student is the file name) with the
instructor's checks, each exercise in its own process with a time and a memory limit. Writes
FOLDER/grades.csv (student, notebook, exercise, points, max points, message) and
FOLDER/feedback/STUDENT.md.`,
  options: OPTIONS,
  examples: EXAMPLES,
});

function usage(message: string): never {
  console.error(`grade: ${message}\nSee npm run grade -- --help.`);
  process.exit(2);
}

/** The options, or null for --help; a mistake is a UsageError. */
export function parseArgs(argv: string[]): Options | null {
  const { values, positionals } = parseOptions({ args: argv, options: OPTIONS, strict: true, allowPositionals: true }, "grade");
  if (values.help) return null;
  const number = (flag: string, v: string | undefined, fallback: number, min: number) => {
    if (v === undefined) return fallback;
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || x < min) throw new UsageError(`--${flag} needs a number >= ${min}; received ${JSON.stringify(v)}.`);
    return x;
  };
  if (positionals.length === 0) throw new UsageError("which folder? Give the folder of submitted .ipynb files: npm run grade -- FOLDER.");
  if (positionals.length > 1) throw new UsageError(`one folder only; received ${positionals.join(" and ")}.`);
  const folder = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`${positionals[0]} is not a folder; give the folder of submitted .ipynb files.`);
  return {
    folder,
    notebook: values.notebook?.replace(/\.ipynb$/, ""),
    timeout: number("timeout", values.timeout, 30, 1),
    memory: number("memory", values.memory, 1024, 64),
    jobs: Math.floor(number("jobs", values.jobs, CORES, 1)),
  };
}

interface Instructor { name: string; nb: NotebookJson; exercises: string[] }
function instructorNotebooks(): Map<string, Instructor> {
  const out = new Map<string, Instructor>();
  for (const name of listNotebooks()) {
    const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOK_DIR, `${name}.ipynb`), "utf8")) as NotebookJson;
    const exercises = checkedExercises(nb);
    if (exercises.length) out.set(name, { name, nb, exercises });
  }
  return out;
}

interface Row { student: string; notebook: string; exercise: string; points: number; maxPoints: number; message: string; verdict?: Verdict }
interface Submission { student: string; file: string; notebook?: Instructor; problem?: string; nb?: NotebookJson; rows: Row[]; pending: number; started: number }

/** Reads a submission and decides which notebook it is for; a problem (not a notebook, another notebook) is recorded, never thrown. */
function readSubmission(file: string, instructors: Map<string, Instructor>, expected?: string): Submission {
  const student = path.basename(file, ".ipynb");
  const s: Submission = { student, file, rows: [], pending: 0, started: 0 };
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    s.problem = `the file cannot be read (${e instanceof Error ? e.message : String(e)})`;
  }
  let nb: NotebookJson | undefined;
  if (!s.problem) {
    if (text.trim() === "") s.problem = "the file is empty";
    else {
      try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed === "object" && Array.isArray(parsed.cells) && parsed.cells.every((c: unknown) => c && typeof c === "object")) nb = parsed as NotebookJson;
        else s.problem = 'not a notebook: no list of "cells"';
      } catch (e) {
        s.problem = `not a notebook: not valid JSON (${e instanceof Error ? e.message : String(e)})`;
      }
    }
  }
  let claimed: string | undefined;
  if (nb) {
    s.nb = nb;
    const meta = (nb.metadata ?? {})[METADATA_KEY] as { notebook?: unknown } | undefined;
    if (meta && typeof meta.notebook === "string" && instructors.has(meta.notebook)) claimed = meta.notebook;
    else {
      // no (or unknown) metadata: the notebook whose exercises the submission checks or defines most
      const text = nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join("") : String(c.source ?? ""))).join("\n");
      let best = 0;
      for (const ins of instructors.values()) {
        const hits = ins.exercises.filter((e) => new RegExp(`\\b${e}\\b`).test(text)).length;
        if (hits > best) [best, claimed] = [hits, ins.name];
      }
    }
  }
  if (expected) {
    s.notebook = instructors.get(expected);
    if (claimed && claimed !== expected && !s.problem) s.problem = `this is a submission for ${claimed}, not for ${expected}`;
  } else if (claimed) s.notebook = instructors.get(claimed);
  else if (!s.problem) s.problem = `not recognised as a submission for any graded notebook (${[...instructors.keys()].join(", ")}): no ${METADATA_KEY} metadata and no exercise of theirs`;
  return s;
}

interface Job { s: Submission; name: string; index: number; cells: { cell: number; js: string }[]; compileErrors: string[] }

function transpileCells(cells: { cell: number; source: string }[]): { cells: { cell: number; js: string }[]; errors: string[] } {
  const out: { cell: number; js: string }[] = [];
  const errors: string[] = [];
  for (const c of cells) {
    const r = ts.transpileModule(c.source, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } });
    const diag = (r.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
    if (diag) errors.push(`cell ${c.cell + 1} does not compile: ${ts.flattenDiagnosticMessageText(diag.messageText, " ")}`);
    else out.push({ cell: c.cell, js: r.outputText });
  }
  return { cells: out, errors };
}

/** Runs one exercise of one submission in its own process; resolves with the verdict, whatever the process does. */
function runJob(job: Job, o: Options, scratchRoot: string): Promise<Verdict> {
  const e = EXERCISES[job.name];
  const cases = casesOf(e, true);
  const dir = fs.mkdtempSync(path.join(scratchRoot, `${job.s.student.replace(/[^\w.-]/g, "_")}-${job.index}-`));
  const jobFile = path.join(dir, "job.json");
  fs.writeFileSync(jobFile, JSON.stringify({ name: job.name, cells: job.cells, cases }));
  const note = (m: string) => (job.compileErrors.length ? `${m}; ${job.compileErrors.join("; ")}` : m);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${o.memory}`, path.join(ROOT, "scripts", "grade-child.js"), jobFile], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: dir, TMPDIR: dir, PG_QUICK: "1", PG_TF_BACKEND: "cpu" },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      detached: true, // its own process group, so that whatever it starts is stopped with it
    });
    const killAll = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr = (stderr + String(d)).slice(-4000)));
    let settled = false;
    let timedOut = false;
    const finish = (v: Verdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killAll();
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(v);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, o.timeout * 1000);
    child.on("message", (m: { type: string; outcomes?: Outcome[]; errors?: string[] }) => {
      const errors = [...job.compileErrors, ...(m.errors ?? [])];
      if (m.type === "missing") finish(notRun(job.name, `${job.name}: not defined in the submission (missing exercise)${errors.length ? `; ${errors.join("; ")}` : ""}`));
      else if (m.type === "result" && Array.isArray(m.outcomes)) {
        const v = judge(job.name, cases, m.outcomes.slice(0, cases.length));
        if (!v.passed && errors.length) v.message += `; ${errors.join("; ")}`;
        finish(v);
      }
    });
    child.on("exit", (code, signal) => {
      setTimeout(() => {
        if (settled) return;
        let at = "";
        try {
          at = ` while running case ${Number(fs.readFileSync(path.join(dir, "case"), "utf8")) + 1} of ${cases.length}`;
        } catch {
          at = " while running the solution cells";
        }
        if (timedOut) finish(notRun(job.name, note(`${job.name}: time limit of ${o.timeout} s exceeded${at} (an infinite loop?)`)));
        else if (/heap out of memory|Allocation failed/i.test(stderr)) finish(notRun(job.name, note(`${job.name}: memory limit of ${o.memory} MB exceeded${at}`)));
        else finish(notRun(job.name, note(`${job.name}: the process ended (${signal ? `signal ${signal}` : `exit code ${code}`})${at} before reporting any result (process.exit or a crash in the submission's code)${/\S/.test(stderr) ? `: ${stderr.trim().split("\n").filter((l) => l.trim()).slice(-1)[0].slice(0, 300)}` : ""}`)));
      }, 50);
    });
    child.on("error", (err) => finish(notRun(job.name, `${job.name}: the grading process could not start (${err.message})`)));
  });
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function feedback(s: Submission, answers: string[]): string {
  const total = s.rows.reduce((a, r) => a + r.points, 0);
  const max = s.rows.reduce((a, r) => a + r.maxPoints, 0);
  const lines = [`# Feedback for ${s.student}`, "", `Notebook: ${s.notebook?.name ?? "unknown"} (file ${path.basename(s.file)})`, "", `**Total: ${total} of ${max} points.**`, ""];
  if (s.problem) lines.push(`**Problem:** ${s.problem}.`, "");
  lines.push("| exercise | points | max points | verdict |", "|:---|:---|:---|:---|");
  for (const r of s.rows) lines.push(`| ${r.exercise} | ${r.points} | ${r.maxPoints} | ${r.message.replace(/\|/g, "\\|")} |`);
  for (const r of s.rows.filter((x) => x.verdict && !x.verdict.passed && x.verdict.failure)) {
    lines.push("", `## Exercise ${r.exercise}`, "", "```", formatVerdict(r.verdict!), "```");
  }
  if (answers.length) {
    lines.push("", "## Written answers (graded by hand)");
    answers.forEach((a, i) => lines.push("", `${i + 1}. ${a.replace(/\n/g, "\n   ") || "(no answer)"}`));
  }
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  let parsed: Options | null;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) usage(e.message);
    throw e;
  }
  if (parsed === null) {
    process.stdout.write(HELP);
    return;
  }
  const o = parsed;
  const instructors = instructorNotebooks();
  const names = [...instructors.keys()];
  if (o.notebook && !instructors.has(o.notebook)) usage(`--notebook ${o.notebook}: no graded notebook of that name${didYouMean(o.notebook, names)} (graded: ${names.join(", ")})`);
  const files = fs.readdirSync(o.folder).filter((f) => f.endsWith(".ipynb") && !f.startsWith(".")).sort().map((f) => path.join(o.folder, f));
  if (!files.length) usage(`${o.folder} holds no .ipynb files`);
  const started = performance.now();
  // The grading processes load the compiled library (dist/lib): rebuild it first if src/ changed.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const loader = require("./lib-loader.js") as { isStale(): boolean; build(o: { quiet: boolean }): void };
  if (loader.isStale()) loader.build({ quiet: true });
  // Read every submission before any runs: a submission's code cannot change another's file.
  const subs = files.map((f) => readSubmission(f, instructors, o.notebook));
  const jobs: Job[] = [];
  for (const s of subs) {
    const ins = s.notebook;
    if (!ins) {
      s.rows.push({ student: s.student, notebook: "unknown", exercise: "-", points: 0, maxPoints: 0, message: s.problem ?? "not graded" });
      continue;
    }
    if (s.problem || !s.nb) {
      ins.exercises.forEach((name, i) => s.rows.push({ student: s.student, notebook: ins.name, exercise: String(i + 1), points: 0, maxPoints: EXERCISES[name].points, message: `${name}: ${s.problem}` }));
      continue;
    }
    const { cells, errors } = transpileCells(submissionCode(s.nb, ins.nb, ins.exercises));
    ins.exercises.forEach((name, i) => jobs.push({ s, name, index: i + 1, cells, compileErrors: errors }));
    s.pending = ins.exercises.length;
  }
  const scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-grade-"));
  const graded = subs.filter((s) => s.pending > 0).length;
  let done = 0;
  console.error(`grading ${files.length} submission(s) in ${o.folder}: ${jobs.length} exercise run(s), ${o.jobs} at a time, ${o.timeout} s and ${o.memory} MB each`);
  for (const s of subs.filter((x) => !x.pending)) console.error(`  ${s.student}: not graded: ${s.problem}`);
  const verdicts = new Map<Job, Verdict>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (!job.s.started) job.s.started = performance.now();
      verdicts.set(job, await runJob(job, o, scratchRoot));
      if (--job.s.pending === 0) {
        done++;
        const mine = jobs.filter((j) => j.s === job.s).map((j) => verdicts.get(j)!);
        const pts = mine.reduce((a, v) => a + v.points, 0);
        const max = mine.reduce((a, v) => a + v.maxPoints, 0);
        console.error(`[${done}/${graded}] ${job.s.student} (${job.s.notebook!.name}): ${pts} of ${max} points (${((performance.now() - job.s.started) / 1000).toFixed(1)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, Math.max(1, jobs.length)) }, worker));
  fs.rmSync(scratchRoot, { recursive: true, force: true });
  for (const job of jobs) {
    const v = verdicts.get(job)!;
    job.s.rows.push({ student: job.s.student, notebook: job.s.notebook!.name, exercise: String(job.index), points: v.points, maxPoints: v.maxPoints, message: v.message, verdict: v });
  }
  const header = ["student", "notebook", "exercise", "points", "max points", "message"];
  const rows = subs.flatMap((s) => s.rows);
  fs.writeFileSync(path.join(o.folder, "grades.csv"), [header.join(","), ...rows.map((r) => [r.student, r.notebook, r.exercise, r.points, r.maxPoints, r.message.replace(/\s+/g, " ")].map(csvField).join(","))].join("\n") + "\n");
  const fbDir = path.join(o.folder, "feedback");
  fs.mkdirSync(fbDir, { recursive: true });
  for (const s of subs) fs.writeFileSync(path.join(fbDir, `${s.student}.md`), feedback(s, s.nb && s.notebook ? writtenAnswers(s.nb) : []));
  const seconds = (performance.now() - started) / 1000;
  console.error(`wrote ${path.join(o.folder, "grades.csv")} (${rows.length} rows) and ${subs.length} feedback file(s) in ${path.join(o.folder, "feedback")}; ${seconds.toFixed(1)} s`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`npm run grade: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  });
}
