import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldAll } from '../src/rollups/fold.js';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { seededTraces } from './dataset.js';
import { getAnalytics, makeTrace, sendInBatches, sendTraces, startTestServer, type TestServer } from './harness.js';
import { reference, type RefWindow } from './reference.js';

/**
 * A window's part in its last day is read from the day's rollup row when the rest of the day
 * holds no call, and its last sub-hour edge from its hour's rollup row when the rest of the hour
 * holds none (a window ending now), else from hourly rows and raw calls (docs/API_SPEC.md §3):
 * every answer exact either way, with the edge's calls folded or still queued, and a call
 * arriving in the rest of the day or the hour sending the part back to finer rows.
 */

const DAY = 86_400_000;
const H = 3_600_000;
const M = 60_000;
const BYPASS = 'edge-hours-bypass-token';
const start = Math.floor(Date.now() / DAY) * DAY - 6 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
/** Hours after the seeded three days, whose calls this test places: Y's at minutes 45–55, X's at 5–35. */
const Y = start + 3 * DAY + 5 * H;
const X = start + 3 * DAY + 30 * H;

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

/** An answer computed afresh (past the cache). */
const fresh = (path: string, params: Record<string, string | number | undefined>): Promise<any> =>
  getAnalytics(srv.url, ws, path, params, { 'x-pulse-cache-bypass': BYPASS });

const placed = (hour: number, minutes: number[], prefix: string) =>
  minutes.map((m, i) =>
    makeTrace({
      trace_id: `${prefix}-${i}`,
      timestamp: iso(hour + m * M + i * 997),
      agent_id: i % 3 === 0 ? 'coder' : 'support-bot',
      model: i % 2 === 0 ? 'gpt-4o' : 'claude-3-5-haiku',
      user_id: `edge-user-${i % 4}`,
      status: i % 5 === 0 ? 'error' : 'success',
      ...(i % 5 === 0 ? { error_type: 'timeout' } : {}),
      latency_ms: 100 + i * 37,
      tags: i % 2 === 0 ? ['checkout'] : ['search', 'prod'],
    }),
  );

/** The last edge from its hour (the rest of X after `to` holds nothing) or raw, the first edge raw, in an empty part of its hour or not. */
const WINDOWS: Array<[string, RefWindow]> = [
  ['the last edge from its hour', { from: iso(Y + 40 * M), to: iso(X + 40 * M) }],
  ['both edges raw', { from: iso(Y + 50 * M), to: iso(X + 20 * M) }],
  ['the first edge in the seeded days, the last from its hour', { from: iso(start + 7 * H + 12 * M + 345), to: iso(X + 36 * M) }],
  ['from its hour, with an agent', { from: iso(Y + 40 * M), to: iso(X + 40 * M), agent_id: 'coder' }],
  ['from its hour, with a tag', { from: iso(Y + 40 * M), to: iso(X + 40 * M), tag: 'checkout' }],
  ['from its hour, with a tag and a model (raw calls only)', { from: iso(Y + 40 * M), to: iso(X + 40 * M), tag: 'prod', model: 'claude-3-5-haiku' }],
  ['ending inside the seeded days (the rest of its day holds calls)', { from: iso(start + 5 * H + 3 * M), to: iso(start + 2 * DAY + 13 * H + 17 * M) }],
];

async function expectEveryWindowExact() {
  const ref = reference(srv.database, ws.workspace_id);
  for (const [label, w] of WINDOWS) {
    for (const g of ['hour', 'day']) {
      await expect(checkEveryEndpoint(fresh, ref, w, g), `${label}, ${g}`).resolves.toBeUndefined();
    }
  }
}

