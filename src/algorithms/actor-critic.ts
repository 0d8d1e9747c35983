/**
 * Actor-critic with an action-value critic, psi_t = Q(s_t, a_t), the critic trained by one of the
 * lecture's three rules on the episodes just collected: Monte Carlo (R(s, a) - Q(s, a))^2, SARSA
 * (r + gamma Q(s', a') - Q(s, a))^2 or Q-learning (r + gamma max_a' Q(s', a') - Q(s, a))^2.
 * Tabular environments get a tabular softmax actor and a tabular Q; others an MLP actor and MLP Q.
 * Discrete actions only (Q-learning's max needs them).
 */
import { type ActionValueCritic, MlpActionValue, TabularActionValue, trainActionValue } from "../critics/index";
import type { Episode } from "../envs/record";
import { surrogateLoss } from "../estimators/gradient";
import type { Activation } from "../policies/mlp";
import { Rng } from "../rng";
import { tf } from "../tf";
import {
  fail,
  type Callbacks,
  type TrainResult,
  type TrainablePolicy,
  Recorder,
  checkCriticLoss,
  guardedStep,
  intAtLeast,
  makePolicy,
  nonNegative,
  oneOf,
  positive,
  setupEnv,
  standardize,
  unit,
} from "./core";
import { checkKeys, keysOf } from "./config";
import { type CollectedEpisode, EpisodeCollector, batchOf } from "./episodes";

export interface ActorCriticConfig {
  env?: string;
  envKwargs?: Record<string, unknown>;
  numEnvs?: number;
  /** How the Q critic learns (default "sarsa"). */
  critic?: "mc" | "sarsa" | "qlearning";
  gamma?: number;
  hiddenSizes?: number[];
  activation?: Activation;
  /**
   * Adam learning rate of the actor (default 0.003) and learning rate of the critic (default 0.1
   * tabular, 0.003 MLP; a tabular critic also takes "average": step 1 / visits).
   */
  lr?: number;
  criticLr?: number | "average";
  /** Passes of critic training over each batch, each on freshly computed targets (default 3). */
  criticPasses?: number;
  /** Optimiser steps per pass for a network critic (default 10; a tabular critic takes one). */
  criticSteps?: number;
  /** Standardise psi over the batch (default true). */
  normalize?: boolean;
  /** Clip the actor gradient's global norm (default 0.5). */
  maxGradNorm?: number;
  /** Environment steps of complete episodes per update (default 2000). */
  batchSteps?: number;
  totalSteps?: number;
  targetReturn?: number;
  seed?: number;
}

const KEYS = keysOf<ActorCriticConfig>({ env: true, envKwargs: true, numEnvs: true, critic: true, gamma: true, hiddenSizes: true, activation: true, lr: true, criticLr: true, criticPasses: true, criticSteps: true, normalize: true, maxGradNorm: true, batchSteps: true, totalSteps: true, targetReturn: true, seed: true });

/** The config with every default filled in, checked (unknown keys, types, ranges). */
export function resolveActorCriticConfig(c: ActorCriticConfig = {}) {
  const A = "actorCritic";
  checkKeys(A, c, KEYS);
  return {
    env: c.env ?? "CartPole-v1",
    envKwargs: c.envKwargs,
    numEnvs: intAtLeast(A, "numEnvs", c.numEnvs ?? 8, 1),
    critic: oneOf(A, "critic", c.critic ?? "sarsa", ["mc", "sarsa", "qlearning"] as const),
    gamma: unit(A, "gamma", c.gamma ?? 0.99),
    hiddenSizes: c.hiddenSizes ?? [64, 64],
    activation: c.activation ?? ("tanh" as Activation),
    lr: positive(A, "lr", c.lr ?? 0.003),
    criticLr: c.criticLr === undefined || c.criticLr === "average" ? c.criticLr : positive(A, "criticLr", c.criticLr),
    criticPasses: intAtLeast(A, "criticPasses", c.criticPasses ?? 3, 1),
    criticSteps: intAtLeast(A, "criticSteps", c.criticSteps ?? 10, 1),
    normalize: c.normalize ?? true,
    maxGradNorm: nonNegative(A, "maxGradNorm", c.maxGradNorm ?? 0.5),
    batchSteps: intAtLeast(A, "batchSteps", c.batchSteps ?? 2000, 1),
    totalSteps: intAtLeast(A, "totalSteps", c.totalSteps ?? 200_000, 1),
    targetReturn: c.targetReturn,
    seed: intAtLeast(A, "seed", c.seed ?? 0, 0),
  };
}

