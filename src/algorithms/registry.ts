/** The algorithms by name, for `runSeeds` workers and the command line, with their typed configs. */
import { type A2CConfig, a2c, resolveA2CConfig } from "./a2c";
import { type A3CConfig, a3c, resolveA3CConfig } from "./a3c";
import { type ActorCriticConfig, actorCritic, resolveActorCriticConfig } from "./actor-critic";
import type { Callbacks, TrainResult } from "./recorder";
import type { TrainablePolicy } from "./setup";
import { type ReinforceConfig, reinforce, resolveReinforceConfig } from "./reinforce";

/** Each algorithm's config type, by name. */
export interface AlgorithmConfigs {
  reinforce: ReinforceConfig;
  a2c: A2CConfig;
  actorCritic: ActorCriticConfig;
  a3c: A3CConfig;
}
export type AlgorithmName = keyof AlgorithmConfigs;

/** `{ algorithm, config }` with the config typed for that algorithm (so a misspelt key is a compile error). */
export type AlgorithmSpec = { [K in AlgorithmName]: { algorithm: K; config: AlgorithmConfigs[K] } }[AlgorithmName];

type Train = (config: Record<string, unknown>, callbacks?: Callbacks) => Promise<TrainResult<TrainablePolicy>>;

export const ALGORITHMS: Record<AlgorithmName, Train> = {
  reinforce: (c, cb) => reinforce(c as ReinforceConfig, cb),
  a2c: (c, cb) => a2c(c as A2CConfig, cb),
  actorCritic: (c, cb) => actorCritic(c as ActorCriticConfig, cb),
  a3c: (c, cb) => a3c(c as A3CConfig, cb),
};

const RESOLVERS: Record<AlgorithmName, (config: Record<string, unknown>) => Record<string, unknown>> = {
  reinforce: (c) => resolveReinforceConfig(c as ReinforceConfig),
  a2c: (c) => resolveA2CConfig(c as A2CConfig),
  actorCritic: (c) => resolveActorCriticConfig(c as ActorCriticConfig),
  a3c: (c) => resolveA3CConfig(c as A3CConfig),
};

function checkName(name: string): AlgorithmName {
  if (!Object.prototype.hasOwnProperty.call(ALGORITHMS, name)) {
    throw new RangeError(`unknown algorithm ${JSON.stringify(name)}; available: ${Object.keys(ALGORITHMS).join(", ")}.`);
  }
  return name as AlgorithmName;
}

export function algorithm(name: string): Train {
  return ALGORITHMS[checkName(name)];
}

/**
 * An algorithm's config with every default filled in, after the same checks training makes (unknown
 * keys, types, ranges): validate a config before starting anything, or save what a run will use.
 */
export function resolveConfig(name: string, config: Record<string, unknown> = {}): Record<string, unknown> {
  return RESOLVERS[checkName(name)](config);
}
