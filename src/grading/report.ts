/**
 * What the grader writes for the teacher: grades.csv and one feedback file per student. Every piece of
 * text that comes from a submission (its file name, an error it threw, a value it returned, its written
 * answers) is escaped or fenced, so that it cannot make a line, a cell or a heading of the grader's own;
 * CSV cells that a spreadsheet would run as a formula are neutralised (OWASP, "CSV injection"); each
 * file appears whole or not at all (written beside, then renamed).
 */
import * as fs from "fs";
import * as path from "path";
import { type Verdict, formatVerdict } from "./verdict";

export interface GradeRow { student: string; notebook: string; exercise: string; points: number; maxPoints: number; message: string; verdict?: Verdict }

/** `text` on one line: line breaks, tabs and other control characters shown as escapes (\n, \u001b). */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

/**
 * `text` on one line, inside a line the grader starts (a table row, a heading), with every character
 * that opens an inline construct of Markdown backslash-escaped (emphasis, code, links, HTML, tables,
 * entities, math): it renders as itself.
 */
export function markdownText(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>#|~&$]/g, "\\$&");
}

/** A fenced code block around `text`: the fence is longer than any run of backticks inside, so it cannot be closed early. */
export function fenced(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\r/g, "\\r")}\n${fence}`;
}

/** One CSV cell: a formula's first character (= + - @ tab CR) is defused with a leading ', then quoted if needed. */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function gradesCsv(rows: GradeRow[]): string {
  const header = ["student", "notebook", "exercise", "points", "max points", "message"];
  const line = (r: GradeRow) => [r.student, r.notebook, r.exercise, r.points, r.maxPoints, r.message.replace(/\s+/g, " ")].map(csvCell).join(",");
  return [header.join(","), ...rows.map(line)].join("\n") + "\n";
}

/** A verdict whose texts (which may quote a submission) are each on one line. */
function oneLineVerdict(v: Verdict): Verdict {
  const f = v.failure;
  return { ...v, message: oneLine(v.message), failure: f && { input: oneLine(f.input), expected: oneLine(f.expected), received: oneLine(f.received), hint: oneLine(f.hint) } };
}

export interface FeedbackOf { student: string; file: string; notebook?: string; problem?: string; rows: GradeRow[]; answers: string[] }

/** A student's feedback (Markdown): the total, the table of verdicts, each failure in full, the written answers. */
export function feedbackText(s: FeedbackOf): string {
  const total = s.rows.reduce((a, r) => a + r.points, 0);
  const max = s.rows.reduce((a, r) => a + r.maxPoints, 0);
  const lines = [`# Feedback for ${markdownText(s.student)}`, "", `Notebook: ${markdownText(s.notebook ?? "unknown")} (file ${markdownText(path.basename(s.file))})`, "", `**Total: ${total} of ${max} points.**`, ""];
  if (s.problem) lines.push(`**Problem:** ${markdownText(s.problem)}.`, "");
  lines.push("| exercise | points | max points | verdict |", "|:---|:---|:---|:---|");
  for (const r of s.rows) lines.push(`| ${markdownText(r.exercise)} | ${r.points} | ${r.maxPoints} | ${markdownText(r.message)} |`);
  for (const r of s.rows.filter((x) => x.verdict && !x.verdict.passed && x.verdict.failure)) {
    lines.push("", `## Exercise ${markdownText(r.exercise)}`, "", fenced(formatVerdict(oneLineVerdict(r.verdict!))));
  }
  if (s.answers.length) {
    lines.push("", "## Written answers (graded by hand)");
    s.answers.forEach((a, i) => lines.push("", `${i + 1}.`, "", fenced(a || "(no answer)")));
  }
  return lines.join("\n") + "\n";
}

/** Writes `text` to `file` whole: into a new file beside it, then renamed over it. */
export function writeWhole(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file).slice(0, 100)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, text, { flag: "w" });
  fs.renameSync(temp, file);
}
