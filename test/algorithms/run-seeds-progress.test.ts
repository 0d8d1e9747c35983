/**
 * runSeeds reports progress as it goes: each worker posts every iteration to the main thread (the
 * rows equal the history it returns at the end), a function spec gets the callbacks, and a failing
 * seed stops the others with an error naming it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runSeeds } from "../../src/algorithms/run-seeds";
import type { IterationStats } from "../../src/algorithms/index";

test("workers post every iteration to the main thread while they run", async () => {
  const rows = new Map<number, IterationStats[]>();
  // An event-loop tick counter instead of a clock: if a worker posted its rows together with its
  // result, they would all be handled in one turn of the main thread's loop; posted as each iteration
  // ends, turns pass between them. (A machine of any speed gives the same verdict.)
  let turns = 0, ticking = true;
  const tick = (): void => { turns++; if (ticking) setImmediate(tick); };
  setImmediate(tick);
  const turnOf = new Map<number, number[]>();
  const result = await runSeeds({ algorithm: "reinforce", config: { totalSteps: 3000, batchSteps: 1000 } }, [0, 5], {
    progress: "none",
    onIteration: (seed, stats) => {
      rows.set(seed, [...(rows.get(seed) ?? []), stats]);
      turnOf.set(seed, [...(turnOf.get(seed) ?? []), turns]);
    },
  });
  ticking = false;
  for (const run of result.runs) {
    assert.ok(run.history.length >= 3, `seed ${run.seed}: ${run.history.length} iterations`);
    assert.deepEqual(rows.get(run.seed), run.history, `seed ${run.seed}: the posted rows are the history, in order`);
    const t = turnOf.get(run.seed)!;
    assert.ok(t[t.length - 1] > t[0], `seed ${run.seed}: every row arrived in the same event-loop turn (${t.join(", ")}), not as its iteration ended`);
  }
});

test("a function spec receives the callbacks to pass on", async () => {
  const seen: [number, number][] = [];
  await runSeeds(
    async (seed, callbacks) => {
      const history: IterationStats[] = [];
      for (let i = 1; i <= 3; i++) {
        const s = { iteration: i, envSteps: 10 * i, meanReturn100: seed + i } as IterationStats;
        history.push(s);
        await callbacks.onIteration?.(s);
      }
      return { history, episodeReturns: [], solvedAtSteps: null };
    },
    [2, 4],
    { progress: "none", onIteration: (seed, s) => void seen.push([seed, s.iteration]) },
  );
  assert.deepEqual(seen, [[2, 1], [2, 2], [2, 3], [4, 1], [4, 2], [4, 3]]);
});

test("a seed that fails stops the run with an error naming it; seeds must be distinct", async () => {
  await assert.rejects(
    runSeeds({ algorithm: "reinforce", config: { env: "CartPole-v1", policy: "gaussian", totalSteps: 1000 } }, [7], { progress: "none" }),
    /runSeeds: seed 7 failed: reinforce: config\.policy is "gaussian"/,
  );
  await assert.rejects(runSeeds({ algorithm: "reinforce", config: {} }, [1, 1]), /seeds must be distinct; received \[1,1\]/);
});
