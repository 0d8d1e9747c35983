/**
 * `npm run grade -- FOLDER`: grades a class's submitted notebooks (FOLDER/*.ipynb; the student is the
 * file name) with the instructor's checks.
 *
 * The grade of an exercise comes from the instructor's exercise (src/grading/exercises.ts) run on the
 * student's function, not from the submission's check cells: the submission's solution cells (the cells
 * that hold a solution in the instructor notebook, or that declare an exercise's function) are run in a
 * fresh process per exercise, isolated (Node's permission model: src/grading/sandbox.ts; the answers
 * blocked: scripts/grade-child.js), with a time limit, a memory limit on all its memory and a scratch
 * folder; the process only reports what the function returned on each case (src/grading/channel.ts),
 * and this process compares that with the reference answers. One student's infinite loop, crash,
 * process.exit or malformed report costs that exercise, nothing else.
 *
 * Writes FOLDER/grades.csv (student, notebook, exercise, points, max points, message) and
 * FOLDER/feedback/STUDENT.md, after all grading, each file whole (src/grading/report.ts).
 *
 *   npm run grade -- submissions/                        every notebook recognised from its metadata
 *   npm run grade -- submissions/ --notebook 02-reinforce  every file must be a submission for 02
 *   options: --timeout SECONDS (per exercise, default 30), --memory MB (per process, default 1024),
 *            --jobs N (processes at once, default: the number of cores)
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Readable } from "stream";
import * as ts from "typescript";
import { UsageError, didYouMean, helpText, parseOptions } from "./cli";
import { NOTEBOOK_DIR, ROOT, listNotebooks } from "./notebooks";
import {
  EXERCISES, METADATA_KEY, type NotebookJson, type Verdict,
  casesOf, checkedExercises, exerciseCode, judge, notRun, parseNotebook, sourceOf, writtenAnswers,
} from "../src/grading/index";
import { MAX_REPORT_BYTES, parseReport } from "../src/grading/channel";
import { type GradeRow, feedbackText, gradesCsv, oneLine, writeWhole } from "../src/grading/report";
import { exerciseFlags, killSurvivors, residentMB } from "../src/grading/sandbox";

interface Options { folder: string; notebook?: string; timeout: number; memory: number; jobs: number; json: boolean; quiet: boolean }

const CORES = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

export const OPTIONS = {
  notebook: { type: "string", value: "NAME", help: "grade every file as a submission of this notebook (e.g. 02-reinforce)", defaultText: "each file's notebook, recognised from its metadata" },
  timeout: { type: "string", value: "SECONDS", help: "time limit per exercise", defaultText: "30" },
  memory: { type: "string", value: "MB", help: "memory limit per grading process", defaultText: "1024" },
  jobs: { type: "string", value: "N", help: "grading processes at once", defaultText: `the number of cores, ${CORES} here` },
  json: { type: "boolean", help: "also print one JSON object on the last line of stdout: per student, the notebook, points and max points, per exercise and in total" },
  quiet: { type: "boolean", help: "no progress lines on stderr (errors and the closing line stay)" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

export const EXAMPLES = ["npm run grade -- submissions/", "npm run grade -- submissions/ --notebook 02-reinforce --timeout 60 --jobs 2", "npm run grade -- submissions/ --quiet --json"];

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
    json: values.json === true,
    quiet: values.quiet === true,
  };
}

interface Instructor { name: string; nb: NotebookJson; exercises: string[] }
function instructorNotebooks(): Map<string, Instructor> {
  const out = new Map<string, Instructor>();
  for (const name of listNotebooks()) {
    const nb = parseNotebook(fs.readFileSync(path.join(NOTEBOOK_DIR, `${name}.ipynb`), "utf8"), `notebooks/${name}.ipynb`);
    const exercises = checkedExercises(nb);
    if (exercises.length) out.set(name, { name, nb, exercises });
  }
  return out;
}

type Row = GradeRow;
interface Submission { student: string; file: string; notebook?: Instructor; problem?: string; nb?: NotebookJson; rows: Row[]; pending: number; started: number }

/** Reads a submission and decides which notebook it is for; a problem (not a notebook, another notebook) is recorded, never thrown. */
function readSubmission(file: string, instructors: Map<string, Instructor>, expected?: string): Submission {
  const student = path.basename(file, ".ipynb");
  const s: Submission = { student, file, rows: [], pending: 0, started: 0 };
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    s.problem = `the file cannot be read (${message(e)})`;
  }
  let nb: NotebookJson | undefined;
  try {
    if (text !== undefined) nb = parseNotebook(text);
  } catch (e) {
    s.problem = message(e);
  }
  let claimed: string | undefined;
  if (nb) {
    s.nb = nb;
    const meta = nb.metadata[METADATA_KEY] as { notebook?: unknown } | undefined;
    if (meta && typeof meta === "object" && typeof meta.notebook === "string" && instructors.has(meta.notebook)) claimed = meta.notebook;
    else {
      // no (or unknown) metadata: the notebook whose exercises the submission checks or defines most
      const text = nb.cells.map(sourceOf).join("\n");
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

interface Job { s: Submission; name: string; index: number; cells: { cell: number; js: string }[]; compileErrors: string[]; note?: string }

/** JavaScript or the first compile error of each cell source seen (the same cells run in each exercise of a submission, and most are alike across a class). */
const transpiled = new Map<string, { js: string } | { error: string }>();
function transpile(source: string): { js: string } | { error: string } {
  let t = transpiled.get(source);
  if (!t) {
    const r = ts.transpileModule(source, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } });
    const diag = (r.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
    t = diag ? { error: ts.flattenDiagnosticMessageText(diag.messageText, " ") } : { js: r.outputText };
    transpiled.set(source, t);
  }
  return t;
}

function transpileCells(cells: { cell: number; source: string }[]): { cells: { cell: number; js: string }[]; errors: string[] } {
  const out: { cell: number; js: string }[] = [];
  const errors: string[] = [];
  for (const c of cells) {
    const t = transpile(c.source);
    if ("error" in t) errors.push(`cell ${c.cell + 1} does not compile: ${t.error}`);
    else out.push({ cell: c.cell, js: t.js });
  }
  return { cells: out, errors };
}

/**
 * What an exercise process may read: its own script, the compiled library and the packages the library
 * loads; not notebooks/, src/ (the references), the submissions or other exercises' scratch folders.
 */
const CHILD = path.join(ROOT, "scripts", "grade-child.js");
let reads: string[] | undefined;
/** Resolved (the loader reads the real paths), once dist/lib is built. */
const childReads = () => (reads ??= [CHILD, path.join(ROOT, "dist", "lib"), path.join(ROOT, "node_modules")].map((p) => fs.realpathSync(p)));
const WATCH_MS = 50;
/** The exercise processes running now, each with its stop: stopped too if the grader is interrupted. */
const running = new Set<() => void>();

/** The case a process was running when it stopped (it writes the number before each), if it says so. */
function caseAt(dir: string, cases: number): string {
  let k = NaN;
  try {
    k = Number(fs.readFileSync(path.join(dir, "case"), "utf8").slice(0, 20));
  } catch {
    // not written: the solution cells were running
  }
  return Number.isInteger(k) && k >= 0 && k < cases ? ` while running case ${k + 1} of ${cases}` : " while running the solution cells";
}

/**
 * Runs one exercise of one submission in its own process (scripts/grade-child.js, isolated: see
 * src/grading/sandbox.ts) and resolves with the verdict, whatever the process does: it reports on a pipe
 * of its own, read as untrusted input (src/grading/channel.ts); its memory (all of it, not only V8's
 * heap) is read every 50 ms and its time is limited; when it is over, every process that carries its
 * marker is killed and named in the verdict, and its scratch folder is removed.
 */
function runJob(job: Job, o: Options, scratchRoot: string, runId: string): Promise<Verdict> {
  const e = EXERCISES[job.name];
  const cases = casesOf(e, true);
  const dir = fs.mkdtempSync(path.join(scratchRoot, `${job.s.student.replace(/[^\w.-]/g, "_").slice(0, 60)}-${job.index}-`));
  const jobFile = path.join(dir, "job.json");
  fs.writeFileSync(jobFile, JSON.stringify({ name: job.name, cells: job.cells, cases, counterparts: e.counterparts ?? [] }));
  const token = randomBytes(24).toString("hex");
  const marker = `PGLAB_GRADE_JOB=${runId}-${path.basename(dir)}`;
  const note = (m: string) => (job.compileErrors.length ? `${m}; ${job.compileErrors.join("; ")}` : m);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...exerciseFlags({ reads: childReads(), scratch: dir, memoryMB: o.memory }), CHILD, jobFile], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: dir, TMPDIR: dir, PG_QUICK: "1", PG_TF_BACKEND: "cpu", PGLAB_GRADE_TOKEN: token, [marker.split("=")[0]]: marker.split("=")[1] },
      stdio: ["ignore", "ignore", "pipe", "pipe"],
      detached: true, // its own process group, so that whatever it starts is stopped with it
    });
    const killAll = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    running.add(killAll);
    let verdict: Verdict | undefined;
    let exited = false;
    let timedOut = false;
    let overMemory = false;
    const done = () => {
      running.delete(killAll);
      clearTimeout(timer);
      clearInterval(watch);
      const survivors = killSurvivors(marker, dir);
      fs.rmSync(dir, { recursive: true, force: true });
      const v = verdict!;
      if (job.note) v.message += `; ${job.note}`;
      if (survivors.length) v.message += `; process(es) ${survivors.join(", ")} that it started were still running after the exercise, and were killed`;
      resolve(v);
    };
    const settle = (v: Verdict) => {
      if (verdict) return;
      verdict = v;
      killAll();
      if (exited) done();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, o.timeout * 1000);
    const watch = setInterval(() => {
      const mb = child.pid === undefined ? undefined : residentMB(child.pid);
      if (mb !== undefined && mb > o.memory) {
        overMemory = true;
        killAll();
      }
    }, WATCH_MS);
    // a stream error (the process gone mid-write) must not become the grader's uncaught exception
    for (const stream of [child.stderr!, child.stdio[3]!]) stream.on("error", () => undefined);
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr = (stderr + String(d)).slice(-4000)));
    const reports = child.stdio[3] as Readable;
    readReportLine(reports, (line) => settle(line === undefined
      ? notRun(job.name, `${job.name}: the exercise process sent more than ${MAX_REPORT_BYTES >> 20} MB without a report`)
      : verdictOf(job, cases, line, token)));
    const reportClosed = new Promise((r) => reports.on("close", r));
    child.on("exit", (code, signal) => {
      exited = true;
      if (verdict) return done();
      // a report written just before the exit may still be in the pipe
      void Promise.race([reportClosed, new Promise((r) => setTimeout(r, 1000))]).then(() => {
        const at = caseAt(dir, cases.length);
        if (timedOut) settle(notRun(job.name, note(`${job.name}: time limit of ${o.timeout} s exceeded${at} (an infinite loop?)`)));
        else if (overMemory || /heap out of memory|Allocation failed/i.test(stderr)) settle(notRun(job.name, note(`${job.name}: memory limit of ${o.memory} MB exceeded${at}`)));
        else settle(notRun(job.name, note(`${job.name}: the process ended (${signal ? `signal ${signal}` : `exit code ${code}`})${at} before reporting any result (process.exit or a crash in the submission's code)${lastLine(stderr)}`)));
      });
    });
    child.on("error", (err) => {
      exited = true;
      settle(notRun(job.name, `${job.name}: the grading process could not start (${err.message})`));
    });
  });
}

