/**
 * Actor-critic with an action-value critic: psi_t = Q(s_t, a_t) (`qPsi`) or the advantage
 * Q(s_t, a_t) - V(s_t) with V(s) = sum_a pi(a|s) Q(s, a) (`advantagePsi`), the critic trained by one of
 * the lecture's three rules on the batch just collected: Monte Carlo (R(s, a) - Q(s, a))^2, SARSA
 * (r + gamma Q(s', a') - Q(s, a))^2 or Q-learning (r + gamma max_a' Q(s', a') - Q(s, a))^2.
 * Q-learning's critic estimates Q* of the greedy policy, not Q^pi of the actor, so its psi is biased.
 * Tabular environments get a tabular softmax actor and a tabular Q; others an MLP actor and MLP Q.
 * Discrete actions only (Q-learning's max and V = sum_a pi Q need them).
 *
 * psi_t carries no factor gamma^t (see src/estimators/gradient.ts).
 */
import type { ActionValueCritic } from "../critics/critic";
import { MlpActionValue } from "../critics/mlp";
import { TabularActionValue } from "../critics/tabular";
import { trainActionValue } from "../critics/train";
import { psiOf } from "../estimators/gradient";
import type { PsiEstimator } from "../estimators/segment";
import type { Activation } from "../nn/mlp";
import { type Batch, nextValuesOf } from "../rollout/batch";
import { Collector } from "../rollout/collector";
import { Rng } from "../rng";
import { initTf } from "../tf";
import { entropyOf } from "../update/loss";
import { makeOptimizer } from "../update/optimizers";
import { OptimizerTarget, policyStep } from "../update/step";
import { ESTIMATORS, namesOf } from "./builtins";
import { type RunParts, cannotCapture, captureState, refuseResume, restoreState } from "./checkpoint";
import { checkKeys, fail, intAtLeast, keysOf, nonNegative, oneOf, optionalFinite, positive, sizes, unit } from "./config";
import { StallGuard } from "./episodes";
import { type Callbacks, NO_UPDATE, Recorder, type TrainResult } from "./recorder";
import { type CategoricalTrainable, type TrainablePolicy, makePolicy, setupEnv } from "./setup";
import { checkCriticLoss, standardize } from "./update";

/** The built-in psi_t: the library's estimators, by name (src/algorithms/builtins.ts). */
export const ACTOR_CRITIC_PSI = ESTIMATORS.actorCritic;
export type ActorCriticPsiName = keyof typeof ESTIMATORS.actorCritic;

export interface ActorCriticConfig {
  env?: string;
  envKwargs?: Record<string, unknown>;
  /** Cut episodes after this many steps (marked truncated); default: the environment's registered limit. */
  maxEpisodeSteps?: number;
  numEnvs?: number;
  /** How the Q critic learns (default "sarsa"). */
  critic?: "mc" | "sarsa" | "qlearning";
  /** Always "categorical": the Q actor-critic needs discrete actions (use a2c or reinforce for a Gaussian policy). */
  policy?: "categorical";
  /**
   * psi_t: "q" (Q(s_t, a_t), `qPsi`, the default), "advantage" (Q - V, `advantagePsi`), or any estimator
   * with the library's signature `(segment) => psi`; the segment holds q (the critic's Q(s_t, a_t)),
   * values and nextValues (V(s) = sum_a pi(a|s) Q(s, a) of the current and next states).
   */
  psi?: ActorCriticPsiName | PsiEstimator;
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
  /** Environment steps per update (default 2000); the update uses the episodes that ended in them. */
  batchSteps?: number;
  totalSteps?: number;
  targetReturn?: number;
  seed?: number;
}

const KEYS = keysOf<ActorCriticConfig>({ env: true, envKwargs: true, maxEpisodeSteps: true, numEnvs: true, critic: true, policy: true, psi: true, gamma: true, hiddenSizes: true, activation: true, lr: true, criticLr: true, criticPasses: true, criticSteps: true, normalize: true, maxGradNorm: true, batchSteps: true, totalSteps: true, targetReturn: true, seed: true });

