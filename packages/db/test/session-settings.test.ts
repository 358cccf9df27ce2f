/**
 * The pool's session settings for short analytical reads (client.ts): no parallel workers (an
 * answer's raw edge is guarded by a one-time filter that usually skips it, but a parallel plan
 * starts its workers below that filter, tens of milliseconds per statement for nothing), and no
 * generic plans for prepared reads (one estimated for average values can be dozens of times slower).
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

describe.skipIf(!process.env.DATABASE_URL)('prepared reads planned for their values, on PostgreSQL', () => {
  it('plans every run of a prepared read anew: no generic plan after the fifth', async () => {
    // One connection, so every run below meets the same prepared statement in its session.
    const scratch = await createScratchDatabase(process.env.DATABASE_URL);
    const single = await scratch.open({ maxConnections: 1 });
    try {
      for (let i = 0; i < 8; i++) expect(await single.rows(sql`select ${i}::int + 1 as next`)).toEqual([{ next: i + 1 }]);
      const [statement] = await single.rows<{ generic_plans: string; custom_plans: string }>(
        sql`select generic_plans::text, custom_plans::text from pg_prepared_statements where statement like '%+ 1 as next%'`,
      );
      // PostgreSQL's default (auto) would have kept a generic plan from the sixth run on.
      expect(statement).toEqual({ generic_plans: '0', custom_plans: '8' });
    } finally {
      await single.close();
      await scratch.drop();
    }
  });
});
