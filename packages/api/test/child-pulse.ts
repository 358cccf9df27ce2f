/**
 * Pulse as a child process for the crash and shutdown tests: the one scratch server of
 * @pulse/testing, with this suite's admin token, and what those tests ask it.
 */
import { type Database, schema } from '@pulse/db';
import type { ScratchDatabase } from '@pulse/db/testing';
import { type ScratchPulse, startScratchPulse } from '@pulse/testing';
import { sql } from 'drizzle-orm';
import { ADMIN_TOKEN } from './harness.js';

/** Starts Pulse (DEMO=0, ADMIN_TOKEN set, no Redis) on `database` and waits until it is healthy. */
export function startChildPulse(database: ScratchDatabase, env: Record<string, string> = {}): Promise<ScratchPulse> {
  return startScratchPulse(database, { env: { ADMIN_TOKEN, ...env } });
}

/** A workspace and its key through the admin API of a running Pulse. */
export async function adminWorkspace(url: string, name: string): Promise<{ workspace_id: string; api_key: string }> {
  const res = await fetch(`${url}/api/v1/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`admin workspace: ${res.status} ${await res.text()}`);
  return (await res.json()) as { workspace_id: string; api_key: string };
}

/** How many traces of each batch (trace ids `<prefix><batch>-<i>`) the database holds. */
export async function batchCounts(database: Database, prefix: string): Promise<Map<number, number>> {
  const { traces } = schema;
  const rows = await database.rows<{ batch: string; n: number }>(
    sql`select split_part(substr(${traces.traceId}, ${prefix.length + 1}), '-', 1) as batch, count(*)::int as n
        from ${traces} where starts_with(${traces.traceId}, ${prefix}) group by 1`,
  );
  return new Map(rows.map((r) => [Number(r.batch), r.n]));
}
