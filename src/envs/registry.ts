/**
 * The registry: `make(id, kwargs?)` builds a registered environment, wrapped in `TimeLimit` when the
 * registration has a step limit, with `env.spec` holding the id, the step limit and the reward
 * threshold. `makeVector(id, numEnvs, kwargs?)` builds a `VectorEnv` of the same environment.
 *
 * | id               | environment                  | step limit | reward threshold |
 * |------------------|------------------------------|------------|------------------|
 * | CartPole-v1      | `CartPole`                   | 500        | 475              |
 * | Pendulum-v1      | `Pendulum`                   | 200        | none             |
 * | ShortCorridor-v0 | `ShortCorridor`              | none       | none             |
 * | Bandit-v0        | `Bandit`                     | none       | none             |
 * | GridWorld-v0     | `GridWorld`                  | 100        | none             |
 * | RandomMdp-v0     | `randomMdp`                  | 200        | none             |
 */
import { CartPole, cartPoleKernel } from "./classic/cartpole";
import { Pendulum, pendulumKernel } from "./classic/pendulum";
import type { Env, EnvSpec } from "./env";
import type { VectorKernel } from "./kernel";
import { Bandit, type BanditArgs } from "./tabular/bandit";
import { GridWorld, type GridWorldArgs } from "./tabular/gridworld";
import { type RandomMdpArgs, randomMdp } from "./tabular/random-mdp";
import { ShortCorridor } from "./tabular/short-corridor";
import type { TabularEnv } from "./tabular/tabular-env";
import { VectorEnv } from "./vector";
import { TimeLimit } from "./wrappers";

export interface Registration {
  id: string;
  /** Builds the environment from keyword arguments. */
  create: (kwargs: Record<string, unknown>) => Env;
  /** The names `create` accepts (others are an error). */
  kwargs: readonly string[];
  maxEpisodeSteps: number | null;
  rewardThreshold: number | null;
  /** The kernel for `makeVector`, when the environment can be vectorised. */
  kernel?: (kwargs: Record<string, unknown>) => VectorKernel;
  /** One line for `--help` listings. */
  description: string;
}

const tabularKernel = (create: (k: Record<string, unknown>) => TabularEnv) => (k: Record<string, unknown>) => create(k).kernel();

const REGISTRY = new Map<string, Registration>();

/** Register an environment (an id already registered is an error). */
export function register(r: Registration): void {
  if (REGISTRY.has(r.id)) throw new Error(`register: "${r.id}" is already registered.`);
  REGISTRY.set(r.id, r);
}

/** Registered ids, in registration order. */
export function registeredIds(): string[] {
  return [...REGISTRY.keys()];
}

/** The registration of an id (an error listing the registered ids if unknown). */
export function registration(id: string): Registration {
  const r = REGISTRY.get(id);
  if (!r) throw new Error(`make: unknown environment id ${JSON.stringify(id)}. Registered ids: ${registeredIds().join(", ")}.`);
  return r;
}

function checkKwargs(r: Registration, kwargs: unknown): Record<string, unknown> {
  if (kwargs === undefined) return {};
  if (kwargs === null || typeof kwargs !== "object" || Array.isArray(kwargs)) {
    throw new TypeError(`make("${r.id}"): kwargs must be an object; received ${JSON.stringify(kwargs)}.`);
  }
  const unknown = Object.keys(kwargs).filter((k) => !r.kwargs.includes(k));
  if (unknown.length) {
    throw new RangeError(`make("${r.id}"): unknown argument(s) ${unknown.join(", ")}; ${r.kwargs.length ? `accepted: ${r.kwargs.join(", ")}` : "it takes none"}.`);
  }
  return kwargs as Record<string, unknown>;
}

export interface MadeEnvs {
  "CartPole-v1": TimeLimit<CartPole>;
  "Pendulum-v1": TimeLimit<Pendulum>;
  "ShortCorridor-v0": ShortCorridor;
  "Bandit-v0": Bandit;
  "GridWorld-v0": TimeLimit<GridWorld>;
  "RandomMdp-v0": TimeLimit<TabularEnv>;
}

