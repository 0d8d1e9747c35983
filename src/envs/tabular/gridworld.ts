/**
 * ## GridWorld-v0
 *
 * **Description.** A rectangular grid of cells; the agent moves up, right, down or left. Walls block
 * moves (as does the border: the agent stays put). Goal cells and pit cells end the episode. With a
 * slip probability the move goes sideways: with probability 1 - slip in the intended direction, with
 * slip / 2 in each of the two perpendicular directions.
 *
 * **Action space.** `Discrete(4)`: 0 = up, 1 = right, 2 = down, 3 = left.
 *
 * **Observation space.** `Discrete(nStates)`: the index of the agent's cell among the non-wall cells,
 * row by row (`stateOf(row, col)`, `cellOf(state)`).
 *
 * **Rewards.** `stepReward` on every step, plus `goalReward` when the step enters a goal cell and
 * `pitReward` when it enters a pit. The tabular model holds the expectation over the slip.
 *
 * **Starting state.** The `start` cell.
 *
 * **Episode end.** Termination: entering a goal or a pit. Truncation: after 100 steps when made with
 * `make("GridWorld-v0")` (the exact model has no time limit).
 *
 * **Arguments.** `{ rows = 4, cols = 4, start = [0, 0], goals = [[rows-1, cols-1]], pits = [[1, 3]],
 * walls = [[1, 1]], stepReward = -1, goalReward = 10, pitReward = -10, slip = 0, gamma = 0.99 }`
 * (cells are [row, col], row 0 at the top). Defaults that do not fit the grid size are dropped.
 */
import { TabularEnv } from "./tabular-env";
import type { TabularMDP } from "./mdp";

export type Cell = [number, number];

export interface GridWorldArgs {
  rows?: number;
  cols?: number;
  start?: Cell;
  goals?: Cell[];
  pits?: Cell[];
  walls?: Cell[];
  stepReward?: number;
  goalReward?: number;
  pitReward?: number;
  slip?: number;
  gamma?: number;
}

export const ACTION_NAMES = ["up", "right", "down", "left"] as const;
const MOVES: Cell[] = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
];

function finite(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`GridWorld: ${name} must be a finite number; received ${String(v)}.`);
  return v;
}

export class GridWorld extends TabularEnv {
  readonly rows: number;
  readonly cols: number;
  readonly args: Required<GridWorldArgs>;
  private readonly index: Int32Array; // cell -> state, -1 for walls
  private readonly cells: Cell[]; // state -> cell

