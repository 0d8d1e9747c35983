/**
 * `npm run assignments` and `npm run grade`, end to end on the real notebooks: the student versions
 * (stubs, prompts, no outputs, everything else unchanged) run without crashing and score zero; the
 * instructor notebooks score full marks; a typical mistake costs exactly its exercise, with the symptom
 * named; tampering earns nothing; an infinite loop, a top-level throw and process.exit(0) cost only
 * the exercise they are in; malformed, empty and wrong-notebook submissions are recorded with zero.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { grading } from "../../src/index";

const root = path.join(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-assignments-test-"));
const studentDir = path.join(tmp, "student");
const GRADED = ["00-setup", "01-policy-search", "02-reinforce", "03-baselines", "04-deeprm", "05-policy-gradient-theorem", "06-advantage-actor-critic", "07-bias-variance"];
type Nb = grading.NotebookJson;

const readNb = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Nb;
const instructor = (name: string) => readNb(path.join(root, "notebooks", `${name}.ipynb`));
/** A copy of `nb` with the source of cell `id` transformed. */
function edit(nb: Nb, id: string, f: (src: string) => string): Nb {
  const copy = JSON.parse(JSON.stringify(nb)) as Nb;
  const cell = copy.cells.find((c) => c.id === id);
  assert.ok(cell, `no cell ${id}`);
  const next = f(grading.sourceOf(cell));
  assert.notEqual(next, grading.sourceOf(cell), `the edit of cell ${id} changed nothing`);
  cell.source = grading.toLines(next);
  return copy;
}
const replaceRegion = (src: string, body: string) => src.replace(/\/\/ BEGIN SOLUTION[\s\S]*?\/\/ END SOLUTION/, body);
const write = (dir: string, file: string, content: Nb | string) => fs.writeFileSync(path.join(dir, file), typeof content === "string" ? content : JSON.stringify(content, null, 1));

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", script), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
interface Row { student: string; notebook: string; exercise: string; points: number; max: number; message: string }
function readGrades(dir: string): Row[] {
  const [header, ...lines] = fs.readFileSync(path.join(dir, "grades.csv"), "utf8").trim().split("\n");
  assert.equal(header, "student,notebook,exercise,points,max points,message");
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/^"([\s\S]*)"$/, "$1").replace(/""/g, '"'));
    return { student: cells[0], notebook: cells[1], exercise: cells[2], points: Number(cells[3]), max: Number(cells[4]), message: cells[5] };
  });
}
const of = (rows: Row[], student: string) => rows.filter((r) => r.student === student);
const pointsOf = (rows: Row[], student: string) => of(rows, student).map((r) => r.points);

