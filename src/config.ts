/**
 * Run settings shared by notebooks, scripts and tests.
 *
 * `PG_QUICK=1` (or `true`) selects quick mode: every notebook shrinks its budgets so that the whole
 * notebook runs in seconds (the smoke tests use it). `budget(full, quick)` picks one of the two.
 */

/** True when quick mode is on (`PG_QUICK` set to 1, true or yes). */
export function isQuick(env: Record<string, string | undefined> = process.env): boolean {
  const v = (env.PG_QUICK ?? "").trim().toLowerCase();
  return v === "1" || v === "true" || v === "yes";
}

/** `full` normally, `quick` in quick mode. */
export function budget<T>(full: T, quick: T): T {
  return isQuick() ? quick : full;
}
