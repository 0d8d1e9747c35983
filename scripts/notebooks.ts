/**
 * Reading notebooks: shared by the book build, the notebook smoke test and the book check. The file is
 * read by the grader's reader (src/grading/notebook.ts: no recursion, so no file can overflow the stack);
 * these types add what the book needs to see of a notebook's outputs.
 */
import * as fs from "fs";
import * as path from "path";
import { joinText, parseNotebook } from "../src/grading/notebook";

export const ROOT = path.resolve(__dirname, "..");
export const NOTEBOOK_DIR = path.join(ROOT, "notebooks");

export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
  id?: string;
}
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Names (without .ipynb) of the notebooks in notebooks/, in order. */
export function listNotebooks(dir = NOTEBOOK_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.startsWith("."))
    .map((f) => f.slice(0, -".ipynb".length))
    .sort();
}

export function readNotebook(file: string): Notebook {
  return parseNotebook(fs.readFileSync(file, "utf8"), file) as unknown as Notebook;
}

export function cellSource(cell: Cell): string {
  return joinText(cell.source);
}

export function streamText(output: Output): string {
  return joinText(output.text);
}

/** The first non-blank line of a cell's source, for error messages. */
export function firstLine(source: string): string {
  return source.split("\n").find((l) => l.trim() !== "")?.trim() ?? "(empty cell)";
}

/** Where a cell is, for humans: "cell 7 (code cell 4)", counting from 1. */
export function describeCell(nb: Notebook, index: number): string {
  const code = nb.cells.slice(0, index + 1).filter((c) => c.cell_type === "code").length;
  return `cell ${index + 1} (code cell ${code})`;
}

/**
 * The real error message in what tslab wrote to stderr: a compile diagnostic ("3:7 - Cannot find
 * name 'x'.") or the "SomeError: message" line of a stack trace; otherwise the first lines.
 */
export function errorMessage(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trimEnd());
  const diagnostics = lines.filter((l) => /^\d+:\d+ - /.test(l));
  if (diagnostics.length) return diagnostics.join("\n");
  const thrown = lines.find((l) => /^\s*(?:[A-Za-z_$][\w$]*)?(Error|Exception)\b/.test(l) && !/^\s+at /.test(l));
  if (thrown) return thrown.trim();
  const text = lines.filter((l) => l.trim() !== "").slice(0, 5).join("\n");
  return text || "(the kernel reported a failure but wrote no message)";
}

/** Marks written by tslab when an exception escapes after a cell finished. */
export const LATE_ERROR_MARKS = ["UncaughtException:", "UnhandledPromiseRejection:"];

/** Title (first Markdown heading) and one-line summary (the Goal paragraph's first sentence). */
export function describeNotebook(nb: Notebook, fallback: string): { title: string; summary: string } {
  const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map(cellSource).join("\n\n");
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? fallback;
  const goal = /\*\*Goal\.?\*\*\s*([\s\S]+?)(?:\n\s*\n|$)/.exec(markdown)?.[1] ?? "";
  const flat = goal.replace(/\s+/g, " ").trim();
  const summary = (/^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat).replace(/[*_`]/g, "");
  return { title, summary };
}

/** Number of plotly figures a notebook's outputs hold. */
export function countFigures(nb: Notebook): number {
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data && "application/vnd.plotly.v1+json" in o.data).length;
}

/** Number of outputs of any kind: committed notebooks must have none. */
export function countOutputs(nb: Notebook): number {
  return nb.cells.reduce((n, c) => n + (c.outputs?.length ?? 0), 0);
}
