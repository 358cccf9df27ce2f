import { weekStart } from '@pulse/db';
import { GRANULARITY_MS, type Granularity, MAX_BUCKETS, RANGE_MS, type WindowInput } from '@pulse/shared';
import { InvalidInputError } from '../trpc/input-error.js';

export interface TimeWindow {
  from: number;
  to: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** The window [from, to) of docs/API_SPEC.md §3: a preset ends now; a custom one is taken as sent. */
export function resolveWindow(input: Pick<WindowInput, 'range' | 'from' | 'to'>, now = Date.now()): TimeWindow {
  if (input.range === 'custom') return { from: Date.parse(input.from!), to: Date.parse(input.to!) };
  return { from: now - RANGE_MS[input.range], to: now };
}

/** The window of equal length just before `w` (usage overview's `previous`). */
export function previousWindow(w: TimeWindow): TimeWindow {
  return { from: w.from - (w.to - w.from), to: w.from };
}

/** Default granularity by span (≤ 6 h minute, ≤ 8 d hour, else day); > 1500 buckets is a 400. */
export function resolveGranularity(w: TimeWindow, requested?: Granularity): Granularity {
  const span = w.to - w.from;
  const granularity = requested ?? (span <= 6 * HOUR_MS ? 'minute' : span <= 8 * DAY_MS ? 'hour' : 'day');
  const buckets = bucketStarts(w, granularity, MAX_BUCKETS + 1).length;
  if (buckets > MAX_BUCKETS) {
    throw new InvalidInputError([
      { path: 'granularity', message: `${granularity} over this window gives more than ${MAX_BUCKETS} buckets; choose a coarser granularity or a shorter window` },
    ]);
  }
  return granularity;
}

export function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}
export function ceilTo(ms: number, step: number): number {
  return Math.ceil(ms / step) * step;
}

/** Start of every UTC-aligned bucket that intersects the window, ascending (at most `cap`). */
export function bucketStarts(w: TimeWindow, granularity: Granularity, cap = Infinity): number[] {
  const step = GRANULARITY_MS[granularity];
  const starts: number[] = [];
  for (let t = floorTo(w.from, step); t < w.to && starts.length < cap; t += step) starts.push(t);
  return starts;
}

/**
 * Splits a window by which table can answer each part exactly: raw rows for the first sub-hour
 * edge (and for a window with no whole hour inside, or a minute series), the last day's rollup
 * row or its hours for the part of the window in its last day (EdgeDay), the last hour's rollup
 * row or raw rows for the last sub-hour edge (EdgeHour), hourly rollups for whole hours outside
 * whole days, daily rollups for whole days. `finest` limits the rollups a series may use (an
 * hourly series cannot read daily rows).
 */
export interface WindowPlan {
  /** Segments always read from raw rows. */
  raw: TimeWindow[];
  hourly: TimeWindow[];
  daily: TimeWindow[];
  /** The last sub-hour edge of a window with whole hours inside (EdgeHour), if it has one. */
  edge?: EdgeHour;
  /** The part of the window in its last day, when that day starts inside it and holds whole hours of it (EdgeDay). */
  edgeDay?: EdgeDay;
}

/**
 * The part of a window in its last day (the day's whole hours in the window, then the last
 * sub-hour edge if there is one). When the rest of the day holds no call, the part holds all of
 * the day's calls and the day's rollup row answers it exactly: a window ending now reads the
 * whole of today from one row per key. Otherwise its whole hours are read from the hourly
 * rollups and its sub-hour edge as EdgeHour says. Decided in the query's snapshot, as EdgeHour.
 */
export interface EdgeDay {
  edge: TimeWindow;
  day: TimeWindow;
  /** The part of the day outside the window. */
  rest: TimeWindow;
  /** The whole hours of the part. */
  hours: TimeWindow;
}

/**
 * A plan's first partial day (its first hourly segment, when it ends a day and holds more than
 * half of it) as that day's rollup row less the day's hours before the segment: for figures that
 * subtract (per-user sums), fewer rows than the segment's hours. The day row holds exactly its
 * hours' rows (the fold, re-pricing and retention write both in one transaction), so the
 * difference is exact. Undefined when no segment gains.
 */
export function dayLessHours(plan: WindowPlan): { plan: WindowPlan; day: TimeWindow; less: TimeWindow } | undefined {
  const first = plan.hourly[0];
  if (!first || first.to % DAY_MS !== 0 || first.to - first.from <= DAY_MS / 2) return undefined;
  const day = { from: first.to - DAY_MS, to: first.to };
  return { plan: { ...plan, hourly: plan.hourly.slice(1) }, day, less: { from: day.from, to: first.from } };
}

