/**
 * DeepRM-v0's entry in the registry: `make("DeepRM-v0", kwargs)` and `makeVector("DeepRM-v0", n,
 * kwargs)`, with a step cap of 2,000 decisions (a truncation).
 */
import type { Registration } from "../registry";
import { type DeepRMArgs, DEEPRM_KWARGS, deepRMConfig } from "./config";
import { DeepRM } from "./env";
import { deepRMKernel } from "./kernel";

export { DeepRM };

/** The registered step cap (env steps, i.e. decisions, not time steps). */
export const DEEPRM_MAX_EPISODE_STEPS = 2000;
/** The longest job set the registered cap serves (about 10 decisions per time step of arrivals). */
export const DEEPRM_MAX_REGISTERED_JOB_SET_LENGTH = 200;

function checkForCap(args: DeepRMArgs): DeepRMArgs {
  const cfg = deepRMConfig(args);
  if (cfg.jobSetLength > DEEPRM_MAX_REGISTERED_JOB_SET_LENGTH) {
    throw new RangeError(
      `make("DeepRM-v0"): jobSetLength ${cfg.jobSetLength} is too long for the registered cap of ${DEEPRM_MAX_EPISODE_STEPS} steps (it serves job sets up to ${DEEPRM_MAX_REGISTERED_JOB_SET_LENGTH} steps); build new DeepRM({ jobSetLength: ${cfg.jobSetLength} }) and wrap it in your own TimeLimit.`,
    );
  }
  return args;
}

export const DEEPRM_REGISTRATION: Registration = {
  id: "DeepRM-v0",
  create: (k) => new DeepRM(checkForCap(k as DeepRMArgs)),
  kwargs: DEEPRM_KWARGS,
  maxEpisodeSteps: DEEPRM_MAX_EPISODE_STEPS,
  rewardThreshold: null,
  kernel: (k) => deepRMKernel(deepRMConfig(checkForCap(k as DeepRMArgs))),
  description: "schedule jobs on a 2-resource cluster to minimise the mean slowdown (Mao et al. 2016); M + 1 actions",
};
