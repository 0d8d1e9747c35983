/**
 * What an exercise process reports, read by the grader as untrusted input: one line of JSON on a pipe,
 * with the token the grader gave that process. Everything is checked before use: the shape, the size
 * (the line is capped while it arrives; `MAX_REPORT_BYTES`), and the depth and number of the values,
 * so that no message, however built, can stop the grader or reach a formatter that recurses.
 */
import type { Outcome } from "./verdict";
import type { Plain } from "./values";

/** The largest report the grader reads (bytes); beyond it the exercise is lost. */
export const MAX_REPORT_BYTES = 64 << 20;
const MAX_DEPTH = 8;
const MAX_NODES = 5_000_000;
const MAX_TEXT = 500;

export type Report =
  | { type: "missing"; errors: string[]; used: string[] }
  | { type: "result"; outcomes: Outcome[]; errors: string[]; used: string[] };

/** At most `n` characters of `text`, for a message that shows what arrived. */
function excerpt(text: string, n = 120): string {
  return JSON.stringify(text.length > n ? `${text.slice(0, n)}...` : text);
}

const cut = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}... (${s.length} characters)` : s);

function strings(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new Error(`"${what}" is not a list of strings`);
  return v.slice(0, 50).map(cut);
}

/** Whether `v` is a Plain value no deeper than MAX_DEPTH, with at most MAX_NODES parts; iterative. */
function plainProblem(v: unknown): string | null {
  const stack: { v: unknown; depth: number }[] = [{ v, depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const { v: x, depth } = stack.pop()!;
    if (++nodes > MAX_NODES) return `more than ${MAX_NODES} values`;
    if (x === null || typeof x === "number" || typeof x === "string" || typeof x === "boolean") continue;
    if (typeof x !== "object") return `a value of type ${typeof x}`;
    if (depth >= MAX_DEPTH) return `a value nested more than ${MAX_DEPTH} levels deep`;
    for (const y of Array.isArray(x) ? x : Object.values(x as object)) stack.push({ v: y, depth: depth + 1 });
  }
  return null;
}

function outcome(o: unknown, k: number): Outcome {
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new Error(`outcome ${k + 1} is not an object`);
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === "error" && typeof (o as { error: unknown }).error === "string") return { error: cut((o as { error: string }).error) };
  if (keys.length !== 1 || keys[0] !== "value") throw new Error(`outcome ${k + 1} has the fields ${excerpt(keys.join(", "), 60)}, not "value" or "error"`);
  const problem = plainProblem((o as { value: unknown }).value);
  if (problem) throw new Error(`outcome ${k + 1} holds ${problem}`);
  return { value: (o as { value: Plain }).value };
}

/**
 * The report in `line`, if it is one: valid JSON, an object with `token`, a known `type`, and fields of
 * the right shape (at most `cases` outcomes). Otherwise an error whose message says what arrived.
 */
export function parseReport(line: string, token: string, cases: number): Report {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    throw new Error(`not JSON: ${excerpt(line)}`);
  }
  if (m === null || typeof m !== "object" || Array.isArray(m)) throw new Error(`not an object: ${excerpt(line)}`);
  const r = m as Record<string, unknown>;
  if (r.token !== token) throw new Error(`a message without the grader's token: ${excerpt(line)}`);
  const errors = strings(r.errors, "errors");
  const used = strings(r.used, "used");
  if (r.type === "missing") return { type: "missing", errors, used };
  if (r.type === "unreportable") throw new Error("the results could not be written as JSON (did the submission change JSON.stringify or add a toJSON?)");
  if (r.type !== "result") throw new Error(`a message of type ${excerpt(String(r.type), 40)}: ${excerpt(line)}`);
  if (!Array.isArray(r.outcomes)) throw new Error(`"outcomes" is not a list: ${excerpt(line)}`);
  if (r.outcomes.length > cases) throw new Error(`${r.outcomes.length} outcomes for ${cases} cases`);
  return { type: "result", outcomes: r.outcomes.map(outcome), errors, used };
}
