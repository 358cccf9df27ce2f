import { MAX_BUCKETS } from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketStarts, planWindow, previousWindow, resolveGranularity, resolveWindow, splitWeeks, type TimeWindow } from './window.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 2);
const at = (ms: number) => new Date(ms).toISOString();

describe('resolveWindow and previousWindow', () => {
  it('ends a preset range now and takes a custom window as sent', () => {
    const now = D0 + 5 * HOUR + 123;
    expect(resolveWindow({ range: '24h' }, now)).toEqual({ from: now - DAY, to: now });
    expect(resolveWindow({ range: '7d' }, now)).toEqual({ from: now - 7 * DAY, to: now });
    expect(resolveWindow({ range: 'custom', from: '2026-11-01T10:00:00+02:00', to: '2026-11-02T00:00:00Z' }, now)).toEqual({
      from: Date.parse('2026-11-01T08:00:00Z'),
      to: D0,
    });
  });

  it('puts the previous window of equal length just before from', () => {
    expect(previousWindow({ from: D0, to: D0 + 3 * HOUR })).toEqual({ from: D0 - 3 * HOUR, to: D0 });
  });
});

describe('resolveGranularity', () => {
  it.each([
    [6 * HOUR, 'minute'],
    [6 * HOUR + 1, 'hour'],
    [8 * DAY, 'hour'],
    [8 * DAY + 1, 'day'],
    [366 * DAY, 'day'],
  ] as const)('defaults a span of %i ms to %s', (span, expected) => {
    expect(resolveGranularity({ from: D0, to: D0 + span })).toBe(expected);
  });

  it('keeps a requested granularity up to 1,500 buckets, counting partial edge buckets', () => {
    expect(resolveGranularity({ from: D0, to: D0 + MAX_BUCKETS * MINUTE }, 'minute')).toBe('minute');
    const shifted = { from: D0 + 1, to: D0 + MAX_BUCKETS * MINUTE + 1 };
    expect(bucketStarts(shifted, 'minute')).toHaveLength(MAX_BUCKETS + 1);
    expect(() => resolveGranularity(shifted, 'minute')).toThrow(TRPCError);
  });

  it('refuses more than 1,500 buckets with a 400 that names the granularity', () => {
    try {
      resolveGranularity({ from: D0, to: D0 + 2 * DAY }, 'minute');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe('BAD_REQUEST');
      expect((err as TRPCError).message).toMatch(/^granularity: /);
    }
  });
});

describe('bucketStarts', () => {
  it('starts at floor(from) and has one bucket per UTC-aligned step that intersects [from, to)', () => {
    const w = { from: D0 + 10 * HOUR + 30 * MINUTE, to: D0 + 13 * HOUR };
    expect(bucketStarts(w, 'hour').map(at)).toEqual(['2026-11-02T10:00:00.000Z', '2026-11-02T11:00:00.000Z', '2026-11-02T12:00:00.000Z']);
    expect(bucketStarts({ from: D0 - 1, to: D0 + 1 }, 'day').map(at)).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z']);
    expect(bucketStarts(w, 'minute', 5)).toHaveLength(5);
  });
});

