import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';

/**
 * The physical reference for the ingest rate: how many of the same calls this machine's
 * PostgreSQL stores a second by COPY, the fastest way into a table — no HTTP, no JSON, no
 * validation, no queue, no rollups, one client streaming files. The rows are the measured
 * workspace's first stored calls and their rows of `trace_tags` (the tag filter's index, one per
 * tag of a call, as ingest writes them), exported to files before the clock starts and copied into empty tables
 * made `LIKE … INCLUDING ALL` (their indexes, defaults and checks). The clock covers both COPYs
 * and their commits. Empty tables make it an upper bound: the real tables' indexes are larger.
 */
export interface CopyReference {
  /** Calls copied, and their tag rows. */
  rows: number;
  tagRows: number;
  seconds: number;
  /** Calls a second, tag rows included in the time. */
  rowsPerSecond: number;
  /** The calls alone (traces with its indexes), calls a second. */
  tracesOnlyPerSecond: number;
  /** Size of the COPY text per call (its tag rows included): what crossed the connection. */
  bytesPerRow: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `work` on a connection of its own, closed after. postgres-js can leave a connection's
 * socket paused after a COPY stream, and the next query on it then waits forever (porsager/postgres
 * issue 499): every COPY here gets a fresh connection, opened before any clock starts.
 */
async function onOwnConnection<T>(databaseUrl: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select 1`;
    return await work(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function measureCopyReference(
  databaseUrl: string,
  workspaceId: string,
  rows: number,
  scratchFile: string,
): Promise<CopyReference> {
  // COPY takes no bind parameters: the id is checked and inlined.
  if (!UUID.test(workspaceId)) throw new Error(`not a workspace id: ${workspaceId}`);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const files = { traces: `${scratchFile}.traces`, tags: `${scratchFile}.tags` };
  // A table, not a temporary one: the COPYs that read it run on connections of their own.
  const sample = 'copy_reference_sample';
  try {
    await sql.unsafe(`drop table if exists ${sample}`);
    await sql.unsafe(`create table ${sample} as select * from traces where workspace_id = '${workspaceId}' order by "timestamp" limit ${Math.floor(rows)}`);
    // The tag rows ingest writes for these calls (packages/api/src/ingest/ingest-traces.ts).
    const tagsOf = `select s.workspace_id, c.tag, s."timestamp", s.trace_id from ${sample} s cross join lateral jsonb_array_elements_text(s.tags) as c(tag)`;
    const copyOut = (query: string, file: string) =>
      onOwnConnection(databaseUrl, async (out) => pipeline(await out.unsafe(`copy (${query}) to stdout`).readable(), createWriteStream(file)));
    await copyOut(`select * from ${sample}`, files.traces);
    await copyOut(tagsOf, files.tags);
    const [counts] = (await sql.unsafe(
      `select (select count(*) from ${sample})::int as calls, (select count(*) from (${tagsOf}) t)::int as tags`,
    )) as unknown as [{ calls: number; tags: number }];
    const copyInto = async (table: string, like: string, file: string) => {
      await sql.unsafe(`drop table if exists ${table}`);
      await sql.unsafe(`create table ${table} (like ${like} including all)`);
      return onOwnConnection(databaseUrl, async (into) => {
        const started = performance.now();
        await pipeline(createReadStream(file), await into.unsafe(`copy ${table} from stdin`).writable());
        return (performance.now() - started) / 1000;
      });
    };
    const tracesSeconds = await copyInto('copy_reference_traces', 'traces', files.traces);
    const tagsSeconds = await copyInto('copy_reference_tags', 'trace_tags', files.tags);
    const seconds = tracesSeconds + tagsSeconds;
    return {
      rows: counts.calls,
      tagRows: counts.tags,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(counts.calls / seconds),
      tracesOnlyPerSecond: Math.round(counts.calls / tracesSeconds),
      bytesPerRow: Math.round((statSync(files.traces).size + statSync(files.tags).size) / Math.max(1, counts.calls)),
    };
  } finally {
    rmSync(files.traces, { force: true });
    rmSync(files.tags, { force: true });
    await sql.unsafe(`drop table if exists ${sample}, copy_reference_traces, copy_reference_tags`);
    await sql.end({ timeout: 5 });
  }
}
