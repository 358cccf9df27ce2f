import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

export type BucketGranularity = 'minute' | 'hour' | 'day';

const INTERVALS: Record<BucketGranularity, string> = { minute: '1 minute', hour: '1 hour', day: '1 day' };

/**
 * The UTC-aligned bucket of a timestamp column: TimescaleDB's time_bucket where the
 * extension is loaded, date_bin otherwise (same result: both align to UTC midnight).
 * The interval is a whitelisted literal, never a parameter: a parameterized date_bin
 * cannot be matched between SELECT and GROUP BY.
 */
export function timeBucket(timescale: boolean, granularity: BucketGranularity, column: AnyColumn | SQL): SQL {
  const interval = INTERVALS[granularity];
  return timescale
    ? sql`time_bucket(${sql.raw(`'${interval}'`)}, ${column})`
    : sql`date_bin(${sql.raw(`'${interval}'`)}, ${column}, ${sql.raw(`timestamptz '2000-01-01T00:00:00Z'`)})`;
}
