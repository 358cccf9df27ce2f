import { Column, getTableName, Name, Param, SQL, StringChunk, Table } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

const dialect = new PgDialect();

/** A statement's text and its parameters, as the driver takes them. */
export interface QueryText {
  sql: string;
  params: unknown[];
}

/** Thrown inside the walk for a chunk the fast path does not know: drizzle builds that statement. */
const UNKNOWN_CHUNK = Symbol('unknown chunk');

/**
 * The text and parameters of `query`, exactly as drizzle's PgDialect.sqlToQuery gives them, in a
 * fraction of its time. The analytics statements are trees of thousands of chunks (the usage
 * overview's: one weekly view, per-user bounds, raw edges), and drizzle's builder makes an object
 * per chunk and walks the prototype chain of each one against every kind it tries: a third of the
 * server's CPU time for an uncached overview and 60 % of what it allocated (docs/BENCHMARKS.md,
 * "The server's CPU per uncached answer"). This walk appends to one string and handles the
 * chunks our SQL is made of (text, names, tables and columns of the schema, values, nested SQL);
 * any other (a subquery, a placeholder, an object value, inlined values) hands the whole
 * statement to drizzle.
 */
export function queryText(query: SQL): QueryText {
  const fast = fastQueryText(query);
  if (fast) return fast;
  const built = dialect.sqlToQuery(query);
  return { sql: built.sql, params: built.params };
}

/** queryText's own walk; undefined for a statement holding a chunk it leaves to drizzle. */
export function fastQueryText(query: SQL): QueryText | undefined {
  const out: QueryText = { sql: '', params: [] };
  try {
    append(query, out);
    return out;
  } catch (err) {
    if (err !== UNKNOWN_CHUNK) throw err;
    return undefined;
  }
}

const escapeName = (name: string) => dialect.escapeName(name);

/** Drizzle's key of a table's schema (Table.Symbol.Schema, internal in its types). */
const SCHEMA = Symbol.for('drizzle:Schema');
/** A table of the default schema (all of ours): named alone, as drizzle names it. */
const inDefaultSchema = (table: Table) => (table as unknown as Record<symbol, unknown>)[SCHEMA] === undefined;

function append(query: SQL, out: QueryText): void {
  if ((query as unknown as { shouldInlineParams: boolean }).shouldInlineParams) throw UNKNOWN_CHUNK;
  for (const chunk of query.queryChunks as unknown[]) {
    if (chunk instanceof StringChunk) {
      const parts = chunk.value;
      out.sql += parts.length === 1 ? parts[0] : parts.join('');
    } else if (chunk instanceof SQL) {
      append(chunk, out);
    } else if (chunk instanceof Param) {
      appendParam(chunk, out);
    } else if (chunk instanceof Column) {
      // Drizzle's casing: a column without keyAsName is named as declared (the only kind here).
      if (chunk.keyAsName || !inDefaultSchema(chunk.table)) throw UNKNOWN_CHUNK;
      out.sql += `${escapeName(getTableName(chunk.table))}.${escapeName(chunk.name)}`;
    } else if (chunk instanceof Table) {
      if (!inDefaultSchema(chunk)) throw UNKNOWN_CHUNK;
      out.sql += escapeName(getTableName(chunk));
    } else if (chunk instanceof Name) {
      out.sql += escapeName(chunk.value);
    } else if (chunk === undefined) {
      // Drizzle writes nothing for an undefined chunk.
    } else if (chunk === null || (typeof chunk !== 'object' && typeof chunk !== 'function')) {
      // A plain value in a sql`` template: a parameter.
      out.params.push(chunk);
      out.sql += `$${out.params.length}`;
    } else {
      throw UNKNOWN_CHUNK;
    }
  }
}

function appendParam(chunk: Param, out: QueryText): void {
  const value = chunk.value as unknown;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) throw UNKNOWN_CHUNK;
  const mapped = value === null ? null : (chunk.encoder.mapToDriverValue(value) as unknown);
  if (mapped instanceof SQL) return append(mapped, out);
  out.params.push(mapped);
  out.sql += `$${out.params.length}`;
}
