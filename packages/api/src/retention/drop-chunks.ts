import { type Database, resultRows, schema } from '@pulse/db';
import { getTableName, sql } from 'drizzle-orm';
import { z } from 'zod';
import { errorCodes } from '../http/errors.js';

const { traces, traceTags, workspaces, workspaceSettings } = schema;

const chunkRow = z.object({
  chunk_schema: z.string(),
  chunk_name: z.string(),
  range_start: z.coerce.date(),
  range_end: z.coerce.date(),
});
type Chunk = z.infer<typeof chunkRow>;

/** The retention step one replica at a time runs on TimescaleDB (pg_try_advisory_xact_lock's key). */
const DROP_LOCK_KEY = 0x70756c73; // "puls"

/**
 * The `traces` chunks that end before the latest cutoff of any workspace: only those can hold
 * nothing but expired calls. Oldest first.
 */
async function candidateChunks(database: Database, now: Date): Promise<Chunk[]> {
  const found = await database.rows(
    sql`select chunk_schema, chunk_name, range_start, range_end from timescaledb_information.chunks
        where hypertable_name = ${getTableName(traces)}
          and range_end <= (select ${now.toISOString()}::timestamptz - make_interval(days => min(${workspaceSettings.retentionDays}))
                            from ${workspaceSettings} where ${workspaceSettings.retentionDays} is not null)
        order by range_start`,
  );
  return found.map((r) => chunkRow.parse(r));
}

/**
 * Whether the chunk's range holds a call that is kept: one of a workspace without retention, or
 * one at or after its workspace's cutoff. One index probe per workspace (workspace, timestamp),
 * never a scan of the chunk.
 */
function holdsKeptCall(chunk: Chunk, now: Date) {
  const start = sql`${chunk.range_start.toISOString()}::timestamptz`;
  const end = sql`${chunk.range_end.toISOString()}::timestamptz`;
  return sql`select exists(
      select 1 from ${workspaces} w left join ${workspaceSettings} s on s.workspace_id = w.id
      cross join lateral (select coalesce(${now.toISOString()}::timestamptz - make_interval(days => s.retention_days), '-infinity'::timestamptz) as keep_from) k
      where k.keep_from < ${end}
        and exists(select 1 from ${traces} t where t.workspace_id = w.id
                   and t.timestamp >= greatest(${start}, k.keep_from) and t.timestamp < ${end})) as kept`;
}

/**
 * Retention on TimescaleDB (docs/API_SPEC.md §6): a whole `traces` chunk whose every call is past
 * its workspace's retention goes at once with drop_chunks, and trace_tags' chunk of the same day
 * with it — no row-by-row delete, no dead rows for vacuum, one short lock — instead of through
 * the batched deletes. The chunk is locked against writes (EXCLUSIVE: readers go on) before it
 * is checked, so a late call ingested into its range cannot be dropped unseen (ingest writes a
 * call's tag rows after the call, in the same statement); a chunk that stays locked past the
 * lock timeout is left to the batched deletes. Answers the calls dropped per workspace (counted before the drop: the
 * callers report them and refresh those workspaces' caches).
 */
export async function dropExpiredChunks(database: Database, now: Date): Promise<Map<string, number>> {
  const dropped = new Map<string, number>();
  if (!database.timescale) return dropped;
  for (const chunk of await candidateChunks(database, now)) {
    try {
      await database.db.transaction(async (tx) => {
        const [mine] = resultRows<{ ok: boolean }>(
          await tx.execute(sql`select pg_try_advisory_xact_lock(${DROP_LOCK_KEY}) as ok`),
        );
        if (!mine?.ok) return;
        const table = sql`${sql.identifier(chunk.chunk_schema)}.${sql.identifier(chunk.chunk_name)}`;
        await tx.execute(sql`lock table ${table} in exclusive mode`);
        const [check] = resultRows<{ kept: boolean }>(await tx.execute(holdsKeptCall(chunk, now)));
        if (check?.kept !== false) return;
        const counts = resultRows<{ workspace_id: string; n: number }>(
          await tx.execute(sql`select workspace_id, count(*)::int as n from ${table} group by 1`),
        );
        // The same day of trace_tags holds exactly these calls' tag rows (both tables are chunked
        // by day on the call's timestamp): they go in the same transaction.
        for (const table of [traces, traceTags]) {
          await tx.execute(
            sql`select drop_chunks(${getTableName(table)}::regclass, older_than => ${chunk.range_end.toISOString()}::timestamptz,
                  newer_than => ${chunk.range_start.toISOString()}::timestamptz)`,
          );
        }
        for (const { workspace_id, n } of counts)
          dropped.set(workspace_id, (dropped.get(workspace_id) ?? 0) + Number(n));
      });
    } catch (err) {
      // Locked by ingest or a reader past the lock timeout, or dropped by another replica
      // meanwhile: the batched deletes take what is left of it.
      if (!isLockOrGone(err)) throw err;
    }
  }
  return dropped;
}

/** lock_not_available (55P03) or undefined_table (42P01). */
const isLockOrGone = (err: unknown) => [...errorCodes(err)].some((code) => code === '55P03' || code === '42P01');