before(() => {
  const r = run("assignments.ts", ["--out", studentDir]);
  assert.equal(r.status, 0, r.stderr);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("npm run assignments", () => {
  test("--json lists what was written (and prints nothing else); --quiet prints nothing", () => {
    const dir = path.join(tmp, "json-out");
    const r = run("assignments.ts", ["02-reinforce", "--out", dir, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 1, r.stdout);
    const json = JSON.parse(lines[0]) as { notebooks: { notebook: string; file: string; exercises: string[]; points: number }[] };
    const stu = readNb(json.notebooks[0].file);
    assert.deepEqual(json.notebooks.map((n) => [n.notebook, n.exercises]), [["02-reinforce", grading.checkedExercises(stu)]]);
    const q = run("assignments.ts", ["02-reinforce", "--out", dir, "--quiet"]);
    assert.equal(q.status, 0, q.stderr);
    assert.equal(q.stdout, "");
  });
  for (const name of GRADED) {
    test(`${name}: stubs and prompts replace the solutions, outputs are cleared, everything else is unchanged`, () => {
      const ins = instructor(name);
      const stu = readNb(path.join(studentDir, `${name}.ipynb`));
      const exercises = grading.checkedExercises(ins);
      assert.ok(exercises.length >= 2, `${name} has ${exercises.length} graded exercises`);
      assert.deepEqual((stu.metadata as Record<string, unknown>)[grading.METADATA_KEY], { notebook: name, exercises });
      assert.equal(stu.cells.length, ins.cells.length);
      const text = stu.cells.map(grading.sourceOf).join("\n");
      assert.doesNotMatch(text, /BEGIN SOLUTION|END SOLUTION/);
      exercises.forEach((_, i) => assert.ok(text.includes(`throw new Error("Not implemented: exercise ${i + 1}");`), `stub of exercise ${i + 1}`));
      const regions = new Set(grading.solutionRegions(ins).map((r) => r.cell));
      stu.cells.forEach((c, i) => {
        assert.deepEqual(c.outputs ?? [], []);
        assert.ok(c.cell_type !== "code" || c.execution_count === null);
        const answer = /BEGIN ANSWER/.test(grading.sourceOf(ins.cells[i]));
        if (regions.has(i)) assert.notEqual(grading.sourceOf(c), grading.sourceOf(ins.cells[i]));
        else if (answer) assert.match(grading.sourceOf(c), /<!-- BEGIN ANSWER -->\n\*Write your answer here\.\*\n<!-- END ANSWER -->/);
        else assert.deepEqual({ ...c, source: grading.sourceOf(c) }, { ...ins.cells[i], source: grading.sourceOf(ins.cells[i]) }, `cell ${i + 1} changed`);
      });
      assert.ok(grading.writtenAnswers(stu).every((a) => a === "*Write your answer here.*"));
    });
  }

  test("unbalanced markers and a region without its check are errors naming the cell", () => {
    const nb = instructor("02-reinforce");
    assert.throws(() => grading.studentVersion(edit(nb, "g04", (s) => s.replace("// END SOLUTION", "")), "02-reinforce"), /02-reinforce, cell \d+: "\/\/ BEGIN SOLUTION" on line 2 is never closed/);
    assert.throws(() => grading.studentVersion(edit(nb, "g05", () => "// the check was here"), "02-reinforce"), /3 solution region\(s\) but 2 check call\(s\)/);
  });

  test("the student versions' exercises run in the notebook and score zero without crashing", () => {
    // the import cell, then every notebook's exercise section (the exercises' names differ), in one kernel run
    const stus = GRADED.map((name) => readNb(path.join(studentDir, `${name}.ipynb`)));
    const first = stus[0].cells.find((c) => c.cell_type === "code")!;
    const mini = { ...stus[0], cells: [first, ...stus.flatMap((nb) => nb.cells.filter((c) => /^g\d+$/.test(c.id ?? "")))] };
    write(studentDir, "mini.ipynb", mini);
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "run-notebook.ts"), path.join(studentDir, "mini.ipynb")], { cwd: root, encoding: "utf8", env: { ...process.env, PG_QUICK: "1" } });
    const result = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.ok(result.ok, JSON.stringify(result.error));
    for (const e of stus.flatMap((nb) => grading.checkedExercises(nb))) assert.match(r.stdout, new RegExp(`FAILED ${e}: 0 of \\d points\\n  ${e}: not implemented yet`));
  });
});

