/**
 * Values that cross the line between a student's function and a check: normalised to plain JSON
 * (typed arrays to arrays, NaN and infinities to strings, functions and cycles named), compared with a
 * tolerance, and printed short enough for a verdict line.
 */

/** A JSON value; non-finite numbers travel as the strings "NaN", "Infinity", "-Infinity". */
export type Plain = number | string | boolean | null | Plain[] | { [key: string]: Plain };

/** `value` as plain JSON: what a check compares, and what a grading process sends back. */
export function toPlain(value: unknown, depth = 0): Plain {
  if (depth > 6) return "(nested too deeply)";
  if (value === undefined) return "undefined";
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "function") return "(a function)";
  if (typeof value === "symbol") return String(value);
  if (ArrayBuffer.isView(value) && "length" in value) return Array.from(value as unknown as ArrayLike<number>, (x) => toPlain(x, depth + 1));
  if (Array.isArray(value)) return value.slice(0, 100_000).map((x) => toPlain(x, depth + 1));
  if (typeof value === "object") {
    if (typeof (value as { then?: unknown }).then === "function") return "(a Promise: the function must return its result, not a Promise)";
    const out: { [key: string]: Plain } = {};
    for (const k of Object.keys(value as object).slice(0, 1000)) out[k] = toPlain((value as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return String(value);
}

/** A deep copy of plain arguments, so that a function that edits its inputs cannot change the reference's. */
export function copyPlain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Where `received` differs from `expected` (null if it does not): numbers within `tolerance` relative to
 * max(1, |expected|), arrays of the same length element by element, objects key by key of `expected`.
 */
export function difference(expected: Plain, received: Plain, tolerance: number, where = ""): string | null {
  const at = where ? ` at ${where}` : "";
  if (typeof expected === "number") {
    if (typeof received !== "number") return `expected a number${at}, received ${describe(received)}`;
    return Math.abs(received - expected) <= tolerance * Math.max(1, Math.abs(expected)) ? null : `${at ? where + ": " : ""}expected ${format(expected)}, received ${format(received)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(received)) return `expected a list of ${expected.length} numbers${at}, received ${describe(received)}`;
    if (received.length !== expected.length) return `expected ${expected.length} values${at}, received ${received.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = difference(expected[i], received[i], tolerance, `${where}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (received === null || typeof received !== "object" || Array.isArray(received)) return `expected an object with ${Object.keys(expected).join(", ")}${at}, received ${describe(received)}`;
    for (const k of Object.keys(expected)) {
      if (!(k in received)) return `the result has no field "${k}"${at}`;
      const d = difference(expected[k], received[k], tolerance, where ? `${where}.${k}` : k);
      if (d) return d;
    }
    return null;
  }
  return expected === received ? null : `expected ${format(expected)}${at}, received ${format(received)}`;
}

function describe(v: Plain): string {
  if (v === "undefined") return "undefined (did the function return its result?)";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return format(v);
}

/** A value printed for a verdict: numbers to 6 significant digits, long lists and objects cut after 8 elements, long strings after 200 characters. */
export function format(v: Plain, maxItems = 8): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === "string") return v === "NaN" || /^-?Infinity$/.test(v) || v === "undefined" ? v : v.length > 200 ? `${JSON.stringify(v.slice(0, 200))}... (${v.length} characters)` : JSON.stringify(v);
  if (Array.isArray(v)) {
    const shown = v.slice(0, maxItems).map((x) => format(x, maxItems));
    return `[${shown.join(", ")}${v.length > maxItems ? `, ... (${v.length} values)` : ""}]`;
  }
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    const shown = keys.slice(0, maxItems).map((k) => `${k.length > 40 ? JSON.stringify(k.slice(0, 40)) + "..." : k}: ${format(v[k], maxItems)}`);
    return `{ ${shown.join(", ")}${keys.length > maxItems ? `, ... (${keys.length} fields)` : ""} }`;
  }
  return String(v);
}
