/**
 * Worker thread of `runSeeds`: trains one (algorithm, config), posts every iteration's statistics as
 * it goes (`{ type: "progress", stats }`, a small object, so that the main thread can show progress and
 * save the history as it grows), each captured training state (`{ type: "checkpoint", state }`, or
 * `{ error }` if it could not be captured), then the result (`{ type: "result", ok, ... }`). It stops
 * at the end of an iteration once the main thread sets the shared `stop` flag.
 */
import { parentPort, workerData } from "worker_threads";
import { initTf } from "../tf";
import { algorithm } from "./registry";
import { type SeedWorkerData, seedCheckpointHooks } from "./run-seeds";

(async () => {
  const { name, config, stop, checkpointEvery, resume } = workerData as SeedWorkerData;
  const flag = new Int32Array(stop);
  const stopping = () => Atomics.load(flag, 0) === 1;
  try {
    await initTf({ quiet: true });
    const checkpoint = seedCheckpointHooks({
      every: checkpointEvery,
      stopping,
      resume,
      save: (state) => parentPort?.postMessage({ type: "checkpoint", state }),
      failed: (error) => parentPort?.postMessage({ type: "checkpoint", error }),
    });
    const r = await algorithm(name)(config, { onIteration: (stats) => parentPort?.postMessage({ type: "progress", stats }), checkpoint });
    parentPort?.postMessage({ type: "result", ok: true, history: r.history, episodeReturns: r.episodeReturns, solvedAtSteps: r.solvedAtSteps, policy: r.policy.toJSON(), stopped: stopping() });
  } catch (e) {
    parentPort?.postMessage({ type: "result", ok: false, error: e instanceof Error ? e.message : String(e) });
  }
})();
