/**
 * Worker thread of REINFORCE's grouped collection (see reinforce-grouped.ts): its own TF.js, environment and
 * copy of the policy. Takes `{ type: "params" }` (the policy's parameters, before each iteration) and
 * answers each group task with the group's gradient (transferred, not copied) and episodes.
 */
import { parentPort, workerData } from "worker_threads";
import { initTf } from "../tf";
import { type GroupResult, GroupRunner, type GroupTask, type GroupWorkerData } from "./reinforce-grouped";
import { makePolicy, setupEnv } from "./setup";

const port = parentPort as NonNullable<typeof parentPort>;

(async () => {
  const { config: c } = workerData as GroupWorkerData;
  try {
    await initTf({ quiet: true });
    const setup = setupEnv(c.env, c.envKwargs, c.numEnvs, c.maxEpisodeSteps);
    const policy = makePolicy("reinforce", setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed, logStdInit: c.logStdInit, continuous: c.policy === undefined ? undefined : c.policy === "gaussian" });
    const runner = new GroupRunner(c, setup, policy);
    port.on("message", (m: { type: "params"; params: Float64Array } | { type: "task"; index: number; task: GroupTask }) => {
      try {
        if (m.type === "params") policy.setParams(m.params);
        else if (m.type === "task") {
          const result: GroupResult = runner.run(m.task);
          port.postMessage({ type: "result", index: m.index, result }, [result.gradient.buffer as ArrayBuffer]);
        }
      } catch (e) {
        port.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
      }
    });
    port.postMessage({ type: "ready" });
  } catch (e) {
    port.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
  }
})();
