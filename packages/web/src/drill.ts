import type { Granularity } from '@pulse/shared';
import type { ViewPatch } from './view-state.js';

/** Milliseconds of a bucket (a map, not the shared constant: that module carries zod along). */
const STEP: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * The Traces view of exactly one chart bucket: a custom window from the bucket's start to its
 * end, clipped to the answer's window (its first and last buckets count only the traces inside).
 */
export function bucketDrill(timestamp: string, granularity: Granularity, window: { from: string; to: string }): ViewPatch {
  const start = Math.max(Date.parse(timestamp), Date.parse(window.from));
  const end = Math.min(Date.parse(timestamp) + STEP[granularity], Date.parse(window.to));
  return { range: 'custom', from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

/** The Traces view of the answer's whole window, for a row or slice (an agent, a user, an error type). */
export function windowDrill(window: { from: string; to: string }): ViewPatch {
  return { range: 'custom', from: window.from, to: window.to };
}

/** A chart.js click handler that hands the clicked point's index (and dataset) to `onPoint`. */
export function onChartClick(onPoint: (index: number, datasetIndex: number) => void) {
  return (_event: unknown, elements: Array<{ index: number; datasetIndex: number }>) => {
    const [first] = elements;
    if (first) onPoint(first.index, first.datasetIndex);
  };
}
