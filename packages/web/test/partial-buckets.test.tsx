import { describe, expect, it } from 'vitest';
import { partialBucketMarks, partialBuckets } from '../src/charts.js';

const hours = (first: string, n: number) => Array.from({ length: n }, (_, i) => ({ timestamp: new Date(Date.parse(first) + i * 3_600_000).toISOString() }));

describe('partial buckets of a time series', () => {
  it('are the first bucket when the window starts inside it and the last when the window ends inside it', () => {
    // 7 days ending at 15:07: the first hour from 15:07, the last from 15:00 to 15:07.
    const series = { from: '2026-11-27T15:07:00.000Z', to: '2026-12-04T15:07:00.000Z', granularity: 'hour' as const, data: hours('2026-11-27T15:00:00.000Z', 169) };
    expect([...partialBuckets(series)]).toEqual([0, 168]);
  });

  it('are none when the window starts and ends on bucket edges', () => {
    const series = { from: '2026-12-04T10:00:00.000Z', to: '2026-12-04T13:00:00.000Z', granularity: 'hour' as const, data: hours('2026-12-04T10:00:00.000Z', 3) };
    expect(partialBuckets(series).size).toBe(0);
  });

  it('include the only bucket of a window that covers part of it', () => {
    const series = { from: '2026-12-04T10:10:00.000Z', to: '2026-12-04T10:40:00.000Z', granularity: 'hour' as const, data: hours('2026-12-04T10:00:00.000Z', 1) };
    expect([...partialBuckets(series)]).toEqual([0]);
  });

  it('dash the segments into and out of a partial bucket and say so in the tooltip', () => {
    const marks = partialBucketMarks({ from: '2026-12-04T10:00:00.000Z', to: '2026-12-04T12:30:00.000Z', granularity: 'hour', data: hours('2026-12-04T10:00:00.000Z', 3) });
    expect(marks.segment.borderDash({ p0DataIndex: 0, p1DataIndex: 1 })).toBeUndefined();
    expect(marks.segment.borderDash({ p0DataIndex: 1, p1DataIndex: 2 })).toEqual([6, 4]);
    expect(marks.footer([{ dataIndex: 1 }])).toBe('');
    expect(marks.footer([{ dataIndex: 2 }])).toMatch(/Partial/);
  });
});
