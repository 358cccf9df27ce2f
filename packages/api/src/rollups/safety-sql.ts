import { SAFETY_TYPES, type SafetyType } from '@pulse/shared';
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

/**
 * The safety figures of the stats rollups (docs/API_SPEC.md §12): `flagged_calls`, the calls
 * with any safety flag, and `flag_counts`, the calls carrying each type, one element per type
 * in SAFETY_TYPES order. The fold, the readers of raw and queued rows, and `npm run verify`
 * all count them with these expressions.
 */

/** 1-based positions of the types in `flag_counts`, as SQL literals (constants, never input). */
const POSITIONS = SAFETY_TYPES.map((_, i) => sql.raw(String(i + 1)));

/** A type's position in `flag_counts` (1-based). */
export function flagPosition(type: SafetyType): SQL {
  return sql.raw(String(SAFETY_TYPES.indexOf(type) + 1));
}

/** Of a group of calls: those with any safety flag. */
export function flaggedCount(flags: AnyColumn | SQL): SQL {
  return sql`count(*) filter (where ${flags} <> '[]'::jsonb)`;
}

/** Of a group of calls: the calls carrying each type, as a bigint[] in SAFETY_TYPES order. */
export function flagCountsOf(flags: AnyColumn | SQL): SQL {
  // The types are constants with no quote in them: literals keep the fold's statement free of parameters for them.
  const counts = SAFETY_TYPES.map((type) => sql`count(*) filter (where ${flags} @> ${sql.raw(`'${JSON.stringify([type])}'`)}::jsonb)`);
  return sql`array[${sql.join(counts, sql`, `)}]::bigint[]`;
}

/** One element of a stored `flag_counts`, 0 where the array is shorter (a type added later). */
export function flagCountAt(counts: AnyColumn | SQL, position: SQL): SQL {
  return sql`coalesce((${counts})[${position}], 0)`;
}

/** Two `flag_counts` added element by element (an upsert's stored and new row). */
export function addedFlagCounts(a: SQL, b: SQL): SQL {
  return sql`array[${sql.join(
    POSITIONS.map((p) => sql`${flagCountAt(a, p)} + ${flagCountAt(b, p)}`),
    sql`, `,
  )}]::bigint[]`;
}

/** The `flag_counts` of a group of rows summed element by element (hourly rows into a day, readers). */
export function summedFlagCounts(counts: AnyColumn | SQL): SQL {
  return sql`array[${sql.join(
    POSITIONS.map((p) => sql`sum(${flagCountAt(counts, p)})`),
    sql`, `,
  )}]::bigint[]`;
}
