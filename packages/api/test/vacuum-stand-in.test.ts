/**
 * Where no autovacuum runs (the embedded database; a PostgreSQL server with it off), Pulse
 * vacuums and analyzes its own tables by autovacuum's rule (vacuum-stand-in.ts): the queue
 * churned as the fold churns it (every queued row deleted) is vacuumed and analyzed, and a
 * table never analyzed is analyzed even when the counts of its changes are gone, as they are
 * when the embedded database reopens. On a server with autovacuum on, the stand-in leaves the
 * server's own to do it. Which of the two is tested on PostgreSQL depends on the server (this
 * machine's has it off).
 */
import type { Database } from '@pulse/db';
import { openTestDatabase } from '@pulse/db/testing';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintainDueTables, startVacuumStandIn } from '../src/background/vacuum-stand-in.js';

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

describe('the stand-in for autovacuum', () => {
  let database: Database;
  /** Whether the server's own autovacuum runs (PGlite reports the setting on, but runs none). */
  let serverVacuums = false;
  beforeAll(async () => {
    database = await openTestDatabase();
    const [setting] = await database.rows<{ on: boolean }>(sql`select current_setting('autovacuum') = 'on' as on`);
    serverVacuums = database.driver === 'postgres' && Boolean(setting?.on);
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

  it('vacuums and analyzes the churned queue by its own thresholds where no autovacuum runs, and leaves it to autovacuum where it does', async () => {
    await churn(30_000);
    const loop = startVacuumStandIn(database, pino({ level: 'silent' }), { intervalMs: 50 });
    try {
      if (serverVacuums) {
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

  it('analyzes a table never analyzed whose counts of changes are gone, as after the embedded database reopens', async (ctx) => {
    if (serverVacuums) ctx.skip();
    await database.rows(sql`create table stand_in_probe (id int)`);
    await database.rows(sql`insert into stand_in_probe select g from generate_series(1, 5000) g`);
    const probe = async () => {
      await database.rows(sql`select pg_stat_clear_snapshot()`);
      const [row] = await database.rows<{ changed: number; estimated: number }>(
        sql`select s.n_mod_since_analyze::int as changed, c.reltuples::float8 as estimated
            from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relname = 'stand_in_probe'`,
      );
      return row!;
    };
    // The inserts counted, then every count forgotten: nothing says the table changed.
    await until(probe, (p) => p.changed >= 5_000, 15_000);
    await database.rows(sql`select pg_stat_reset()`);
    expect(await until(probe, (p) => p.changed === 0, 15_000)).toEqual({ changed: 0, estimated: -1 });
    await maintainDueTables(database);
    expect((await probe()).estimated).toBe(5_000);
  });
});
