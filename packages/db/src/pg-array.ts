import { type SQL, sql } from 'drizzle-orm';

/** The characters an array element must escape. */
const NEEDS_ESCAPE = /[\\"]/;

/**
 * A PostgreSQL array literal ('{"a","b",NULL}') for one text parameter, cast in SQL
 * (`$1::text[]`, `$2::int[]`…). Both drivers take it the same way, where native array
 * binding differs between postgres-js and PGlite.
 */
export function pgArray(values: ReadonlyArray<string | number | bigint | null>): string {
  const items = values.map((v) => {
    if (v === null) return 'NULL';
    if (typeof v !== 'string') return String(v);
    // Most text has nothing to escape: one scan instead of two replacements.
    return NEEDS_ESCAPE.test(v) ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : `"${v}"`;
  });
  return `{${items.join(',')}}`;
}

/** `values` as one array parameter cast to `type[]` (`$1::text[]`): what unnest() and `= any()` take. */
export function arrayParam(values: ReadonlyArray<string | number | bigint | null>, type: string): SQL {
  return sql`${sql.param(pgArray(values))}::${sql.raw(type)}[]`;
}
