/**
 * A3C, asynchronous advantage actor-critic (Mnih et al., 2016), for real: `workers` threads, each with
 * its own copies of the environment, run A2C's loop (collect n steps, the critic's values, the
 * advantages, gradients) on their own and apply their gradients to one shared set of actor and critic
 * parameters without waiting for each other (lock-free, src/algorithms/hogwild.ts). A2C (`a2c`) is the
 * synchronous form: one thread steps all the copies and makes one update from all their data.
 *
 * ```ts
 * const result = await a3c({ env: "CartPole-v1", workers: 2, numEnvs: 8, totalSteps: 150_000 });
 * result.updates;   // per update: which worker, env steps so far, staleness
 * ```
 *
 * Each worker, in a loop: reserve numEnvs x nSteps env steps of the shared budget (an atomic counter),
 * copy the shared parameters, collect a segment with its own environments and random stream, compute
 * psi with the library's estimator (`advantage` "gae", "nstep" or "td"), apply the actor's gradient
 * (clipped to maxGradNorm) with shared Adam, then valueIters critic steps, each on the then-current
 * shared critic. By the time a gradient is applied, other workers may have updated the parameters it
 * was computed at: the update's staleness (the number of actor updates in between) is recorded.
 *
 * With workers = 1 the run is deterministic (same seed, same numbers). With more, the interleaving of
 * updates depends on the operating system's scheduling, so two runs with the same seed differ. The
 * defaults match `a2c`'s (16 copies in all: 2 workers x 8), so the two differ only in being
 * asynchronous: each update uses half the data and is applied to parameters that may have moved.
 * Continuous and discrete actions; `normalizeObservations`, `scaleRewards`, the "qv" critic, `sde` and
 * `optimizer` are a2c's only (their running statistics, second network, per-segment noise and RMSProp's
 * moments are not shared between threads here: the shared optimiser is Adam).
 */
import type { Worker } from "worker_threads";
import type { Mlp } from "../nn/mlp";
import { Collector } from "../rollout/collector";
import { Rng } from "../rng";
import { initTf, tf } from "../tf";
import { entropyOf } from "../update/loss";
import { SharedTarget, applyStep, lossGradient, policyStep } from "../update/step";
import { type A2CConfig, advantagesOf, buildA2C, resolveA2CFields } from "./a2c";
import { A3C_ESTIMATORS, namesOf } from "./builtins";
import { cannotCapture, refuseResume } from "./checkpoint";
import { checkKeys, fail, intAtLeast, keysOf, oneOf } from "./config";
import { type SharedNet, SharedAdam, sharedNet } from "./hogwild";
import { type Callbacks, Recorder, type TrainResult } from "./recorder";
import type { TrainablePolicy } from "./setup";
import { startWorker } from "./workers";

export interface A3CConfig extends Omit<A2CConfig, "advantage" | "qCritic" | "normalizeObservations" | "scaleRewards" | "optimizer" | "sde"> {
  /** Worker threads that update the shared parameters asynchronously (default 2). */
  workers?: number;
  /** Copies of the environment per worker (default 8: 16 in all with 2 workers, as a2c's default). */
  numEnvs?: number;
  /** psi: "gae" (default), "nstep" or "td", as in a2c (a function cannot be sent to a worker thread). */
  advantage?: keyof typeof A3C_ESTIMATORS;
}

const KEYS = keysOf<A3CConfig>({ env: true, envKwargs: true, maxEpisodeSteps: true, workers: true, numEnvs: true, nSteps: true, advantage: true, lambda: true, gamma: true, hiddenSizes: true, activation: true, lr: true, valueLr: true, valueIters: true, entropyCoef: true, maxGradNorm: true, anneal: true, normalize: true, policy: true, logStdInit: true, stateDependentStd: true, totalSteps: true, targetReturn: true, seed: true });

/**
 * a2c's fields that a3c does not have, with the values that mean "off": a resolved a3c config carries
 * them so (it is an a2c config), and resolving it again accepts them.
 */
const A2C_ONLY: Record<string, unknown> = { qCritic: false, normalizeObservations: false, scaleRewards: false, optimizer: "adam", sde: false };

