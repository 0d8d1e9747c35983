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
