/**
 * What the algorithms build before training: the vector environment (its spaces read from its kernel)
 * and the policy that fits those spaces.
 */
import { makeVector, registration } from "../envs/registry";
import type { VectorEnv } from "../envs/vector";
import type { Activation } from "../nn/mlp";
import { Gaussian, MlpCategorical } from "../policies/networks";
import { type LinearSoftmax, TabularSoftmax } from "../policies/softmax";

export interface EnvSetup {
  env: VectorEnv;
  discrete: boolean;
  /** Observations are state indices (tabular environments). */
  tabular: boolean;
  /** Width of the policy's input: the number of states (tabular) or of observation numbers. */
  obsSize: number;
  nActions: number;
  actionSize: number;
}

/**
 * N copies of a registered environment. `maxEpisodeSteps` replaces the registered step limit (episodes
 * are then cut there and marked truncated), e.g. for an environment that has none.
 */
export function setupEnv(id: string, kwargs: Record<string, unknown> | undefined, numEnvs: number, maxEpisodeSteps?: number): EnvSetup {
  registration(id); // unknown ids: an error listing the registered ones
  const env = makeVector(id, numEnvs, kwargs, maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps });
  return {
    env,
    discrete: env.discreteActions,
    tabular: env.discreteObservations,
    obsSize: env.nObservations,
    nActions: env.kernel.action.kind === "discrete" ? env.kernel.action.n : 0,
    actionSize: env.actionDim,
  };
}

/**
 * The policies the algorithms build and train. Each has TF.js gradients and sampling for rows of
 * observations (`TfPolicy`), and `maxAbsParam()` for detecting divergence.
 */
export type TrainablePolicy = MlpCategorical | Gaussian | TabularSoftmax | LinearSoftmax;

/** The categorical ones (discrete actions), with pi(.|s) for rows of observations. */
export type CategoricalTrainable = MlpCategorical | TabularSoftmax | LinearSoftmax;

export function makePolicy(
  algo: string,
  setup: EnvSetup,
  opts: { hiddenSizes: number[]; activation: Activation; seed: number; logStdInit?: number; stateDependentStd?: boolean; sde?: boolean; continuous?: boolean },
): TrainablePolicy {
  if (opts.continuous === false && !setup.discrete) {
    throw new RangeError(`${algo}: config.policy is "categorical" but ${setup.env.name} has continuous actions; use "gaussian".`);
  }
  if (opts.continuous === true && setup.discrete) {
    throw new RangeError(`${algo}: config.policy is "gaussian" (continuous) but ${setup.env.name} has discrete actions; use "categorical".`);
  }
  let policy: TrainablePolicy;
  if (setup.tabular && setup.discrete) policy = new TabularSoftmax({ nStates: setup.obsSize, nActions: setup.nActions });
  else if (setup.discrete) policy = new MlpCategorical({ obsSize: setup.obsSize, nActions: setup.nActions, hiddenSizes: opts.hiddenSizes, activation: opts.activation, seed: opts.seed });
  else policy = new Gaussian({ obsSize: setup.env.obsDim, actionSize: setup.actionSize, hiddenSizes: opts.hiddenSizes, activation: opts.activation, seed: opts.seed, logStdInit: opts.logStdInit, stateDependentStd: opts.stateDependentStd, sde: opts.sde });
  return policy;
}
