/**
 * data/cartpole-solve/results.json (written by `npm run cartpole-solve`, read by notebook 06) and
 * data/cartpole-solve/ablation.json (the same script with the one-change ablations, notebook 06's table 2) are whole
 * and consistent: every variant with every seed; a solved seed's curve ends at 475 or more exactly at
 * solvedAtSteps and stays below before it; a seed not solved has nulls, never reached 475 and used its
 * whole budget; each config passes the library's config checks and is what the variant's settings
 * resolve to with today's defaults (else the file is stale: run `npm run cartpole-solve` again).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, test } from "node:test";
import { resolveConfig } from "../../src/algorithms/registry";
import { ABLATIONS, ABLATION_OUT, CURVE_POINTS, DEFAULT_CAP, DEFAULT_OUT, type SolveResults, TARGET_RETURN, VARIANTS, type Variant, variantConfig } from "../../scripts/cartpole-solve";

/** The largest batch of env steps one iteration can take (REINFORCE's and the Q actor-critic's 2,000; A2C's 16 x 32). */
const BATCH = 2048;
const withoutNulls = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== null));
const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (x === undefined ? null : x)));
/**
 * Options added to the library after the file was made, at the values that keep the old behaviour:
 * a resolved config now carries them; where the file lacks them they must hold exactly these values.
 */
const ADDED_SINCE: Record<string, unknown> = { optimizer: "adam", sde: false };
const asShipped = (resolved: Record<string, unknown>, file: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(resolved).filter(([k, v]) => k in file || !(k in ADDED_SINCE && v === ADDED_SINCE[k])));

const FILES: { file: string; variants: Variant[] }[] = [
  { file: DEFAULT_OUT, variants: VARIANTS },
  { file: ABLATION_OUT, variants: ABLATIONS },
];