/** Build a registered environment (wrapped in its TimeLimit, if it has one). */
export function make<K extends keyof MadeEnvs>(id: K, kwargs?: Record<string, unknown>): MadeEnvs[K];
export function make(id: string, kwargs?: Record<string, unknown>): Env;
export function make(id: string, kwargs?: Record<string, unknown>): Env {
  const r = registration(id);
  const args = checkKwargs(r, kwargs);
  const inner = r.create(args);
  (inner as { name?: string }).name = id;
  const spec: EnvSpec = { id, maxEpisodeSteps: r.maxEpisodeSteps, rewardThreshold: r.rewardThreshold, kwargs: { ...args } };
  const env: Env = r.maxEpisodeSteps === null ? inner : new TimeLimit(inner, r.maxEpisodeSteps);
  inner.spec = spec;
  env.spec = spec;
  return env;
}

/**
 * N copies of a registered environment stepped together (see `VectorEnv`). `options.maxEpisodeSteps`
 * replaces the registered step limit (null: none).
 */
export function makeVector(id: string, numEnvs: number, kwargs?: Record<string, unknown>, options: { maxEpisodeSteps?: number | null } = {}): VectorEnv {
  const r = registration(id);
  if (!r.kernel) throw new Error(`makeVector: "${id}" cannot be vectorised. Vectorisable ids: ${[...REGISTRY.values()].filter((x) => x.kernel).map((x) => x.id).join(", ")}.`);
  const limit = options.maxEpisodeSteps === undefined ? r.maxEpisodeSteps : options.maxEpisodeSteps;
  return new VectorEnv(r.kernel(checkKwargs(r, kwargs)), numEnvs, { maxEpisodeSteps: limit, name: id });
}

register({
  id: "CartPole-v1",
  create: () => new CartPole(),
  kwargs: [],
  maxEpisodeSteps: 500,
  rewardThreshold: 475,
  kernel: () => cartPoleKernel,
  description: "balance a pole on a cart (Gymnasium's dynamics); 2 actions",
});
register({
  id: "Pendulum-v1",
  create: (k) => new Pendulum(k as { g?: number }),
  kwargs: ["g"],
  maxEpisodeSteps: 200,
  rewardThreshold: null,
  kernel: (k) => pendulumKernel((k.g as number | undefined) ?? 10.0),
  description: "swing up a pendulum (Gymnasium's dynamics); continuous torque in [-2, 2]",
});
register({
  id: "ShortCorridor-v0",
  create: () => new ShortCorridor(),
  kwargs: [],
  maxEpisodeSteps: null,
  rewardThreshold: null,
  kernel: tabularKernel(() => new ShortCorridor()),
  description: "Sutton & Barto's Example 13.1: states look alike, actions switched in the middle",
});
register({
  id: "Bandit-v0",
  create: (k) => new Bandit(k as BanditArgs),
  kwargs: ["means", "k", "std", "seed"],
  maxEpisodeSteps: null,
  rewardThreshold: null,
  kernel: tabularKernel((k) => new Bandit(k as BanditArgs)),
  description: "k-armed Gaussian bandit, one step per episode",
});
register({
  id: "GridWorld-v0",
  create: (k) => new GridWorld(k as GridWorldArgs),
  kwargs: ["rows", "cols", "start", "goals", "pits", "walls", "stepReward", "goalReward", "pitReward", "slip", "gamma"],
  maxEpisodeSteps: 100,
  rewardThreshold: null,
  kernel: tabularKernel((k) => new GridWorld(k as GridWorldArgs)),
  description: "grid with walls, goal and pit cells, optional slip",
});
register({
  id: "RandomMdp-v0",
  create: (k) => randomMdp(k as RandomMdpArgs),
  kwargs: ["nStates", "nActions", "branching", "gamma", "seed", "terminalStates"],
  maxEpisodeSteps: 200,
  rewardThreshold: null,
  kernel: tabularKernel((k) => randomMdp(k as RandomMdpArgs)),
  description: "random Garnet-style finite MDP",
});
