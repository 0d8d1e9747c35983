/**
 * Checks of the algorithms' configs: every field's type and range, and no unknown fields. A config
 * with a typo (`learningRate` for `lr`) is an error naming the key, the closest valid one and the list,
 * never a silent run on the defaults.
 */
import { closest as closestName } from "../names";

export function fail(algo: string, field: string, expected: string, value: unknown): never {
  throw new RangeError(`${algo}: config.${field} must be ${expected}; received ${show(value)}.`);
}

/** A value as the user would write it (JSON shows NaN as null, so numbers are printed directly). */
export function show(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function positive(algo: string, field: string, v: unknown): number {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) fail(algo, field, "a positive number", v);
  return v;
}
export function finite(algo: string, field: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(algo, field, "a finite number", v);
  return v;
}
export function nonNegative(algo: string, field: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) fail(algo, field, "a number >= 0", v);
  return v;
}
export function intAtLeast(algo: string, field: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) fail(algo, field, `an integer >= ${min}`, v);
  return v;
}
export function unit(algo: string, field: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) fail(algo, field, "a number in [0, 1]", v);
  return v;
}
export function oneOf<T extends string>(algo: string, field: string, v: unknown, options: readonly T[]): T {
  if (typeof v !== "string" || !options.includes(v as T)) fail(algo, field, `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`, v);
  return v as T;
}
/** A list of layer sizes: integers >= 1 (an empty list means no hidden layer). */
export function sizes(algo: string, field: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "number" || !Number.isSafeInteger(x) || x < 1)) fail(algo, field, "a list of integers >= 1, e.g. [64, 64]", v);
  return [...(v as number[])];
}
/** An optional finite number (undefined stays undefined). */
export function optionalFinite(algo: string, field: string, v: unknown): number | undefined {
  return v === undefined ? undefined : finite(algo, field, v);
}

/** The valid config key closest to `name` (synonyms from other libraries first). */
export function closest(name: string, valid: readonly string[]): string | undefined {
  return closestName(name, valid, SYNONYMS);
}

/** Names users bring from other libraries (Stable-Baselines3, Spinning Up, CleanRL). */
const SYNONYMS: Record<string, string> = {
  learningrate: "lr",
  learning_rate: "lr",
  pi_lr: "lr",
  policylr: "lr",
  alpha: "lr",
  vf_lr: "valueLr",
  valuelearningrate: "valueLr",
  criticlearningrate: "criticLr",
  n_envs: "numEnvs",
  nenvs: "numEnvs",
  num_envs: "numEnvs",
  n_steps: "nSteps",
  numsteps: "nSteps",
  total_timesteps: "totalSteps",
  totaltimesteps: "totalSteps",
  timesteps: "totalSteps",
  steps: "totalSteps",
  gae_lambda: "lambda",
  gaelambda: "lambda",
  lam: "lambda",
  ent_coef: "entropyCoef",
  entcoef: "entropyCoef",
  max_grad_norm: "maxGradNorm",
  hidden: "hiddenSizes",
  hiddenlayers: "hiddenSizes",
  hidden_sizes: "hiddenSizes",
  net_arch: "hiddenSizes",
  discount: "gamma",
  target: "targetReturn",
  batchsize: "batchSteps",
  batch_size: "batchSteps",
};

/** Reject keys of `config` that are not in `valid`, naming the closest valid key and the list. */
export function checkKeys(algo: string, config: unknown, valid: readonly string[]): void {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new TypeError(`${algo}: config must be an object such as { env: "CartPole-v1" }; received ${show(config)}.`);
  }
  for (const key of Object.keys(config)) {
    if (valid.includes(key)) continue;
    const near = closest(key, valid);
    throw new RangeError(`${algo}: unknown config key ${JSON.stringify(key)}${near ? ` (did you mean ${near}?)` : ""}. Valid keys: ${valid.join(", ")}.`);
  }
}

/** The keys of a config type, checked complete by the compiler (`satisfies Record<keyof C, true>`). */
export function keysOf<C>(record: Record<keyof C, true>): (keyof C & string)[] {
  return Object.keys(record) as (keyof C & string)[];
}