for (const { file, variants: expected } of FILES) describe(file.split("/").slice(-2).join("/"), () => {
  const text = fs.readFileSync(file, "utf8");
  const data = JSON.parse(text) as SolveResults;

  test("the file: complete, seeds 0-4, the 500,000-step cap, under 1 MB, with its provenance", () => {
    assert.equal(data.complete, true, "an interrupted generation");
    assert.deepEqual(data.seeds, [0, 1, 2, 3, 4]);
    assert.equal(data.cap, DEFAULT_CAP);
    assert.equal(data.targetReturn, TARGET_RETURN);
    assert.equal(data.workers, 1, "wall times per single core");
    assert.ok(Buffer.byteLength(text) < 1_000_000, `${Buffer.byteLength(text)} bytes`);
    assert.equal(data.loadavgStart.length, 3);
    assert.equal(data.loadavgEnd?.length, 3);
    assert.match(data.library.commit ?? "", /^[0-9a-f]{40}$/);
    assert.match(data.command, /^npm run cartpole-solve/);
  });

  test("every variant, in order, with every seed", () => {
    assert.deepEqual(data.variants.map((v) => v.key), expected.map((v) => v.key));
    for (const v of data.variants) assert.deepEqual(v.seeds.map((s) => s.seed), data.seeds, v.key);
  });

  test("each config passes the library's checks and is the variant's settings at today's defaults", () => {
    for (const [i, v] of data.variants.entries()) {
      const variant = expected[i];
      assert.equal(v.algorithm, variant.algorithm);
      assert.deepEqual(v.settings, variant.settings);
      for (const [key, value] of Object.entries(variant.settings)) assert.deepEqual(v.config[key], value, `${v.key}.${key}`);
      assert.equal(v.config.targetReturn, TARGET_RETURN);
      assert.equal(v.config.totalSteps, data.cap);
      assert.equal(v.config.env, "CartPole-v1");
      const input = withoutNulls(v.config);
      if (v.algorithm === "a3c") {
        // resolveA3CConfig returns a2c's fields, three of which a3c refuses as input (a2c-only features, off here)
        for (const key of ["qCritic", "normalizeObservations", "scaleRewards"]) {
          assert.equal(input[key], false, `${v.key}.${key}`);
          delete input[key];
        }
      }
      let again: Record<string, unknown> = {};
      assert.doesNotThrow(() => (again = resolveConfig(v.algorithm, input)), `${v.key}: the shipped config fails the library's checks`);
      const { seed: _a, ...shipped } = asShipped(again, v.config);
      const { seed: _b, ...today } = asShipped(resolveConfig(variant.algorithm, variantConfig(variant, data.cap)), v.config);
      assert.deepEqual(json(shipped), json(v.config), `${v.key}: resolving the shipped config changes it`);
      assert.deepEqual(json(shipped), json(today), `${v.key}: the library's defaults changed since the file was made; run npm run cartpole-solve again`);
    }
  });

  test("solved seeds reach 475 exactly at solvedAtSteps; the others never reach it and used their whole budget", () => {
    for (const v of data.variants) {
      for (const s of v.seeds) {
        const where = `${v.key}, seed ${s.seed}`;
        const c = s.curve;
        const n = c.envSteps.length;
        assert.ok(n >= 2 && n <= CURVE_POINTS, `${where}: ${n} curve points`);
        assert.equal(c.wallTime.length, n);
        assert.equal(c.meanReturn100.length, n);
        // A3C records its workers' updates as they arrive: two can end at the same env steps
        assert.ok(c.envSteps.every((x, i) => i === 0 || x > c.envSteps[i - 1] || (v.algorithm === "a3c" && x === c.envSteps[i - 1])), `${where}: env steps increase`);
        assert.ok(c.wallTime.every((x, i) => i === 0 || x >= c.wallTime[i - 1]), `${where}: wall time does not go back`);
        assert.equal(c.envSteps[n - 1], s.envSteps, `${where}: the curve ends at the run's end`);
        assert.equal(c.wallTime[n - 1], s.wallTime);
        assert.equal(c.meanReturn100[n - 1], s.finalMeanReturn100);
        const solveAt = s.solvedAtSteps === null ? n - 1 : c.envSteps.findIndex((x, k) => x === s.solvedAtSteps && c.meanReturn100[k]! >= TARGET_RETURN);
        assert.ok(solveAt >= 0, `${where}: the curve has no point at solvedAtSteps ${s.solvedAtSteps}`);
        const before = c.meanReturn100.slice(0, solveAt).filter((x): x is number => x !== null);
        assert.ok(before.every((x) => x < TARGET_RETURN), `${where}: the curve reaches 475 before solvedAtSteps`);
        assert.ok(s.bestMeanReturn100 !== null && s.bestMeanReturn100 >= Math.max(...before), `${where}: best mean return`);
        if (s.solvedAtSteps !== null) {
          // a run stops at the solve (A3C records the updates its workers had in flight: at most one per worker)
          const after = v.algorithm === "a3c" ? (v.config.workers as number) : 0;
          assert.ok(n - 1 - solveAt <= after, `${where}: the run went on ${n - 1 - solveAt} iterations after the solve`);
          assert.ok(c.meanReturn100[solveAt]! >= TARGET_RETURN, `${where}: solved at ${c.meanReturn100[solveAt]}`);
          assert.equal(s.secondsToSolve, c.wallTime[solveAt], `${where}: seconds to solve`);
          assert.ok(s.episodes >= 100, `${where}: 475 is a mean over 100 episodes`);
          assert.ok(s.solvedAtSteps <= data.cap + BATCH);
        } else {
          assert.equal(s.secondsToSolve, null, where);
          assert.ok(s.bestMeanReturn100 === null || s.bestMeanReturn100 < TARGET_RETURN, `${where}: not solved, yet its best mean return is ${s.bestMeanReturn100}`);
          assert.ok(s.finalMeanReturn100 === null || s.finalMeanReturn100 < TARGET_RETURN, where);
          assert.ok(s.envSteps > data.cap - BATCH, `${where}: stopped at ${s.envSteps} steps, before the cap`);
        }
      }
    }
  });
});
