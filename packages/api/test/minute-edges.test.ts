import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldAll } from '../src/rollups/fold.js';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { seededTraces } from './dataset.js';
import { getAnalytics, makeTrace, sendInBatches, sendTraces, startTestServer, type TestServer } from './harness.js';
import { reference, type RefWindow } from './reference.js';

/**
 * The stats read the whole minutes of a window's raw segments (its first sub-hour edge, a last
 * edge whose hour holds calls after it, a window without a whole hour, a minute series) from
 * stats_minutely and only the sub-minute ends from raw calls (docs/API_SPEC.md §3): every answer
 * exact with those calls queued, folded, or half of each; a mark put in a minute row shows in the
 * answers that read that minute whole, and nowhere else.
 */

const DAY = 86_400_000;
const H = 3_600_000;
const M = 60_000;
const BYPASS = 'minute-edges-bypass-token';
const start = Math.floor(Date.now() / DAY) * DAY - 6 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
/** An hour of the seeded days that this test fills with a call every 23.7 s. */
const BUSY = start + DAY + 9 * H;

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

/** An answer computed afresh (past the cache). */
const fresh = (path: string, params: Record<string, string | number | undefined>): Promise<any> =>
  getAnalytics(srv.url, ws, path, params, { 'x-pulse-cache-bypass': BYPASS });

const busy = (from: number, n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) =>
    makeTrace({
      trace_id: `${prefix}-${i}`,
      timestamp: iso(from + Math.round(i * 23_700)),
      agent_id: i % 3 === 0 ? 'coder' : 'support-bot',
      model: i % 2 === 0 ? 'gpt-4o' : 'claude-3-5-haiku',
      user_id: `minute-user-${i % 5}`,
      status: i % 7 === 0 ? 'error' : 'success',
      ...(i % 7 === 0 ? { error_type: 'timeout' } : {}),
      latency_ms: 80 + i * 13,
      tags: i % 2 === 0 ? ['checkout'] : ['search'],
    }),
  );

/** Windows whose raw segments hold whole minutes and sub-minute ends, and the series granularities each is checked at. */
const WINDOWS: Array<[string, RefWindow, string[]]> = [
  [
    'a first edge mid-minute, a last edge whose hour holds calls',
    { from: iso(BUSY + 7 * M + 12_345), to: iso(BUSY + 26 * H + 31 * M + 500) },
    ['hour', 'day'],
  ],
  ['no whole hour inside', { from: iso(BUSY + 3 * M + 5_000), to: iso(BUSY + 50 * M + 1_000) }, ['minute', 'hour']],
  ['on minute boundaries', { from: iso(BUSY + 11 * M), to: iso(BUSY + 5 * H + 42 * M) }, ['minute', 'hour']],
  [
    'with an agent',
    { from: iso(BUSY + 7 * M + 12_345), to: iso(BUSY + 3 * H + 8 * M + 1), agent_id: 'coder' },
    ['minute', 'hour'],
  ],
  ['with a model', { from: iso(BUSY + 59 * M + 59_999), to: iso(BUSY + 2 * DAY), model: 'gpt-4o' }, ['hour', 'day']],
  [
    'with a tag (raw calls only)',
    { from: iso(BUSY + 7 * M + 12_345), to: iso(BUSY + 50 * M + 1_000), tag: 'checkout' },
    ['minute', 'hour'],
  ],
];

async function expectEveryWindowExact() {
  const ref = reference(srv.database, ws.workspace_id);
  for (const [label, w, gs] of WINDOWS) {
    for (const g of gs) await expect(checkEveryEndpoint(fresh, ref, w, g), `${label}, ${g}`).resolves.toBeUndefined();
  }
}

beforeAll(async () => {
  // The test folds itself: the minutes' calls are read folded and still queued.
  srv = await startTestServer({ foldIntervalMs: 3_600_000, cacheBypassToken: BYPASS });
  ws = await srv.createWorkspace('minute-edges');
  const seeded = seededTraces(53, start, 900);
  await sendInBatches(srv.url, ws.api_key, seeded, 450);
  expect((await sendTraces(srv.url, ws.api_key, { traces: busy(BUSY, 150, 'busy') })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

describe('whole minutes of raw segments read from stats_minutely', () => {
  it('every answer is exact with the minutes queued, folded, and half of each', async () => {
    await expectEveryWindowExact();
    await foldAll(srv.database);
    await expectEveryWindowExact();
    expect((await sendTraces(srv.url, ws.api_key, { traces: busy(BUSY + 11_111, 40, 'busy-late') })).status).toBe(200);
    await expectEveryWindowExact();
  });

  it('reads a minute row for a whole minute of an edge, raw calls for a minute the window cuts or a tag filter', async () => {
    await foldAll(srv.database);
    const w = ws.workspace_id;
    const minute = BUSY + 20 * M;
    const mark = (n: number) =>
      srv.database
        .rows(sql`update stats_minutely set calls = calls + ${n} where workspace_id = ${w}::uuid and bucket = ${iso(minute)}::timestamptz
        and agent_id = 'support-bot' and model = 'claude-3-5-haiku' returning 1`);
    const whole = { range: 'custom', from: iso(BUSY + 7 * M + 12_345), to: iso(BUSY + 2 * H + 30 * M) };
    const cut = { ...whole, from: iso(minute + 30_000) };
    const tagged = { ...whole, tag: 'search' };
    const figures = async () => ({
      whole: (await fresh('/usage/overview', whole)).total_calls as number,
      cut: (await fresh('/usage/overview', cut)).total_calls as number,
      tagged: (await fresh('/usage/agent-distribution', tagged)).total_calls as number,
      series: (
        (await fresh('/usage/calls-over-time', { ...whole, granularity: 'minute' })).data as Array<{
          timestamp: string;
          calls: number;
        }>
      ).find((p) => p.timestamp === iso(minute))!.calls,
    });
    const exact = await figures();
    expect(exact.series).toBeGreaterThan(0);
    expect(await mark(1000)).toHaveLength(1);
    try {
      expect(await figures()).toEqual({ ...exact, whole: exact.whole + 1000, series: exact.series + 1000 });
    } finally {
      await mark(-1000);
    }
    expect(await figures()).toEqual(exact);
  });
});
