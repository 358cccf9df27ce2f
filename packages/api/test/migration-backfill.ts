import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bareList, columnsOf, type Database, migrationsFolder, schema } from '@pulse/db';
import { sql } from 'drizzle-orm';

/**
 * For the tests of a migration's backfill: its statements from the first one containing
 * `firstStep` on (the tables and columns it adds exist already in a test database).
 */
export function backfillStatements(migrationFile: string, firstStep: string): string[] {
  const statements = readFileSync(path.join(migrationsFolder, migrationFile), 'utf8').split('--> statement-breakpoint');
  const first = statements.findIndex((s) => s.includes(firstStep));
  if (first <= 0) throw new Error(`${migrationFile}: no statement after the DDL contains ${firstStep}`);
  return statements.slice(first);
}

/** Runs them in one transaction, as the migrator runs a migration. */
export async function runStatements(db: Database, statements: string[]): Promise<void> {
  await db.db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement));
  });
}

/** Moves the `n` oldest queued calls to quarantine, as the folder sets aside a row it cannot fold. */
export async function quarantineOldest(db: Database, n: number): Promise<void> {
  const columns = bareList(columnsOf(schema.rollupPending));
  await db.rows(sql`with moved as (delete from rollup_pending where ctid in (select ctid from rollup_pending order by "timestamp" limit ${n})
      returning ${columns})
    insert into rollup_quarantine (${columns}, reason) select ${columns}, 'set aside by the test' from moved`);
}
