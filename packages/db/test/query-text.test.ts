import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { alias, PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { arrayParam, fastQueryText, queryText, schema } from '../src/index.js';

const { traces, rollupPending } = schema;
const drizzleText = (q: SQL) => {
  const { sql: text, params } = new PgDialect().sqlToQuery(q);
  return { sql: text, params };
};

describe('queryText: the statement drizzle would build', () => {
  it.each<[string, SQL]>([
    ['text alone', sql`select 1`],
    ['empty', sql``],
    ['tables, columns, names and values', sql`select ${traces.agentId}, ${sql.identifier('a "quoted" name')} from ${traces} where ${traces.workspaceId} = ${'w'}::uuid and ${traces.latencyMs} > ${12} and ${traces.isError} = ${1}`],
    ['null, booleans, bigints and undefined', sql`select ${null}, ${true}, ${10n}${undefined}, ${'x'}`],
    ['nested and joined SQL with parameters numbered in order', sql`with a as (${sql`select ${1} as n`}) select ${sql.join([sql`${2}`, sql`${3}`, sql.raw('4')], sql`, `)} from a where n = ${5}`],
    ['an array parameter and sql.param', sql`select * from unnest(${arrayParam(['a', 'b"c', null], 'text')}) where ${sql.param('p')} is not null`],
    ['a column-encoded value (a Date to the driver)', sql`select ${sql.param(new Date('2026-12-06T00:00:00Z'), traces.timestamp)}`],
    ['an aliased table', sql`select ${alias(traces, 't2').agentId} from ${alias(traces, 't2')}`],
    ['columns of another table', sql`select ${rollupPending.timestamp}, ${Object.values(getTableColumns(rollupPending)).length}`],
  ])('%s', (_name, q) => {
    expect(fastQueryText(q)).toEqual(drizzleText(q));
  });

  it.each<[string, SQL]>([
    ['a raw list in a template', sql`select ${[1, 2, 3]}`],
    ['a placeholder', sql`select ${sql.placeholder('p')}`],
    ['inlined values', sql`select ${"it's"}, ${2}`.inlineParams()],
    ['an object value', sql`select ${sql.param({ a: 1 })}`],
  ])('%s: handed to drizzle, the same statement', (_name, q) => {
    expect(fastQueryText(q)).toBeUndefined();
    expect(queryText(q)).toEqual(drizzleText(q));
  });
});