/** The config with every default filled in, checked (unknown keys, types, ranges). */
export function resolveA3CConfig(config: A3CConfig = {}) {
  const A = "a3c";
  const c = config !== null && typeof config === "object" && !Array.isArray(config)
    ? (Object.fromEntries(Object.entries(config).filter(([key, v]) => !(key in A2C_ONLY && v === A2C_ONLY[key]))) as A3CConfig)
    : config;
  checkKeys(A, c, KEYS);
  const names = namesOf(A3C_ESTIMATORS);
  if (typeof c.advantage === "function") fail(A, "advantage", `one of ${names.map((n) => JSON.stringify(n)).join(", ")} (a function cannot be sent to worker threads; use a2c to train with your own estimator)`, c.advantage);
  const advantage = oneOf(A, "advantage", c.advantage ?? "gae", names);
  const { workers, ...rest } = c;
  return { ...resolveA2CFields(A, { ...rest, numEnvs: rest.numEnvs ?? 8, advantage }), advantage, workers: intAtLeast(A, "workers", workers ?? 2, 1) };
}
export type ResolvedA3CConfig = ReturnType<typeof resolveA3CConfig>;

/** One asynchronous update, as the main thread received it. */
export interface A3CUpdate {
  worker: number;
  /** Env steps of the shared budget reserved up to the end of this update's segment. */
  envSteps: number;
  /** Actor updates applied by other workers between reading the parameters and applying this gradient. */
  staleness: number;
  /** TF.js tensors alive in the worker after the update (constant when nothing leaks). */
  tensors: number;
}

/** The shared memory of a run: both networks and the counters. */
interface Shared {
  actor: SharedNet;
  critic: SharedNet;
  counters: SharedArrayBuffer;
}
// indices into the counters
const STEPS = 0; // env steps reserved
const ACTOR_T = 1; // actor updates applied
const CRITIC_T = 2; // critic steps applied
const STOP = 3; // 1: stop now (target reached or a worker failed)
const READY = 4; // workers that have built their environments and networks
const COUNTERS = 5;

interface UpdateMessage extends A3CUpdate {
  type: "update";
  episodeReturns: number[];
  episodeLengths: number[];
  policyLoss: number;
  criticLoss: number;
  entropy: number;
  gradNorm: number;
}
type WorkerMessage = UpdateMessage | { type: "done" } | { type: "error"; message: string };

export async function a3c(config: A3CConfig = {}, callbacks: Callbacks = {}): Promise<TrainResult<TrainablePolicy> & { updates: A3CUpdate[] }> {
  // ---- the initial parameters, made exactly as a2c makes them, in shared memory
  const c = resolveA3CConfig(config);
  refuseResume("a3c", callbacks.checkpoint);
  await initTf({ quiet: true });
  const recorder = new Recorder();
  const { setup, policy, critics } = buildA2C("a3c", c, 1);
  setup.env.close();
  const shared: Shared = { actor: sharedNet(policy.getParams()), critic: sharedNet(critics.v.net.getParams()), counters: new SharedArrayBuffer(COUNTERS * Int32Array.BYTES_PER_ELEMENT) };
  critics.v.dispose();
  const counters = new Int32Array(shared.counters);
  const updates: A3CUpdate[] = [];

  // ---- the workers; the main thread records their updates in the order they arrive
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = c.workers;
      let failed = false;
      let iteration = 0;
      let envSteps = 0;
      let queue = Promise.resolve();
      const stop = (error?: Error) => {
        Atomics.store(counters, STOP, 1);
        if (error && !failed) {
          failed = true;
          for (const w of workers) void w.terminate();
          reject(error);
        }
      };
      const handle = async (m: WorkerMessage) => {
        if (failed) return;
        if (m.type === "error") return stop(new Error(m.message));
        if (m.type === "done") {
          if (--running === 0) resolve();
          return;
        }
        recorder.record(m);
        envSteps = Math.max(envSteps, m.envSteps);
        updates.push({ worker: m.worker, envSteps: m.envSteps, staleness: m.staleness, tensors: m.tensors });
        const stats = recorder.finish(++iteration, envSteps, { policyLoss: m.policyLoss, criticLoss: m.criticLoss, entropy: m.entropy, gradNorm: m.gradNorm }, c.targetReturn);
        await callbacks.onIteration?.(stats);
        if (recorder.solvedAtSteps !== null || (await callbacks.checkpoint?.after?.(iteration, cannotCapture("a3c")))) stop();
      };
      for (let w = 0; w < c.workers; w++) {
        const worker = startWorker(__dirname, "a3c-worker", { config: c, index: w, shared });
        worker.on("message", (m: WorkerMessage) => {
          queue = queue.then(() => handle(m)).catch((e) => stop(e instanceof Error ? e : new Error(String(e))));
        });
        worker.on("error", (e) => stop(new Error(`a3c: worker ${w} failed: ${e.message}`)));
        worker.on("exit", (code) => {
          if (code !== 0) stop(new Error(`a3c: worker ${w} exited with code ${code}`));
        });
        workers.push(worker);
      }
    });
    policy.setParams(new Float32Array(shared.actor.params));
  } catch (e) {
    policy.dispose();
    throw e;
  } finally {
    for (const w of workers) void w.terminate();
  }
  return { ...recorder.result(policy, c), updates };
}

