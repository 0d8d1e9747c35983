/**
 * `npm run grade` against a class that attacks it (issue 24): every submission is the student version
 * of 02-reinforce with one attack, mostly in the rewardToGo solution cell, graded in one run with an
 * honest correct and an honest empty submission as controls. For each attack: the attacker's points,
 * the controls' points, that the grader finished, and that no file outside its scratch folder changed
 * (the submissions, a bait folder, the project's notebooks/, src/ and scripts/), also 15 s after the
 * grader returned (a process that escaped would act then).
 *
 * The first group broke the grader before this issue's work (each confirmed failing against the old
 * grader), the second held and must keep holding. PGLAB_ATTACKS="name|name" runs only those attacks (with
 * the controls), to try them one by one against another version of the grader.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { grading } from "../../src/index";
import { linesOutsideFences } from "./markdown";

type Nb = grading.NotebookJson;
const root = path.join(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-attacks-test-"));
const cls = path.join(tmp, "class");
const bait = path.join(tmp, "bait");
const TIMEOUT = 6;
const MEMORY = 512;
const GRADES = path.join(cls, "grades.csv");

const instructor = JSON.parse(fs.readFileSync(path.join(root, "notebooks", "02-reinforce.ipynb"), "utf8")) as Nb;
const student = grading.studentVersion(instructor, "02-reinforce").notebook;
const copy = (nb: Nb) => JSON.parse(JSON.stringify(nb)) as Nb;
/** The student version with the rewardToGo cell (g04) replaced by `code`. */
function withCell(code: string, nb: Nb = student): Nb {
  const out = copy(nb);
  out.cells.find((c) => c.id === "g04")!.source = grading.toLines(code);
  return out;
}
const WRONG = "function rewardToGo(rewards: number[], gamma: number): number[] { return rewards; }";
const CORRECT = `function rewardToGo(rewards: number[], gamma: number): number[] {
  const out = new Array<number>(rewards.length);
  let R = 0;
  for (let t = rewards.length - 1; t >= 0; t--) out[t] = R = rewards[t] + gamma * R;
  return out;
}`;
/** Sends `m` on the report channel as both the old grader (an IPC channel, fd 3) and the new one (a pipe, fd 3) read it. */
const FAKE = `const fake = (m: unknown, raw?: string) => {
  try { (process as any).send?.(m); } catch {}
  try { require("fs").writeSync(3, raw ?? JSON.stringify(m) + "\\n"); } catch {}
};`;
const q = JSON.stringify;

interface Attack {
  /** The student's name (the file name without .ipynb). */
  name: string;
  notebook: Nb | string;
  /** Points per exercise: softmaxScore, rewardToGo, reinforceGradient. */
  points: number[];
  /** What the rewardToGo row's message must say. */
  message?: RegExp;
  /** Graded as this notebook (default 02-reinforce). */
  as?: string;
}

/** A submission file's text with cell `id`'s source nested `depth` lists deep (JSON.stringify itself would recurse). */
function nestedSource(depth: number): string {
  const nb = copy(student);
  nb.cells.push({ cell_type: "code", id: "deep", metadata: {}, outputs: [], execution_count: null, source: "@DEEP@" });
  return JSON.stringify(nb).replace('"@DEEP@"', `${"[".repeat(depth)}"// deep\\n"${"]".repeat(depth)}`);
}

const ESCAPEE = `
const fs = require("fs");
const start = Date.now();
const timer = setInterval(() => {
  if (Date.now() - start > 60000) process.exit(0);
  if (!fs.existsSync(${q(GRADES)})) return;
  clearInterval(timer);
  setTimeout(() => {
    try { fs.writeFileSync(${q(GRADES)}, "student,notebook,exercise,points,max points,message\\nescape-detached,02-reinforce,1,2,2,x\\nescape-detached,02-reinforce,2,2,2,x\\nescape-detached,02-reinforce,3,3,3,x\\n"); } catch {}
    try { fs.appendFileSync(${q(path.join(cls, "feedback", "honest-correct.md"))}, "\\n**Total: 0 of 7 points.**\\n"); } catch {}
    try { fs.writeFileSync(${q(path.join(cls, "honest-empty.ipynb"))}, "{}"); } catch {}
    process.exit(0);
  }, 500);
}, 100);`;

