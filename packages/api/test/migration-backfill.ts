import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bareList, columnsOf, type Database, migrationsFolder, schema } from '@pulse/db';
import { openTestDatabase } from '@pulse/db/testing';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { ingestTraces } from '../src/ingest/ingest-traces.js';
import { foldAll } from '../src/rollups/fold.js';

/**
 * For the tests of a migration's backfill: its statements from the first one containing
 * `firstStep` on (the tables and columns it adds exist already in a test database; a migration
 * that only backfills has no DDL before).
 */
export function backfillStatements(migrationFile: string, firstStep: string): string[] {
  const statements = readFileSync(path.join(migrationsFolder, migrationFile), 'utf8').split('--> statement-breakpoint');
  const first = statements.findIndex((s) => s.includes(firstStep));
  if (first < 0) throw new Error(`${migrationFile}: no statement contains ${firstStep}`);
  return statements.slice(first);
}

/** Runs them in one transaction, as the migrator runs a migration. */
export async function runStatements(db: Database, statements: string[]): Promise<void> {
  await db.db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement));
  });
}

/**
 * A test database holding `traces` in one new workspace as a migration finds a live one: the
 * first half folded into the rollups, the second half queued, and the 7 oldest queued calls
 * quarantined (as the folder sets aside a row it cannot fold).
 */
export async function foldedQueuedAndQuarantined(workspaceId: string, traces: readonly unknown[]): Promise<Database> {
  const db = await openTestDatabase();
  await db.rows(sql`insert into workspaces (id, name) values (${workspaceId}::uuid, 'backfill')`);
  const half = Math.floor(traces.length / 2);
  expect((await ingestTraces(db, workspaceId, traces.slice(0, half), { redactPii: false })).accepted).toBe(half);
  await foldAll(db);
  expect((await ingestTraces(db, workspaceId, traces.slice(half), { redactPii: false })).accepted).toBe(traces.length - half);
  const columns = bareList(columnsOf(schema.rollupPending));
  await db.rows(sql`with moved as (delete from rollup_pending where ctid in (select ctid from rollup_pending order by "timestamp" limit 7)
      returning ${columns})
    insert into rollup_quarantine (${columns}, reason) select ${columns}, 'set aside by the test' from moved`);
  return db;
}
