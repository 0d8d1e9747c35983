/** "Did you mean": the valid name closest to a misspelt one, for error messages. */

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * The valid name closest to `name`: a known synonym, else by edit distance (at most about a third of
 * the name's length), else one that contains it or is contained in it. Undefined if nothing is close.
 */
export function closest(name: string, valid: readonly string[], synonyms: Record<string, string> = {}): string | undefined {
  const synonym = synonyms[name.toLowerCase()];
  if (synonym && valid.includes(synonym)) return synonym;
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = distance(name, v);
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  if (best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3))) return best;
  const lower = name.toLowerCase();
  return valid.find((v) => v.toLowerCase().includes(lower) || lower.includes(v.toLowerCase()));
}

/** " (did you mean X?)" or "". */
export function didYouMean(name: string, valid: readonly string[], synonyms?: Record<string, string>): string {
  const near = closest(name, valid, synonyms);
  return near ? ` (did you mean ${near}?)` : "";
}
