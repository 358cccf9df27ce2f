import {
  ArcElement,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { Granularity } from '@pulse/shared';
import { bucketInWindow } from './drill.js';

// Only what the dashboard draws: chart.js tree-shakes the rest away.
Chart.register(ArcElement, BarElement, CategoryScale, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip);

const PALETTE = ['#228be6', '#12b886', '#fab005', '#fa5252', '#7950f2', '#15aabf', '#fd7e14', '#e64980', '#82c91e', '#868e96'];
export const color = (i: number) => PALETTE[i % PALETTE.length]!;

/** A time axis that stays readable at any width: few, unrotated labels. */
export const timeAxis = { ticks: { maxTicksLimit: 8, maxRotation: 0, autoSkip: true, autoSkipPadding: 24 } } as const;

/** A time series as the API answers it: the window, the granularity and each bucket's start (docs/API_SPEC.md §3). */
interface BucketSeries {
  from: string;
  to: string;
  granularity: Granularity;
  data: ReadonlyArray<{ timestamp: string }>;
}

/**
 * The points of a series whose bucket lies only partly in the window: the first bucket starts
 * at `from` rounded down to the granularity and the last may end after `to` (the current hour
 * of a 7-day chart), so their counts cover part of a bucket and look like a dip beside whole ones.
 */
export function partialBuckets(series: BucketSeries): Set<number> {
  const partial = new Set<number>();
  series.data.forEach((d, i) => {
    if (bucketInWindow(d.timestamp, series.granularity, series).partial) partial.add(i);
  });
  return partial;
}

/**
 * A count-over-time chart's marking of partial buckets: `segment` for each line dataset (dashed
 * into and out of such a bucket) and `footer` for the tooltip, which says so. Bars get the
 * footer only: chart.js draws a bar dataset's legend box in its first bar's colour, and the
 * first bucket is often partial itself.
 */
export function partialBucketMarks(series: BucketSeries) {
  const partial = partialBuckets(series);
  return {
    segment: {
      borderDash: (ctx: { p0DataIndex: number; p1DataIndex: number }) => (partial.has(ctx.p0DataIndex) || partial.has(ctx.p1DataIndex) ? [6, 4] : undefined),
    },
    footer: (items: ReadonlyArray<{ dataIndex: number }>) => (items.some((item) => partial.has(item.dataIndex)) ? 'Partial: only part of this bucket is in the window' : ''),
  };
}
