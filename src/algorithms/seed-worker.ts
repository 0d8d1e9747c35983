/** Worker thread of `runSeeds`: trains one (algorithm, config) and posts the history back. */
import { parentPort, workerData } from "worker_threads";
import { initTf } from "../tf";
import { algorithm } from "./registry";

(async () => {
  const { name, config } = workerData as { name: string; config: Record<string, unknown> };
  try {
    await initTf({ quiet: true });
    const r = await algorithm(name)(config);
    parentPort?.postMessage({ ok: true, history: r.history, episodeReturns: r.episodeReturns, solvedAtSteps: r.solvedAtSteps, policy: r.policy.toJSON() });
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
})();
