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

function usage(message: string): never {
  console.error(`npm run assignments: ${message}\nusage: npm run assignments [-- [--out DIR] [NOTEBOOK ...]]  (notebooks: ${listNotebooks().join(", ")})`);
  process.exit(2);
}

const args = process.argv.slice(2);
let out = path.join(ROOT, "dist", "assignments");
const wanted: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out") {
    if (!args[i + 1]) usage("--out needs a folder");
    out = path.resolve(args[++i]);
  } else if (args[i] === "--help" || args[i] === "-h") usage("help");
  else if (args[i].startsWith("-")) usage(`unknown option ${args[i]}`);
  else wanted.push(args[i].replace(/\.ipynb$/, "").replace(/^.*[\\/]/, ""));
}
const all = listNotebooks();
for (const w of wanted) if (!all.includes(w)) usage(`no notebook ${JSON.stringify(w)} in notebooks/`);
const names = wanted.length ? wanted : all;

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
    console.log(`${path.relative(process.cwd(), path.join(out, `${name}.ipynb`))}: ${v.exercises.length} exercise(s) (${v.exercises.join(", ") || "none"}; ${points} points), ${v.answers} written answer(s)`);
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
process.exit(failed ? 1 : 0);
