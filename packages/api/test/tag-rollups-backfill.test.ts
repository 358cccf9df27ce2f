import { type Database, schema } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededTraces } from './dataset.js';
import { backfillStatements, foldedQueuedAndQuarantined, runStatements } from './migration-backfill.js';

// Migration 0013 fills the tag rollups for the calls stored before it: they must hold what the
// fold would have put there, with calls folded, queued and quarantined at the time.

const DAY = 86_400_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const WS = '0193a000-0000-7000-8000-0000000000b1';

let db: Database;

type Row = { key: string; calls: number; errors: number; input: string; output: string; cost: string; latency: number; unpriced: number };

async function tagRollup(table: typeof schema.statsByTagHourly | typeof schema.statsByTagDaily): Promise<Row[]> {
  return db.rows<Row>(sql`select concat_ws('|', workspace_id, bucket, tag, agent_id, model) as key, calls::int, errors::int,
      input_tokens::text as input, output_tokens::text as output, cost_nanos::text as cost, latency_sum_ms as latency, unpriced_calls::int as unpriced
    from ${table} order by workspace_id, bucket, tag collate "C", agent_id collate "C", model collate "C"`);
}

type DimTable = typeof schema.userStatsHourly | typeof schema.userStatsDaily | typeof schema.latencyHistHourly | typeof schema.latencyHistDaily;
const DIM_TABLES: DimTable[] = [schema.userStatsHourly, schema.userStatsDaily, schema.latencyHistHourly, schema.latencyHistDaily];

/** The rows of a dim-keyed rollup under tag dims ('t:…'), each as JSON text, in key order. */
async function tagDims(table: DimTable): Promise<string[]> {
  const rows = await db.rows<{ row: string }>(sql`select to_jsonb(r)::text as row from ${table} r where dim like 't:%' order by to_jsonb(r)::text collate "C"`);
  return rows.map((r) => r.row);
}

/** Equal rows; the latency sums (floats added in another order) up to rounding. */
function expectSameRows(actual: Row[], expected: Row[]) {
  expect(actual.map(({ latency: _, ...r }) => r)).toEqual(expected.map(({ latency: _, ...r }) => r));
  actual.forEach((r, i) => expect(Math.abs(r.latency - expected[i]!.latency)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(r.latency), 1)));
}

beforeAll(async () => {
  db = await foldedQueuedAndQuarantined(WS, seededTraces(51, start, 1200));
}, 600_000);
afterAll(async () => {
  await db?.close();
});

describe('migration 0013 backfill', () => {
  it('rebuilds the tag rollups, the tag dims and the queued calls\' tags as the fold keeps them', async () => {
    const hourly = await tagRollup(schema.statsByTagHourly);
    const daily = await tagRollup(schema.statsByTagDaily);
    const dims = await Promise.all(DIM_TABLES.map(tagDims));
    for (const rows of dims) expect(rows.length).toBeGreaterThan(0);
    const queuedTags = () => db.rows<{ tags: string[] }>(sql`select tags from rollup_pending union all select tags from rollup_quarantine order by 1`);
    const tags = await queuedTags();
    expect(hourly.length).toBeGreaterThan(0);
    expect(tags.filter((r) => r.tags.length > 0).length).toBeGreaterThan(0);
    // The database as the migration finds it: no tag rollups, the queue without tags.
    await db.rows(sql`truncate ${schema.statsByTagHourly}, ${schema.statsByTagDaily}`);
    for (const table of DIM_TABLES) await db.rows(sql`delete from ${table} where dim like 't:%'`);
    await db.rows(sql`update rollup_pending set tags = '[]'`);
    await db.rows(sql`update rollup_quarantine set tags = '[]'`);
    // In one transaction, as the migrator runs a migration: its temporary table lives on one connection.
    await runStatements(db, backfillStatements('0013_tag_rollups.sql', 'UPDATE "rollup_pending"'));
    expect(await queuedTags()).toEqual(tags);
    expectSameRows(await tagRollup(schema.statsByTagHourly), hourly);
    expectSameRows(await tagRollup(schema.statsByTagDaily), daily);
    expect(await Promise.all(DIM_TABLES.map(tagDims))).toEqual(dims);
  });
});
