import { type BackgroundLoop, runEvery } from '../background/run-every.js';
import { arrayParam, bareList, type Database, resultRows, schema } from '@pulse/db';
import { SCORE_SOURCES } from '@pulse/shared';
import { and, eq, isNotNull, lt, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { dropExpiredChunks } from './drop-chunks.js';
import { expireRollupsSql } from '../rollups/rollup-sql.js';
import { changesBetween, lockScoredNames, scoreKeyOf, storedScoresOf } from '../scores/decisions.js';
import { applyScoreChanges } from '../scores/score-rollups.js';
import { takeFoldLock } from '../rollups/fold.js';
import { throttledWarn } from '../throttled-log.js';

const { traces, traceTags, scores, workspaceSettings, rollupQuarantine } = schema;
const DAY = 86_400_000;
const pickedRow = z.object({ trace_row_id: z.string(), name: z.string(), source: z.enum(SCORE_SOURCES) });

export interface RetentionOptions {
  /** Rows one DELETE removes at most: short statements, short locks, ingest keeps going. */
  batchRows?: number;
  /** Called for each workspace whose calls were deleted (its cached answers are stale). */
  onWorkspaceChanged?: (workspaceId: string) => Promise<void> | void;
}

/** Runs a DELETE of at most `limit` rows (answering `n`, the rows deleted) until one deletes fewer; the total. */
async function deleteInBatches(database: Database, batch: (limit: number) => SQL, batchRows: number): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await database.rows<{ n: number }>(batch(batchRows));
    const n = Number(row?.n ?? 0);
    total += n;
    if (n < batchRows) return total;
  }
}

/**
 * Deletes the workspace's scores of calls before `cutoff`, a batch per transaction that also
 * takes them out of the score rollups, so those equal the scores kept at every commit. A batch
 * takes its (call, name)s and locks their scores as writers do (storeScores), so a writer
 * replacing an expiring score never waits in a cycle with this, and a score left behind by a
 * batch that ended amid its call's scores of a name moves in the rollups if it now decides.
 */
async function expireScores(database: Database, workspaceId: string, cutoff: Date, batchRows: number): Promise<void> {
  const ws = sql`${workspaceId}::uuid`;
  const key = [scores.traceRowId, scores.name, scores.source] as const;
  for (;;) {
    const gone = await database.db.transaction(async (tx) => {
      const picked = z.array(pickedRow).parse(
        resultRows(
          await tx.execute(sql`select ${bareList([...key])} from ${scores}
            where ${scores.workspaceId} = ${ws} and ${scores.traceTimestamp} < ${cutoff.toISOString()}::timestamptz limit ${batchRows}`),
        ),
      );
      if (picked.length === 0) return 0;
      const names = picked.map((p) => ({ traceRowId: p.trace_row_id, name: p.name }));
      await lockScoredNames(tx, names);
      const before = await storedScoresOf(tx, workspaceId, names);
      const expiring = new Set(picked.map((p) => scoreKeyOf({ traceRowId: p.trace_row_id, name: p.name, source: p.source })));
      await tx.execute(sql`delete from ${scores} where ${scores.workspaceId} = ${ws} and (${bareList([...key])}) in (
        select * from unnest(${arrayParam(picked.map((p) => p.trace_row_id), 'uuid')}, ${arrayParam(picked.map((p) => p.name), 'text')},
          ${arrayParam(picked.map((p) => p.source), 'text')}))`);
      await applyScoreChanges(tx, workspaceId, changesBetween(before, before.filter((s) => !expiring.has(scoreKeyOf(s)))));
      return picked.length;
    });
    if (gone < batchRows) return;
  }
}

/**
 * Retention for one workspace (docs/API_SPEC.md §6): deletes its calls before `cutoff` and
 * their scores in batches (expireScores), then, in one transaction under the fold lock, takes them out of the
 * rollups (expireRollupsSql). Until that commit the rollups still count the deleted calls;
 * afterwards every figure equals plain SQL over the calls kept. Returns the calls deleted.
 */
export async function expireWorkspace(
  database: Database,
  workspaceId: string,
  cutoff: Date,
  options: RetentionOptions = {},
): Promise<number> {
  const batchRows = options.batchRows ?? 10_000;
  const ws = sql`${workspaceId}::uuid`;
  const before = sql`${cutoff.toISOString()}::timestamptz`;
  await expireScores(database, workspaceId, cutoff, batchRows);
  // By primary key, oldest first: a hypertable's ctid is not unique across its chunks. The
  // calls' tag rows go in the same statement, each found by its key in trace_tags' index.
  const deleted = await deleteInBatches(
    database,
    (limit) => sql`with gone as (delete from ${traces} where (${traces.workspaceId}, ${traces.timestamp}, ${traces.id}) in (
        select ${traces.workspaceId}, ${traces.timestamp}, ${traces.id} from ${traces}
        where ${traces.workspaceId} = ${ws} and ${traces.timestamp} < ${before}
        order by ${traces.timestamp} limit ${limit}) returning ${traces.timestamp}, ${traces.traceId}, ${traces.tags}),
      untagged as (delete from ${traceTags} using gone cross join lateral jsonb_array_elements_text(gone.tags) as carried(tag)
        where ${traceTags.workspaceId} = ${ws} and ${traceTags.tag} = carried.tag
          and ${traceTags.timestamp} = gone.timestamp and ${traceTags.traceId} = gone.trace_id)
      select count(*)::int as n from gone`,
    batchRows,
  );
  await database.db.transaction(async (tx) => {
    await takeFoldLock(tx);
    for (const statement of expireRollupsSql(workspaceId, cutoff)) await tx.execute(statement);
    await tx
      .delete(rollupQuarantine)
      .where(and(eq(rollupQuarantine.workspaceId, workspaceId), lt(rollupQuarantine.timestamp, cutoff)));
  });
  await options.onWorkspaceChanged?.(workspaceId);
  return deleted;
}

/**
 * One pass over every workspace with `retention_days` set: the calls older than that go — on
 * TimescaleDB whole expired chunks first, then the rest in batches.
 */
export async function retentionPass(
  database: Database,
  now = Date.now(),
  options: RetentionOptions = {},
): Promise<Map<string, number>> {
  const settings = await database.db
    .select({ workspaceId: workspaceSettings.workspaceId, days: workspaceSettings.retentionDays })
    .from(workspaceSettings)
    .where(isNotNull(workspaceSettings.retentionDays));
  const deleted = await dropExpiredChunks(database, new Date(now));
  for (const { workspaceId, days } of settings) {
    const rows = await expireWorkspace(database, workspaceId, new Date(now - days! * DAY), options);
    deleted.set(workspaceId, (deleted.get(workspaceId) ?? 0) + rows);
  }
  return deleted;
}

export type RetentionWorker = BackgroundLoop;

/**
 * Runs a retention pass every `intervalMs` (well under an hour, so an expired call is gone
 * within the hour). Replicas may overlap: deletes are idempotent and the rollup step takes the
 * fold lock, which only one holder has at a time.
 */
export function startRetention(
  database: Database,
  logger: Logger,
  opts: RetentionOptions & { intervalMs: number },
): RetentionWorker {
  const warn = throttledWarn(logger, { intervalMs: 60_000 });
  return runEvery(
    opts.intervalMs,
    async () => {
      const deleted = await retentionPass(database, Date.now(), opts);
      const total = [...deleted.values()].reduce((a, b) => a + b, 0);
      if (total > 0) logger.info({ deleted: total, workspaces: deleted.size }, 'retention: expired calls deleted');
    },
    (err) => warn('retention', { err }, 'retention pass failed; retrying'),
  );
}
