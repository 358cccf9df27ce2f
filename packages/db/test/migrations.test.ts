import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../src/schema.js';
import { createScratchDatabase, openTestDatabase } from '../src/testing.js';

/** Every table the schema declares: the migrations must create exactly these. */
const TABLES = Object.values(schema)
  .filter((t) => is(t, PgTable))
  .map((t) => getTableConfig(t).name)
  .sort();

describe('migrations', () => {
  it(`apply on a fresh ${process.env.DATABASE_URL ? 'PostgreSQL database' : 'PGlite'} and every key leads with workspace_id`, async () => {
    const database = await openTestDatabase();
    try {
      const tables = await database.rows<{ name: string }>(
        sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      expect(tables.map((t) => t.name)).toEqual(TABLES);
      const indexes = await database.rows<{ table: string; def: string }>(
        sql`select tablename as table, indexdef as def from pg_indexes where schemaname = 'public' and tablename not in ('workspaces', 'api_keys')`,
      );
      for (const i of indexes) expect(i.def, i.def).toMatch(/\(workspace_id[,)]/);
      expect(indexes.some((i) => /traces_idempotency_idx.*\(workspace_id, trace_id, "timestamp"\)/.test(i.def))).toBe(true);
      // The fold queue is vacuumed by its dead rows' count, not their share of the table (migration 0018).
      const [queue] = await database.rows<{ options: string[] }>(sql`select reloptions as options from pg_class where relname = 'rollup_pending'`);
      expect(queue!.options).toEqual(expect.arrayContaining(['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=10000']));
    } finally {
      await database.close();
    }
  });

  it('apply again without change (a restart) on a PGlite data directory', async () => {
    const scratch = await createScratchDatabase(undefined);
    try {
      const first = await scratch.open();
      await first.rows(sql`insert into workspaces (id, name) values ('01a210d0-4bb7-7e33-8353-ae53f57bbce2', 'kept')`);
      await first.close();
      const second = await scratch.open();
      const rows = await second.rows<{ name: string }>(sql`select name from workspaces`);
      expect(rows).toEqual([{ name: 'kept' }]);
      await second.close();
    } finally {
      await scratch.drop();
    }
  });
});
