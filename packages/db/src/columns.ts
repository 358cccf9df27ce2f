import { type AnyColumn, getTableColumns, type SQL, sql } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';

/**
 * A column by its bare name, where SQL wants it unqualified: insert column lists, conflict
 * targets, `excluded.x`, an aliased table's `r.x`, and the columns of a CTE or subquery
 * that carry a table's column names. (`${column}` renders "table"."column".)
 */
export function bare(column: AnyColumn): SQL {
  return sql`${sql.identifier(column.name)}`;
}

/** Every column of a table, in the schema's order. */
export function columnsOf(table: PgTable): PgColumn[] {
  return Object.values(getTableColumns(table));
}

/**
 * The primary key's columns, in key order. (The key's config holds copies of the columns made
 * for it, so they are matched to the table's own column objects by name.)
 */
export function keyColumnsOf(table: PgTable): PgColumn[] {
  const config = getTableConfig(table);
  const [key] = config.primaryKeys;
  if (!key) throw new Error(`${config.name} has no primary key`);
  const byName = new Map(columnsOf(table).map((c) => [c.name, c]));
  return key.columns.map((c) => byName.get(c.name)!);
}

/** The columns outside the primary key, in the schema's order. */
export function valueColumnsOf(table: PgTable): PgColumn[] {
  const keys = new Set(keyColumnsOf(table));
  return columnsOf(table).filter((c) => !keys.has(c));
}

/** `a, b, c` of bare column names. */
export function bareList(columns: readonly AnyColumn[]): SQL {
  return sql.join(columns.map(bare), sql`, `);
}

/** A table's columns by property, each by its bare name: for reading a CTE or subquery that carries them. */
export function bareColumnsOf<T extends PgTable>(table: T): Record<keyof T['_']['columns'], SQL> {
  return Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [key, bare(column)])) as Record<
    keyof T['_']['columns'],
    SQL
  >;
}
