/**
 * The pool's session settings for short analytical reads (client.ts): no parallel workers. An
 * answer's raw edge is guarded by a one-time filter that usually skips it, but a parallel plan
 * starts its workers below that filter, tens of milliseconds per statement for nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/client.js';
import { createScratchDatabase, openTestDatabase } from '../src/testing.js';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** A large table's grouping, run only when a probe finds a row: the shape of a guarded raw edge. */
const guarded = sql`explain (format json) select kind, count(*) from big
  where exists (select 1 from big where n < 0) group by kind`;

const gathers = (plan: unknown): boolean => JSON.stringify(plan).includes('"Gather');

describe.skipIf(!process.env.DATABASE_URL)('session settings on PostgreSQL', () => {
  it('plans no parallel workers, where the same statement would otherwise start them', async () => {
    await database.rows(sql`create table big as select n, n % 7 as kind, repeat('x', 60) as pad from generate_series(1, 300000) as n`);
    await database.rows(sql`analyze big`);
    const [shown] = await database.rows<{ max_parallel_workers_per_gather: string }>(sql`show max_parallel_workers_per_gather`);
    expect(shown?.max_parallel_workers_per_gather).toBe('0');
    expect(gathers(await database.rows(guarded))).toBe(false);
    // PostgreSQL's default would start workers for it: the test's table is large enough to tell.
    const planned = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local max_parallel_workers_per_gather = 2`);
      return tx.execute(guarded);
    });
    expect(gathers(planned)).toBe(true);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('prepared or planned each run, on PostgreSQL', () => {
  it('prepares a read by default, and leaves a read planned each run unprepared', async () => {
    // One connection, so the statements below all meet in its session.
    const scratch = await createScratchDatabase(process.env.DATABASE_URL);
    const single = await scratch.open({ maxConnections: 1 });
    try {
      const prepared = sql`select ${1}::int + 1 as two`;
      const each = sql`select ${1}::int + 2 as three`;
      expect(await single.rows(prepared)).toEqual([{ two: 2 }]);
      expect(await single.rows(each, { planEachRun: true })).toEqual([{ three: 3 }]);
      // The session's named statements; an unnamed one, planned with its values each run, is not listed.
      const texts = (await single.rows<{ statement: string }>(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);
      expect(texts.some((t) => t.includes('+ 1 as two'))).toBe(true);
      expect(texts.some((t) => t.includes('+ 2 as three'))).toBe(false);
    } finally {
      await single.close();
      await scratch.drop();
    }
  });
});
