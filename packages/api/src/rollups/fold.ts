import { type BackgroundLoop, runEvery } from '../background/run-every.js';
import { bareList, columnsOf, type Database, type Db, pgArray, resultRows, schema } from '@pulse/db';
import { getTableName, type SQL, sql } from 'drizzle-orm';
import { errorCodes, rootCause } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { throttledWarn } from '../throttled-log.js';
import { rollupCtes } from './rollup-sql.js';

const { rollupPending, rollupQuarantine } = schema;

/** Any constant of our own: only one folder at a time works on a database, however many replicas run. */
const FOLD_LOCK_KEY = 7_314_001;

/** Anything that runs a statement (and a nested transaction): the database's drizzle client or one of its transactions. */
export type Executor = Pick<Db, 'execute' | 'transaction'>;

/** A queued trace the folder set aside, and why (the database's message, no SQL). */
export interface QuarantinedRow {
  workspaceId: string;
  reason: string;
}

export interface FoldOptions {
  /** How many queued traces one fold takes (oldest first). */
  maxRows?: number;
  /** Called for each row moved to rollup_quarantine. */
  onQuarantine?: (row: QuarantinedRow) => void;
}

/**
 * Inside a transaction of the caller's: takes the fold lock and moves up to `maxRows` queued
 * traces from rollup_pending into every rollup in one statement. The rows leave the queue and
 * enter the rollups in the same commit, so a reader (which adds queued rows to rollup rows)
 * never counts a trace twice or misses it.
 *
 * When that statement fails because of the rows' values (not the connection), the rows are
 * split in halves and each half folded on its own, down to single rows: a row that still fails
 * alone is moved to rollup_quarantine with the reason, and every other row is folded in the
 * same commit. One bad row costs about 2·log2(maxRows) small statements once, instead of
 * stopping every fold of every workspace for good.
 *
 * Returns how many rows left the queue (folded or quarantined); 0 when another folder holds the lock.
 */
export async function foldIn(tx: Executor, options: FoldOptions = {}): Promise<number> {
  const maxRows = options.maxRows ?? 100_000;
  if (!(await tryFoldLock(tx))) return 0;
  // An idle server ticks twice a second: with nothing queued, the fold statement (thousands of
  // chunks, megabytes to build) is not even built.
  if (!(await anyQueued(tx))) return 0;
  // Safe without a synchronous flush: a fold lost in a crash is lost whole (queue rows and
  // rollup updates commit together), and the next fold redoes it. Ingest stays synchronous.
  await tx.execute(sql`set local synchronous_commit = off`);
  // The fold's groupings hash a few hundred thousand rows: in memory, not on disk.
  await tx.execute(sql`set local work_mem = '64MB'`);
  // Background work, its size bounded by maxRows: the statement timeout meant for requests
  // would fail a large fold again on every tick. Lock waits stay bounded by lock_timeout.
  await tx.execute(sql`set local statement_timeout = 0`);
  // Oldest first through the index: no walk over the dead rows earlier folds left, and
  // consecutive traces of a workspace touch few rollup rows.
  const oldest = sql`select ctid from ${rollupPending} order by ${rollupPending.workspaceId}, ${rollupPending.timestamp} limit ${maxRows}`;
  try {
    return await inSavepoint(tx, (sp) => foldRows(sp, sql`array(${oldest})`));
  } catch (err) {
    if (!isCausedByRows(err)) throw err;
  }
  const ctids = resultRows<{ ctid: string }>(await tx.execute(sql`select ctid::text as ctid from (${oldest}) o`)).map(
    (r) => r.ctid,
  );
  await foldOrSplit(tx, ctids, options.onQuarantine);
  return ctids.length;
}

/** Whether any trace waits in the queue (one probe of its index). */
async function anyQueued(tx: Executor): Promise<boolean> {
  const [row] = resultRows<{ queued: boolean }>(await tx.execute(sql`select exists (select 1 from ${rollupPending}) as queued`));
  return row?.queued === true;
}

/** Folds the queued rows at `ctids` (a tid[] expression) into every rollup; how many folded. */
async function foldRows(tx: Executor, ctids: SQL): Promise<number> {
  const result = await tx.execute(sql`
    with taken as (
      delete from ${rollupPending} where ctid = any(${ctids})
      returning ${bareList(columnsOf(rollupPending))}),
    ${rollupCtes()}
    select count(*)::int as folded from taken`);
  return Number(resultRows<{ folded: number }>(result)[0]?.folded ?? 0);
}

const tids = (ctids: readonly string[]) => sql`${pgArray(ctids)}::tid[]`;

/** Bisection: folds `ctids`, or, when that fails for a row's values, each half; a single failing row is quarantined. */
async function foldOrSplit(
  tx: Executor,
  ctids: readonly string[],
  onQuarantine: FoldOptions['onQuarantine'],
): Promise<void> {
  try {
    await inSavepoint(tx, (sp) => foldRows(sp, tids(ctids)));
    return;
  } catch (err) {
    if (!isCausedByRows(err)) throw err;
    if (ctids.length === 1) {
      const quarantined = await quarantine(tx, ctids[0]!, describe(err));
      if (quarantined) onQuarantine?.(quarantined);
      return;
    }
  }
  const half = Math.ceil(ctids.length / 2);
  await foldOrSplit(tx, ctids.slice(0, half), onQuarantine);
  await foldOrSplit(tx, ctids.slice(half), onQuarantine);
}