const BROKE: Attack[] = [
  { name: "outcome-not-object", notebook: withCell(`${FAKE}\nfake({ type: "result", outcomes: [1, 2, 3], errors: [] });\n${WRONG}`), points: [0, 0, 0], message: /not a report \(a message without the grader's token/ },
  { name: "errors-not-a-list", notebook: withCell(`${FAKE}\nfake({ type: "missing", errors: 5 });\n${WRONG}`), points: [0, 0, 0], message: /not a report/ },
  { name: "not-a-message", notebook: withCell(`${FAKE}\nfake(null, "\\u0000garbage{{{ not json\\n");\n${WRONG}`), points: [0, 0, 0], message: /not a report \(not JSON: "\\u0000garbage\{\{\{ not json"\)/ },
  {
    name: "deep-value",
    // written as text: JSON.stringify would overflow on the way out; JSON.parse reads it back without recursion
    notebook: withCell(`${FAKE}\nconst deep = "[".repeat(100000) + "]".repeat(100000);\nfake(null, \`{"type":"result","outcomes":[{"value":\${deep}}],"errors":[]}\\n\`);\n${WRONG}`),
    points: [0, 0, 0],
    message: /not a report/,
  },
  { name: "nested-source", notebook: nestedSource(100_000), points: [0, 0, 0], message: /not implemented yet/ },
  {
    name: "escape-detached",
    notebook: withCell(`try { require("child_process").spawn(process.execPath, ["-e", ${q(ESCAPEE)}], { detached: true, stdio: "ignore" }).unref(); } catch {}\n${WRONG}`),
    points: [0, 0, 0],
  },
  {
    name: "kills-grader",
    notebook: withCell(`try { process.kill(process.ppid, "SIGKILL"); } catch {}\n${WRONG}`),
    points: [0, 0, 0],
  },
  {
    name: "memory-buffers",
    notebook: withCell(`const hoard: Buffer[] = [];
function rewardToGo(rewards: number[], gamma: number): number[] {
  while (hoard.length < 24) hoard.push(Buffer.alloc(64 << 20, 1)); // 1.5 GB, outside V8's heap
  const out = new Array<number>(rewards.length);
  let R = 0;
  for (let t = rewards.length - 1; t >= 0; t--) out[t] = R = rewards[t] + gamma * R;
  return out;
}`),
    points: [0, 0, 0],
    message: new RegExp(`rewardToGo: memory limit of ${MEMORY} MB exceeded while running case 1 of`),
  },
  {
    name: "forged-feedback-error",
    notebook: withCell(`function rewardToGo(rewards: number[], gamma: number): number[] { throw new Error("x |\\n\\n**Total: 7 of 7 points.**\\n\\n# Feedback for honest-correct\\n\\n\`\`\`\\n| 2 | 2 | 2 | passed |"); }`),
    points: [0, 0, 0],
  },
  { name: "forged\n**Total: 7 of 7 points.**\n", notebook: student, points: [0, 0, 0], message: /not implemented yet/ },
  { name: '=HYPERLINK("https:example.com","click")', notebook: student, points: [0, 0, 0] },
  { name: "calls-library", notebook: withCell(`function rewardToGo(rewards: number[], gamma: number): number[] { return Array.from(pg.rewardToGo(rewards, gamma)); }`), points: [0, 0, 0], message: /pg\.rewardToGo is not available while this exercise is graded: write it yourself/ },
  {
    name: "calls-reference",
    notebook: withCell(`function rewardToGo(rewards: number[], gamma: number): number[] { return (pg as any).grading.EXERCISES.rewardToGo.reference(rewards, gamma); }`),
    points: [0, 0, 0],
    message: /pg\.grading\.EXERCISES\.rewardToGo\.reference is not available while this exercise is graded/,
  },
  {
    name: "calls-library-caught",
    notebook: withCell(`function rewardToGo(rewards: number[], gamma: number): number[] { try { return Array.from(pg.rewardToGo(rewards, gamma)); } catch { return rewards; } }`),
    points: [0, 0, 0],
    message: /called pg\.rewardToGo, which is not available while this exercise is graded/,
  },
  {
    name: "reloads-library",
    notebook: withCell(`const file = ${q(path.join(root, "dist", "lib", "estimators", "returns.js"))};
function rewardToGo(rewards: number[], gamma: number): number[] {
  try { delete require.cache[file]; } catch {}
  return Array.from(require(file).rewardToGo(rewards, gamma));
}`),
    points: [0, 0, 0],
    message: /pg\.rewardToGo is not available/,
  },
  {
    name: "reads-instructor",
    notebook: withCell(`let stolen: (r: number[], g: number) => number[];
try {
  const nb = JSON.parse(require("fs").readFileSync(${q(path.join(root, "notebooks", "02-reinforce.ipynb"))}, "utf8"));
  const src = nb.cells.find((c: { id: string }) => c.id === "g04").source.join("");
  stolen = new Function(require("typescript").transpile(src) + "\\nreturn rewardToGo;")();
} catch (e) {
  stolen = () => { throw e; };
}
function rewardToGo(rewards: number[], gamma: number): number[] { return stolen(rewards, gamma); }`),
    points: [0, 0, 0],
    message: /ERR_ACCESS_DENIED|Access to this API has been restricted/,
  },
  {
    name: "defines-twice",
    notebook: (() => {
      const nb = withCell(WRONG);
      nb.cells.splice(nb.cells.findIndex((c) => c.id === "g05") + 1, 0, { cell_type: "code", id: "again", metadata: {}, outputs: [], execution_count: null, source: grading.toLines(CORRECT) });
      return nb;
    })(),
    points: [0, 0, 0],
    message: (() => {
      const at = (id: string) => student.cells.findIndex((c) => c.id === id) + 1;
      return new RegExp(`rewardToGo is defined in cells ${at("g04")}, ${at("g05") + 1}; graded on the solution cell, cell ${at("g04")}`);
    })(),
  },
];

const HELD: Attack[] = [
  { name: "forged-passed", notebook: withCell(`console.log("PASSED rewardToGo: 2 of 2 points (all 34 cases)");\nprocess.stderr.write("PASSED rewardToGo\\n");\n${WRONG}`), points: [0, 0, 0] },
  {
    name: "writes-files",
    notebook: withCell(`const fs = require("fs");
for (const [file, text] of [[${q(GRADES)}, "student,notebook,exercise,points,max points,message\\nwrites-files,02-reinforce,2,2,2,forged\\n"], [${q(path.join(cls, "honest-empty.ipynb"))}, "{}"], [${q(path.join(bait, "bait.txt"))}, "changed"]]) {
  try { fs.writeFileSync(file, text); } catch {}
}
${WRONG}`),
    points: [0, 0, 0],
  },
  {
    name: "fake-report",
    notebook: withCell(`${FAKE}\nfake({ type: "result", outcomes: Array.from({ length: 34 }, () => ({ value: [1, 1.9, 2.71] })), errors: [], token: "guess" });\n${WRONG}`),
    points: [0, 0, 0],
  },
  {
    name: "proxies-getters",
    notebook: withCell(`let calls = 0;
function rewardToGo(rewards: number[], gamma: number): any {
  calls++;
  if (calls % 4 === 0) return new Proxy([], { get: (_t, k) => (k === "length" ? rewards.length : 1) });
  if (calls % 4 === 1) return { toJSON: () => rewards, valueOf: () => 1 };
  if (calls % 4 === 2) return { get length() { throw new Error("getter"); } };
  return Object.defineProperty([], "0", { get() { for (;;) return 1; } });
}`),
    points: [0, 0, 0],
  },
  { name: "nan-huge", notebook: withCell(`function rewardToGo(rewards: number[], gamma: number): number[] { return new Array(3e6).fill(NaN); }`), points: [0, 0, 0], message: /received 100000/ },
  {
    name: "patched-globals",
    notebook: withCell(`JSON.stringify = () => '{"type":"result","outcomes":[]}';
Array.prototype.map = function () { return [2.71, 1.9, 1]; } as any;
Object.keys = () => [];
(process as any).exit = () => undefined;
${WRONG}`),
    points: [0, 0, 0],
  },
  {
    name: "to-json-everywhere",
    notebook: withCell(`(Object.prototype as any).toJSON = function () { return "the token was " + (this as any).token; };\n${WRONG}`),
    points: [0, 0, 0],
    message: /the results could not be written as JSON/,
  },
  { name: "busy-top-level", notebook: withCell(`for (;;) {}\n${WRONG}`), points: [0, 0, 0], message: new RegExp(`time limit of ${TIMEOUT} s exceeded while running the solution cells`) },
  { name: "sleeping-child", notebook: withCell(`try { require("child_process").spawn("sleep", ["60"]); } catch {}\n${WRONG}`), points: [0, 0, 0] },
  { name: `-lead "quo,te" ünï`, notebook: instructor, points: [2, 2, 3] },
  { name: "other-metadata", notebook: { ...copy(instructor), metadata: { ...instructor.metadata, [grading.METADATA_KEY]: { notebook: "99-nope" } } }, points: [2, 2, 3] },
  { name: "claims-03", notebook: { ...copy(student), metadata: { ...student.metadata, [grading.METADATA_KEY]: { notebook: "03-baselines" } } }, points: [0, 0, 0], as: "03-baselines" },
  { name: "big-notebook", notebook: (() => {
    const nb = copy(instructor);
    nb.cells.push({ cell_type: "markdown", id: "big", metadata: {}, source: "x".repeat(50 << 20) });
    return nb;
  })(), points: [2, 2, 3] },
  { name: "non-string-sources", notebook: (() => {
    const nb = copy(instructor);
    for (const source of [42, { a: 1 }, null, [1, [2, ["// three"]]]]) nb.cells.push({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: source as unknown as string });
    return nb;
  })(), points: [2, 2, 3] },
];

const CONTROLS: Attack[] = [
  { name: "honest-correct", notebook: instructor, points: [2, 2, 3], message: /rewardToGo: passed all 34 cases/ },
  { name: "honest-empty", notebook: student, points: [0, 0, 0], message: /rewardToGo: not implemented yet/ },
];

const only = process.env.PGLAB_ATTACKS?.split("|");
const chosen = (list: Attack[]) => list.filter((a) => !only || only.includes(a.name));

/** grades.csv parsed (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\n") row.push(cell), rows.push(row), (row = []), (cell = "");
    else cell += c;
  }
  return rows;
}
interface Row { student: string; notebook: string; exercise: string; points: number; max: number; message: string }
function readGrades(): Row[] {
  const [header, ...rows] = parseCsv(fs.readFileSync(GRADES, "utf8"));
  assert.deepEqual(header, ["student", "notebook", "exercise", "points", "max points", "message"]);
  return rows.map(([student, notebook, exercise, points, max, message]) => ({ student, notebook, exercise, points: Number(points), max: Number(max), message }));
}
/** How a student's name appears in grades.csv: a formula's first character defused with ' (OWASP). */
const csvName = (name: string) => (/^[=+\-@\t\r]/.test(name) ? `'${name}` : name);

/** Content hashes of every file under `dirs`. */
function snapshot(dirs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(full, createHash("sha1").update(fs.readFileSync(full)).digest("hex"));
    }
  };
  dirs.forEach(walk);
  return out;
}
const PROJECT = ["notebooks", "src", "scripts"].map((d) => path.join(root, d));

