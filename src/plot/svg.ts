/**
 * A line figure (`lineChart`, `curvesFigure`) as a static SVG picture: lines, shaded bands, dashed
 * reference lines, axes with ticks, a legend. Pages that are meant to be copied alone carry it, so
 * that they show the plot without plotly.js (which draws the interactive version where it is found).
 * Linear axes only; traces other than scatter lines and bands are left out.
 */
import type { Figure, Trace } from "./figure";
import { escapeHtml, plotlyJson, scriptJson } from "./display";

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const tickText = (v: number) => (Math.abs(v) >= 10_000 ? v.toLocaleString("en-US") : String(Number(v.toPrecision(6))));
const textOf = (t: unknown) => (typeof t === "string" ? t : ((t as { text?: string } | undefined)?.text ?? ""));
const numbers = (a: unknown) => (Array.isArray(a) ? (a as unknown[]).map((v) => (typeof v === "number" ? v : NaN)) : []);

/** The SVG of a line figure, `width` x its layout's height. */
export function figureSvg(fig: Figure, width = 900): string {
  const layout = fig.layout as { height?: number; title?: unknown; xaxis?: { title?: unknown }; yaxis?: { title?: unknown }; shapes?: Trace[]; annotations?: Trace[] };
  const height = Number(layout.height ?? 420);
  const traces = fig.data.filter((t) => (t.type ?? "scatter") === "scatter");
  const legend = traces.filter((t) => t.showlegend !== false && t.fill !== "toself" && t.name);
  const [left, right, top, bottom] = [70, legend.length ? 230 : 20, 50, 55];
  const xs = traces.flatMap((t) => numbers(t.x)).filter(Number.isFinite);
  const hLines = (layout.shapes ?? []).filter((s) => s.yref === "y").map((s) => Number(s.y0));
  const ys = [...traces.flatMap((t) => numbers(t.y)), ...hLines].filter(Number.isFinite);
  const title = `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">${escapeHtml(textOf(layout.title))}</text>`;
  if (xs.length === 0 || ys.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="120" font-family="Helvetica,Arial,sans-serif">${title}<text x="${width / 2}" y="70" text-anchor="middle" font-size="14" fill="#555">no data to draw</text></svg>`;
  }
  const span = (a: number[]) => {
    const [lo, hi] = [Math.min(...a), Math.max(...a)];
    return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
  };
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const pad = (y1 - y0) * 0.04;
  const [ylo, yhi] = [y0 - pad, y1 + pad];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => top + (1 - (y - ylo) / (yhi - ylo)) * plotH;
  const colorOf = (t: Trace) => String((t.line as { color?: string } | undefined)?.color ?? "#1f77b4");
  const parts: string[] = [title];
  // axes and ticks
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`);
  for (const t of niceTicks(x0, x1)) parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${top}" y2="${top + plotH}" stroke="#eee"/><text x="${px(t)}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${tickText(t)}</text>`);
  for (const t of niceTicks(ylo, yhi)) parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/><text x="${left - 6}" y="${py(t) + 4}" text-anchor="end" font-size="11">${tickText(t)}</text>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 12}" text-anchor="middle" font-size="13">${escapeHtml(textOf(layout.xaxis?.title))}</text>`);
  parts.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escapeHtml(textOf(layout.yaxis?.title))}</text>`);
  // bands, then lines (NaN: a gap)
  for (const t of traces) {
    const [tx, ty] = [numbers(t.x), numbers(t.y)];
    const pts = tx.map((x, i) => [x, ty[i]]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (t.fill === "toself") {
      if (pts.length > 2) parts.push(`<polygon points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}" fill="${String(t.fillcolor ?? colorOf(t))}" stroke="none"/>`);
      continue;
    }
    const width = Number((t.line as { width?: number } | undefined)?.width ?? 2);
    const opacity = Number(t.opacity ?? 1);
    let d = "";
    let pen = "M";
    tx.forEach((x, i) => {
      if (!Number.isFinite(x) || !Number.isFinite(ty[i])) return void (pen = "M");
      d += `${pen}${px(x).toFixed(1)},${py(ty[i]).toFixed(1)}`;
      pen = "L";
    });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${colorOf(t)}" stroke-width="${width}" opacity="${opacity}"/>`);
    if (pts.length === 1) parts.push(`<circle cx="${px(pts[0][0])}" cy="${py(pts[0][1])}" r="3" fill="${colorOf(t)}"/>`);
  }
  // dashed reference lines with their names
  (layout.shapes ?? []).forEach((s, k) => {
    const name = textOf((layout.annotations ?? [])[k]?.text);
    if (s.yref === "y") parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${py(Number(s.y0))}" y2="${py(Number(s.y0))}" stroke="#444" stroke-dasharray="6 4"/><text x="${left + plotW - 4}" y="${py(Number(s.y0)) - 4}" text-anchor="end" font-size="12" fill="#444">${escapeHtml(name)}</text>`);
    else if (s.xref === "x") parts.push(`<line x1="${px(Number(s.x0))}" x2="${px(Number(s.x0))}" y1="${top}" y2="${top + plotH}" stroke="#444" stroke-dasharray="6 4"/>`);
  });
  legend.forEach((t, k) => {
    const y = top + 10 + 18 * k;
    parts.push(`<line x1="${width - right + 12}" x2="${width - right + 36}" y1="${y}" y2="${y}" stroke="${colorOf(t)}" stroke-width="2.5"/><text x="${width - right + 42}" y="${y + 4}" font-size="12">${escapeHtml(String(t.name))}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px" font-family="Helvetica,Arial,sans-serif">${parts.join("")}</svg>`;
}

/**
 * A figure for a page that may be opened anywhere, alone and offline: the static SVG, which the
 * interactive plot replaces once plotly.js is on the page (`window.Plotly`, loaded by the page's own
 * script elements; see scripts/runs.ts). `where` says, under the picture, where the page looks for
 * plotly.js.
 */
export function pageFigureHtml(fig: Figure, id: string, where: string): string {
  const json = plotlyJson(fig);
  const height = Number((json.layout as { height?: number }).height ?? 420);
  return (
    `<div id="${id}" style="width:100%">${figureSvg(fig)}<p class="note">A static picture: ${escapeHtml(where)}</p></div>\n` +
    `<script>(function () {\n` +
    `  var fig = ${scriptJson({ ...json, config: { responsive: true, displaylogo: false } })};\n` +
    `  function draw() {\n` +
    `    var el = document.getElementById(${JSON.stringify(id)});\n` +
    `    if (!window.Plotly || !el) return;\n` +
    `    el.innerHTML = ""; el.style.minHeight = "${height}px";\n` +
    `    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);\n` +
    `  }\n` +
    `  if (window.Plotly) draw(); else window.addEventListener("pglab-plotly", draw);\n` +
    `})();</script>`
  );
}