describe('planWindow', () => {
  const segments = (list: TimeWindow[]) => list.map((s) => `${at(s.from)}..${at(s.to)}`);

  it('reads a window of whole days from the daily rollups alone', () => {
    expect(planWindow({ from: D0, to: D0 + 3 * DAY })).toEqual({ raw: [], hourly: [], daily: [{ from: D0, to: D0 + 3 * DAY }] });
  });

  it('reads sub-hour edges, hourly partial days and daily whole days of an unaligned window', () => {
    const w = { from: D0 + 22 * HOUR + 15 * MINUTE, to: D0 + 3 * DAY + 2 * HOUR + 40 * MINUTE };
    const plan = planWindow(w);
    expect(segments(plan.raw)).toEqual(['2026-11-02T22:15:00.000Z..2026-11-02T23:00:00.000Z']);
    // The last edge, from its hour's rollup row when the rest of the hour is empty.
    expect(segments([plan.edge!.edge, plan.edge!.hour, plan.edge!.rest])).toEqual(
      ['2026-11-05T02:00:00.000Z..2026-11-05T02:40:00.000Z', '2026-11-05T02:00:00.000Z..2026-11-05T03:00:00.000Z', '2026-11-05T02:40:00.000Z..2026-11-05T03:00:00.000Z'],
    );
    // The last day's part, from its day's rollup row when the rest of the day is empty, else its hours hourly.
    const day = plan.edgeDay!;
    expect(segments([day.edge, day.day, day.rest, day.hours])).toEqual([
      '2026-11-05T00:00:00.000Z..2026-11-05T02:40:00.000Z',
      '2026-11-05T00:00:00.000Z..2026-11-06T00:00:00.000Z',
      '2026-11-05T02:40:00.000Z..2026-11-06T00:00:00.000Z',
      '2026-11-05T00:00:00.000Z..2026-11-05T02:00:00.000Z',
    ]);
    expect(segments(plan.hourly)).toEqual(['2026-11-02T23:00:00.000Z..2026-11-03T00:00:00.000Z']);
    expect(segments(plan.daily)).toEqual(['2026-11-03T00:00:00.000Z..2026-11-05T00:00:00.000Z']);
  });

  it('reads a day-long window ending now as hours of yesterday and today from its day row', () => {
    const w = { from: D0 + 9 * HOUR + 5 * MINUTE, to: D0 + DAY + 9 * HOUR + 5 * MINUTE };
    const plan = planWindow(w);
    expect(segments(plan.hourly)).toEqual(['2026-11-02T10:00:00.000Z..2026-11-03T00:00:00.000Z']);
    expect(plan.daily).toEqual([]);
    expect(segments([plan.edgeDay!.edge, plan.edgeDay!.hours])).toEqual(['2026-11-03T00:00:00.000Z..2026-11-03T09:05:00.000Z', '2026-11-03T00:00:00.000Z..2026-11-03T09:00:00.000Z']);
    // An hourly series reads no day row.
    expect(planWindow(w, 'hour').edgeDay).toBeUndefined();
  });

  it('uses no daily rollups for an hourly series and only raw rows for a minute series', () => {
    const w = { from: D0 + 22 * HOUR + 15 * MINUTE, to: D0 + 3 * DAY + 2 * HOUR + 40 * MINUTE };
    expect(segments(planWindow(w, 'hour').hourly)).toEqual(['2026-11-02T23:00:00.000Z..2026-11-05T02:00:00.000Z']);
    expect(planWindow(w, 'hour').daily).toEqual([]);
    expect(planWindow(w, 'minute')).toEqual({ raw: [w], hourly: [], daily: [] });
  });

  it('reads a window with no whole hour inside from raw rows', () => {
    const w = { from: D0 + 10 * HOUR + 30 * MINUTE, to: D0 + 11 * HOUR + 50 * MINUTE };
    expect(planWindow(w)).toEqual({ raw: [w], hourly: [], daily: [] });
  });

  it('covers any window exactly once, with each rollup segment aligned to its table', () => {
    const instant = fc.integer({ min: D0 - 40 * DAY, max: D0 + 40 * DAY });
    fc.assert(
      fc.property(instant, instant, fc.constantFrom('any', 'day', 'hour', 'minute') as fc.Arbitrary<'any' | 'day' | 'hour' | 'minute'>, (a, b, finest) => {
        fc.pre(a !== b);
        const w = { from: Math.min(a, b), to: Math.max(a, b) };
        const plan = planWindow(w, finest);
        // An EdgeDay's part holds the EdgeHour's edge.
        const last = plan.edgeDay ? [plan.edgeDay.edge] : plan.edge ? [plan.edge.edge] : [];
        const all = [...plan.raw, ...last, ...plan.hourly, ...plan.daily].sort((x, y) => x.from - y.from);
        expect(all[0]!.from).toBe(w.from);
        expect(all.at(-1)!.to).toBe(w.to);
        for (let i = 1; i < all.length; i++) expect(all[i]!.from).toBe(all[i - 1]!.to);
        for (const s of plan.hourly) expect([s.from % HOUR, s.to % HOUR]).toEqual([0, 0]);
        for (const s of plan.daily) expect([s.from % DAY, s.to % DAY]).toEqual([0, 0]);
        if (finest === 'hour' || finest === 'minute') expect(plan.daily).toEqual([]);
        if (finest === 'minute') expect(plan.hourly).toEqual([]);
        if (plan.edge) {
          const { edge, hour, rest } = plan.edge;
          // The hour is the window's last edge, then the rest of the hour.
          expect([edge.to, hour.from % HOUR, hour.to - hour.from]).toEqual([w.to, 0, HOUR]);
          expect([edge.from, edge.to, rest.from, rest.to]).toEqual([hour.from, rest.from, edge.to, hour.to]);
          expect(rest.from < rest.to).toBe(true);
        }
        if (plan.edgeDay) {
          const { edge, day, rest, hours } = plan.edgeDay;
          // The day is the window's last part, then the rest of the day; its whole hours end where the EdgeHour starts.
          expect([edge.to, day.from % DAY, day.to - day.from, finest === 'hour']).toEqual([w.to, 0, DAY, false]);
          expect([edge.from, rest.from, rest.to, hours.from, hours.to]).toEqual([day.from, w.to, day.to, day.from, plan.edge ? plan.edge.edge.from : w.to]);
          expect([hours.from < hours.to, hours.to % HOUR]).toEqual([true, 0]);
        }
      }),
      { seed: 11, numRuns: 1000 },
    );
  });
});