/** The processes whose command line mentions `text` (what an escaped process of this class would show: the paths it acts on). */
function processesMentioning(text: string): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmdline.includes(text)) out.push(`${pid}: ${cmdline.replace(/\0/g, " ").slice(0, 200)}`);
    } catch {
      // gone
    }
  }
  return out;
}

const attacks = [...chosen(BROKE), ...chosen(HELD)];
let status: number | null = null;
let stderr = "";
let rows: Row[] = [];
let returnedAt = 0;
let before_: Map<string, string>;
let afterRun: Map<string, string>;
let aliveAfterRun: string[] = [];

before(() => {
  fs.mkdirSync(cls);
  fs.mkdirSync(bait);
  fs.writeFileSync(path.join(bait, "bait.txt"), "bait");
  for (const a of [...CONTROLS, ...attacks]) fs.writeFileSync(path.join(cls, `${a.name}.ipynb`), typeof a.notebook === "string" ? a.notebook : JSON.stringify(a.notebook));
  before_ = snapshot([cls, bait, ...PROJECT]);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "grade.ts"), cls, "--timeout", String(TIMEOUT), "--memory", String(MEMORY), "--jobs", "2"], {
    cwd: root, encoding: "utf8", maxBuffer: 64 << 20,
  });
  returnedAt = Date.now();
  status = r.status;
  stderr = r.stderr;
  afterRun = snapshot([cls, bait, ...PROJECT]);
  aliveAfterRun = fs.existsSync("/proc") ? processesMentioning(tmp) : [];
  if (fs.existsSync(GRADES)) rows = readGrades();
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const of = (name: string) => rows.filter((r) => r.student === csvName(name));

