import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';
import { eventually } from './webhook-receiver.js';

/**
 * The embedded database runs no autovacuum: the folder takes the planner's statistics itself
 * (fold.ts, maintainEmbedded), after the first 1,000 calls it folds, then as they double.
 * Without them every plan is guessed (a page of sessions read the whole month: 1.1 s for 45 ms).
 */
describe.skipIf(Boolean(process.env.DATABASE_URL))('statistics of the embedded database', () => {
  let srv: TestServer;
  let workspace: { workspace_id: string; api_key: string };

  beforeAll(async () => {
    srv = await startTestServer();
    workspace = await srv.createWorkspace('statistics');
  });
  afterAll(async () => {
    await srv?.close();
  });

  /** The planner's count of the calls, as of the last ANALYZE (-1: never analyzed). */
  async function analyzedCalls(): Promise<number> {
    const [row] = await srv.database.rows<{ n: number }>(sql`select reltuples::float8 as n from pg_class where relname = 'traces'`);
    return Number(row?.n ?? -1);
  }

  async function ingest(n: number) {
    for (let sent = 0; sent < n; sent += 500) {
      const res = await sendTraces(srv.url, workspace.api_key, { traces: Array.from({ length: Math.min(500, n - sent) }, () => makeTrace()) });
      expect(res.status).toBe(200);
    }
  }

  /** Waits until the planner counts at least `n` calls. */
  const analyzedAtLeast = (n: number, what: string) => eventually(async () => ((await analyzedCalls()) >= n ? true : undefined), 20_000, what);

  it('are taken once the first thousand calls are folded, and again when the calls have doubled', async () => {
    await ingest(900);
    // Give the folder time to fold them: still fewer than the first thousand.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await analyzedCalls()).toBeLessThan(1);
    await ingest(200);
    await analyzedAtLeast(1_000, 'the first statistics');
    await ingest(2_100);
    await analyzedAtLeast(3_100, 'statistics after the calls doubled');
  });
});
