/**
 * On a PostgreSQL server with autovacuum off, Pulse vacuums and analyzes its own tables by
 * autovacuum's rule (vacuum-stand-in.ts): the queue churned as the fold churns it (every queued
 * row deleted) is vacuumed and analyzed; with autovacuum on, the stand-in leaves the server's
 * own to do it. Which of the two is tested depends on the server (this machine's has it off).
 * PostgreSQL only: PGlite runs no autovacuum and its folder vacuums the queue itself.
 */
import type { Database } from '@pulse/db';
import { openTestDatabase } from '@pulse/db/testing';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVacuumStandIn } from '../src/background/vacuum-stand-in.js';

const serverUrl = process.env.DATABASE_URL;

interface QueueStats extends Record<string, unknown> {
  dead: number;
  vacuums: number;
  analyzed: boolean;
}

const queueStats = async (database: Database) => {
  // A fresh snapshot of the statistics each time (they are cached per transaction otherwise).
  await database.rows(sql`select pg_stat_clear_snapshot()`);
  const [row] = await database.rows<QueueStats>(
    sql`select n_dead_tup::int as dead, vacuum_count::int as vacuums, last_analyze is not null as analyzed
        from pg_stat_user_tables where schemaname = current_schema() and relname = 'rollup_pending'`,
  );
  return row!;
};

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!serverUrl)('the stand-in for autovacuum', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Queues `n` calls and deletes them, as the fold does, and waits until the statistics show them dead. */
  const churn = async (n: number) => {
    await database.rows(
      sql`insert into rollup_pending (workspace_id, timestamp, agent_id, model, is_error, latency_ms, input_tokens, output_tokens, cost_nanos)
          select gen_random_uuid(), now(), 'agent', 'model', 0, 1, 1, 1, 1 from generate_series(1, ${n})`,
    );
    await database.rows(sql`delete from rollup_pending`);
    // The deleting session reports its counts within a second or so of going idle.
    expect((await until(() => queueStats(database), (s) => s.dead >= n, 15_000)).dead).toBeGreaterThanOrEqual(n);
  };

  it('vacuums and analyzes the churned queue by its own thresholds while autovacuum is off, and leaves it to autovacuum when on', async () => {
    const [setting] = await database.rows<{ on: boolean }>(sql`select current_setting('autovacuum') = 'on' as on`);
    await churn(30_000);
    const loop = startVacuumStandIn(database, pino({ level: 'silent' }), { intervalMs: 50 })!;
    try {
      if (setting?.on) {
        // Several passes, none of which vacuums: the server's autovacuum is in charge.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect(await queueStats(database)).toMatchObject({ vacuums: 0 });
        return;
      }
      // Vacuumed and analyzed.
      const cleaned = await until(() => queueStats(database), (s) => s.vacuums > 0 && s.analyzed && s.dead === 0, 15_000);
      expect(cleaned).toMatchObject({ dead: 0, analyzed: true });
      expect(cleaned.vacuums).toBeGreaterThan(0);
      // 3,000 dead rows are below the queue's own thresholds (10,000, migration 0018), though far
      // above the server's defaults (50 dead, 1,000 inserted + 20 % of none): no vacuum after
      // many passes...
      await churn(3_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await queueStats(database)).toMatchObject({ dead: 3_000, vacuums: cleaned.vacuums });
      // ...until the table's threshold is lowered below them.
      await database.rows(sql`alter table rollup_pending set (autovacuum_vacuum_threshold = 1000)`);
      const lowered = await until(() => queueStats(database), (s) => s.vacuums > cleaned.vacuums, 15_000);
      expect(lowered).toMatchObject({ dead: 0, vacuums: cleaned.vacuums + 1 });
    } finally {
      await loop.stop();
    }
  });
});
