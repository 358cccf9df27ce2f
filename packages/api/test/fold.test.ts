import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldAll, foldPending, pendingRows } from '../src/rollups/fold.js';
import { formatDriftReport, verifyRollups } from '@pulse/verify';
import { seededTraces } from './dataset.js';
import { sendInBatches, sendTraces, startTestServer, type TestServer } from './harness.js';

const DAY = 86_400_000;
const BYPASS = 'fold-test-bypass';
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

/** Every analytics path over windows that use raw edges, hourly and daily rollups. */
const WINDOWS = [
  { range: 'custom', from: iso(start + 1_234_567), to: iso(start + 3 * DAY - 7_654_321) },
  { range: 'custom', from: iso(start + DAY), to: iso(start + 2 * DAY), agent_id: 'coder' },
  { range: 'custom', from: iso(start + 5 * 3_600_000), to: iso(start + 50 * 3_600_000), model: 'gpt-4o', granularity: 'hour' },
];
const PATHS = [
  '/usage/overview', '/usage/calls-over-time', '/usage/agent-distribution', '/usage/top-users',
  '/cost/overview', '/cost/trend', '/cost/by-model', '/cost/by-tag', '/performance/overview', '/performance/latency',
  '/performance/throughput', '/performance/errors',
];

const SERIES_PATHS = ['/usage/calls-over-time', '/cost/trend', '/performance/latency', '/performance/throughput'];

