import { verifyRollups } from '@pulse/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldAll } from '../src/rollups/fold.js';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { seededTraces } from './dataset.js';
import { getAnalytics, makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';
import { reference, type RefWindow } from './reference.js';

/**
 * Windows holding whole UTC weeks: the per-user figures (top users, distinct users), unfiltered
 * or by tag, read those weeks from user_stats_weekly, by agent or model from the daily rows, every other
 * figure from its own rollups; a long first day is read as its day row less its earlier hours.
 * Each answer equals plain SQL over the raw calls, before and after the calls are folded, and the
 * weekly rows reconcile with the calls.
 */
const DAY = 86_400_000;
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** 36 days of calls ending at today's midnight: five week boundaries inside. */
const start = Math.floor(Date.now() / DAY) * DAY - 36 * DAY;
/** The first Monday 00:00 UTC on or after the start (1970-01-05 was a Monday). */
const monday = Math.ceil((start - 4 * DAY) / (7 * DAY)) * 7 * DAY + 4 * DAY;

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
let ref: ReturnType<typeof reference>;

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('weekly-users');
  ref = reference(srv.database, ws.workspace_id);
  // Twelve 3-day stretches of calls, each with its own calls on day and hour boundaries.
  const traces = [
    ...Array.from({ length: 12 }, (_, k) => seededTraces(100 + k, start + k * 3 * DAY, 250)).flat(),
    // A user whose only calls of its day come before a window's first whole hour in that day.
    ...[0, 1, 2].map((h) => makeTrace({ trace_id: `early-${h}`, user_id: 'early-bird', timestamp: iso(start + 7 * DAY + h * H + 1000) })),
  ];
  for (let i = 0; i < traces.length; i += 1000) {
    const res = await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 1000) });
    expect(res.body.accepted).toBe(Math.min(1000, traces.length - i));
  }
});
afterAll(async () => {
  await srv?.close();
});

const get = (path: string, params: Record<string, string | number | undefined>) => getAnalytics(srv.url, ws, path, params);
const windows: Array<[string, number, number, string]> = [
  ['three whole weeks', monday, monday + 21 * DAY, 'day'],
  ['crossing four week boundaries, not aligned', start + 2 * DAY + 5 * H + 1234, start + 33 * DAY + 7 * H + 59_999, 'day'],
  ['thirty days to a minute before the end', start + 6 * DAY - 60_000, start + 36 * DAY - 60_000, 'day'],
  // Its first day is read as the day's row less the day's first hours, where 'early-bird' nets to nothing.
  ['starting after a user\'s only calls of its day', start + 7 * DAY + 5 * H + 17, start + 30 * DAY + 3 * H, 'day'],
];
const filters: Array<Pick<RefWindow, 'agent_id' | 'model' | 'tag'>> = [{}, { agent_id: 'researcher' }, { tag: 'checkout' }];

describe('windows with whole weeks equal plain SQL over raw rows', () => {
  for (const phase of ['as ingested', 'once every call is folded']) {
    for (const [name, from, to, g] of windows) {
      for (const f of filters) {
        it(`${phase}: ${name} ${JSON.stringify(f)}`, async () => {
          if (phase !== 'as ingested') await foldAll(srv.database);
          await checkEveryEndpoint(get, ref, { from: iso(from), to: iso(to), ...f }, g);
        });
      }
    }
  }

  it('the weekly per-user rows reconcile with the calls', async () => {
    await foldAll(srv.database);
    const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
    const weekly = report.tables.find((t) => t.table === 'user_stats_weekly')!;
    expect(weekly).toMatchObject({ missing: 0, extra: 0, differing: 0 });
    expect(weekly.expectedRows).toBeGreaterThan(0);
    expect(report.ok).toBe(true);
  });
});
