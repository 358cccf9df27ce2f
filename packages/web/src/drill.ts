import type { Granularity } from '@pulse/shared';
import type { ViewPatch } from './view-state.js';

/** Milliseconds of a bucket (a map, not the shared constant: that module carries zod along). */
const STEP: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * A chart bucket's span clipped to the answer's window (its first and last buckets count only the
 * traces inside), in ms, and whether the clip cut it: a partial bucket.
 */
export function bucketInWindow(timestamp: string, granularity: Granularity, window: { from: string; to: string }) {
  const bucketStart = Date.parse(timestamp);
  const bucketEnd = bucketStart + STEP[granularity];
  const start = Math.max(bucketStart, Date.parse(window.from));
  const end = Math.min(bucketEnd, Date.parse(window.to));
  return { start, end, partial: start > bucketStart || end < bucketEnd };
}

/** The Traces view of exactly one chart bucket: a custom window over the bucket's span in the answer's window. */
export function bucketDrill(timestamp: string, granularity: Granularity, window: { from: string; to: string }): ViewPatch {
  const { start, end } = bucketInWindow(timestamp, granularity, window);
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
