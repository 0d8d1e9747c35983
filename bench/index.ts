/**
 * `npm run bench [-- GROUP ...] [-- --json]`: runs the benchmarks (all groups, or those named) and
 * prints a table of medians; with --json, the last line is one JSON object with every figure.
 */
import { pendulumBench, trainingBench } from "./algorithms";
import { deeprmBench, deeprmTrainBench } from "./deeprm";
import { envs } from "./envs";
import { exactBench } from "./exact";
import { foundation } from "./foundation";
import { deeprmGradientBench, policiesBench } from "./policies";
import { type Bench, type Figures, medianOf } from "./harness";

const BENCHES: Bench[] = [envs, exactBench, policiesBench, trainingBench, pendulumBench, foundation, deeprmBench, deeprmTrainBench, deeprmGradientBench];

async function main(argv: string[]): Promise<void> {
  const json = argv.includes("--json");
  const groups = argv.filter((a) => !a.startsWith("--"));
  const known = [...new Set(BENCHES.map((b) => b.group))];
  const unknown = groups.filter((g) => !known.includes(g));
  if (unknown.length) {
    console.error(`bench: unknown group ${unknown.join(", ")}; available: ${known.join(", ")}`);
    process.exit(1);
  }
  const selected = BENCHES.filter((b) => groups.length === 0 || groups.includes(b.group));
  const all: Figures = {};
  const rows: [string, string, string][] = [];
  for (const bench of selected) {
    const figures = await medianOf(bench);
    Object.assign(all, figures);
    for (const [key, value] of Object.entries(figures)) {
      const shown = value === null || Number.isNaN(value) ? "n/a" : value === Infinity ? "not reached" : Number(value.toPrecision(4)).toLocaleString("en-US");
      rows.push([key, shown, bench.description[key] ?? ""]);
    }
  }
  if (json) {
    // JSON has no Infinity: a target never reached is reported as null
    console.log(JSON.stringify(all, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)));
    return;
  }
  const w0 = Math.max(...rows.map((r) => r[0].length), 6);
  const w1 = Math.max(...rows.map((r) => r[1].length), 6);
  console.log(`${"figure".padEnd(w0)}  ${"median".padStart(w1)}  what`);
  for (const [k, v, d] of rows) console.log(`${k.padEnd(w0)}  ${v.padStart(w1)}  ${d}`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