describe("npm run grade against a class that attacks it", () => {
  test("the grader finishes and writes a row for every exercise of every submission", () => {
    assert.equal(status, 0, stderr.slice(-3000));
    for (const a of [...CONTROLS, ...attacks]) assert.equal(of(a.name).length, 3, `${JSON.stringify(a.name)}: ${JSON.stringify(of(a.name))}`);
  });

  test("the controls: an honest correct submission gets 7 points, an honest empty one 0", () => {
    for (const c of CONTROLS) {
      assert.deepEqual(of(c.name).map((r) => r.points), c.points, c.name);
      assert.match(of(c.name)[1].message, c.message!);
    }
  });

  for (const a of attacks) {
    test(`attack ${JSON.stringify(a.name)}: ${a.points.reduce((x, y) => x + y, 0)} points${a.message ? `, ${a.message.source.slice(0, 60)}` : ""}`, () => {
      const mine = of(a.name);
      assert.deepEqual(mine.map((r) => r.points), a.points, JSON.stringify(mine));
      assert.ok(mine.every((r) => r.notebook === (a.as ?? "02-reinforce")), JSON.stringify(mine));
      if (a.message) assert.match(mine[1].message, a.message);
    });
  }

  test("no file outside the scratch folder changed: the submissions, the bait, notebooks/, src/, scripts/", () => {
    for (const [file, hash] of before_) assert.equal(afterRun.get(file), hash, `${file} changed`);
    const added = [...afterRun.keys()].filter((f) => !before_.has(f)).map((f) => path.relative(cls, f));
    assert.ok(added.every((f) => f === "grades.csv" || (path.dirname(f) === "feedback" && f.endsWith(".md"))), JSON.stringify(added));
  });

  test("feedback cannot be forged: one total line per file, the grader's own; names and messages escaped", () => {
    for (const a of [...CONTROLS, ...attacks]) {
      const text = fs.readFileSync(path.join(cls, "feedback", `${a.name}.md`), "utf8");
      const total = a.points.reduce((x, y) => x + y, 0);
      const max = of(a.name).reduce((x, r) => x + r.max, 0);
      const lines = linesOutsideFences(text);
      assert.deepEqual(lines.filter((l) => /^\W*Total/.test(l)), [`**Total: ${total} of ${max} points.**`], `${JSON.stringify(a.name)}:\n${text}`);
      assert.equal(lines.filter((l) => l.startsWith("# ")).length, 1, text);
    }
  });

  test("grades.csv: no cell starts a spreadsheet formula", () => {
    for (const r of rows) for (const cell of [r.student, r.notebook, r.exercise, r.message]) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, JSON.stringify(r));
  });

  test("when the grader returns, no process that a submission started is running", () => {
    assert.deepEqual(aliveAfterRun, []);
  });

  test("15 s after the grader returned, grades.csv, the feedback and the submissions are unchanged", async () => {
    await new Promise((r) => setTimeout(r, Math.max(0, returnedAt + 15_000 - Date.now())));
    const later = snapshot([cls, bait, ...PROJECT]);
    assert.deepEqual([...later.entries()].sort(), [...afterRun.entries()].sort());
  });
});