/**
 * A segment read from raw rows split by what stats_minutely can answer: its whole minutes, and
 * the sub-minute ends around them (the whole segment when it holds no whole minute).
 */
export function splitMinutes(s: TimeWindow): { minutes?: TimeWindow; ends: TimeWindow[] } {
  const m0 = ceilTo(s.from, MINUTE_MS);
  const m1 = floorTo(s.to, MINUTE_MS);
  if (m0 >= m1) return { ends: [s] };
  const ends = [
    { from: s.from, to: m0 },
    { from: m1, to: s.to },
  ].filter((e) => e.from < e.to);
  return { minutes: { from: m0, to: m1 }, ends };
}

/** Whether a plan reads any rollup (else it is raw rows alone: a short window). */
export function readsRollups(plan: WindowPlan): boolean {
  return plan.hourly.length > 0 || plan.daily.length > 0 || plan.edgeDay !== undefined;
}

/**
 * The last sub-hour edge of a window and its hour. When the rest of the hour holds no call, the
 * edge holds all of the hour's calls and the hour's rollup row answers it exactly: a window
 * ending now (nothing is timestamped later yet) reads its current hour, however busy, from the
 * rollup. Otherwise the edge is read from raw rows. The sources decide which in the query's own
 * snapshot (sources.ts), so a call arriving meanwhile cannot make the answer inexact.
 */
export interface EdgeHour {
  edge: TimeWindow;
  hour: TimeWindow;
  /** The part of the hour outside the window. */
  rest: TimeWindow;
}

export function planWindow(w: TimeWindow, finest: Granularity | 'any' = 'any'): WindowPlan {
  const plan: WindowPlan = { raw: [], hourly: [], daily: [] };
  const push = (list: TimeWindow[], from: number, to: number) => {
    if (from < to) list.push({ from, to });
  };
  if (finest === 'minute') {
    push(plan.raw, w.from, w.to);
    return plan;
  }
  const h0 = ceilTo(w.from, HOUR_MS);
  const h1 = floorTo(w.to, HOUR_MS);
  if (h0 >= h1) {
    push(plan.raw, w.from, w.to);
    return plan;
  }
  // The first hour's edge stays raw: it is seldom alone in its hour, and while retention runs
  // the hour holding its cutoff keeps deleted calls in its rollup row for a while (docs/API_SPEC.md §6).
  push(plan.raw, w.from, h0);
  if (h1 < w.to) plan.edge = { edge: { from: h1, to: w.to }, hour: { from: h1, to: h1 + HOUR_MS }, rest: { from: w.to, to: h1 + HOUR_MS } };
  const d0 = ceilTo(h0, DAY_MS);
  const d1 = floorTo(h1, DAY_MS);
  // The last day's whole hours go with its edge when a day row may answer them (EdgeDay).
  const lastDay = finest !== 'hour' && d1 >= h0 && d1 < h1;
  if (lastDay) plan.edgeDay = { edge: { from: d1, to: w.to }, day: { from: d1, to: d1 + DAY_MS }, rest: { from: w.to, to: d1 + DAY_MS }, hours: { from: d1, to: h1 } };
  const hoursEnd = lastDay ? d1 : h1;
  if (finest === 'hour' || d0 >= d1) {
    push(plan.hourly, h0, hoursEnd);
    return plan;
  }
  push(plan.hourly, h0, d0);
  push(plan.daily, d0, d1);
  return plan;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** The start of every `step` in the segments, ascending within each (segments aligned to `step`: a rollup level's buckets). */
export function segmentStarts(segments: TimeWindow[], step: number): number[] {
  return segments.flatMap((s) => Array.from({ length: Math.round((s.to - s.from) / step) }, (_, i) => s.from + i * step));
}

/**
 * Whole days split into the whole UTC weeks inside them (Monday to Monday, as the weekly rollup
 * buckets them) and the days around those: for a source with a weekly level.
 */
export function splitWeeks(days: TimeWindow[]): { daily: TimeWindow[]; weekly: TimeWindow[] } {
  const split: { daily: TimeWindow[]; weekly: TimeWindow[] } = { daily: [], weekly: [] };
  for (const d of days) {
    const w0 = weekStart(d.from) === d.from ? d.from : weekStart(d.from) + WEEK_MS;
    const w1 = weekStart(d.to);
    if (w0 >= w1) {
      split.daily.push(d);
      continue;
    }
    if (d.from < w0) split.daily.push({ from: d.from, to: w0 });
    split.weekly.push({ from: w0, to: w1 });
    if (w1 < d.to) split.daily.push({ from: w1, to: d.to });
  }
  return split;
}
