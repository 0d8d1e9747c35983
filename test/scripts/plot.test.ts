/**
 * `npm run plot`: several run folders in one offline page. Runs are made up here (known numbers), in
 * the three forms a folder can have: finished (progress.json), interrupted (progress.csv only), and
 * the first layout (history-seed<N>.json). The page's data are checked, then the page is drawn in
 * headless Chromium and every run must be drawn.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { UsageError, main } from "../../scripts/plot";
import { CREATED_BY, csvHeader, csvLine } from "../../scripts/runs";
import { findChromium, renderedDom } from "../book/chromium";

const root = path.join(__dirname, "..", "..");

/** One seed's rows: `n` iterations of 100 steps and 0.5 s, the return growing by `slope` per iteration. */
function rows(n: number, slope: number, offset: number) {
  return Array.from({ length: n }, (_, i) => ({ iteration: i + 1, envSteps: 100 * (i + 1), meanReturn100: offset + slope * (i + 1), entropy: 0.7, wallTime: 0.5 * (i + 1) }));
}

function makeRuns(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-plot-"));
  const write = (run: string, form: "json" | "csv" | "flat", seeds: Record<number, ReturnType<typeof rows>>, target?: number) => {
    const folder = path.join(dir, "runs", run);
    fs.mkdirSync(folder, { recursive: true });
    const config = { env: "CartPole-v1", totalSteps: 1000, targetReturn: target ?? null };
    fs.writeFileSync(path.join(folder, "config.json"), JSON.stringify(form === "flat" ? { algo: "reinforce", seeds: 1, config } : { createdBy: CREATED_BY, algo: run.split("-")[0], env: "CartPole-v1", seeds: Object.keys(seeds).map(Number), config, library: { name: "x", version: "0.1.0", commit: "abc", dirty: false } }));
    for (const [seed, r] of Object.entries(seeds)) {
      if (form === "flat") {
        fs.writeFileSync(path.join(folder, `history-seed${seed}.json`), JSON.stringify(r));
        continue;
      }
      fs.mkdirSync(path.join(folder, `seed${seed}`));
      const cols = Object.keys(r[0]);
      fs.writeFileSync(path.join(folder, `seed${seed}`, "progress.csv"), csvHeader(cols) + r.map((row) => csvLine(row, cols)).join(""));
      if (form === "json") fs.writeFileSync(path.join(folder, `seed${seed}`, "progress.json"), JSON.stringify(r));
    }
  };
  write("a2c-run", "json", { 0: rows(10, 40, 0), 1: rows(10, 30, 0), 2: rows(4, 50, 0) }, 200); // seed 2 reached 200 at 400 steps
  write("reinforce-run", "csv", { 0: rows(10, 10, 5), 1: rows(10, 20, 5) });
  write("old-layout", "flat", { 0: rows(10, 5, 1) });
  fs.mkdirSync(path.join(dir, "runs", "not-a-run"));
  return dir;
}

type Trace = { name: string; x: number[]; y: (number | null)[]; fill?: string };
function figureOf(html: string): { data: Trace[]; layout: { shapes: { y0: number }[] } } {
  const m = /var fig = (\{.*\});\n/.exec(html);
  assert.ok(m, "no figure in the page");
  return JSON.parse(m[1]);
}

