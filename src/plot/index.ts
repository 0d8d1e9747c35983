/** Plots for the notebooks: figure builders, inline display, live training view. */
export {
  METHOD_COLORS,
  bandChart,
  rangeChart,
  barChart,
  colorFor,
  heatmap,
  histogram,
  lineChart,
  overlay,
  scatter,
  subplots,
} from "./figure";
export type { ChartOptions, Figure, Series, Trace } from "./figure";
export { FIGURE_CLASS, PLOTLY_LOADER_ATTR, PLOTLY_MIME, displayBundle, figureBundle, inNotebook, markdown, reloadPlotly, show } from "./display";
export type { MimeBundle } from "./display";
export { LiveTraining } from "./live";
export type { LiveOptions, LivePoint } from "./live";
export { animationHtml, showAnimation } from "./animation";
export type { AnimationOptions } from "./animation";
export { showSource, sourceOf } from "./source";
