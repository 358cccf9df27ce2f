import { arrayParam } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKLOG_COUNTED_UP_TO } from '../src/rollups/fold.js';
import { makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';

/**
 * GET /api/ready reports the fold backlog without counting a large one row by row
 * (docs/API_SPEC.md §5): exact up to BACKLOG_COUNTED_UP_TO queued traces, a lower bound (or the
 * database's estimate) beyond.
 */

let srv: TestServer;

const ready = async () => {
  const res = await fetch(`${srv.url}/api/ready`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { rollups: { pending_rows: number } }).rollups.pending_rows;
};

beforeAll(async () => {
  // Nothing folds by itself: the queue holds what the test puts there.
  srv = await startTestServer({ foldIntervalMs: 3_600_000 });
  const ws = await srv.createWorkspace('ready-backlog');
  const traces = Array.from({ length: 3 }, (_, i) => makeTrace({ trace_id: `queued-${i}` }));
  expect((await sendTraces(srv.url, ws.api_key, { traces })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

describe('GET /api/ready: the fold backlog', () => {
  it('is exact below the counted bound, and at least past it beyond', async () => {
    expect(await ready()).toBe(3);
    // Copies of the queued rows, never folded: removed again before the server closes.
    const copies = BACKLOG_COUNTED_UP_TO + 50;
    const originals = (await srv.database.rows<{ row: string }>(sql`select ctid::text as row from rollup_pending`)).map((r) => r.row);
    await srv.database.rows(sql`insert into rollup_pending select p.* from rollup_pending p cross join generate_series(1, ${Math.ceil(copies / 3)}) n`);
    try {
      const reported = await ready();
      expect(reported).toBeGreaterThan(BACKLOG_COUNTED_UP_TO);
      // The database's estimate, once analyzed, is what is reported past the bound.
      await srv.database.rows(sql`analyze rollup_pending`);
      const analyzed = await ready();
      expect(analyzed).toBeGreaterThan(BACKLOG_COUNTED_UP_TO);
      expect(Math.abs(analyzed - (3 + 3 * Math.ceil(copies / 3))) / analyzed).toBeLessThan(0.1);
    } finally {
      await srv.database.rows(sql`delete from rollup_pending where not (ctid::text = any(${arrayParam(originals, 'text')}))`);
    }
    expect(await ready()).toBe(3);
  }, 120_000);
});
