/** Worker thread of `a3c`: runs one worker's loop on the shared parameters and posts its updates. */
import { parentPort, workerData } from "worker_threads";
import { initTf } from "../tf";
import { runA3CWorker } from "./a3c";

(async () => {
  const { config, index, shared } = workerData as { config: Parameters<typeof runA3CWorker>[0]; index: number; shared: Parameters<typeof runA3CWorker>[2] };
  try {
    await initTf({ quiet: true });
    await runA3CWorker(config, index, shared, (m) => parentPort?.postMessage(m));
    parentPort?.postMessage({ type: "done" });
  } catch (e) {
    parentPort?.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
  }
})();
