/**
 * Show a library function's source in a notebook, so that a notebook that derives a result can show
 * the code that implements it: `showSource("estimators/returns.ts", "totalReturn")`.
 */
import * as fs from "fs";
import * as path from "path";
import { markdown } from "./display";

function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("showSource: the project folder (with package.json) was not found above the library.");
    dir = up;
  }
  return dir;
}

/** The source of the exported function, class or constant `name` in src/<file>, with its doc comment. */
export function sourceOf(file: string, name: string): string {
  const full = path.join(projectRoot(), "src", file);
  if (!fs.existsSync(full)) throw new RangeError(`showSource: src/${file} does not exist.`);
  const lines = fs.readFileSync(full, "utf8").split("\n");
  const start = lines.findIndex((l) => new RegExp(`^export (async )?(function|class|const|interface) ${name}\\b`).test(l));
  if (start < 0) throw new RangeError(`showSource: no exported ${JSON.stringify(name)} in src/${file}.`);
  let first = start;
  while (first > 0 && /^\s*(\/\*\*|\*)/.test(lines[first - 1])) first--;
  let end = start;
  if (!/;\s*$/.test(lines[start])) while (end < lines.length - 1 && lines[end] !== "}") end++;
  return lines.slice(first, end + 1).join("\n");
}

/** Display the source (see `sourceOf`) as a TypeScript code block. */
export function showSource(file: string, name: string): void {
  markdown(`From \`src/${file}\`:\n\n\`\`\`ts\n${sourceOf(file, name)}\n\`\`\``);
}
