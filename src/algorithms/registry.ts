/** The algorithms by name, for `runSeeds` workers and the command line. */
import { a2c } from "./a2c";
import { actorCritic } from "./actor-critic";
import type { Callbacks, TrainResult, TrainablePolicy } from "./core";
import { reinforce } from "./reinforce";

export type AlgorithmName = "reinforce" | "a2c" | "actorCritic";
export const ALGORITHMS: Record<AlgorithmName, (config: Record<string, unknown>, callbacks?: Callbacks) => Promise<TrainResult<TrainablePolicy>>> = {
  reinforce: (c, cb) => reinforce(c, cb),
  a2c: (c, cb) => a2c(c, cb),
  actorCritic: (c, cb) => actorCritic(c, cb),
};

export function algorithm(name: string): (config: Record<string, unknown>, callbacks?: Callbacks) => Promise<TrainResult<TrainablePolicy>> {
  const fn = (ALGORITHMS as Record<string, (typeof ALGORITHMS)[AlgorithmName]>)[name];
  if (!fn) throw new RangeError(`unknown algorithm ${JSON.stringify(name)}; available: ${Object.keys(ALGORITHMS).join(", ")}.`);
  return fn;
}