/** Moves one queued row to rollup_quarantine with the reason it could not be folded. */
async function quarantine(tx: Executor, ctid: string, reason: string): Promise<QuarantinedRow | undefined> {
  const columns = bareList(columnsOf(rollupPending));
  const [row] = resultRows<{ workspace_id: string }>(
    await tx.execute(sql`
      with moved as (delete from ${rollupPending} where ctid = ${ctid}::tid returning ${columns})
      insert into ${rollupQuarantine} (${columns}, ${bareList([rollupQuarantine.reason])})
      select ${columns}, ${reason} from moved
      returning ${bareList([rollupQuarantine.workspaceId])}`),
  );
  return row ? { workspaceId: row.workspace_id, reason } : undefined;
}

/**
 * Runs `work` in a savepoint (drizzle's nested transaction), so that its failure undoes only
 * its own statements and the caller's transaction goes on.
 */
async function inSavepoint<T>(tx: Executor, work: (sp: Executor) => Promise<T>): Promise<T> {
  return tx.transaction((sp) => work(sp));
}

/**
 * SQLSTATE classes a row's own values cause: data exceptions (22: out of range, invalid
 * value), integrity violations (23) and program limits (54). Anything else (a lost
 * connection, a timeout, a conflict) says nothing about the rows: the fold is retried whole.
 */
function isCausedByRows(err: unknown): boolean {
  return [...errorCodes(err)].some((code) => /^(22|23|54)[0-9A-Z]{3}$/.test(code));
}

/** The database's reason, one line, no SQL text: `integer out of range (22003)`. */
function describe(err: unknown): string {
  const cause = rootCause(err);
  return cause.code ? `${cause.message} (${cause.code})` : cause.message;
}

/** Takes the fold lock until the end of the caller's transaction (re-entrant); false when another holds it. */
export async function tryFoldLock(tx: Executor): Promise<boolean> {
  const [lock] = resultRows<{ locked: boolean }>(
    await tx.execute(sql`select pg_try_advisory_xact_lock(${FOLD_LOCK_KEY}) as locked`),
  );
  return lock?.locked === true;
}

/** Waits for the fold lock until the end of the caller's transaction: for work that must not interleave with a fold. */
export async function takeFoldLock(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK_KEY})`);
}

/** One fold in a transaction of its own. */
export async function foldPending(database: Database, options: FoldOptions = {}): Promise<number> {
  return database.db.transaction((tx) => foldIn(tx, options));
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

/**
 * Queued (or quarantined) traces counted one by one at most: a readiness probe answers in
 * milliseconds. Counting millions of queued rows (a heavy load's backlog) outlasted the
 * statement timeout, and GET /api/ready answered 503 just when the server was busiest.
 */
export const BACKLOG_COUNTED_UP_TO = 100_000;

/** A table's rows counted up to one past BACKLOG_COUNTED_UP_TO, and PostgreSQL's estimate of them (pg_class, as of its last analyze). */
function boundedCount(table: typeof rollupPending | typeof rollupQuarantine, as: string): SQL {
  return sql`(select count(*) from (select 1 from ${table} limit ${BACKLOG_COUNTED_UP_TO + 1}) counted)::int as ${sql.identifier(`${as}_counted`)},
    (select greatest(reltuples, 0)::float8 from pg_class where oid = ${getTableName(table)}::regclass) as ${sql.identifier(`${as}_estimate`)}`;
}

/** Exact up to BACKLOG_COUNTED_UP_TO; beyond it that many and one, or the estimate when higher. */
const reported = (counted: number, estimate: number) => (counted > BACKLOG_COUNTED_UP_TO ? Math.max(counted, Math.round(estimate)) : counted);

/**
 * How many traces wait to be folded, and how many were set aside (GET /api/ready reports both),
 * each exact up to BACKLOG_COUNTED_UP_TO.
 */
export async function foldBacklog(database: Database): Promise<{ pending: number; quarantined: number }> {
  const [r] = await database.rows<Record<'pending_counted' | 'pending_estimate' | 'quarantined_counted' | 'quarantined_estimate', number>>(
    sql`select ${boundedCount(rollupPending, 'pending')}, ${boundedCount(rollupQuarantine, 'quarantined')}`,
  );
  return {
    pending: reported(Number(r?.pending_counted ?? 0), Number(r?.pending_estimate ?? 0)),
    quarantined: reported(Number(r?.quarantined_counted ?? 0), Number(r?.quarantined_estimate ?? 0)),
  };
}

/** How many traces wait to be folded. */
export async function pendingRows(database: Database): Promise<number> {
  return (await foldBacklog(database)).pending;
}

/** Stops the timer and waits for a fold in progress. */
export type Folder = BackgroundLoop;

/**
 * The background folder: every `intervalMs` it drains the queue in groups of `maxRows`.
 * Folding many batches at once is what makes ingest cheap: a rollup row is upserted once per
 * fold, not once per batch. A row that cannot be folded is quarantined (foldIn); any other
 * error is retried on the next tick (rows stay queued, readers still count them). Both are
 * logged as one line with the root cause, at most once per cause per `logIntervalMs`.
 */
export function startFolder(
  database: Database,
  logger: Logger,
  opts: { intervalMs?: number; maxRows?: number; logIntervalMs?: number } = {},
): Folder {
  const intervalMs = opts.intervalMs ?? 500;
  const maxRows = opts.maxRows ?? 100_000;
  const warn = throttledWarn(logger, { intervalMs: opts.logIntervalMs ?? 60_000 });
  const onQuarantine = (row: QuarantinedRow) =>
    warn(
      `quarantine:${row.reason}`,
      { workspace_id: row.workspaceId, reason: row.reason },
      'rollup row quarantined: it cannot be folded',
    );
  const drain = async () => {
    // A full group may have left more behind it.
    for (;;) if ((await foldPending(database, { maxRows, onQuarantine })) < maxRows) return;
  };
  return runEvery(intervalMs, drain, (err) => {
    const cause = rootCause(err);
    warn(`fold:${cause.code ?? ''}:${cause.message}`, { cause }, 'rollup fold failed; retrying');
  });
}