/** The config with every default filled in, checked (unknown keys, types, ranges). */
export function resolveActorCriticConfig(c: ActorCriticConfig = {}) {
  const A = "actorCritic";
  checkKeys(A, c, KEYS);
  if (c.policy !== undefined && c.policy !== "categorical") {
    throw new RangeError(`actorCritic: config.policy is ${JSON.stringify(c.policy)}, but the Q actor-critic needs discrete actions and trains a categorical policy (its critic takes a max over actions and V = sum_a pi Q); for a Gaussian policy use a2c or reinforce.`);
  }
  return {
    env: c.env ?? "CartPole-v1",
    envKwargs: c.envKwargs,
    maxEpisodeSteps: c.maxEpisodeSteps === undefined ? undefined : intAtLeast(A, "maxEpisodeSteps", c.maxEpisodeSteps, 1),
    numEnvs: intAtLeast(A, "numEnvs", c.numEnvs ?? 8, 1),
    critic: oneOf(A, "critic", c.critic ?? "sarsa", ["mc", "sarsa", "qlearning"] as const),
    policy: "categorical" as const,
    psi: typeof c.psi === "function" ? c.psi : oneOf(A, "psi", c.psi ?? "q", namesOf(ESTIMATORS.actorCritic)),
    gamma: unit(A, "gamma", c.gamma ?? 0.99),
    hiddenSizes: sizes(A, "hiddenSizes", c.hiddenSizes ?? [64, 64]),
    activation: oneOf(A, "activation", c.activation ?? "tanh", ["tanh", "relu", "elu"] as const),
    lr: positive(A, "lr", c.lr ?? 0.003),
    criticLr: c.criticLr === undefined || c.criticLr === "average" ? c.criticLr : positive(A, "criticLr", c.criticLr),
    criticPasses: intAtLeast(A, "criticPasses", c.criticPasses ?? 3, 1),
    criticSteps: intAtLeast(A, "criticSteps", c.criticSteps ?? 10, 1),
    normalize: c.normalize ?? true,
    maxGradNorm: nonNegative(A, "maxGradNorm", c.maxGradNorm ?? 0.5),
    batchSteps: intAtLeast(A, "batchSteps", c.batchSteps ?? 2000, 1),
    totalSteps: intAtLeast(A, "totalSteps", c.totalSteps ?? 200_000, 1),
    targetReturn: optionalFinite(A, "targetReturn", c.targetReturn),
    seed: intAtLeast(A, "seed", c.seed ?? 0, 0),
  };
}

/** V(s) = sum_a pi(a|s) Q(s, a) of n observation rows: the critic's value of the actor's policy. */
function expectedValues(critic: ActionValueCritic<never>, policy: CategoricalTrainable): (observations: Float32Array, n: number) => Float64Array {
  const nA = critic.nActions;
  return (observations, n) => {
    const q = critic.qRows(observations, n);
    const p = policy.probsRows(observations, n);
    return Float64Array.from({ length: n }, (_, i) => {
      let v = 0;
      for (let a = 0; a < nA; a++) v += p[i * nA + a] * q[i * nA + a];
      return v;
    });
  };
}

/** Q(s_t, a_t), and V(s) = sum_a pi(a|s) Q(s, a) of the current and next states, into the batch. */
function criticValues(batch: Batch, critic: ActionValueCritic<never>, policy: CategoricalTrainable): void {
  const nA = critic.nActions;
  const expected = expectedValues(critic, policy);
  const q = critic.qRows(batch.observations, batch.rows);
  batch.q = Float64Array.from({ length: batch.rows }, (_, k) => q[k * nA + batch.actions[k]]);
  batch.values = expected(batch.observations, batch.rows);
  batch.nextValues = nextValuesOf(batch, batch.values, expected);
}

