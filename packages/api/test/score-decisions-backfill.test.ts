import { type Database, schema } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeScores } from '../src/scores/write-scores.js';
import { seededTraces } from './dataset.js';
import { backfillStatements, foldedQueuedAndQuarantined, runStatements } from './migration-backfill.js';
import { expectScoreRollupsExact } from './score-rollups-check.js';

// Migration 0016 fills the score rollups' decided counts for the scores stored before it: they
// must be what the write path would have kept, for calls scored by one source and by several.

const DAY = 86_400_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const WS = '0193a000-0000-7000-8000-0000000000b3';
const SOURCES = ['llm', 'rule', 'api', 'human'] as const;
const TABLES = [schema.scoreStatsHourly, schema.scoreStatsDaily] as const;

let db: Database;

/** Every row of a score rollup as JSON text, in key order; sums without trailing zeros (0.0 and 0 are one sum). */
async function rollupRows(table: (typeof TABLES)[number]): Promise<string[]> {
  const rows = await db.rows<{ row: string }>(sql`select row from (select (to_jsonb(r) || jsonb_build_object('value_sum', trim_scale(r.value_sum),
      'decided_value_sum', trim_scale(r.decided_value_sum)))::text as row from ${table} r) j order by row collate "C"`);
  return rows.map((r) => r.row);
}

beforeAll(async () => {
  const traces = seededTraces(61, start, 300);
  db = await foldedQueuedAndQuarantined(WS, traces);
  // Each call scored by one to four sources, a boolean and a numeric name, in batches that replace some.
  const items = traces.flatMap((t, i) =>
    SOURCES.slice(0, 1 + (i % 4)).flatMap((source, k) => [
      { trace_id: t.trace_id, name: 'resolved', value: (i + k) % 3 === 0, source },
      { trace_id: t.trace_id, name: 'helpfulness', value: ((i * 7 + k) % 10) / 10, source },
    ]),
  );
  for (let k = 0; k < items.length; k += 250) expect((await writeScores(db, WS, items.slice(k, k + 250))).rejected).toEqual([]);
  expect((await writeScores(db, WS, items.filter((_, i) => i % 5 === 0).map((item) => ({ ...item, source: 'human' })))).rejected).toEqual([]);
}, 600_000);
afterAll(async () => {
  await db?.close();
});

describe('migration 0016 backfill', () => {
  it("fills the score rollups' decided counts as the write path keeps them", async () => {
    await expectScoreRollupsExact(db, WS);
    const before = await Promise.all(TABLES.map(rollupRows));
    const [decided] = await db.rows<{ n: number; all: number }>(
      sql`select sum(decided_count)::int as n, sum(count)::int as all from score_stats_hourly where name = 'resolved'`,
    );
    // One deciding score per call, fewer than the scores when some calls have several.
    expect(decided!.n).toBe(300);
    expect(decided!.all).toBeGreaterThan(300);
    // The database as the migration finds it: the new columns at their defaults.
    for (const table of TABLES) await db.rows(sql`update ${table} set decided_count = 0, decided_value_sum = 0`);
    await runStatements(db, backfillStatements('0016_score_decisions.sql', 'UPDATE "score_stats_hourly"'));
    expect(await Promise.all(TABLES.map(rollupRows))).toEqual(before);
  });
});
