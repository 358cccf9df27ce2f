import { bareList, columnsOf, type Database, type Db, resultRows, schema } from '@pulse/db';
import { sql } from 'drizzle-orm';
import type { Logger } from '../logger.js';
import { rollupCtes } from './rollup-sql.js';

const { rollupPending } = schema;

/** Any constant of our own: only one folder at a time works on a database, however many replicas run. */
const FOLD_LOCK_KEY = 7_314_001;

/** Anything that runs a statement: the database's drizzle client or one of its transactions. */
export type Executor = Pick<Db, 'execute'>;

/**
 * Inside a transaction of the caller's: takes the fold lock and moves up to `maxRows` queued
 * traces from rollup_pending into every rollup in one statement. The rows leave the queue and
 * enter the rollups in the same commit, so a reader (which adds queued rows to rollup rows)
 * never counts a trace twice or misses it. Returns how many moved; 0 when another folder holds
 * the lock.
 */
export async function foldIn(tx: Executor, maxRows = 100_000): Promise<number> {
  if (!(await tryFoldLock(tx))) return 0;
  // Safe without a synchronous flush: a fold lost in a crash is lost whole (queue rows and
  // rollup updates commit together), and the next fold redoes it. Ingest stays synchronous.
  await tx.execute(sql`set local synchronous_commit = off`);
  // The fold's groupings hash a few hundred thousand rows: in memory, not on disk.
  await tx.execute(sql`set local work_mem = '64MB'`);
  // Background work, its size bounded by maxRows: the statement timeout meant for requests
  // would fail a large fold again on every tick. Lock waits stay bounded by lock_timeout.
  await tx.execute(sql`set local statement_timeout = 0`);
  const result = await tx.execute(sql`
    with taken as (
      delete from ${rollupPending}
      where ctid = any(array(
        -- Oldest first through the index: no walk over the dead rows earlier folds left, and
        -- consecutive traces of a workspace touch few rollup rows.
        select ctid from ${rollupPending} order by ${rollupPending.workspaceId}, ${rollupPending.timestamp} limit ${maxRows}))
      returning ${bareList(columnsOf(rollupPending))}),
    ${rollupCtes()}
    select count(*)::int as folded from taken`);
  return Number(resultRows<{ folded: number }>(result)[0]?.folded ?? 0);
}

/** Takes the fold lock until the end of the caller's transaction (re-entrant); false when another holds it. */
export async function tryFoldLock(tx: Executor): Promise<boolean> {
  const [lock] = resultRows<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${FOLD_LOCK_KEY}) as locked`));
  return lock?.locked === true;
}

/** One fold in a transaction of its own. */
export async function foldPending(database: Database, maxRows = 100_000): Promise<number> {
  return database.db.transaction((tx) => foldIn(tx, maxRows));
}

/** Folds until the queue is empty (tests use it to reach a fully folded state). */
export async function foldAll(database: Database): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await foldPending(database);
    total += n;
    if (n === 0) return total;
  }
}

/** How many traces wait to be folded (GET /api/ready reports it). */
export async function pendingRows(database: Database): Promise<number> {
  const [r] = await database.rows<{ n: number }>(sql`select count(*)::int as n from ${rollupPending}`);
  return Number(r?.n ?? 0);
}

export interface Folder {
  /** Stops the timer and waits for a fold in progress. */
  stop(): Promise<void>;
}

/**
 * The background folder: every `intervalMs` it drains the queue in groups of `maxRows`.
 * Folding many batches at once is what makes ingest cheap: a rollup row is upserted once per
 * fold, not once per batch. Errors are logged and retried on the next tick (rows stay queued,
 * readers still count them).
 */
export function startFolder(database: Database, logger: Logger, opts: { intervalMs?: number; maxRows?: number } = {}): Folder {
  const intervalMs = opts.intervalMs ?? 500;
  const maxRows = opts.maxRows ?? 100_000;
  let running: Promise<void> | undefined;
  let sinceVacuum = 0;
  const drain = async () => {
    for (;;) {
      const n = await foldPending(database, maxRows);
      sinceVacuum += n;
      if (n < maxRows) break;
    }
    // The queue churns constantly; PGlite has no autovacuum, so dead rows are reclaimed here,
    // and the planner's statistics of the growing tables are refreshed (sampled: cheap).
    if (sinceVacuum >= 200_000) {
      sinceVacuum = 0;
      await database.db.execute(sql`vacuum ${rollupPending}`);
      if (database.driver === 'pglite') await database.db.execute(sql`analyze`);
    }
  };
  const timer = setInterval(() => {
    running ??= drain()
      .catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'rollup fold failed; retrying'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