export async function actorCritic(config: ActorCriticConfig = {}, callbacks: Callbacks = {}): Promise<TrainResult<TrainablePolicy> & { critic: ActionValueCritic<never> }> {
  // ---- setup
  const c = resolveActorCriticConfig(config);
  await initTf({ quiet: true });
  const setup = setupEnv(c.env, c.envKwargs, c.numEnvs, c.maxEpisodeSteps);
  if (!setup.discrete) {
    setup.env.close();
    throw new RangeError(`actorCritic: ${c.env} has continuous actions, and the Q actor-critic needs discrete ones (its critic's max over actions and V = sum_a pi Q); use a2c or reinforce, which train Gaussian policies.`);
  }
  const policy = makePolicy("actorCritic", setup, { hiddenSizes: c.hiddenSizes, activation: c.activation, seed: c.seed, continuous: false }) as CategoricalTrainable;
  const od = setup.env.obsDim;
  let critic: ActionValueCritic<never> & { dispose?: () => void };
  try {
    critic = setup.tabular
      ? (new TabularActionValue({ nStates: setup.obsSize, nActions: setup.nActions, lr: c.criticLr ?? 0.1 }) as unknown as ActionValueCritic<never>)
      : (new MlpActionValue({ obsSize: od, nActions: setup.nActions, hiddenSizes: c.hiddenSizes, lr: c.criticLr === "average" ? fail("actorCritic", "criticLr", "a positive number for a network critic", "average") : c.criticLr ?? 0.003, seed: c.seed + 1 }) as unknown as ActionValueCritic<never>);
  } catch (e) {
    policy.dispose();
    setup.env.close();
    throw e;
  }
  const target = new OptimizerTarget(makeOptimizer("adam", c.lr), policy);
  const psiFn = typeof c.psi === "function" ? c.psi : ACTOR_CRITIC_PSI[c.psi];
  const rng = new Rng(c.seed).stream(7);
  const collector = new Collector(setup.env, { seed: c.seed });
  const stall = new StallGuard("actorCritic", collector, c.lr);
  const recorder = new Recorder();
  // checkpoints: a network critic's weights and optimiser are saved with the rest; a table critic is not yet
  const net = critic instanceof MlpActionValue ? critic : null;
  const parts: RunParts = { params: { actor: policy, ...(net ? { critic: net.net } : {}) }, optimizers: { actor: target.optimizer, ...(net ? { critic: net.optimizer } : {}) }, rngs: { actions: rng }, moments: {}, collector, recorder };
  const capture = (iteration: number) => (net ? captureState("actorCritic", iteration, parts) : cannotCapture("actorCritic with a table critic")());
  try {
    if (!net) refuseResume("actorCritic with a table critic", callbacks.checkpoint);
    const resumed = callbacks.checkpoint?.resume ? await restoreState("actorCritic", callbacks.checkpoint.resume, parts) : 0;
    for (let iteration = resumed + 1; collector.steps < c.totalSteps && recorder.solvedAtSteps === null; iteration++) {
      // ---- collect: batchSteps steps (never past the budget); the episodes that ended in them
      const batch = collector.episodes(policy, rng, Math.min(c.batchSteps, c.totalSteps - collector.steps), c.gamma);
      recorder.record(batch);
      stall.check(batch, iteration);
      let losses = NO_UPDATE;
      if (batch.rows > 0) {
        // ---- train the critic (MC, SARSA or Q-learning), then psi_t from its values
        let criticLoss = NaN;
        const fitSteps = setup.tabular ? 1 : c.criticSteps;
        // where an episode was cut by a time limit, Monte Carlo and SARSA bootstrap from V(s') under the actor (their fixed point stays Q^pi)
        const nextValue = c.critic === "qlearning" ? undefined : expectedValues(critic, policy);
        for (let p = 0; p < c.criticPasses; p++) criticLoss = trainActionValue(critic, batch, { method: c.critic, gamma: c.gamma, fitSteps, nextValue });
        checkCriticLoss("actorCritic", iteration, criticLoss, "criticLr", c.criticLr);
        criticValues(batch, critic, policy);
        const raw = psiOf("actorCritic", batch, psiFn);
        const psi = c.normalize ? standardize([raw])[0] : raw;

        // ---- step: the actor
        const step = policyStep(target, policy, batch, psi, { algo: "actorCritic", what: "actor", iteration, maxGradNorm: c.maxGradNorm, setting: "lr", lr: c.lr });
        losses = { policyLoss: step.loss, criticLoss, entropy: entropyOf(policy, batch), gradNorm: step.gradNorm };
      }

      // ---- log
      const stats = recorder.finish(iteration, collector.steps, losses, c.targetReturn);
      await callbacks.onIteration?.(stats);
      if (await callbacks.checkpoint?.after?.(iteration, () => capture(iteration))) break;
    }
  } catch (e) {
    policy.dispose();
    critic.dispose?.();
    throw e;
  } finally {
    target.dispose();
    setup.env.close();
  }
  return { ...recorder.result(policy, c), critic };
}
