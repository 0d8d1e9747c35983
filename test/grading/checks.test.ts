/**
 * The checks of src/grading: every reference passes its own check; the typical mistakes fail with the
 * symptom named; verdicts carry the input, the expected and received values, and a hint; a throwing,
 * missing or input-editing function gets zero points without crashing the check.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { grading } from "../../src/index";

const { EXERCISES, runCheck, check, formatVerdict, difference } = grading;
type Fn = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("grading checks", () => {
  for (const [name, e] of Object.entries(EXERCISES)) {
    test(`${name}: the reference earns full marks, on the visible and the hidden cases`, () => {
      for (const hidden of [false, true]) {
        const v = runCheck(name, e.reference, hidden);
        assert.equal(v.points, e.points, formatVerdict(v));
        assert.ok(v.passed && v.cases >= 10, `${v.cases} cases`);
      }
    });
    test(`${name}: every typical mistake fails and is named`, () => {
      for (const m of e.mistakes) {
        const v = runCheck(name, m.wrong, true);
        assert.equal(v.points, 0, `${m.symptom}: ${formatVerdict(v)}`);
        assert.ok(v.message.includes(m.symptom), `expected the symptom "${m.symptom}" in: ${v.message}`);
        assert.ok(v.failure && v.failure.input && v.failure.expected && v.failure.received && v.failure.hint === e.hint);
      }
    });
    test(`${name}: a stub, a non-function and an answer off by 1e-3 get zero without crashing`, () => {
      const stub = runCheck(name, () => { throw new Error("Not implemented: exercise 1"); });
      assert.equal(stub.points, 0);
      assert.match(stub.message, /not implemented yet/);
      assert.match(stub.failure!.received, /Not implemented: exercise 1/);
      assert.equal(runCheck(name, undefined).points, 0);
      const off = runCheck(name, (...args: unknown[]) => {
        const shift = (x: unknown): unknown =>
          typeof x === "number" ? x + 1e-3 : Array.isArray(x) || ArrayBuffer.isView(x) ? Array.from(x as ArrayLike<unknown>, shift) : Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, shift(v)]));
        return shift((e.reference as Fn)(...args));
      });
      assert.equal(off.points, 0, "an error of 1e-3 must fail");
    });
  }

  test("a function that edits its inputs cannot change the expected values", () => {
    const v = runCheck("rewardToGo", (rewards: number[], gamma: number) => {
      const out = (EXERCISES.rewardToGo.reference as Fn)(rewards, gamma) as number[];
      rewards.fill(0);
      return out;
    });
    assert.ok(v.passed, formatVerdict(v));
  });

  test("the typical mistakes of the issue are named by their symptom", () => {
    const discountedTerms = runCheck("rewardToGo", (r: number[], g: number) => r.map((x, t) => g ** t * x));
    assert.match(discountedTerms.message, /each reward is discounted by its own step/);
    const before = runCheck("movingAverageBaseline", (R: number[], a: number, b0: number) => { let b = b0; return R.map((x) => (b = a * x + (1 - a) * b)); });
    assert.match(before.message, /depends on trajectory i's own actions/);
    const swapped = runCheck("gae", (r: number[], v: number[], g: number, l: number, term: boolean) => (EXERCISES.gae.reference as Fn)(r, v, l, g, term));
    assert.match(swapped.message, /lambda and gamma are swapped/);
    assert.match(formatVerdict(swapped), /input: +rewards = \[0, 0, 1\], values = \[0.2, 0.4, 0.6, 0.8\], gamma = 0.99, lambda = 0.95, terminated = false\n  expected: \[1.43283, 1.31508, 1.192\]\n  received: \[1.36595, 1.26098, 1.16\]/);
  });

  test("check.NAME prints the verdict and returns nothing; a misspelt name lists the exercises", () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(" "));
    try {
      assert.equal(check.rewardToGo((r: number[]) => r), undefined);
    } finally {
      console.log = log;
    }
    assert.match(lines.join("\n"), /FAILED rewardToGo: 0 of 2 points\n[\s\S]*input: [\s\S]*expected: [\s\S]*received: [\s\S]*hint: /);
    assert.throws(() => check.rewardTogo, /no graded exercise is called "rewardTogo"; known: .*rewardToGo/);
  });

  test("the references of the theorem's sum and of bias/variance agree with the library's exact solver and measureEstimates", () => {
    const { exact, randomMdp, Rng, measureEstimates } = require("../../src/index") as typeof import("../../src/index");
    const mdp = randomMdp({ nStates: 4, nActions: 3, branching: 2, gamma: 0.9, seed: 5 });
    const rng = new Rng(1);
    const theta = mdp.transitions.map(() => [rng.normal(), rng.normal(), rng.normal()]);
    const pi = exact.softmaxPolicy(theta);
    const e = exact.evaluate(mdp, pi);
    const mine = (EXERCISES.theoremGradient.reference as Fn)(e.visits, pi, e.Q) as number[][];
    const lib = exact.policyGradient(mdp, theta);
    assert.ok(mine.flat().every((x, i) => Math.abs(x - lib.flat()[i]) < 1e-9), `${mine} vs ${lib}`);
    for (const [estimates, g] of EXERCISES.biasVariance.cases(3) as [number[][], number[]][]) {
      const m = measureEstimates(estimates, g);
      const r = (EXERCISES.biasVariance.reference as Fn)(estimates, g) as { biasSquared: number; variance: number; mse: number };
      for (const key of ["biasSquared", "variance", "mse"] as const) assert.ok(Math.abs(r[key] - m[key]) < 1e-9 * Math.max(1, Math.abs(m[key])), `${key}: ${r[key]} vs ${m[key]}`);
      assert.ok(Math.abs(r.mse - r.biasSquared - r.variance) < 1e-9 * Math.max(1, r.mse));
    }
  });

  test("04: meanSlowdown's reference agrees with the DeepRM environment; jobSetAdvantages' with the per-rollout baseline of each job set", async () => {
    const pg = require("../../src/index") as typeof import("../../src/index");
    await pg.initTf();
    const env = pg.make("DeepRM-v0", { load: 1.3, seed: 7 });
    const sjf = new pg.deeprm.SJF(env.env.config);
    for (const jobSet of [0, 4]) {
      let obs = env.reset({ seed: 7, options: { jobSet } }).observation;
      const jobs: { arrival: number; finish: number; length: number }[] = [];
      let R = 0;
      for (;;) {
        const r = env.step(sjf.sample(obs));
        R += r.reward;
        obs = r.observation;
        jobs.push(...((r.info.finished as typeof jobs | undefined) ?? []));
        if (r.terminated || r.truncated) {
          assert.ok(r.terminated);
          const mine = EXERCISES.meanSlowdown.reference(jobs.map((j) => j.arrival), jobs.map((j) => j.finish), jobs.map((j) => j.length)) as number;
          assert.equal(jobs.length, (r.info.slowdowns as number[]).length);
          assert.ok(Math.abs(mine - (r.info.meanSlowdown as number)) < 1e-9 && Math.abs(mine + R / jobs.length) < 1e-9, `${mine} vs ${r.info.meanSlowdown as number}, -R/J = ${-R / jobs.length}`);
          break;
        }
      }
    }
    for (const [rollouts, jobSets, gamma] of EXERCISES.jobSetAdvantages.cases(4) as [number[][], number[], number][]) {
      const psi = (EXERCISES.jobSetAdvantages.reference as Fn)(rollouts, jobSets, gamma) as number[][];
      rollouts.forEach((r, i) => {
        const b = pg.timeDependentBaseline(rollouts.filter((_, j) => jobSets[j] === jobSets[i]).map((x) => pg.rewardToGo(x, gamma)));
        const R = pg.rewardToGo(r, gamma);
        r.forEach((_, t) => assert.ok(Math.abs(psi[i][t] - (R[t] - b[t])) < 1e-9, `rollout ${i}, step ${t}`));
      });
    }
  });

  test("06: criticAdvantages and criticTargets agree with the per-trajectory estimators, episode by episode", () => {
    const pg = require("../../src/index") as typeof import("../../src/index");
    for (const [r, v, term, trunc, fin, g] of EXERCISES.criticAdvantages.cases(6) as [number[], number[], boolean[], boolean[], number[], number][]) {
      const A = (EXERCISES.criticAdvantages.reference as Fn)(r, v, term, trunc, fin, g) as number[];
      const targets = (EXERCISES.criticTargets.reference as Fn)(r, term, trunc, fin, g) as number[];
      let start = 0;
      r.forEach((_, k) => {
        if (!(term[k] || trunc[k] || k === r.length - 1)) return;
        const values = [...v.slice(start, k + 1), term[k] ? 0 : fin[k]];
        const ep = { rewards: r.slice(start, k + 1), values, gamma: g, terminated: term[k] };
        const td = pg.tdErrors(ep);
        const mc = pg.discountedReturns({ rewards: ep.rewards, gamma: g, terminated: term[k], lastValue: fin[k] });
        for (let t = start; t <= k; t++) {
          assert.ok(Math.abs(A[t] - td[t - start]) < 1e-9, `advantage of row ${t}`);
          assert.ok(Math.abs(targets[t] - mc[t - start]) < 1e-9, `target of row ${t}`);
        }
        start = k + 1;
      });
    }
  });

  test("difference: tolerance, lengths, NaN, non-numbers", () => {
    assert.equal(difference([1, 2], [1, 2 + 1e-12], 1e-9), null);
    assert.match(difference([1, 2], [1], 1e-9)!, /expected 2 values, received 1/);
    assert.match(difference([1, 2], [1, "NaN"], 1e-9)!, /received NaN/);
    assert.match(difference(3, "undefined", 1e-9)!, /did the function return its result/);
  });
});
