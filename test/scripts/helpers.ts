/** Shared by the command-line tests. */
import assert from "node:assert/strict";
import { UsageError } from "../../scripts/cli";

/** The UsageError message that `parse(argv)` throws (fails the test if it throws none, or another error). */
export function usageErrorOf(parse: (argv: string[]) => unknown): (argv: string[]) => string {
  return (argv) => {
    try {
      parse(argv);
    } catch (e) {
      assert.ok(e instanceof UsageError, `not a usage error: ${String(e)}`);
      return e.message;
    }
    assert.fail(`no error for ${argv.join(" ")}`);
  };
}

/** A command line split into words as a POSIX shell does for the quoting our examples use ('...' and "..."). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g)) {
    words.push(m[0].replace(/'([^']*)'|"([^"]*)"/g, (_, single: string | undefined, double: string | undefined) => single ?? double ?? ""));
  }
  return words;
}
