/**
 * A PostgreSQL array literal ('{"a","b",NULL}') for one text parameter, cast in SQL
 * (`$1::text[]`, `$2::int[]`…). Both drivers take it the same way, where native array
 * binding differs between postgres-js and PGlite.
 */
export function pgArray(values: ReadonlyArray<string | number | bigint | null>): string {
  const items = values.map((v) => {
    if (v === null) return 'NULL';
    if (typeof v !== 'string') return String(v);
    return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}
