/**
 * A drawing of DeepRM's state, laid out like the paper's Figure 2: one row of panels per resource (the
 * cluster's next `horizon` steps, then the M job slots), then the backlog and the time since the last
 * arrival. Time runs downwards (row 0 is now). Each job keeps one colour, waiting or running.
 */
import { type DeepRMConfig, H, SINCE_ARRIVAL_CAP } from "./config";

const CELL = 6;
const GAP = 6;
const LABEL = 14;

/** A job's colour: golden-angle hues, so that neighbouring indices differ. */
export function jobColor(j: number): string {
  return `hsl(${((j * 137.508) % 360).toFixed(1)}, 65%, 55%)`;
}

/** The state s[o ..] as an SVG image. */
export function renderDeepRM(cfg: DeepRMConfig, s: ArrayLike<number>, o = 0): string {
  const L = cfg.layout;
  const T = cfg.horizon;
  const C = cfg.capacity;
  const D = cfg.maxDemand;
  const panelH = T * CELL;
  const rowH = LABEL + panelH + GAP;
  const slotsX = C * CELL + 2 * GAP;
  const backlogX = slotsX + cfg.slots * (D * CELL + GAP) + GAP;
  const width = backlogX + (cfg.backlogWidth + 1) * CELL + 2 * GAP + 40;
  const height = LABEL + cfg.resources * rowH + GAP;
  const parts: string[] = [];
  const rect = (x: number, y: number, w: number, h: number, fill: string, extra = "") =>
    parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"${extra}/>`);
  const text = (x: number, y: number, label: string) => parts.push(`<text x="${x}" y="${y}" font-size="10" font-family="sans-serif">${label}</text>`);
  const frame = (x: number, y: number, w: number, h: number) => rect(x, y, w, h, "none", ` stroke="#888" stroke-width="0.5"`);

  const waiting = s[o + H.backlogCount];
  text(0, 10, `t = ${s[o + H.time]}: ${s[o + H.inSystem]} job(s) in the system, ${waiting} in the backlog`);
  for (let r = 0; r < cfg.resources; r++) {
    const y0 = LABEL + r * rowH;
    text(0, y0 + LABEL - 3, `resource ${r + 1}`);
    const top = y0 + LABEL;
    for (let k = 0; k < T; k++) {
      for (let c = 0; c < C; c++) {
        const j = s[o + L.canvas + (r * T + k) * C + c];
        if (j >= 0) rect(c * CELL, top + k * CELL, CELL, CELL, jobColor(j));
      }
    }
    frame(0, top, C * CELL, panelH);
    for (let i = 0; i < cfg.slots; i++) {
      const x = slotsX + i * (D * CELL + GAP);
      if (r === 0) text(x, y0 + LABEL - 3, `slot ${i + 1}`);
      const j = s[o + L.slots + i];
      if (j >= 0) {
        const row = o + L.jobs + j * L.jobWidth;
        rect(x, top, s[row + 2 + r] * CELL, s[row + 1] * CELL, jobColor(j));
      }
      frame(x, top, D * CELL, panelH);
    }
  }
  const top = 2 * LABEL;
  text(backlogX, top - 3, "backlog");
  for (let b = 0; b < waiting; b++) rect(backlogX + (b % cfg.backlogWidth) * CELL, top + Math.floor(b / cfg.backlogWidth) * CELL, CELL, CELL, "#555");
  frame(backlogX, top, cfg.backlogWidth * CELL, panelH);
  const sinceX = backlogX + cfg.backlogWidth * CELL + 2 * GAP;
  const since = s[o + H.sinceArrival] / SINCE_ARRIVAL_CAP;
  rect(sinceX, top, CELL, panelH, "#555", ` fill-opacity="${since.toFixed(2)}"`);
  frame(sinceX, top, CELL, panelH);
  text(sinceX - 2, top + panelH + 12, "since");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
}