  constructor(args: GridWorldArgs = {}) {
    const rows = args.rows ?? 4;
    const cols = args.cols ?? 4;
    for (const [k, v] of [["rows", rows], ["cols", cols]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`GridWorld: ${k} must be an integer >= 1; received ${String(v)}.`);
    }
    const inGrid = ([r, c]: Cell) => r >= 0 && r < rows && c >= 0 && c < cols;
    const checkCells = (name: string, cells: Cell[] | undefined, fallback: Cell[]): Cell[] => {
      if (cells === undefined) return fallback.filter(inGrid);
      if (!Array.isArray(cells)) throw new TypeError(`GridWorld: ${name} must be a list of [row, col] cells; received ${JSON.stringify(cells)}.`);
      for (const cell of cells) {
        if (!Array.isArray(cell) || cell.length !== 2 || !cell.every(Number.isSafeInteger) || !inGrid(cell)) {
          throw new RangeError(`GridWorld: ${name} has the cell ${JSON.stringify(cell)}; expected [row, col] inside the ${rows} x ${cols} grid.`);
        }
      }
      return cells.map(([r, c]) => [r, c] as Cell);
    };
    const a: Required<GridWorldArgs> = {
      rows,
      cols,
      start: checkCells("start", args.start ? [args.start] : undefined, [[0, 0]])[0],
      goals: checkCells("goals", args.goals, [[rows - 1, cols - 1]]),
      pits: checkCells("pits", args.pits, [[1, 3]]),
      walls: checkCells("walls", args.walls, [[1, 1]]),
      stepReward: finite("stepReward", args.stepReward ?? -1),
      goalReward: finite("goalReward", args.goalReward ?? 10),
      pitReward: finite("pitReward", args.pitReward ?? -10),
      slip: finite("slip", args.slip ?? 0),
      gamma: finite("gamma", args.gamma ?? 0.99),
    };
    if (!(a.slip >= 0 && a.slip <= 1)) throw new RangeError(`GridWorld: slip must be a probability in [0, 1]; received ${a.slip}.`);
    const key = ([r, c]: Cell) => r * cols + c;
    const walls = new Set(a.walls.map(key));
    const goals = new Set(a.goals.map(key));
    const pits = new Set(a.pits.map(key));
    for (const [name, set] of [["start", new Set([key(a.start)])], ["goals", goals], ["pits", pits]] as const) {
      for (const k of set) if (walls.has(k)) throw new RangeError(`GridWorld: ${name} cell [${Math.floor(k / cols)}, ${k % cols}] is a wall.`);
    }
    if (goals.has(key(a.start)) || pits.has(key(a.start))) throw new RangeError(`GridWorld: the start cell [${a.start}] must not be a goal or a pit.`);

    const index = new Int32Array(rows * cols).fill(-1);
    const cells: Cell[] = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (!walls.has(r * cols + c)) index[r * cols + c] = cells.push([r, c]) - 1;
    const n = cells.length;
    const terminalOf = (s: number) => goals.has(key(cells[s])) || pits.has(key(cells[s]));
    const rewardOf = (next: number) => a.stepReward + (goals.has(key(cells[next])) ? a.goalReward : 0) + (pits.has(key(cells[next])) ? a.pitReward : 0);
    const moveFrom = (s: number, dir: number): number => {
      const [r, c] = cells[s];
      const target: Cell = [r + MOVES[dir][0], c + MOVES[dir][1]];
      return inGrid(target) && index[key(target)] >= 0 ? index[key(target)] : s;
    };
    const mdp: TabularMDP = {
      nStates: n,
      nActions: 4,
      transitions: [],
      rewards: [],
      initial: cells.map((cell) => (key(cell) === key(a.start) ? 1 : 0)),
      terminal: cells.map((_, s) => terminalOf(s)),
      gamma: a.gamma,
    };
    for (let s = 0; s < n; s++) {
      mdp.transitions.push([]);
      mdp.rewards.push([]);
      for (let act = 0; act < 4; act++) {
        const row = new Array(n).fill(0);
        if (terminalOf(s)) row[s] = 1; // absorbing; never stepped from
        else {
          const outcomes: [number, number][] = [[act, 1 - a.slip], [(act + 1) % 4, a.slip / 2], [(act + 3) % 4, a.slip / 2]];
          for (const [dir, p] of outcomes) if (p > 0) row[moveFrom(s, dir)] += p;
        }
        mdp.transitions[s].push(row);
        mdp.rewards[s].push(terminalOf(s) ? 0 : row.reduce((acc, p, t) => acc + p * rewardOf(t), 0));
      }
    }
    super("GridWorld-v0", mdp, { reward: (_s, _a, next) => rewardOf(next) });
    this.rows = rows;
    this.cols = cols;
    this.args = a;
    this.index = index;
    this.cells = cells;
  }

  /** The state index of cell [row, col] (an error for walls and cells outside the grid). */
  stateOf(row: number, col: number): number {
    const s = row >= 0 && row < this.rows && col >= 0 && col < this.cols ? this.index[row * this.cols + col] : -1;
    if (s < 0) throw new RangeError(`GridWorld.stateOf: [${row}, ${col}] is a wall or outside the ${this.rows} x ${this.cols} grid.`);
    return s;
  }

  /** The [row, col] cell of a state index. */
  cellOf(state: number): Cell {
    if (!Number.isSafeInteger(state) || state < 0 || state >= this.cells.length) {
      throw new RangeError(`GridWorld.cellOf: state must be an integer in 0 .. ${this.cells.length - 1}; received ${state}.`);
    }
    return [...this.cells[state]] as Cell;
  }

  /** Per-state values laid out on the grid (rows x cols), NaN on walls: ready for a heatmap. */
  toGrid(values: ArrayLike<number>): number[][] {
    if (values.length !== this.nStates) throw new RangeError(`GridWorld.toGrid: expected ${this.nStates} values (one per state); received ${values.length}.`);
    return Array.from({ length: this.rows }, (_, r) =>
      Array.from({ length: this.cols }, (_, c) => {
        const s = this.index[r * this.cols + c];
        return s >= 0 ? values[s] : NaN;
      }),
    );
  }
}
