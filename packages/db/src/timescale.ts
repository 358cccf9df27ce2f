import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

export type BucketGranularity = 'minute' | 'hour' | 'day' | 'week';

const INTERVALS: Record<BucketGranularity, string> = { minute: '1 minute', hour: '1 hour', day: '1 day', week: '7 days' };
/** Weeks start on Monday, as TimescaleDB's time_bucket aligns them (its origin, 2000-01-03, was a Monday). */
const ORIGINS: Record<BucketGranularity, string> = { minute: '2000-01-01', hour: '2000-01-01', day: '2000-01-01', week: '2000-01-03' };

/**
 * The UTC-aligned bucket of a timestamp column: TimescaleDB's time_bucket where the
 * extension is loaded, date_bin otherwise (same result: both align to UTC midnight, weeks to
 * Monday).
 * The interval is a whitelisted literal, never a parameter: a parameterized date_bin
 * cannot be matched between SELECT and GROUP BY.
 */
export function timeBucket(timescale: boolean, granularity: BucketGranularity, column: AnyColumn | SQL): SQL {
  const interval = INTERVALS[granularity];
  return timescale
    ? sql`time_bucket(${sql.raw(`'${interval}'`)}, ${column})`
    : sql`date_bin(${sql.raw(`'${interval}'`)}, ${column}, ${sql.raw(`timestamptz '${ORIGINS[granularity]}T00:00:00Z'`)})`;
}

const WEEK_MS = 7 * 86_400_000;
const MONDAY_ORIGIN_MS = Date.parse(`${ORIGINS.week}T00:00:00Z`);

/** The start of the UTC week (Monday 00:00) holding `ms`, as timeBucket's 'week' buckets it. */
export function weekStart(ms: number): number {
  return Math.floor((ms - MONDAY_ORIGIN_MS) / WEEK_MS) * WEEK_MS + MONDAY_ORIGIN_MS;
}
