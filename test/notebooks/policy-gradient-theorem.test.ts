/**
 * Notebook 05 (the policy gradient theorem, issue 15) keeps its contract: the file name the book and
 * teachers' scripts use, the lecture's steps in order, the library functions the algorithms run (not
 * re-implementations), a sentence under every figure, and exercises with expected outcomes and run
 * times. The notebook's own checks run in quick mode in notebooks.test.ts (every notebook does).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "node:test";
import { NOTEBOOK_DIR, cellSource, listNotebooks, readNotebook } from "../../scripts/notebooks";

const NAME = "05-policy-gradient-theorem";

describe(`notebooks/${NAME}.ipynb`, () => {
  test("exists under its contract name, so the book and the smoke test pick it up", () => {
    assert.ok(listNotebooks().includes(NAME), `notebooks: ${listNotebooks().join(", ")}`);
  });

  const nb = readNotebook(path.join(NOTEBOOK_DIR, `${NAME}.ipynb`));
  const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map(cellSource);
  const code = nb.cells.filter((c) => c.cell_type === "code").map(cellSource).join("\n");

  test("the lecture's steps, in order: causality, Q, single transitions, the theorem, critics, the actor-critic, summary, exercises", () => {
    const headings = markdown.flatMap((m) => m.split("\n").filter((l) => /^#{1,2} /.test(l)));
    const expected = [/^# 05/, /^## 1\. Causality/, /^## 2\. From \$R_t\$ to \$Q\^\\pi/, /^## 3\. From trajectories to single transitions/, /^## 4\. The theorem/, /^## 5\. Function approximation/, /^## 6\. The actor-critic/, /^## Summary/, /^## Exercises/];
    let at = 0;
    for (const h of headings) if (at < expected.length && expected[at].test(h)) at++;
    assert.equal(at, expected.length, `headings found: ${headings.join(" | ")}`);
  });

  test("uses the library's estimators, critics, exact solvers and actor-critic (the code the algorithms run)", () => {
    for (const call of [
      "pg.sampleBatch(",
      "pg.estimateGradient(",
      "pg.totalReturn",
      "pg.rewardToGo",
      "pg.qPsi",
      "pg.exact.theoremGradient(",
      "pg.exact.policyFiniteDifferences(",
      "pg.exact.singleTransitionObjective(",
      "pg.exact.fitActionValues(",
      "pg.trainActionValue(",
      "pg.TabularActionValue(",
      "pg.actorCritic(",
      "pg.runSeeds(",
    ]) {
      assert.ok(code.includes(call), `the notebook does not call ${call}`);
    }
    for (const critic of ['"mc"', '"sarsa"', '"qlearning"']) assert.ok(code.includes(critic), `critic ${critic} missing`);
    assert.ok(code.includes('"CartPole-v1"') && code.includes('"GridWorld-v0"'), "the actor-critic runs on GridWorld and CartPole-v1");
  });

  test("budgets through pg.budget in the first code cell; every figure is followed by a sentence saying what to see", () => {
    const first = nb.cells.find((c) => c.cell_type === "code");
    assert.ok(first && (cellSource(first).match(/pg\.budget\(/g) ?? []).length >= 5, "budgets are written pg.budget(full, quick)");
    nb.cells.forEach((c, i) => {
      if (c.cell_type !== "code" || !/pg\.plot\.show\(/.test(cellSource(c))) return;
      const next = nb.cells[i + 1];
      assert.ok(next && next.cell_type === "markdown" && /What to see/.test(cellSource(next)), `cell ${i} draws a figure without a "What to see" sentence after it`);
    });
  });

  test("no wrapped Markdown line starts with a number and a period (it would render as a list item)", () => {
    for (const m of markdown) {
      for (const line of m.split("\n")) assert.doesNotMatch(line, /^\s+\d+\.\s/, `a continuation line reads as a numbered list item: "${line.trim()}"`);
    }
  });

  test("at least three exercises, each with its expected outcome and run time", () => {
    const exercises = markdown.find((m) => /^## Exercises/m.test(m)) ?? "";
    const items = exercises.split(/\n(?=\d+\. )/).filter((s) => /^\d+\. /.test(s));
    assert.ok(items.length >= 3, `${items.length} exercises`);
    for (const item of items) {
      assert.match(item, /\*Expected:\*/, `exercise without an expected outcome: ${item.slice(0, 60)}`);
      assert.match(item, /Run time:/, `exercise without a run time: ${item.slice(0, 60)}`);
    }
  });
});
