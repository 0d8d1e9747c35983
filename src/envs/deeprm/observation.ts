/**
 * The state image DeepRM's policy sees: `horizon` rows (row k = k time steps ahead) of `imageWidth`
 * columns, flattened row by row. Columns, left to right:
 *
 * | block                      | columns        | a cell is 1 when                                  |
 * |----------------------------|----------------|---------------------------------------------------|
 * | cluster, resource r        | capacity       | that unit of r is allocated to some job at row k  |
 * | slot i (0..M-1), resource r| maxDemand      | the job waiting in slot i needs that unit at its  |
 * |                            |                | k-th step of running (k < T_j, column < demand)   |
 * | ... repeated for each resource r (cluster, then its M slots)                                    |
 * | backlog                    | ceil(backlog/horizon) | filled row by row, one cell per waiting job |
 * | time since last arrival    | 1              | every row holds min(steps, 10) / 10               |
 *
 * This is the reference code's image (environment.py, observe) with one change: an allocated cell is
 * 1 rather than a per-job colour, since the colours there are random and carry no information the
 * network could use. `decodeObservation` reads back what the heuristics need.
 */
import { type DeepRMConfig, H, SINCE_ARRIVAL_CAP } from "./config";

/** First column of the cluster block of resource r. */
export const clusterColumn = (cfg: DeepRMConfig, r: number): number => r * (cfg.capacity + cfg.slots * cfg.maxDemand);
/** First column of slot i's block for resource r. */
export const slotColumn = (cfg: DeepRMConfig, r: number, i: number): number => clusterColumn(cfg, r) + cfg.capacity + i * cfg.maxDemand;
/** First column of the backlog block. */
export const backlogColumn = (cfg: DeepRMConfig): number => cfg.resources * (cfg.capacity + cfg.slots * cfg.maxDemand);

/** Write the state image of state s[o ..] into obs[oOff .. oOff + obsDim). */
export function observe(cfg: DeepRMConfig, s: ArrayLike<number>, o: number, obs: Float64Array | Float32Array, oOff: number): void {
  const L = cfg.layout;
  const W = cfg.imageWidth;
  const T = cfg.horizon;
  const C = cfg.capacity;
  obs.fill(0, oOff, oOff + cfg.obsDim);
  for (let r = 0; r < cfg.resources; r++) {
    const col = clusterColumn(cfg, r);
    for (let k = 0; k < T; k++) {
      const cells = o + L.canvas + (r * T + k) * C;
      const px = oOff + k * W + col;
      for (let c = 0; c < C; c++) if (s[cells + c] >= 0) obs[px + c] = 1;
    }
    for (let i = 0; i < cfg.slots; i++) {
      const j = s[o + L.slots + i];
      if (j < 0) continue;
      const row = o + L.jobs + j * L.jobWidth;
      const length = s[row + 1];
      const need = s[row + 2 + r];
      const sc = slotColumn(cfg, r, i);
      for (let k = 0; k < length; k++) {
        const px = oOff + k * W + sc;
        for (let c = 0; c < need; c++) obs[px + c] = 1; // a loop: fill() costs more than the few cells it sets
      }
    }
  }
  const waiting = s[o + H.backlogCount];
  const bw = cfg.backlogWidth;
  const bc = backlogColumn(cfg);
  for (let b = 0; b < waiting; b++) obs[oOff + Math.floor(b / bw) * W + bc + (b % bw)] = 1;
  const since = Math.fround(s[o + H.sinceArrival] / SINCE_ARRIVAL_CAP);
  for (let k = 0; k < T; k++) obs[oOff + k * W + W - 1] = since;
}

/** What a state image shows, as numbers (see `decodeObservation`). */
export interface ObservationView {
  /** Free units per resource and time offset, R x horizon: avail[r * horizon + k]. */
  avail: Float64Array;
  /** Length of the job in each slot (0: empty slot). */
  lengths: Int32Array;
  /** Demands of the job in each slot, M x R: demands[i * R + r]. */
  demands: Int32Array;
  /** Jobs in the backlog. */
  backlog: number;
  /** Time steps since the last arrival, saturated at 10. */
  sinceArrival: number;
}

/** An empty view to decode into. */
export function emptyView(cfg: DeepRMConfig): ObservationView {
  return {
    avail: new Float64Array(cfg.resources * cfg.horizon),
    lengths: new Int32Array(cfg.slots),
    demands: new Int32Array(cfg.slots * cfg.resources),
    backlog: 0,
    sinceArrival: 0,
  };
}

/**
 * Read a state image back (row `off / obsDim` of a batch, or a single image at 0): free units, the
 * waiting jobs' lengths and demands, the backlog. Reuses `into` when given.
 */
export function decodeObservation(cfg: DeepRMConfig, obs: ArrayLike<number>, off = 0, into: ObservationView = emptyView(cfg)): ObservationView {
  const W = cfg.imageWidth;
  const T = cfg.horizon;
  const R = cfg.resources;
  for (let r = 0; r < R; r++) {
    const col = off + clusterColumn(cfg, r);
    for (let k = 0; k < T; k++) {
      let used = 0;
      for (let c = 0; c < cfg.capacity; c++) if (obs[col + k * W + c] > 0.5) used++;
      into.avail[r * T + k] = cfg.capacity - used;
    }
  }
  for (let i = 0; i < cfg.slots; i++) {
    let length = 0;
    const first = off + slotColumn(cfg, 0, i);
    while (length < T && obs[first + length * W] > 0.5) length++;
    into.lengths[i] = length;
    for (let r = 0; r < R; r++) {
      const sc = off + slotColumn(cfg, r, i);
      let need = 0;
      if (length > 0) while (need < cfg.maxDemand && obs[sc + need] > 0.5) need++;
      into.demands[i * R + r] = need;
    }
  }
  let waiting = 0;
  const bc = off + backlogColumn(cfg);
  for (let k = 0; k < T; k++) for (let c = 0; c < cfg.backlogWidth; c++) if (obs[bc + k * W + c] > 0.5) waiting++;
  into.backlog = waiting;
  into.sinceArrival = Math.round(obs[off + W - 1] * SINCE_ARRIVAL_CAP);
  return into;
}
