import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { Rng } from "../src/rng";
import { mean, standardError, variance } from "../src/stats";

const draw = (rng: Rng, n: number, f: (r: Rng) => number) => Array.from({ length: n }, () => f(rng));

describe("Rng", () => {
  test("same seed, same numbers; different seeds differ", () => {
    const a = draw(new Rng(7), 50, (r) => r.random());
    const b = draw(new Rng(7), 50, (r) => r.random());
    const c = draw(new Rng(8), 50, (r) => r.random());
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test("large seeds use both 32-bit halves", () => {
    const a = new Rng(2 ** 40 + 1).random();
    const b = new Rng(1).random();
    assert.notEqual(a, b);
  });

  test("streams depend only on seed and index, not on the parent's draws", () => {
    const parent = new Rng(3);
    const before = parent.stream(2).random();
    draw(parent, 100, (r) => r.random());
    assert.equal(parent.stream(2).random(), before);
    assert.notEqual(parent.stream(1).random(), parent.stream(2).random());
    assert.deepEqual(new Rng(3, [2]).path, [2]);
    assert.equal(parent.split(3).length, 3);
  });

  test("streams are uncorrelated (correlation within 4 standard errors of 0)", () => {
    const n = 20000;
    const [s, t] = new Rng(11).split(2);
    const x = draw(s, n, (r) => r.random() - 0.5);
    const y = draw(t, n, (r) => r.random() - 0.5);
    const corr = x.reduce((acc, xi, i) => acc + xi * y[i], 0) / n / (1 / 12);
    assert.ok(Math.abs(corr) < 4 / Math.sqrt(n), `correlation ${corr}`);
  });

  test("uniform: range and mean, variance within 4 standard errors", () => {
    const xs = draw(new Rng(1), 20000, (r) => r.uniform(2, 5));
    assert.ok(xs.every((x) => x >= 2 && x < 5));
    assert.ok(Math.abs(mean(xs) - 3.5) < 4 * standardError(xs));
    // variance of U(2, 5) is 9/12; the standard error of the sample variance is ~ sqrt((m4 - s^4)/n)
    const m4 = 81 / 80;
    assert.ok(Math.abs(variance(xs) - 0.75) < 4 * Math.sqrt((m4 - 0.75 ** 2) / xs.length));
  });

  test("normal: mean and variance within 4 standard errors", () => {
    const n = 20000;
    const xs = draw(new Rng(2), n, (r) => r.normal(1, 2));
    assert.ok(Math.abs(mean(xs) - 1) < 4 * (2 / Math.sqrt(n)));
    // Var of the sample variance of a normal: 2 sigma^4 / (n - 1)
    assert.ok(Math.abs(variance(xs) - 4) < 4 * Math.sqrt((2 * 16) / (n - 1)));
  });

  test("integer: every value of [low, high) appears with frequency within 4 standard errors", () => {
    const n = 30000;
    const counts = new Map<number, number>();
    for (const x of draw(new Rng(5), n, (r) => r.integer(-2, 3))) counts.set(x, (counts.get(x) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
    for (const c of counts.values()) assert.ok(Math.abs(c / n - 0.2) < 4 * Math.sqrt((0.2 * 0.8) / n));
  });

  test("categorical: frequencies within 4 standard errors; zero-probability entries never drawn", () => {
    const probs = [0.1, 0, 0.6, 0.3];
    const n = 30000;
    const counts = [0, 0, 0, 0];
    const rng = new Rng(9);
    for (let i = 0; i < n; i++) counts[rng.categorical(probs)]++;
    assert.equal(counts[1], 0);
    probs.forEach((p, k) => assert.ok(Math.abs(counts[k] / n - p) <= 4 * Math.sqrt((p * (1 - p)) / n) + 1e-12, `arm ${k}`));
  });

  test("permutation: a permutation of 0..n-1", () => {
    const p = new Rng(4).permutation(10);
    assert.deepEqual([...p].sort((a, b) => a - b), [...Array(10).keys()]);
  });

  test("bad input: clear errors naming the value", () => {
    assert.throws(() => new Rng(-1), /seed must be a non-negative safe integer; received -1/);
    assert.throws(() => new Rng(1.5), /received 1.5/);
    assert.throws(() => new Rng(1).uniform(2, 1), /low=2, high=1/);
    assert.throws(() => new Rng(1).normal(0, -1), /std=-1/);
    assert.throws(() => new Rng(1).integer(3, 3), /low=3, high=3/);
    assert.throws(() => new Rng(1).categorical([]), /empty/);
    assert.throws(() => new Rng(1).categorical([0.5, 0.6]), /sum to 1.1/);
    assert.throws(() => new Rng(1).categorical([0.5, NaN]), /probability 1 is NaN/);
    assert.throws(() => new Rng(1).categorical([1.5, -0.5]), /probability 1 is -0.5/);
  });
});

test("nothing in src/ calls Math.random (all randomness goes through the seeded Rng)", () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ts$/.test(e.name) && /Math\.random\s*\(/.test(fs.readFileSync(full, "utf8").replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ""))) offenders.push(full);
    }
  };
  walk(path.join(__dirname, "..", "src"));
  assert.deepEqual(offenders, []);
});
