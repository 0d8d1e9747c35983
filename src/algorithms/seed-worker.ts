/**
 * Worker thread of `runSeeds`: trains one (algorithm, config), posts every iteration's statistics as
 * it goes (`{ type: "progress", stats }`, a small object, so that the main thread can show progress and
 * save the history as it grows), then the result (`{ type: "result", ok, ... }`).
 */
import { parentPort, workerData } from "worker_threads";
import { initTf } from "../tf";
import { algorithm } from "./registry";

(async () => {
  const { name, config } = workerData as { name: string; config: Record<string, unknown> };
  try {
    await initTf({ quiet: true });
    const r = await algorithm(name)(config, { onIteration: (stats) => parentPort?.postMessage({ type: "progress", stats }) });
    parentPort?.postMessage({ type: "result", ok: true, history: r.history, episodeReturns: r.episodeReturns, solvedAtSteps: r.solvedAtSteps, policy: r.policy.toJSON() });
  } catch (e) {
    parentPort?.postMessage({ type: "result", ok: false, error: e instanceof Error ? e.message : String(e) });
  }
})();