test("several run folders in one offline page: a mean and a band per run, the target, every run drawn", () => {
  const dir = makeRuns();
  const out = path.join(dir, "compare.html");
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "plot.ts"), path.join(dir, "runs"), "--out", out], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*compare\.html: 3 runs \(a2c-run, old-layout, reinforce-run\)/);
  const html = fs.readFileSync(out, "utf8");
  assert.ok(!/<(script|link)[^>]+(src|href)\s*=\s*["']?(https?:)?\/\//i.test(html), "nothing from the network");
  assert.ok(html.length > 3e6, "plotly.js is inside the page");

  const fig = figureOf(html);
  const mean = (name: string) => fig.data.find((t) => t.name === name && !t.fill)!;
  const band = (name: string) => fig.data.find((t) => t.fill === "toself" && t.name.startsWith(`${name}: `))!;
  const a2c = mean("a2c-run (mean of 3 seeds)");
  assert.equal(a2c.x[0], 100);
  assert.equal(a2c.x[a2c.x.length - 1], 1000);
  // At 1000 steps: seeds 0 and 1 at 400 and 300; seed 2 stopped at 200 and is held there.
  assert.equal(a2c.y[a2c.y.length - 1], 300);
  assert.equal(a2c.y[0], (40 + 30 + 50) / 3);
  const a2cBand = band("a2c-run");
  assert.match(a2cBand.name, /range from the lowest to the highest seed \(3 seeds\)/);
  const k = a2cBand.x.length / 2;
  assert.deepEqual([a2cBand.y[k - 1], a2cBand.y[k]], [400, 200], "upper ends at the best seed, lower at the worst");
  assert.ok(mean("reinforce-run (mean of 2 seeds)"), "the interrupted run (CSV only) is read");
  assert.ok(mean("old-layout (mean of 1 seed)"), "the first layout is read");
  assert.equal(fig.data.filter((t) => t.fill === "toself").length, 2, "no band for a single seed");
  assert.deepEqual(fig.layout.shapes.map((s) => s.y0), [200], "the target line: the runs' targetReturn");

  let chromium: string;
  try {
    chromium = findChromium();
  } catch (e) {
    assert.ok(!process.env.CI, `CI must have Chromium (the book check needs it too): ${(e as Error).message}`);
    return; // a developer's machine without Chromium: the page's data were checked above
  }
  const dom = renderedDom(chromium, out, { virtualTimeMs: 20000 });
  assert.match(dom, /class="[^"]*pglab-figure[^"]*js-plotly-plot/, "plotly drew the figure");
  const legend = [...dom.matchAll(/class="legendtext"[^>]*>([^<]*)</g)].map((m) => m[1]);
  for (const name of ["a2c-run (mean of 3 seeds)", "reinforce-run (mean of 2 seeds)", "old-layout (mean of 1 seed)"]) assert.ok(legend.includes(name), `legend: ${legend.join(" | ")}`);
  const lines = [...dom.matchAll(/class="js-line"[^>]*d="(M[^"]+)"/g)].filter((m) => m[1].includes("L"));
  assert.ok(lines.length >= 3, `${lines.length} curves drawn, expected one per run`);
  assert.ok([...dom.matchAll(/class="js-fill"[^>]*d="M/g)].length >= 2, "the bands are drawn");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("options: wall time on x, another column, per-seed lines, another band; errors name the value", () => {
  const dir = makeRuns();
  const runs = path.join(dir, "runs");
  const out = path.join(dir, "time.html");
  main([path.join(runs, "a2c-run"), path.join(runs, "reinforce-run"), "--x", "time", "--band", "ci95", "--seeds", "--target", "none", "--out", out]);
  const fig = figureOf(fs.readFileSync(out, "utf8"));
  const a2c = fig.data.find((t) => t.name === "a2c-run (mean of 3 seeds)")!;
  assert.deepEqual([a2c.x[0], a2c.x[a2c.x.length - 1]], [0.5, 5], "x is wall time");
  assert.ok(fig.data.some((t) => t.name === "a2c-run: seeds"), "per-seed lines");
  assert.ok(fig.data.some((t) => /a2c-run: 95% confidence interval of the mean/.test(t.name)));
  assert.deepEqual(fig.layout.shapes, [], "--target none");
  main([path.join(runs, "a2c-run"), "--y", "entropy", "--out", out, "--overwrite"]);
  assert.ok(figureOf(fs.readFileSync(out, "utf8")).data.some((t) => t.name === "mean over 3 seeds" && t.y.every((v) => Math.abs((v ?? 0) - 0.7) < 1e-12)));

  const message = (argv: string[]) => {
    try {
      main(argv);
    } catch (e) {
      assert.ok(e instanceof UsageError, String(e));
      return e.message;
    }
    return assert.fail(`no error for ${argv.join(" ")}`);
  };
  main([path.join(runs, "a2c-run"), "--out", out]); // a page of its own is replaced
  const foreign = path.join(dir, "notes.html");
  fs.writeFileSync(foreign, "<p>mine</p>");
  assert.match(message([path.join(runs, "a2c-run"), "--out", foreign]), /notes\.html exists and is not a page of npm run plot; add --overwrite to replace it, or choose another --out/);
  assert.equal(fs.readFileSync(foreign, "utf8"), "<p>mine</p>");
  main([runs]);
  assert.ok(fs.existsSync(path.join(runs, "plot.html")), "by default next to the runs");
  assert.match(message([path.join(runs, "not-a-run"), "--out", out, "--overwrite"]), /not-a-run is not a run folder \(no config\.json\) and holds none/);
  assert.match(message([path.join(runs, "a2c-run", "config.json")]), /config\.json is a file; give run folders written by npm run train --out/);
  assert.match(message([path.join(dir, "nothing-here")]), /nothing-here does not exist/);
  assert.match(message([path.join(runs, "a2c-run"), "--band", "minmx"]), /--band minmx: expected one of minmax, ci95, sd, none \(did you mean minmax\?\)/);
  assert.match(message([path.join(runs, "a2c-run"), "--y", "meanReturn10", "--out", out, "--overwrite"]), /--y meanReturn10: no such column in the runs' progress \(did you mean meanReturn100\?\); columns: iteration, envSteps, meanReturn100, entropy, wallTime/);
  assert.match(message([path.join(runs, "a2c-run"), "--xaxis", "time"]), /unknown option --xaxis/);
  assert.match(message([]), /give at least one run folder/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("plot --help documents the command", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "plot.ts"), "--help"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0);
  for (const word of ["npm run plot -- RUN", "--out", "--x steps|time", "--y COLUMN", "--band", "minmax", "ci95", "--seeds", "--target", "--title"]) assert.ok(r.stdout.includes(word), word);
});