/** Mean squared error of a value network on observation rows, as a TF.js scalar. */
function valueLoss(net: Mlp, observations: Float32Array, targets: Float32Array, rows: number, obsSize: number): tf.Scalar {
  return tf.tidy(() => {
    const x = tf.tensor2d(observations.subarray(0, rows * obsSize), [rows, obsSize]);
    return tf.mean(tf.square(tf.sub(tf.reshape(net.apply(x), [-1]), tf.tensor1d(targets)))) as tf.Scalar;
  });
}

/**
 * One worker's loop (run in a worker thread by src/algorithms/a3c-worker.ts): until the shared budget
 * is spent or the main thread says stop, act with a copy of the shared parameters, compute the
 * gradients, apply them to the shared parameters, and post the update.
 */
export async function runA3CWorker(c: ResolvedA3CConfig, w: number, shared: Shared, post: (m: UpdateMessage) => void): Promise<void> {
  const A = "a3c";
  const { setup, policy, critics, actor } = buildA2C(A, c, c.numEnvs);
  const critic = critics.v;
  const counters = new Int32Array(shared.counters);
  const actorAdam = new SharedAdam(shared.actor, counters, ACTOR_T);
  const criticAdam = new SharedAdam(shared.critic, counters, CRITIC_T);
  const actorTarget = new SharedTarget(actorAdam, c.lr);
  const criticTarget = new SharedTarget(criticAdam, c.valueLr);
  const advantageFn = A3C_ESTIMATORS[c.advantage];
  const rng = new Rng(c.seed).stream(7).stream(w);
  const collector = new Collector(setup.env, { seed: new Rng(c.seed).stream(1000 + w).integer(0, 2 ** 31 - 1) });
  const rows = c.numEnvs * c.nSteps;
  const obsSize = setup.env.obsDim;
  try {
    // start together: a worker whose thread started first must not spend the budget alone
    Atomics.add(counters, READY, 1);
    Atomics.notify(counters, READY);
    for (let ready = Atomics.load(counters, READY); ready < c.workers && !Atomics.load(counters, STOP); ready = Atomics.load(counters, READY)) Atomics.wait(counters, READY, ready, 100);
    for (let iteration = 1; ; iteration++) {
      if (Atomics.load(counters, STOP)) break;
      const start = Atomics.add(counters, STEPS, rows);
      if (start >= c.totalSteps) break;
      const frac = c.anneal ? Math.max(1 - start / c.totalSteps, 0.01) : 1;
      actorTarget.setLearningRate(c.lr * frac);
      criticTarget.setLearningRate(c.valueLr * frac);

      // ---- act with a copy of the shared parameters (other workers may be writing them meanwhile)
      const version = Atomics.load(counters, ACTOR_T);
      policy.setParams(actorAdam.params);
      critic.net.setParams(criticAdam.params);
      const batch = collector.segment(actor, rng, c.nSteps, c.gamma);
      const { targets, weights } = advantagesOf(batch, c, critics, advantageFn, A);

      // ---- step: the actor's gradient at the parameters it acted with, applied to the shared ones
      const where = `worker ${w}, update ${iteration}`;
      const step = policyStep(actorTarget, policy, batch, weights, { algo: A, what: "actor", iteration: where, maxGradNorm: c.maxGradNorm, setting: "lr", lr: c.lr, entropyCoef: c.entropyCoef });
      const t = actorTarget.lastUpdate;

      // ---- valueIters critic steps, each on the shared critic as it is then
      let criticLoss = NaN;
      for (let k = 0; k < c.valueIters; k++) {
        if (k > 0) critic.net.setParams(criticAdam.params);
        const v = lossGradient(critic.net.vars, () => valueLoss(critic.net, batch.observations, targets, batch.rows, obsSize), "flat");
        criticLoss = applyStep(criticTarget, v, { algo: A, what: "critic", iteration: where, maxGradNorm: 0, setting: "valueLr", lr: c.valueLr }).loss;
      }

      post({
        type: "update",
        worker: w,
        envSteps: start + rows,
        staleness: t - 1 - version,
        tensors: tf.memory().numTensors,
        episodeReturns: batch.episodeReturns,
        episodeLengths: batch.episodeLengths,
        policyLoss: step.loss,
        criticLoss,
        entropy: entropyOf(policy, batch),
        gradNorm: step.gradNorm,
      });
    }
  } finally {
    policy.dispose();
    critic.dispose();
    setup.env.close();
  }
}
