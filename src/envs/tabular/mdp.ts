/**
 * The full model of a finite MDP, for exact analysis (`src/exact/`) and for simulation
 * (`TabularEnv` samples from exactly this model).
 */

export interface TabularMDP {
  nStates: number;
  nActions: number;
  /** P[s][a][s']: probability of moving to s' after action a in state s. */
  transitions: number[][][];
  /** Expected reward r_{t+1} after action a in state s. */
  rewards: number[][];
  /** p0: the initial state distribution. */
  initial: number[];
  /** terminal[s]: the episode terminates on reaching s (its value is 0; its rows are ignored). */
  terminal: boolean[];
  /** Discount factor in [0, 1]. */
  gamma: number;
}

const TOLERANCE = 1e-9;

function fail(where: string, message: string): never {
  throw new RangeError(`${where}: ${message}`);
}

function isIntAtLeast1(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 1;
}

/**
 * Checks that `mdp` is a well-formed TabularMDP and throws an error naming the offending state and
 * action otherwise: shapes, probabilities in [0, 1] whose rows sum to 1 (within 1e-9; rows of
 * terminal states may also be all zero), finite rewards, gamma in [0, 1], an initial distribution
 * that sums to 1 and puts no mass on terminal states.
 */
export function validateMdp(mdp: TabularMDP, where = "TabularMDP"): void {
  if (mdp === null || typeof mdp !== "object") fail(where, `expected a TabularMDP object; received ${String(mdp)}.`);
  const { nStates, nActions, transitions: P, rewards: R, initial, terminal, gamma } = mdp;
  if (!isIntAtLeast1(nStates)) fail(where, `nStates must be an integer >= 1; received ${String(nStates)}.`);
  if (!isIntAtLeast1(nActions)) fail(where, `nActions must be an integer >= 1; received ${String(nActions)}.`);
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) fail(where, `gamma must be in [0, 1]; received ${String(gamma)}.`);
  if (!Array.isArray(P) || P.length !== nStates) fail(where, `transitions must have nStates = ${nStates} rows (P[s]); received ${Array.isArray(P) ? P.length : typeof P}.`);
  if (!Array.isArray(R) || R.length !== nStates) fail(where, `rewards must have nStates = ${nStates} rows (R[s]); received ${Array.isArray(R) ? R.length : typeof R}.`);
  if (!Array.isArray(terminal) || terminal.length !== nStates || terminal.some((t) => typeof t !== "boolean")) {
    fail(where, `terminal must be ${nStates} booleans; received ${JSON.stringify(terminal)}.`);
  }
  for (let s = 0; s < nStates; s++) {
    if (!Array.isArray(P[s]) || P[s].length !== nActions) fail(where, `transitions[${s}] must have nActions = ${nActions} rows; received ${Array.isArray(P[s]) ? P[s].length : typeof P[s]}.`);
    if (!Array.isArray(R[s]) || R[s].length !== nActions) fail(where, `rewards[${s}] must have nActions = ${nActions} values; received ${Array.isArray(R[s]) ? R[s].length : typeof R[s]}.`);
    for (let a = 0; a < nActions; a++) {
      const row = P[s][a];
      if (!Array.isArray(row) || row.length !== nStates) {
        fail(where, `transitions[${s}][${a}] must have nStates = ${nStates} probabilities; received ${Array.isArray(row) ? row.length : typeof row}.`);
      }
      let sum = 0;
      for (let t = 0; t < nStates; t++) {
        const p = row[t];
        if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 1 + TOLERANCE) {
          fail(where, `transition probability P[s=${s}][a=${a}][s'=${t}] is ${String(p)}; expected a number in [0, 1].`);
        }
        sum += p;
      }
      const okRow = Math.abs(sum - 1) <= TOLERANCE || (terminal[s] && sum === 0);
      if (!okRow) fail(where, `transition probabilities P[s=${s}][a=${a}][.] sum to ${sum}; expected 1 (within ${TOLERANCE}).`);
      const r = R[s][a];
      if (typeof r !== "number" || !Number.isFinite(r)) fail(where, `reward R[s=${s}][a=${a}] is ${String(r)}; expected a finite number.`);
    }
  }
  if (!Array.isArray(initial) || initial.length !== nStates) fail(where, `initial must have nStates = ${nStates} probabilities; received ${Array.isArray(initial) ? initial.length : typeof initial}.`);
  let total = 0;
  for (let s = 0; s < nStates; s++) {
    const p = initial[s];
    if (typeof p !== "number" || !Number.isFinite(p) || p < 0) fail(where, `initial probability p0(s=${s}) is ${String(p)}; expected a number >= 0.`);
    if (p > 0 && terminal[s]) fail(where, `initial distribution puts probability ${p} on terminal state ${s}; episodes must start in a non-terminal state.`);
    total += p;
  }
  if (Math.abs(total - 1) > TOLERANCE) fail(where, `initial probabilities sum to ${total}; expected 1 (within ${TOLERANCE}).`);
}

/** A deep copy of the model's arrays. */
export function cloneMdp(mdp: TabularMDP): TabularMDP {
  return {
    nStates: mdp.nStates,
    nActions: mdp.nActions,
    transitions: mdp.transitions.map((rows) => rows.map((row) => [...row])),
    rewards: mdp.rewards.map((row) => [...row]),
    initial: [...mdp.initial],
    terminal: [...mdp.terminal],
    gamma: mdp.gamma,
  };
}
