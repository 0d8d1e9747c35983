/**
 * Verdicts: what a function's outputs on an exercise's cases are worth. Shared by the self-checks in
 * the notebooks (`pg.grading.check.NAME(fn)`, the function called in the notebook's own process) and
 * the grader (`npm run grade`, the outputs computed in a separate process and compared here, in the
 * grader's own process, with references the submission never touched).
 */
import { EXERCISES, type Exercise } from "./exercises";
import { type Plain, copyPlain, difference, format, toPlain } from "./values";

/** What one call of the student's function gave: a value, or the error it threw. */
export type Outcome = { value: Plain } | { error: string };

export interface Failure {
  /** The arguments, named: `rewards = [1, 2], gamma = 0.9`. */
  input: string;
  expected: string;
  received: string;
  /** Where they differ, and the symptom when the outputs match a typical mistake. */
  hint: string;
}

export interface Verdict {
  exercise: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  /** Cases run and cases passed. */
  cases: number;
  passedCases: number;
  /** One line: "passed all 17 cases", or the symptom. */
  message: string;
  failure?: Failure;
}

/** The exercise called `name`, or an error that lists the known ones. */
export function exercise(name: string): Exercise {
  const e = Object.prototype.hasOwnProperty.call(EXERCISES, name) ? EXERCISES[name] : undefined;
  if (!e) throw new RangeError(`no graded exercise is called ${JSON.stringify(name)}; known: ${Object.keys(EXERCISES).join(", ")}.`);
  return e;
}

/** The argument lists an exercise is checked on: the self-check's (seed 0), plus hidden ones when grading. */
export function casesOf(e: Exercise, hidden = false): unknown[][] {
  return hidden ? [...e.cases(0), ...e.cases(20261128)] : e.cases(0);
}

function describeInput(e: Exercise, args: unknown[]): string {
  return args.map((a, i) => `${e.args[i] ?? `argument ${i + 1}`} = ${format(toPlain(a), 12)}`).join(", ");
}

/** A zero-point verdict for a function that could not be run at all (not defined, a crash, a time-out). */
export function notRun(name: string, message: string): Verdict {
  const e = exercise(name);
  return { exercise: name, points: 0, maxPoints: e.points, passed: false, cases: 0, passedCases: 0, message };
}

/**
 * The verdict on `outcomes` (one per case, in order; fewer when the function stopped early). All cases
 * must pass for the exercise's points. A failure names the first failing case, and the typical mistake
 * that reproduces every output received, if one does.
 */
export function judge(name: string, cases: unknown[][], outcomes: Outcome[]): Verdict {
  const e = exercise(name);
  let passedCases = 0;
  let first: { k: number; why: string } | undefined;
  const expected = cases.map((args) => toPlain(e.reference(...copyPlain(args))));
  outcomes.forEach((o, k) => {
    const why = "error" in o ? `it threw ${o.error}` : difference(expected[k], o.value, e.tolerance);
    if (why === null) passedCases++;
    else if (!first) first = { k, why };
  });
  if (!first && outcomes.length < cases.length) first = { k: outcomes.length, why: "the function stopped before this case (see the message)" };
  if (!first) {
    return { exercise: name, points: e.points, maxPoints: e.points, passed: true, cases: cases.length, passedCases, message: `${name}: passed all ${cases.length} cases` };
  }
  const { k, why } = first;
  const o = outcomes[k];
  const returned = outcomes.map((x, i) => ({ x, i })).filter(({ x }) => "value" in x) as { x: { value: Plain }; i: number }[];
  const explains = (m: Exercise["mistakes"][number]) => {
    try {
      return returned.length > 0 && returned.every(({ x, i }) => difference(toPlain(m.wrong(...copyPlain(cases[i]))), x.value, e.tolerance) === null);
    } catch {
      return false;
    }
  };
  const mistake = o && "value" in o ? e.mistakes.find(explains) : undefined;
  const notImplemented = o && "error" in o && /Not implemented/.test(o.error);
  const symptom = notImplemented ? "not implemented yet" : mistake ? mistake.symptom : why;
  const failure: Failure = {
    input: describeInput(e, cases[k]),
    expected: format(expected[k]),
    received: o ? ("error" in o ? `an error: ${o.error}` : format(o.value)) : "(nothing)",
    hint: mistake ? e.hint : `${why}. ${e.hint}`,
  };
  return { exercise: name, points: 0, maxPoints: e.points, passed: false, cases: cases.length, passedCases, message: `${name}: ${symptom} (${passedCases} of ${cases.length} cases passed)`, failure };
}

/** Calls `fn` on every case in this process (inputs copied first) and judges the results. */
export function runCheck(name: string, fn: unknown, hidden = false): Verdict {
  const e = exercise(name);
  if (typeof fn !== "function") return notRun(name, `${name}: expected a function ${e.signature}; received ${fn === undefined ? "undefined" : typeof fn}`);
  const cases = casesOf(e, hidden);
  const outcomes: Outcome[] = cases.map((args) => {
    try {
      return { value: toPlain((fn as (...a: unknown[]) => unknown)(...copyPlain(args))) };
    } catch (err) {
      return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  });
  return judge(name, cases, outcomes);
}

/** A verdict as lines of text: the points, then for a failure the input, expected, received and hint. */
export function formatVerdict(v: Verdict): string {
  const head = `${v.passed ? "PASSED" : "FAILED"} ${v.exercise}: ${v.points} of ${v.maxPoints} points`;
  if (v.passed) return `${head} (all ${v.cases} cases)`;
  const lines = [head, `  ${v.message}`];
  if (v.failure) {
    lines.push(`  input:    ${v.failure.input}`, `  expected: ${v.failure.expected}`, `  received: ${v.failure.received}`, `  hint:     ${v.failure.hint}`);
  }
  return lines.join("\n");
}
