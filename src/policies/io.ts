/**
 * Saving and loading policies as JSON files (no tfjs-node needed): `{ kind, config, params }`, the
 * config being what built the network, so that `loadPolicy` rebuilds the same policy.
 */
import * as fs from "fs";
import { initTf } from "../tf";
import { Gaussian, type GaussianConfig, MlpCategorical, type MlpCategoricalConfig } from "./networks";
import type { Policy, SavedPolicy } from "./policy";
import { LinearSoftmax, TabularSoftmax } from "./softmax";

type AnyPolicy = Policy<never, never>;

const BUILDERS: Record<string, (config: Record<string, unknown>) => AnyPolicy> = {
  TabularSoftmax: (c) => new TabularSoftmax(c as { nStates: number; nActions: number }) as unknown as AnyPolicy,
  LinearSoftmax: (c) => new LinearSoftmax(c as { nFeatures: number; nActions: number }) as unknown as AnyPolicy,
  MlpCategorical: (c) => new MlpCategorical(c as unknown as MlpCategoricalConfig) as unknown as AnyPolicy,
  Gaussian: (c) => new Gaussian(c as unknown as GaussianConfig) as unknown as AnyPolicy,
};

/** Rebuild a policy from its saved form. */
export function policyFromJSON(saved: SavedPolicy): AnyPolicy {
  if (saved === null || typeof saved !== "object" || typeof saved.kind !== "string") {
    throw new TypeError(`policyFromJSON: expected { kind, config, params }; received ${JSON.stringify(saved)?.slice(0, 200)}.`);
  }
  const build = BUILDERS[saved.kind];
  if (!build) throw new RangeError(`policyFromJSON: unknown policy kind ${JSON.stringify(saved.kind)}; known kinds: ${Object.keys(BUILDERS).join(", ")}.`);
  const policy = build(saved.config ?? {});
  policy.setParams(saved.params);
  return policy;
}

/** Write a policy to a JSON file. */
export function savePolicy(policy: { toJSON(): SavedPolicy }, file: string): void {
  fs.writeFileSync(file, JSON.stringify(policy.toJSON()) + "\n");
}

/**
 * Read a policy written by `savePolicy`. It also starts choosing the TF.js backend (as `initTf` does),
 * so that training it afterwards runs on the same backend, with the same numbers, as any other run;
 * acting with it does not depend on the backend.
 */
export function loadPolicy<P = AnyPolicy>(file: string): P {
  initTf({ quiet: true }).catch(() => undefined); // an error resurfaces, with its reasons, at the next initTf
  let saved: SavedPolicy;
  try {
    saved = JSON.parse(fs.readFileSync(file, "utf8")) as SavedPolicy;
  } catch (e) {
    throw new Error(`loadPolicy: could not read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return policyFromJSON(saved) as unknown as P;
}