describe("npm run grade", () => {
  const cls = path.join(tmp, "class");
  let rows: Row[] = [];
  let stderr = "";
  before(() => {
    fs.mkdirSync(cls);
    for (const name of GRADED) {
      write(cls, `teacher-${name.slice(0, 2)}.ipynb`, instructor(name));
      fs.copyFileSync(path.join(studentDir, `${name}.ipynb`), path.join(cls, `blank-${name.slice(0, 2)}.ipynb`));
    }
    const nb02 = instructor("02-reinforce");
    const nb03 = instructor("03-baselines");
    // the three typical mistakes of the issue
    write(cls, "mistake-rtg.ipynb", edit(nb02, "g04", (s) => replaceRegion(s, "return rewards.map((r, t) => gamma ** t * r);")));
    write(cls, "mistake-gae.ipynb", edit(instructor("07-bias-variance"), "g07", (s) => replaceRegion(s, `const A = new Array<number>(rewards.length);
  let acc = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    const next = terminated && t === rewards.length - 1 ? 0 : values[t + 1];
    acc = A[t] = rewards[t] + lambda * next - values[t] + lambda * gamma * acc;
  }
  return A;`)));
    write(cls, "mistake-baseline.ipynb", edit(nb03, "g01", (s) => replaceRegion(s, "let b = initial;\n  return returns.map((R) => (b = alpha * R + (1 - alpha) * b));")));
    // 04: one baseline for all job sets; 06: a truncation treated as a termination
    write(cls, "mistake-jobsets.ipynb", edit(instructor("04-deeprm"), "g01", (s) => s.replace("jobSets[j] === jobSets[i]", "true")));
    write(cls, "mistake-truncation.ipynb", edit(instructor("06-advantage-actor-critic"), "g04", (s) => s.replace("if (terminated[k]) acc = 0;", "if (terminated[k] || truncated[k]) acc = 0;")));
    // tampering: a wrong rewardToGo, with the reference, the check and the library patched, a fake PASS and a forged grades.csv
    const forged = JSON.stringify(path.join(cls, "grades.csv"));
    let tamper = edit(nb02, "g04", (s) => replaceRegion(s, "return rewards;") + `
(pg as any).grading.EXERCISES.rewardToGo.reference = (r: number[]) => r;
try { (pg as any).rewardToGo = (r: number[]) => r; } catch {}
try { (pg as any).grading.check.rewardToGo = () => console.log("PASSED rewardToGo: 2 of 2 points"); } catch {}
console.log("PASSED rewardToGo: 2 of 2 points");
require("fs").writeFileSync(${forged}, "student,notebook,exercise,points,max points,message\\ntamper,02-reinforce,2,2,2,forged\\n");`);
    tamper = edit(tamper, "g05", () => 'console.log("PASSED rewardToGo: 2 of 2 points (all 17 cases)");');
    write(cls, "tamper.ipynb", tamper);
    // isolation
    write(cls, "loop.ipynb", edit(nb02, "g01", (s) => replaceRegion(s, "while (true) {}")));
    write(cls, "thrower.ipynb", edit(nb02, "g04", (s) => s + '\nthrow new Error("top-level boom");'));
    write(cls, "hog.ipynb", edit(nb02, "g01", (s) => replaceRegion(s, "const hoard: number[][] = [];\n  for (;;) hoard.push(new Array(1e6).fill(Math.random()));")));
    write(cls, "exiter.ipynb", edit(nb02, "g07", (s) => replaceRegion(s, "process.exit(0);")));
    // malformed
    write(cls, "empty.ipynb", "");
    write(cls, "garbage.ipynb", "{ not json");
    write(cls, "no-cells.ipynb", JSON.stringify({ nbformat: 4 }));
    const r = run("grade.ts", [cls, "--timeout", "8", "--memory", "256"]);
    stderr = r.stderr;
    assert.equal(r.status, 0, r.stderr);
    rows = readGrades(cls);
  });

  test("the instructor notebooks get full marks, the student versions zero", () => {
    for (const name of GRADED) {
      const n = grading.checkedExercises(instructor(name)).length;
      const teacher = of(rows, `teacher-${name.slice(0, 2)}`);
      assert.equal(teacher.length, n);
      assert.ok(teacher.every((r) => r.notebook === name && r.points === r.max && r.max > 0), JSON.stringify(teacher));
      const blank = of(rows, `blank-${name.slice(0, 2)}`);
      assert.equal(blank.length, n);
      assert.ok(blank.every((r) => r.points === 0 && /not implemented yet/.test(r.message)), JSON.stringify(blank));
    }
  });

  test("a typical mistake loses exactly its exercise's points, with the symptom named", () => {
    assert.deepEqual(pointsOf(rows, "mistake-rtg"), [2, 0, 3]);
    assert.match(of(rows, "mistake-rtg")[1].message, /rewardToGo: each reward is discounted by its own step/);
    assert.deepEqual(pointsOf(rows, "mistake-gae"), [3, 2, 0]);
    assert.match(of(rows, "mistake-gae")[2].message, /gae: lambda and gamma are swapped/);
    assert.deepEqual(pointsOf(rows, "mistake-baseline"), [0, 2, 2]);
    assert.match(of(rows, "mistake-baseline")[0].message, /movingAverageBaseline: the baseline is updated before it is used.*depends on trajectory i's own actions/);
    assert.deepEqual(pointsOf(rows, "mistake-jobsets"), [0, 2]);
    assert.match(of(rows, "mistake-jobsets")[0].message, /jobSetAdvantages: one b_t is shared by all job sets/);
    assert.deepEqual(pointsOf(rows, "mistake-truncation"), [3, 0]);
    assert.match(of(rows, "mistake-truncation")[1].message, /criticTargets: a truncation is treated as a termination/);
  });

  test("tampering earns nothing: patched reference, check and library, fake PASS, forged grades.csv", () => {
    assert.deepEqual(pointsOf(rows, "tamper"), [2, 0, 3]);
    assert.doesNotMatch(fs.readFileSync(path.join(cls, "grades.csv"), "utf8"), /forged/);
  });

  test("an infinite loop, a memory hog, a top-level throw and process.exit(0) cost only their own exercise", () => {
    assert.deepEqual(pointsOf(rows, "loop"), [0, 2, 3]);
    assert.match(of(rows, "loop")[0].message, /softmaxScore: time limit of 8 s exceeded while running case 1 of \d+ \(an infinite loop\?\)/);
    assert.deepEqual(pointsOf(rows, "hog"), [0, 2, 3]);
    assert.match(of(rows, "hog")[0].message, /softmaxScore: memory limit of 256 MB exceeded while running case 1/);
    assert.deepEqual(pointsOf(rows, "exiter"), [2, 2, 0]);
    assert.match(of(rows, "exiter")[2].message, /reinforceGradient: the process ended \(exit code 0\) while running case 1/);
    const thrower = of(rows, "thrower");
    assert.deepEqual([thrower[0].points, thrower[2].points], [2, 3]);
    // the function is declared before the throw, so it exists; the throw is reported where it matters
    assert.ok(thrower[1].points === 2 || /top-level boom/.test(thrower[1].message), thrower[1].message);
    // everyone else as expected (above), in the same run
    assert.equal(of(rows, "teacher-02").reduce((a, r) => a + r.points, 0), 7);
  });

  test("malformed and empty notebooks are recorded with zero points, never a crash", () => {
    assert.match(of(rows, "empty")[0].message, /the file is empty/);
    assert.match(of(rows, "garbage")[0].message, /not a notebook: not valid JSON/);
    assert.match(of(rows, "no-cells")[0].message, /not a notebook: no list of "cells"/);
    for (const s of ["empty", "garbage", "no-cells"]) assert.deepEqual(pointsOf(rows, s), [0]);
  });

  test("a feedback file per student and a progress line per graded submission", () => {
    const students = [...new Set(rows.map((r) => r.student))];
    for (const s of students) assert.ok(fs.existsSync(path.join(cls, "feedback", `${s}.md`)), s);
    assert.match(fs.readFileSync(path.join(cls, "feedback", "mistake-rtg.md"), "utf8"), /Total: 5 of 7 points[\s\S]*input: +rewards = \[1, 1, 1\], gamma = 0.9\n +expected: \[2.71, 1.9, 1\]\n +received: \[1, 0.9, 0.81\]/);
    assert.match(fs.readFileSync(path.join(cls, "feedback", "teacher-02.md"), "utf8"), /Written answers \(graded by hand\)\n\n1\.\n\n```text\nIt drops the past rewards/);
    assert.equal((stderr.match(/^\[\d+\/\d+\] /gm) ?? []).length, students.length - 3);
  });

  test("--notebook: a submission for another notebook gets zero for every exercise of the expected one", () => {
    const dir = path.join(tmp, "only02");
    fs.mkdirSync(dir);
    write(dir, "teacher-02.ipynb", instructor("02-reinforce"));
    write(dir, "wrong.ipynb", instructor("03-baselines"));
    const r = run("grade.ts", [dir, "--notebook", "02-reinforce", "--json", "--quiet"]);
    assert.equal(r.status, 0, r.stderr);
    const only = readGrades(dir);
    // --quiet: no progress lines, only the closing one; --json: the same grades as grades.csv, per student
    assert.doesNotMatch(r.stderr, /^(grading |\[\d+\/\d+\] )/m, r.stderr);
    assert.match(r.stderr, /^wrote .*grades\.csv \(6 rows\)/m);
    const json = JSON.parse(r.stdout.trim().split("\n").pop()!) as { students: { student: string; notebook: string; points: number; maxPoints: number; exercises: { points: number }[] }[] };
    assert.deepEqual(
      json.students.map((x) => [x.student, x.notebook, x.points, x.maxPoints, x.exercises.map((e) => e.points)]),
      ["teacher-02", "wrong"].map((st) => [st, "02-reinforce", pointsOf(only, st).reduce((a, b) => a + b, 0), of(only, st).reduce((a, x) => a + x.max, 0), pointsOf(only, st)]),
    );
    assert.deepEqual(of(only, "teacher-02"), of(rows, "teacher-02"), "the same grades alone as in the class with the broken submissions");
    assert.deepEqual(pointsOf(only, "wrong"), [0, 0, 0]);
    assert.ok(of(only, "wrong").every((x) => x.notebook === "02-reinforce" && /a submission for 03-baselines, not for 02-reinforce/.test(x.message)));
  });
});
