/**
 * Assignments from instructor notebooks, as plain functions on notebook JSON (nbformat 4), shared by
 * `npm run assignments` and `npm run grade`:
 *
 * - a solution region in a code cell runs from a line `// BEGIN SOLUTION` (optionally followed by a short
 *   instruction for the student, `// BEGIN SOLUTION: compute R_t backwards`) to a line `// END SOLUTION`;
 * - a written answer in a Markdown cell runs from `<!-- BEGIN ANSWER -->` to `<!-- END ANSWER -->`;
 * - a check cell calls `pg.grading.check.NAME(NAME)`; exercise N of a notebook is its N-th check, and
 *   its N-th solution region holds that exercise's solution.
 */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  id?: string;
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}
export interface NotebookJson {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

const BEGIN = /^([ \t]*)\/\/[ \t]*BEGIN SOLUTION\b[ \t:.-]*(.*)$/;
const END = /^[ \t]*\/\/[ \t]*END SOLUTION\b/;
const ANSWER = /<!--\s*BEGIN ANSWER\s*-->([\s\S]*?)<!--\s*END ANSWER\s*-->/g;
const CHECK = /\bpg\.grading\.check\.([A-Za-z_$][\w$]*)\s*\(/g;
/** Where a student version records which notebook it comes from and its exercises. */
export const METADATA_KEY = "pglab_assignment";
export const ANSWER_PROMPT = "*Write your answer here.*";

/**
 * Text that nbformat stores as a string or a list of strings (a cell's source, a stream's text), joined.
 * A file is untrusted input: lists nested inside the list are flattened without recursion (a `source`
 * nested 100,000 deep cannot overflow the stack), and any other value is its string form.
 */
export function joinText(text: unknown): string {
  if (typeof text === "string") return text;
  if (!Array.isArray(text)) return text === undefined || text === null ? "" : String(text);
  const parts: string[] = [];
  const stack: unknown[] = [text];
  while (stack.length) {
    const item = stack.pop();
    if (Array.isArray(item)) for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    else parts.push(typeof item === "string" ? item : item === undefined || item === null ? "" : String(item));
  }
  return parts.join("");
}

export function sourceOf(cell: NotebookCell): string {
  return joinText(cell.source);
}

/**
 * The notebook in `text` (nbformat 4 JSON), or an error that says what is wrong with it: the one reader
 * of notebook files for the grader, the student versions, the book and the tests. JSON.parse does not
 * recurse, and nothing here does, so a hostile file costs an error message, not a crash.
 */
export function parseNotebook(text: string, label?: string): NotebookJson {
  const at = label ? `${label}: ` : "";
  if (text.trim() === "") throw new Error(`${at}the file is empty`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${at}not a notebook: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const nb = parsed as Partial<NotebookJson> | null;
  if (!nb || typeof nb !== "object" || !Array.isArray(nb.cells) || !nb.cells.every((c: unknown) => c !== null && typeof c === "object" && !Array.isArray(c))) {
    throw new Error(`${at}not a notebook: no list of "cells"`);
  }
  if (nb.metadata === null || typeof nb.metadata !== "object" || Array.isArray(nb.metadata)) nb.metadata = {};
  return nb as NotebookJson;
}

/** Splits text into nbformat's list of lines (each but the last ending in "\n"). */
export function toLines(text: string): string[] {
  const parts = text.split("\n");
  return parts.map((p, i) => (i < parts.length - 1 ? p + "\n" : p)).filter((p, i) => !(i === parts.length - 1 && p === ""));
}

/** Names of the exercises a notebook checks, in order (exercise 1 first). */
export function checkedExercises(nb: NotebookJson): string[] {
  const names: string[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    for (const m of sourceOf(cell).matchAll(CHECK)) names.push(m[1]);
  }
  return names;
}

interface Region {
  cell: number;
  begin: number;
  end: number;
  indent: string;
  instruction: string;
}

/** The solution regions of a notebook, in order; a marker without its partner is an error naming the cell. */
export function solutionRegions(nb: NotebookJson, label = "notebook"): Region[] {
  const regions: Region[] = [];
  nb.cells.forEach((cell, c) => {
    if (cell.cell_type !== "code") return;
    const lines = sourceOf(cell).split("\n");
    let open: { line: number; indent: string; instruction: string } | null = null;
    lines.forEach((line, i) => {
      const b = BEGIN.exec(line);
      if (b) {
        if (open) throw new Error(`${label}, cell ${c + 1}: "// BEGIN SOLUTION" on line ${i + 1} before the region opened on line ${open.line + 1} was closed by "// END SOLUTION".`);
        open = { line: i, indent: b[1], instruction: b[2].trim() };
      } else if (END.test(line)) {
        if (!open) throw new Error(`${label}, cell ${c + 1}: "// END SOLUTION" on line ${i + 1} without a "// BEGIN SOLUTION" before it.`);
        regions.push({ cell: c, begin: open.line, end: i, indent: open.indent, instruction: open.instruction });
        open = null;
      }
    });
    if (open) throw new Error(`${label}, cell ${c + 1}: "// BEGIN SOLUTION" on line ${(open as { line: number }).line + 1} is never closed by "// END SOLUTION".`);
  });
  return regions;
}

export interface StudentVersion {
  notebook: NotebookJson;
  exercises: string[];
  answers: number;
}

/**
 * The student version of an instructor notebook: each solution region replaced by a stub that throws
 * `Error("Not implemented: exercise N")` after a comment with the instruction, each written answer by a
 * prompt, every output and execution count cleared, everything else unchanged. The notebook's name and
 * exercises go into its metadata (`pglab_assignment`), which the grader reads.
 */
export function studentVersion(instructor: NotebookJson, name: string): StudentVersion {
  const nb = JSON.parse(JSON.stringify(instructor)) as NotebookJson;
  if (!nb || !Array.isArray(nb.cells)) throw new Error(`${name}: not a notebook (no "cells" list).`);
  const regions = solutionRegions(nb, name);
  const exercises = checkedExercises(nb);
  if (regions.length !== exercises.length) {
    throw new Error(`${name}: ${regions.length} solution region(s) but ${exercises.length} check call(s) (${exercises.join(", ") || "none"}); ` +
      "each exercise needs one region (// BEGIN SOLUTION ... // END SOLUTION) and one pg.grading.check.NAME(NAME) cell after it, in the same order.");
  }
  const byCell = new Map<number, Region[]>();
  regions.forEach((r) => byCell.set(r.cell, [...(byCell.get(r.cell) ?? []), r]));
  let n = 0;
  let answers = 0;
  nb.cells.forEach((cell, c) => {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
      const rs = byCell.get(c);
      if (rs) {
        const lines = sourceOf(cell).split("\n");
        const out: string[] = [];
        let from = 0;
        for (const r of rs) {
          n++;
          out.push(...lines.slice(from, r.begin));
          out.push(`${r.indent}// Exercise ${n} (${exercises[n - 1]}): replace this line by your code${r.instruction ? `. ${r.instruction}` : "."}`);
          out.push(`${r.indent}throw new Error("Not implemented: exercise ${n}");`);
          from = r.end + 1;
        }
        out.push(...lines.slice(from));
        cell.source = toLines(out.join("\n"));
      }
    } else if (cell.cell_type === "markdown") {
      const src = sourceOf(cell);
      const replaced = src.replace(ANSWER, () => {
        answers++;
        return `<!-- BEGIN ANSWER -->\n${ANSWER_PROMPT}\n<!-- END ANSWER -->`;
      });
      if (replaced !== src) cell.source = toLines(replaced);
    }
  });
  nb.metadata = { ...nb.metadata, [METADATA_KEY]: { notebook: name, exercises } };
  return { notebook: nb, exercises, answers };
}

/** The written answers of a notebook, in order (the text between the markers, trimmed). */
export function writtenAnswers(nb: NotebookJson): string[] {
  return nb.cells.filter((c) => c.cell_type === "markdown").flatMap((c) => [...sourceOf(c).matchAll(ANSWER)].map((m) => m[1].trim()));
}

/** Whether `source` declares `name` at its top level: `function name`, `const/let/var name`. */
function declares(source: string, name: string): boolean {
  const n = name.replace(/\$/g, "\\$");
  // [ \t]* (not \s*) at a line's start: linear time on a cell of a million blank lines
  return new RegExp(`(^|\\n)[ \\t]*(export[ \\t]+)?(async[ \\t]+)?function[ \\t]*\\*?[ \\t]*${n}\\b|(^|\\n)[ \\t]*(export[ \\t]+)?(const|let|var)[ \\t]+${n}\\b`).test(source);
}

/**
 * The code of a submission that the grader runs: its code cells that hold a solution in the instructor
 * notebook (same cell id) or that declare one of the exercises' functions, in the submission's order.
 * Check cells and every other cell are left out, so what they print or change counts for nothing.
 */
export function submissionCode(submission: NotebookJson, instructor: NotebookJson, names: string[]): { cell: number; source: string }[] {
  const solutionIds = new Set(solutionRegions(instructor).map((r) => instructor.cells[r.cell].id).filter((id): id is string => typeof id === "string"));
  const out: { cell: number; source: string }[] = [];
  submission.cells.forEach((cell, c) => {
    if (!cell || cell.cell_type !== "code") return;
    const src = sourceOf(cell);
    if ((typeof cell.id === "string" && solutionIds.has(cell.id)) || names.some((n) => declares(src, n))) out.push({ cell: c, source: src });
  });
  return out;
}

/**
 * The code the grader runs for exercise `index` (counting from 0) of `names`: `submissionCode`, with one
 * definition of the graded function. A submission that defines it in several cells is graded on the one
 * in its solution cell (the cell with the id of the instructor's solution cell; else the first), and the
 * note says so.
 */
export function exerciseCode(submission: NotebookJson, instructor: NotebookJson, names: string[], index: number): { cells: { cell: number; source: string }[]; note?: string } {
  const name = names[index];
  const all = submissionCode(submission, instructor, names);
  const defining = all.filter((c) => declares(c.source, name));
  if (defining.length < 2) return { cells: all };
  const region = solutionRegions(instructor)[index];
  const solutionId = region ? instructor.cells[region.cell].id : undefined;
  const solution = defining.find((c) => solutionId !== undefined && submission.cells[c.cell].id === solutionId);
  const chosen = solution ?? defining[0];
  const where = defining.map((c) => c.cell + 1).join(", ");
  return {
    cells: all.filter((c) => c === chosen || !defining.includes(c)),
    note: `${name} is defined in cells ${where}; graded on ${solution ? "the solution cell" : "the first"}, cell ${chosen.cell + 1}`,
  };
}
