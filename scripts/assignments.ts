/**
 * `npm run assignments`: writes the student version of every lecture notebook to dist/assignments/
 * (solution regions replaced by stubs, written answers by a prompt, outputs cleared; see
 * src/grading/notebook.ts), with the pglab.ts loader the notebooks import.
 *
 *   npm run assignments                         every notebook in notebooks/
 *   npm run assignments -- 02-reinforce         only these
 *   npm run assignments -- --out DIR            somewhere else
 */
import * as fs from "fs";
import * as path from "path";
import { NOTEBOOK_DIR, ROOT, listNotebooks } from "./notebooks";
import { EXERCISES, parseNotebook, studentVersion } from "../src/grading/index";
import { UsageError, didYouMean, helpText, parseOptions } from "./cli";

export const OPTIONS = {
  out: { type: "string", value: "DIR", help: "where the student versions and their pglab.ts go", defaultText: "dist/assignments" },
  json: { type: "boolean", help: "print one JSON object instead of a line per notebook: per notebook, its file, exercises, points and written answers" },
  quiet: { type: "boolean", help: "no line per notebook (errors still go to stderr)" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

export const EXAMPLES = ["npm run assignments", "npm run assignments -- 02-reinforce 03-baselines", "npm run assignments -- --out handout --json"];

export const HELP = helpText({
  usage: "npm run assignments -- [NOTEBOOK ...] [options]",
  about: `Writes the student version of each lecture notebook (all, or the NOTEBOOKs named): solution
regions replaced by stubs, written answers by a prompt, outputs cleared; with the pglab.ts loader
the notebooks import. Notebooks: ${listNotebooks().join(", ")}.`,
  options: OPTIONS,
  examples: EXAMPLES,
});

/** The output folder and the notebooks, or null for --help; a mistake is a UsageError. */
export function parseArgs(argv: string[]): { out: string; names: string[]; json: boolean; quiet: boolean } | null {
  const { values, positionals } = parseOptions({ args: argv, options: OPTIONS, strict: true, allowPositionals: true }, "assignments");
  if (values.help) return null;
  const all = listNotebooks();
  const wanted = positionals.map((a) => a.replace(/\.ipynb$/, "").replace(/^.*[\\/]/, ""));
  for (const w of wanted) if (!all.includes(w)) throw new UsageError(`no notebook ${JSON.stringify(w)} in notebooks/${didYouMean(w, all)}; notebooks: ${all.join(", ")}.`);
  const out = values.out !== undefined ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out) : path.join(ROOT, "dist", "assignments");
  return { out, names: wanted.length ? wanted : all, json: values.json === true, quiet: values.quiet === true };
}

function main(): void {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`assignments: ${e.message}\nSee npm run assignments -- --help.`);
    process.exit(2);
  }
  if (parsed === null) {
    process.stdout.write(HELP);
    return;
  }
  const { out, names, json, quiet } = parsed;
  const written: { notebook: string; file: string; exercises: string[]; points: number; answers: number }[] = [];

  fs.mkdirSync(out, { recursive: true });
  let failed = false;
  for (const name of names) {
    try {
      const nb = parseNotebook(fs.readFileSync(path.join(NOTEBOOK_DIR, `${name}.ipynb`), "utf8"), `notebooks/${name}.ipynb`);
      const v = studentVersion(nb, name);
      const unknown = v.exercises.filter((e) => !(e in EXERCISES));
      if (unknown.length) throw new Error(`${name}: pg.grading.check.${unknown[0]} is not a graded exercise (known: ${Object.keys(EXERCISES).join(", ")})`);
      fs.writeFileSync(path.join(out, `${name}.ipynb`), JSON.stringify(v.notebook, null, 1) + "\n");
      const points = v.exercises.reduce((a, e) => a + EXERCISES[e].points, 0);
      const file = path.join(out, `${name}.ipynb`);
      written.push({ notebook: name, file, exercises: v.exercises, points, answers: v.answers });
      if (!json && !quiet) console.log(`${path.relative(process.cwd(), file)}: ${v.exercises.length} exercise(s) (${v.exercises.join(", ") || "none"}; ${points} points), ${v.answers} written answer(s)`);
    } catch (e) {
      failed = true;
      console.error(`npm run assignments: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // The notebooks import "./pglab": the same loader, its paths pointing at this project from `out`
  // (which need not be inside it).
  const rel = path.relative(out, ROOT).split(path.sep).join("/") || ".";
  const loader = fs
    .readFileSync(path.join(NOTEBOOK_DIR, "pglab.ts"), "utf8")
    .replace(/(["'])\.\.\//g, `$1${rel}/`)
    .replace(/(["'])@tensorflow\//g, `$1${rel}/node_modules/@tensorflow/`);
  fs.writeFileSync(path.join(out, "pglab.ts"), loader);
  if (json) console.log(JSON.stringify({ out, loader: path.join(out, "pglab.ts"), notebooks: written }));
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