/** Calls `onLine` once: with the first line that arrives on `stream`, or with undefined after MAX_REPORT_BYTES without one. */
function readReportLine(stream: Readable, onLine: (line: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let called = false;
  stream.on("data", (d: Buffer) => {
    if (called) return;
    const newline = d.indexOf(10);
    chunks.push(newline < 0 ? d : d.subarray(0, newline));
    bytes += d.length;
    if (newline < 0 && bytes <= MAX_REPORT_BYTES) return;
    called = true;
    onLine(newline < 0 ? undefined : Buffer.concat(chunks).toString("utf8"));
  });
}

/** ": the last line of stderr" (cut to 300 characters), or nothing. */
function lastLine(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.trim());
  return lines.length ? `: ${lines[lines.length - 1].trim().slice(0, 300)}` : "";
}

/** The verdict on the report line an exercise process sent; a line that is not a valid report costs the exercise, saying what arrived. */
function verdictOf(job: Job, cases: unknown[][], line: string, token: string): Verdict {
  let r;
  try {
    r = parseReport(line, token, cases.length);
  } catch (err) {
    return notRun(job.name, `${job.name}: the exercise process sent something that is not a report (${err instanceof Error ? err.message : String(err)})`);
  }
  const errors = [...job.compileErrors, ...r.errors];
  const used = r.used.length ? `; called ${r.used.join(", ")}, which is not available while this exercise is graded` : "";
  if (r.type === "missing") return notRun(job.name, `${job.name}: not defined in the submission (missing exercise)${errors.length ? `; ${errors.join("; ")}` : ""}${used}`);
  const v = judge(job.name, cases, r.outcomes);
  if (!v.passed && errors.length) v.message += `; ${errors.join("; ")}`;
  v.message += used;
  return v;
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
  const loader = require("../tools/lib-loader.js") as { isStale(): boolean; build(o: { quiet: boolean }): void };
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
    ins.exercises.forEach((name, i) => {
      const { cells, note } = exerciseCode(s.nb!, ins.nb, ins.exercises, i);
      const compiled = transpileCells(cells);
      jobs.push({ s, name, index: i + 1, cells: compiled.cells, compileErrors: compiled.errors, note });
    });
    s.pending = ins.exercises.length;
  }
  const scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-grade-"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      // the exercise processes are in process groups of their own: an interrupt of the grader misses them
      for (const stop of running) stop();
      fs.rmSync(scratchRoot, { recursive: true, force: true });
      console.error(`npm run grade: interrupted (${signal}); nothing written`);
      process.exit(130);
    });
  }
  const runId = randomBytes(8).toString("hex");
  const graded = subs.filter((s) => s.pending > 0).length;
  let done = 0;
  const progress = (line: string): void => {
    if (!o.quiet) console.error(line);
  };
  progress(`grading ${files.length} submission(s) in ${o.folder}: ${jobs.length} exercise run(s), ${o.jobs} at a time, ${o.timeout} s and ${o.memory} MB each`);
  for (const s of subs.filter((x) => !x.pending)) progress(`  ${oneLine(s.student)}: not graded: ${oneLine(s.problem ?? "")}`);
  const verdicts = new Map<Job, Verdict>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (!job.s.started) job.s.started = performance.now();
      verdicts.set(job, await runJob(job, o, scratchRoot, runId));
      if (--job.s.pending === 0) {
        done++;
        const mine = jobs.filter((j) => j.s === job.s).map((j) => verdicts.get(j)!);
        const pts = mine.reduce((a, v) => a + v.points, 0);
        const max = mine.reduce((a, v) => a + v.maxPoints, 0);
        progress(`[${done}/${graded}] ${oneLine(job.s.student)} (${job.s.notebook!.name}): ${pts} of ${max} points (${((performance.now() - job.s.started) / 1000).toFixed(1)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, Math.max(1, jobs.length)) }, worker));
  fs.rmSync(scratchRoot, { recursive: true, force: true });
  for (const job of jobs) {
    const v = verdicts.get(job)!;
    job.s.rows.push({ student: job.s.student, notebook: job.s.notebook!.name, exercise: String(job.index), points: v.points, maxPoints: v.maxPoints, message: v.message, verdict: v });
  }
  const rows = subs.flatMap((s) => s.rows);
  const fbDir = path.join(o.folder, "feedback");
  fs.mkdirSync(fbDir, { recursive: true });
  for (const s of subs) {
    const answers = s.nb && s.notebook ? writtenAnswers(s.nb) : [];
    writeWhole(path.join(fbDir, `${s.student}.md`), feedbackText({ student: s.student, file: s.file, notebook: s.notebook?.name, problem: s.problem, rows: s.rows, answers }));
  }
  writeWhole(path.join(o.folder, "grades.csv"), gradesCsv(rows));
  const seconds = (performance.now() - started) / 1000;
  console.error(`wrote ${path.join(o.folder, "grades.csv")} (${rows.length} rows) and ${subs.length} feedback file(s) in ${fbDir}; ${seconds.toFixed(1)} s`);
  if (o.json) console.log(JSON.stringify(gradesJson(subs, o.folder, fbDir, seconds)));
}

/** What --json prints: the same rows as grades.csv, per student (JSON escapes whatever a submission wrote). */
function gradesJson(subs: { student: string; rows: Row[] }[], folder: string, feedback: string, seconds: number) {
  const students = subs.map((s) => ({
    student: s.student,
    notebook: s.rows[0]?.notebook ?? "unknown",
    points: s.rows.reduce((a, r) => a + r.points, 0),
    maxPoints: s.rows.reduce((a, r) => a + r.maxPoints, 0),
    exercises: s.rows.map((r) => ({ exercise: r.exercise, points: r.points, maxPoints: r.maxPoints, message: r.message })),
  }));
  return { grades: path.join(folder, "grades.csv"), feedback, seconds: Number(seconds.toFixed(1)), students };
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`npm run grade: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  });
}