beforeAll(async () => {
  // The test folds itself: the edges' calls are read folded and still queued.
  srv = await startTestServer({ foldIntervalMs: 3_600_000, cacheBypassToken: BYPASS });
  ws = await srv.createWorkspace('edge-hours');
  const seeded = seededTraces(47, start, 900);
  await sendInBatches(srv.url, ws.api_key, seeded, 450);
  expect((await sendTraces(srv.url, ws.api_key, { traces: [...placed(Y, [45, 47, 50, 51, 55], 'y'), ...placed(X, [5, 9, 14, 20, 22, 30, 35], 'x')] })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

describe('last days and sub-hour edges read from their day or hour when the rest of it is empty', () => {
  it('every answer is exact with the edges queued, folded, and half of each', async () => {
    await expectEveryWindowExact();
    await foldAll(srv.database);
    await expectEveryWindowExact();
    expect((await sendTraces(srv.url, ws.api_key, { traces: placed(X, [3, 18, 33], 'x-late') })).status).toBe(200);
    await expectEveryWindowExact();
  });

  it("reads the day's rollup row when the rest of the day is empty, the hour's when the rest of the hour is, raw calls otherwise; distinct users from the latest calls until a call lands after the window", async () => {
    await foldAll(srv.database);
    const promoted = WINDOWS[0]![1];
    const figures = async () => {
      const o = await fresh('/usage/overview', { range: 'custom', from: promoted.from, to: promoted.to });
      // Top users read the per-user rollups whatever the window's end; distinct users read each
      // user's latest call while the window ends after the workspace's last call.
      const top = await fresh('/usage/top-users', { range: 'custom', from: promoted.from, to: promoted.to, limit: 100 });
      return { calls: o.total_calls as number, users: top.data.length as number, distinct: o.unique_users as number };
    };
    const exact = await figures();
    expect(exact.users).toBe(exact.distinct);
    const w = ws.workspace_id;
    const day = Math.floor(X / DAY) * DAY;
    // Marks no raw call has, each seen only through its rollup row: 1,000 calls in X's stats row
    // (the stats read the last day by the hour), one user in X's day row of the per-user rollup
    // and two in its hour row, and one user whose latest call is in the window.
    const markCalls = (n: number) =>
      srv.database.rows(sql`update stats_hourly set calls = calls + ${n} where workspace_id = ${w}::uuid and bucket = ${iso(X)}::timestamptz
        and agent_id = 'coder' and model = 'gpt-4o' returning 1`);
    expect(await markCalls(1000)).toHaveLength(1);
    await srv.database.rows(sql`insert into user_stats_daily (workspace_id, dim, bucket, user_id, calls, cost_nanos, tokens, last_seen)
      values (${w}::uuid, '', ${iso(day)}::timestamptz, 'day-mark', 1, 0, 0, ${iso(X)}::timestamptz)`);
    await srv.database.rows(sql`insert into user_stats_hourly (workspace_id, dim, bucket, user_id, calls, cost_nanos, tokens, last_seen)
      values (${w}::uuid, '', ${iso(X)}::timestamptz, 'hour-mark-1', 1, 0, 0, ${iso(X)}::timestamptz), (${w}::uuid, '', ${iso(X)}::timestamptz, 'hour-mark-2', 1, 0, 0, ${iso(X)}::timestamptz)`);
    await srv.database.rows(sql`insert into user_last_calls (workspace_id, user_id, last_call) values (${w}::uuid, 'last-call-mark', ${iso(Y + 45 * M)}::timestamptz)`);
    try {
      expect(await figures()).toEqual({ calls: exact.calls + 1000, users: exact.users + 1, distinct: exact.distinct + 1 });
      // A call later in X's day (outside the window) sends the day's part to its hours, and the
      // distinct users to the per-user rollups.
      expect((await sendTraces(srv.url, ws.api_key, { traces: [makeTrace({ trace_id: 'x-later-that-day', timestamp: iso(X + 3 * H) })] })).status).toBe(200);
      expect(await figures()).toEqual({ calls: exact.calls + 1000, users: exact.users + 2, distinct: exact.distinct + 2 });
      // A call in the rest of X (at `to` itself: outside the window) sends the edge back to raw calls.
      expect((await sendTraces(srv.url, ws.api_key, { traces: [makeTrace({ trace_id: 'x-at-to', timestamp: promoted.to })] })).status).toBe(200);
      expect(await figures()).toEqual(exact);
      await foldAll(srv.database);
      expect(await figures()).toEqual(exact);
    } finally {
      await markCalls(-1000);
      await srv.database.rows(sql`delete from user_stats_daily where workspace_id = ${w}::uuid and user_id = 'day-mark'`);
      await srv.database.rows(sql`delete from user_stats_hourly where workspace_id = ${w}::uuid and user_id like 'hour-mark-%'`);
      await srv.database.rows(sql`delete from user_last_calls where workspace_id = ${w}::uuid and user_id = 'last-call-mark'`);
    }
    await expectEveryWindowExact();
  });
});