/** Collected episodes as Episode objects (observation rows, or state indices for tabular envs). */
function asEpisodes(episodes: CollectedEpisode[], od: number, tabular: boolean): Episode<number | Float32Array, number>[] {
  return episodes.map((e) => {
    const row = (t: number) => (tabular ? e.observations[t] : e.observations.subarray(t * od, (t + 1) * od));
    const observations = Array.from({ length: e.length }, (_, t) => row(t));
    observations.push(tabular ? e.finalObservation[0] : e.finalObservation);
    return { observations, actions: Array.from(e.actions), rewards: Array.from(e.rewards), terminated: e.terminated, truncated: e.truncated, frames: [] };
  });
}

export async function actorCritic(config: ActorCriticConfig = {}, callbacks: Callbacks = {}): Promise<TrainResult<TrainablePolicy> & { critic: ActionValueCritic<never> }> {
  // ---- setup
  const c = resolveActorCriticConfig(config);
  const setup = setupEnv(c.env, c.envKwargs, c.numEnvs);
  const policy = makePolicy("actorCritic", setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed, continuous: false });
  const od = setup.env.obsDim;
  const critic: ActionValueCritic<number | Float32Array> = setup.tabular
    ? (new TabularActionValue({ nStates: setup.obsSize, nActions: setup.nActions, lr: c.criticLr ?? 0.1 }) as ActionValueCritic<number | Float32Array>)
    : (new MlpActionValue({ obsSize: od, nActions: setup.nActions, hiddenSizes: c.hiddenSizes, lr: c.criticLr === "average" ? fail("actorCritic", "criticLr", "a positive number for a network critic", "average") : c.criticLr ?? 0.003, seed: c.seed + 1 }) as ActionValueCritic<number | Float32Array>);
  const optimizer = tf.train.adam(c.lr);
  const rng = new Rng(c.seed).stream(7);
  const collector = new EpisodeCollector(setup.env, c.seed);
  const recorder = new Recorder();
  let envSteps = 0;
  try {
    for (let iteration = 1; envSteps < c.totalSteps; iteration++) {
      // ---- collect whole episodes
      const { episodes, steps } = collector.collect(policy, rng, c.batchSteps, recorder);
      envSteps += steps;
      const eps = asEpisodes(episodes, od, setup.tabular);

      // ---- train the critic (MC, SARSA or Q-learning), then psi_t = Q(s_t, a_t)
      let criticLoss = NaN;
      const fitSteps = setup.tabular ? 1 : c.criticSteps;
      for (let p = 0; p < c.criticPasses; p++) criticLoss = trainActionValue(critic, eps, { method: c.critic, gamma: c.gamma, fitSteps });
      checkCriticLoss(iteration, criticLoss, "criticLr");
      const psis = eps.map((e) => Float64Array.from(e.actions, (a, t) => critic.q(e.observations[t], a)));

      // ---- update the actor
      const batch = batchOf(episodes, c.normalize ? standardize(psis) : psis, od, 1);
      const step = guardedStep(optimizer, policy.variables(), () => surrogateLoss(policy, batch), { maxGradNorm: c.maxGradNorm, iteration, what: "actor" });
      policy.markUpdated();

      // ---- log
      const stats = recorder.finish(iteration, envSteps, { policyLoss: step.loss, criticLoss, entropy: NaN, gradNorm: step.gradNorm }, c.targetReturn);
      await callbacks.onIteration?.(stats);
      if (recorder.solvedAtSteps !== null) break;
    }
  } finally {
    optimizer.dispose();
  }
  return { ...recorder.result(policy, c), critic: critic as ActionValueCritic<never> };
}
