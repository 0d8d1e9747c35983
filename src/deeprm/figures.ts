/** Figures for DeepRM: the state image as the policy network sees it. */
import type { DeepRMConfig } from "../envs/deeprm/config";
import { backlogColumn, clusterColumn } from "../envs/deeprm/observation";
import { type Figure, heatmap } from "../plot/figure";

/**
 * Heatmap of one state image (an observation of DeepRM-v0), row 0 (now) at the top. Columns are
 * labelled by block: "r1 cluster", "r1 slot 3", ..., "backlog", "since arrival".
 */
export function stateHeatmap(cfg: DeepRMConfig, observation: ArrayLike<number>, title = "DeepRM state image"): Figure {
  if (observation.length !== cfg.obsDim) throw new RangeError(`stateHeatmap: expected an observation of ${cfg.obsDim} numbers; received ${observation.length}.`);
  const W = cfg.imageWidth;
  const rows = Array.from({ length: cfg.horizon }, (_, k) => Array.from(observation).slice(k * W, (k + 1) * W));
  const fig = heatmap(rows, {
    title,
    xLabel: "column: per resource the cluster, then the M slots; then the backlog and the time since the last arrival",
    yLabel: "time steps ahead",
    colorbarTitle: "cell value",
    colorscale: "Greys",
  });
  const ticks: number[] = [];
  const labels: string[] = [];
  for (let r = 0; r < cfg.resources; r++) {
    ticks.push(clusterColumn(cfg, r) + cfg.capacity / 2);
    labels.push(`r${r + 1} cluster`);
    for (let i = 0; i < cfg.slots; i++) {
      ticks.push(clusterColumn(cfg, r) + cfg.capacity + (i + 0.5) * cfg.maxDemand);
      labels.push(`r${r + 1} slot ${i + 1}`);
    }
  }
  ticks.push(backlogColumn(cfg) + cfg.backlogWidth / 2, W - 1);
  labels.push("backlog", "since arrival");
  fig.layout.xaxis = { ...(fig.layout.xaxis as object), tickvals: ticks, ticktext: labels, tickangle: -60 };
  fig.layout.yaxis = { ...(fig.layout.yaxis as object), autorange: "reversed" };
  return fig;
}
