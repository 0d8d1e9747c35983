/** Collecting experience: the batch type every estimator and algorithm uses, the collector, sampling episodes. */
export { emptyBatch, endsAt, episodesOf, nextValuesOf, rowIndex, spanBatch, spans, toBatch } from "./batch";
export type { Batch, PsiEstimator, Segment, Span } from "./batch";
export { Collector, vectorize } from "./collector";
export type { Actor, RowSampler, VectorLike } from "./collector";
export { sampleBatch, sampleEpisodes } from "./sample";
export type { SampleOptions } from "./sample";
