/**
 * Imitation pre-training, as the reference code does before REINFORCE (pg_su.py): run a teacher
 * scheduler (SJF) on job sets, record each state image with the teacher's action, and fit the policy
 * network to those pairs by supervised learning, minimising the cross-entropy
 *
 *   L(theta) = -(1/N) sum_i log pi_theta(a_i | s_i) + l2 * sum of the squared weights
 *
 * with RMSProp (the optimiser "rmspropDeepRM"; the reference: learning rate 0.001, rho 0.9, epsilon
 * 1e-9, weight decay 1e-3 on the weights, an 80/20 split of the data). The result is a starting point close to SJF, from which the
 * policy gradient only has to improve.
 *
 * ```ts
 * const sjf = new SJF();
 * const train = collectDemonstrations(sjf, { jobSets: 50, env: { load: 1.3 } });
 * const held = collectDemonstrations(sjf, { jobSets: 10, firstJobSet: 50, env: { load: 1.3 } });
 * const policy = new MlpCategorical({ obsSize: 4480, nActions: 11, hiddenSizes: [20], activation: "relu" });
 * const history = await imitate(policy, train, { validation: held, epochs: 10 });
 * ```
 */
import type { DeepRMArgs } from "../envs/deeprm/config";
import { SINCE_ARRIVAL_CAP } from "../envs/deeprm/config";
import type { JobSetSplit } from "../envs/deeprm/jobs";
import { make } from "../envs/registry";
import type { MlpCategorical } from "../policies/networks";
import { Rng } from "../rng";
import { tf } from "../tf";
import { makeOptimizer } from "../update/optimizers";
import type { Actor } from "./evaluate";

/**
 * (state image, action) pairs. Images are stored as bytes, value x 10 (cells are 0 or 1, the
 * time-since-arrival column k/10), a quarter of float32's memory and exact.
 */
export interface Demonstrations {
  observations: Uint8Array;
  actions: Int32Array;
  count: number;
  obsSize: number;
}

export interface DemonstrationOptions {
  /** Number of job sets to run. */
  jobSets: number;
  /** First job set number (default 0): job sets firstJobSet .. firstJobSet + jobSets - 1. */
  firstJobSet?: number;
  /** Which split the job sets come from (default "train"). */
  split?: JobSetSplit;
  /** DeepRM-v0's arguments (load, seed of the job sets, ...). */
  env?: DeepRMArgs;
  /** Seed of the teacher's random stream, if it has one (default 0). */
  seed?: number;
}

/**
 * Run `teacher` on numbered job sets and record every (state image, action) pair of its own
 * trajectories. Its own loop, not the collector's: it stores each image as bytes (a quarter of the
 * collector's float32 rows, for thousands of 4,480-number images).
 */
export function collectDemonstrations(teacher: Actor, options: DemonstrationOptions): Demonstrations {
  const where = "collectDemonstrations";
  const first = options.firstJobSet ?? 0;
  if (!Number.isSafeInteger(options.jobSets) || options.jobSets < 1) throw new RangeError(`${where}: jobSets must be an integer >= 1; received ${options.jobSets}.`);
  if (!Number.isSafeInteger(first) || first < 0) throw new RangeError(`${where}: firstJobSet must be an integer >= 0; received ${first}.`);
  const env = make("DeepRM-v0", { ...options.env });
  const obsSize = env.env.config.obsDim;
  const rng = new Rng(options.seed ?? 0);
  const chunks: Uint8Array[] = [];
  const actions: number[] = [];
  for (let k = first; k < first + options.jobSets; k++) {
    let obs = env.reset({ seed: 0, options: { jobSet: k, split: options.split ?? "train" } }).observation;
    for (;;) {
      const a = teacher.sample(obs, rng);
      const bytes = new Uint8Array(obsSize);
      for (let i = 0; i < obsSize; i++) bytes[i] = Math.round(obs[i] * SINCE_ARRIVAL_CAP);
      chunks.push(bytes);
      actions.push(a);
      const r = env.step(a);
      obs = r.observation;
      if (r.terminated || r.truncated) break;
    }
  }
  const observations = new Uint8Array(chunks.length * obsSize);
  chunks.forEach((c, i) => observations.set(c, i * obsSize));
  return { observations, actions: Int32Array.from(actions), count: actions.length, obsSize };
}

export interface ImitationOptions {
  /** Passes over the data (default 10). */
  epochs?: number;
  /** Pairs per RMSProp step (default 32; the reference used 10). */
  batchSize?: number;
  /** RMSProp learning rate (default 0.001, as the reference). */
  learningRate?: number;
  /** Weight decay on the weights, not the biases (default 1e-3, as the reference). */
  l2?: number;
  /** Held-out pairs to report accuracy on (e.g. other job sets). */
  validation?: Demonstrations;
  /** Seed of the shuffling (default 0). */
  seed?: number;
}

/** One row of the imitation history; epoch 0 is before any update. */
export interface ImitationEpoch {
  epoch: number;
  /** Mean cross-entropy on the training pairs (without the weight decay). */
  loss: number;
  /** Fraction of training pairs where the policy's most likely action is the teacher's. */
  accuracy: number;
  /** The same on the validation pairs (NaN without them). */
  validationLoss: number;
  validationAccuracy: number;
  /** Seconds since the start. */
  seconds: number;
}