describe('asynchronous rollup folding', () => {
  let srv: TestServer;
  let ws: { workspace_id: string; api_key: string };
  const snapshot = async () => {
    const out: Record<string, unknown> = {};
    for (const w of WINDOWS) {
      for (const p of PATHS) {
        // Only the series take a granularity (any other parameter is a 400).
        const qs = new URLSearchParams(Object.entries(w).filter(([k]) => k !== 'granularity' || SERIES_PATHS.includes(p)) as Array<[string, string]>);
        const res = await fetch(`${srv.url}/api/v1${p}?${qs}`, {
          headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'x-pulse-cache-bypass': BYPASS },
        });
        expect(res.status, p).toBe(200);
        // The month projection divides by the time elapsed, which moves between snapshots.
        const { projected_month_usd: _moves, ...body } = (await res.json()) as Record<string, unknown>;
        out[`${p} ${JSON.stringify(w)}`] = body;
      }
    }
    return out;
  };
  const rollupCalls = async () =>
    Number((await srv.database.rows<{ n: string }>(sql`select coalesce(sum(calls), 0)::text as n from stats_daily`))[0]!.n);

  beforeAll(async () => {
    // The background folder never runs here: the test folds by hand.
    srv = await startTestServer({ foldIntervalMs: 3_600_000, cacheBypassToken: BYPASS });
    ws = await srv.createWorkspace('fold');
    const traces = seededTraces(11, start, 3000);
    expect((await sendInBatches(srv.url, ws.api_key, traces)).map((body) => body.accepted)).toEqual([1000, 1000, 1000]);
    expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(0, 10) })).body.duplicates).toBe(10);
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('answers the same before, during and after folding, and folds every trace exactly once', async () => {
    expect(await pendingRows(srv.database)).toBe(3000);
    expect(await rollupCalls()).toBe(0);
    const ready = (await (await fetch(`${srv.url}/api/ready`)).json()) as { rollups: { pending_rows: number } };
    expect(ready.rollups.pending_rows).toBe(3000);
    const unfolded = await snapshot();

    // Part of the queue folded: rollups and queue each hold some of the traces.
    expect(await foldPending(srv.database, { maxRows: 1234 })).toBe(1234);
    expect(await pendingRows(srv.database)).toBe(3000 - 1234);
    expect(await snapshot()).toEqual(unfolded);

    expect(await foldAll(srv.database)).toBe(3000 - 1234);
    expect(await pendingRows(srv.database)).toBe(0);
    expect(await foldAll(srv.database)).toBe(0);
    const [raw] = await srv.database.rows<{ n: string }>(sql`select count(*)::text as n from traces`);
    expect(await rollupCalls()).toBe(Number(raw!.n));
    expect(await snapshot()).toEqual(unfolded);
  });

  it('lets only one folder work at a time, and concurrent folds never count a trace twice', async () => {
    const traces = seededTraces(12, start, 2000);
    expect((await sendInBatches(srv.url, ws.api_key, traces)).map((body) => body.accepted)).toEqual([1000, 1000]);
    const folded = await Promise.all(Array.from({ length: 4 }, () => foldAll(srv.database)));
    expect(folded.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(await pendingRows(srv.database)).toBe(0);
    expect(await rollupCalls()).toBe(5000);
  });

  it('keeps agent-and-model pairs apart whose names run together ("ab"+"c" and "a"+"bc")', async () => {
    const other = await srv.createWorkspace('pairs');
    const at = iso(start + DAY + 3_600_000 + 5);
    const pairs = [
      { agent_id: 'ab', model: 'c', user_id: 'left', latency_ms: 100 },
      { agent_id: 'a', model: 'bc', user_id: 'right', latency_ms: 900 },
      { agent_id: 'a', model: 'bc', user_id: 'right', latency_ms: 900 },
    ];
    const traces = pairs.map((p, i) => ({ trace_id: `pair-${i}`, timestamp: at, status: 'success', ...p }));
    expect((await sendTraces(srv.url, other.api_key, { traces })).body.accepted).toBe(3);
    await foldAll(srv.database);
    const day = { range: 'custom', from: iso(start + DAY), to: iso(start + 2 * DAY) };
    const get = async (path: string, params: Record<string, string>) =>
      (await fetch(`${srv.url}/api/v1${path}?${new URLSearchParams({ ...day, ...params })}`, {
        headers: { authorization: `Bearer ${other.api_key}`, 'x-workspace-id': other.workspace_id, 'x-pulse-cache-bypass': BYPASS },
      }).then((r) => r.json())) as any;
    const right = await get('/usage/top-users', { agent_id: 'a', model: 'bc' });
    expect(right.data.map((u: { user_id: string; calls: number }) => [u.user_id, u.calls])).toEqual([['right', 2]]);
    const left = await get('/performance/overview', { agent_id: 'ab', model: 'c' });
    expect([left.total_calls, left.p50_ms]).toEqual([1, expect.closeTo(100, 0)]);
  });

  it('verify folds whatever is queued, in its own snapshot, and then reconciles', async () => {
    const traces = seededTraces(13, start, 1500).map((t) => ({ ...t, trace_id: `v-${String(t.trace_id)}` }));
    expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(0, 1000) })).body.accepted).toBe(1000);
    expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(1000) })).body.accepted).toBe(500);
    expect(await pendingRows(srv.database)).toBe(1500);
    const report = await verifyRollups(srv.database);
    expect(report.ok, formatDriftReport(report)).toBe(true);
    expect(await pendingRows(srv.database)).toBe(0);
  });

  it('merges top users across daily and hourly parts and breaks ties by code point, as COLLATE "C" does', async () => {
    const other = await srv.createWorkspace('ties');
    // U+FF5E sorts after a surrogate pair in UTF-16 but before U+1F600 by code point.
    const users = ['\u{1F600}', '\uFF5E', 'b'];
    const times = [start + DAY + 10 * 3_600_000, start + 2 * DAY + 2 * 3_600_000];
    const traces = users.flatMap((user_id, u) =>
      times.map((t, i) => ({ trace_id: `tie-${u}-${i}`, timestamp: iso(t), agent_id: 'a', model: 'm', status: 'success', latency_ms: 10, user_id, cost_usd: 0.25 })),
    );
    expect((await sendTraces(srv.url, other.api_key, { traces })).body.accepted).toBe(6);
    const window = { range: 'custom', from: iso(start + DAY), to: iso(start + 2 * DAY + 5 * 3_600_000) };
    const top = async () =>
      (await fetch(`${srv.url}/api/v1/usage/top-users?${new URLSearchParams(window)}`, {
        headers: { authorization: `Bearer ${other.api_key}`, 'x-workspace-id': other.workspace_id, 'x-pulse-cache-bypass': BYPASS },
      }).then((r) => r.json())) as { data: Array<{ user_id: string; calls: number; cost_usd: number; last_seen: string }> };
    const expected = ['b', '\uFF5E', '\u{1F600}'].map((user_id) => ({ user_id, calls: 2, cost_usd: 0.5, last_seen: iso(times[1]!) }));
    expect((await top()).data).toMatchObject(expected);
    await foldAll(srv.database);
    expect((await top()).data).toMatchObject(expected);
  });
});
