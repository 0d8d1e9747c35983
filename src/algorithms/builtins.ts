/**
 * The built-in names: one table of the psi_t estimators and baselines that `reinforce`,
 * `actorCritic`, `a2c` and `a3c` accept by name (and, in `NAMED_FIELDS`, which config field takes
 * which names, with the optimisers of src/update/optimizers.ts). Each name is the library function it stands for
 * (`psi: "gae"` and `psi: gae` are the same run), and the algorithms' configs, their error messages
 * and `npm run train -- --help` read the names from here.
 *
 * To add an estimator by name: write it in src/estimators/ with the signature `PsiEstimator`, and add
 * one entry to its algorithm's map in `ESTIMATORS`. To add a baseline by name: write it in
 * src/baselines/ with the signature `Baseline`, and add one entry to `BASELINES`.
 */
import { type Baseline, batchMeanBaseline, constantBaseline, movingAverageBaseline, noBaseline, timeDependentBaseline, valueBaseline } from "../baselines/index";
import type { PsiEstimator } from "../estimators/segment";
import { advantagePsi, gae, nStepAdvantages, qPsi, rewardToGo, tdErrors, totalReturn } from "../estimators/returns";
import { OPTIMIZERS } from "../update/optimizers";

/** psi_t by name, per algorithm (the config field: reinforce's and actorCritic's `psi`, a2c's and a3c's `advantage`). */
export const ESTIMATORS = {
  /** psi_t before the baseline. */
  reinforce: { total: totalReturn, rewardToGo },
  /** psi_t from the Q critic: Q(s_t, a_t), or Q - V with V = sum_a pi Q. */
  actorCritic: { q: qPsi, advantage: advantagePsi },
  /** The advantage from the V critic (and, for "qv", a learned Q as well). */
  a2c: { nstep: nStepAdvantages, td: tdErrors, gae, qv: advantagePsi },
} satisfies Record<string, Record<string, PsiEstimator>>;

/** The a2c estimators that a3c's workers run: all but those that need a Q critic ("qv"). */
export const A3C_ESTIMATORS = (({ qv: _qv, ...rest }) => rest)(ESTIMATORS.a2c);

/** What a named baseline needs from the config. */
export interface BaselineSettings {
  /** b of "constant". */
  baselineValue: number;
  /** alpha of "movingAverage". */
  movingAverageAlpha: number;
}

interface BaselineEntry {
  /** The baseline for a run (a fresh one: a moving average keeps state). */
  make: (settings: BaselineSettings) => Baseline;
  /** Computable from one group of grouped collection alone (DeepRM's scheme). */
  grouped: boolean;
  /** Needs REINFORCE to learn a critic V(s) (its values fill the segment). */
  critic?: boolean;
  /** One b per parameter rather than per row: REINFORCE's update takes Williams' direction. */
  perParameter?: boolean;
}

/** REINFORCE's baselines by name. */
export const BASELINES = {
  none: { make: () => noBaseline, grouped: true },
  constant: { make: (c) => constantBaseline(c.baselineValue), grouped: true },
  movingAverage: { make: (c) => movingAverageBaseline(c.movingAverageAlpha), grouped: false },
  batchMean: { make: () => batchMeanBaseline, grouped: true },
  /** Williams' per-parameter b_k (`williamsOptimalBaseline`), generalised to any psi. */
  optimal: { make: () => noBaseline, grouped: false, perParameter: true },
  timeDependent: { make: () => timeDependentBaseline, grouped: true },
  value: { make: () => valueBaseline, grouped: false, critic: true },
} satisfies Record<string, BaselineEntry>;

export type BaselineName = keyof typeof BASELINES;

/** The names of a map, for `oneOf` checks and error messages. */
export function namesOf<T extends object>(map: T): (keyof T & string)[] {
  return Object.keys(map) as (keyof T & string)[];
}

/** The entry of a baseline name (for its flags). */
export function baselineEntry(name: BaselineName): BaselineEntry {
  return BASELINES[name];
}

/** Each algorithm's config fields that take a built-in name, with the names (for `--help` and docs). */
export const NAMED_FIELDS: Record<"reinforce" | "a2c" | "actorCritic" | "a3c", Record<string, readonly string[]>> = {
  reinforce: { psi: namesOf(ESTIMATORS.reinforce), baseline: namesOf(BASELINES), optimizer: OPTIMIZERS },
  a2c: { advantage: namesOf(ESTIMATORS.a2c), optimizer: OPTIMIZERS },
  actorCritic: { psi: namesOf(ESTIMATORS.actorCritic) },
  a3c: { advantage: namesOf(A3C_ESTIMATORS) },
};