const BYTE_TO_FLOAT = Float32Array.from({ length: 256 }, (_, b) => b / SINCE_ARRIVAL_CAP);

/** Rows `rows` of the demonstrations as a float32 batch. */
function batchOf(data: Demonstrations, rows: ArrayLike<number>, count: number): { x: Float32Array; y: Int32Array } {
  const n = data.obsSize;
  const x = new Float32Array(count * n);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const off = rows[i] * n;
    for (let k = 0; k < n; k++) x[i * n + k] = BYTE_TO_FLOAT[data.observations[off + k]];
    y[i] = data.actions[rows[i]];
  }
  return { x, y };
}

/** Mean cross-entropy and accuracy of the policy on all pairs (batched forward passes, no gradient). */
export function imitationScore(policy: MlpCategorical, data: Demonstrations): { loss: number; accuracy: number } {
  const chunk = 1024;
  let ce = 0;
  let hits = 0;
  const rows = Int32Array.from({ length: data.count }, (_, i) => i);
  for (let start = 0; start < data.count; start += chunk) {
    const count = Math.min(chunk, data.count - start);
    const { x, y } = batchOf(data, rows.subarray(start, start + count), count);
    const [loss, correct] = tf.tidy(() => {
      const logits = policy.net.apply(tf.tensor2d(x, [count, data.obsSize]));
      const labels = tf.tensor1d(y, "int32");
      const logp = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, policy.nActions)), 1);
      return [tf.neg(tf.sum(logp)).dataSync()[0], tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), "int32")).dataSync()[0]];
    });
    ce += loss;
    hits += correct;
  }
  return { loss: ce / data.count, accuracy: hits / data.count };
}

function checkData(where: string, policy: MlpCategorical, data: Demonstrations, name: string): void {
  if (data.count < 1) throw new RangeError(`${where}: ${name} holds no pairs.`);
  if (data.obsSize !== policy.obsSize) throw new RangeError(`${where}: ${name} has observations of ${data.obsSize} numbers; the policy takes ${policy.obsSize}.`);
  for (let i = 0; i < data.count; i++) {
    const a = data.actions[i];
    if (!(a >= 0 && a < policy.nActions)) throw new RangeError(`${where}: ${name} action ${i} is ${a}; the policy has actions 0 .. ${policy.nActions - 1}.`);
  }
}

/**
 * Fit `policy` to the demonstrations (supervised cross-entropy, RMSProp). Returns the history, one row
 * per epoch after a row 0 measured before training; `onEpoch` is awaited after each row.
 */
export async function imitate(
  policy: MlpCategorical,
  data: Demonstrations,
  options: ImitationOptions = {},
  callbacks: { onEpoch?: (row: ImitationEpoch) => void | Promise<void> } = {},
): Promise<ImitationEpoch[]> {
  const where = "imitate";
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  const lr = options.learningRate ?? 0.001;
  const l2 = options.l2 ?? 1e-3;
  if (!Number.isSafeInteger(epochs) || epochs < 0) throw new RangeError(`${where}: epochs must be an integer >= 0; received ${epochs}.`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`${where}: batchSize must be an integer >= 1; received ${batchSize}.`);
  if (!(lr > 0 && Number.isFinite(lr))) throw new RangeError(`${where}: learningRate must be a positive number; received ${lr}.`);
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`${where}: l2 must be a number >= 0; received ${l2}.`);
  checkData(where, policy, data, "data");
  if (options.validation) checkData(where, policy, options.validation, "validation");
  const start = performance.now();
  const history: ImitationEpoch[] = [];
  const record = async (epoch: number) => {
    const train = imitationScore(policy, data);
    const held = options.validation ? imitationScore(policy, options.validation) : { loss: NaN, accuracy: NaN };
    const row = { epoch, loss: train.loss, accuracy: train.accuracy, validationLoss: held.loss, validationAccuracy: held.accuracy, seconds: (performance.now() - start) / 1000 };
    history.push(row);
    await callbacks.onEpoch?.(row);
  };
  await record(0);
  const vars = policy.variables();
  const weights = vars.filter((_, i) => i % 2 === 0); // [W0, b0, W1, b1, ...]
  const optimizer = makeOptimizer("rmspropDeepRM", lr);
  const rng = new Rng(options.seed ?? 0);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = rng.permutation(data.count);
      for (let b = 0; b < data.count; b += batchSize) {
        const count = Math.min(batchSize, data.count - b);
        const { x, y } = batchOf(data, order.slice(b, b + count), count);
        tf.tidy(() => {
          const xs = tf.tensor2d(x, [count, data.obsSize]);
          const ys = tf.tensor1d(y, "int32");
          optimizer.minimize(
            () => {
              const ce = tf.neg(tf.mean(policy.logProbTensor(xs, ys)));
              return (l2 > 0 ? tf.add(ce, tf.mul(l2, tf.addN(weights.map((w) => tf.sum(tf.square(w)))))) : ce) as tf.Scalar;
            },
            false,
            vars,
          );
        });
      }
      policy.markUpdated();
      await record(epoch);
    }
  } finally {
    optimizer.dispose();
    policy.markUpdated();
  }
  return history;
}