describe('splitWeeks', () => {
  // 2026-11-02 was a Monday.
  const MONDAY = D0;
  const WEEK = 7 * DAY;

  it('reads the whole Monday-to-Monday weeks inside the days from the weekly level, the days around them daily', () => {
    expect(splitWeeks([{ from: MONDAY - 2 * DAY, to: MONDAY + 2 * WEEK + 3 * DAY }])).toEqual({
      daily: [
        { from: MONDAY - 2 * DAY, to: MONDAY },
        { from: MONDAY + 2 * WEEK, to: MONDAY + 2 * WEEK + 3 * DAY },
      ],
      weekly: [{ from: MONDAY, to: MONDAY + 2 * WEEK }],
    });
    expect(splitWeeks([{ from: MONDAY, to: MONDAY + WEEK }])).toEqual({ daily: [], weekly: [{ from: MONDAY, to: MONDAY + WEEK }] });
    // Six days across a Monday hold no whole week.
    const days = [{ from: MONDAY - 3 * DAY, to: MONDAY + 3 * DAY }];
    expect(splitWeeks(days)).toEqual({ daily: days, weekly: [] });
  });

  it('covers the same days, weeks aligned to Monday 00:00 UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 120 }), (start, length) => {
        const days = [{ from: MONDAY - 200 * DAY + start * DAY, to: MONDAY - 200 * DAY + (start + length) * DAY }];
        const { daily, weekly } = splitWeeks(days);
        const all = [...daily, ...weekly].sort((x, y) => x.from - y.from);
        expect([all[0]!.from, all.at(-1)!.to]).toEqual([days[0]!.from, days[0]!.to]);
        for (let i = 1; i < all.length; i++) expect(all[i]!.from).toBe(all[i - 1]!.to);
        const offset = (t: number) => (((t - MONDAY) % WEEK) + WEEK) % WEEK;
        for (const w of weekly) expect([offset(w.from), offset(w.to)]).toEqual([0, 0]);
        // Whatever is left daily holds no whole week.
        for (const d of daily) expect(Math.ceil((d.from - MONDAY) / WEEK) * WEEK + WEEK + MONDAY > d.to).toBe(true);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
