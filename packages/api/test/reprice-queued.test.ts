import { verifyRollups } from '@pulse/verify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldAll } from '../src/rollups/fold.js';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { seededTraces } from './dataset.js';
import { getAnalytics, sendTraces, startTestServer, type TestServer } from './harness.js';
import { expectStoredCostsFollowPrices, pricesClient } from './price-checks.js';
import { reference, type RefWindow } from './reference.js';

const DAY = 86_400_000;
const H = 3_600_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
/** Inside an hour: the calls of that hour are split between the catalog's price and the override. */
const MID = start + 40 * H + 7 * 60_000 + 9;

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

const queued = async () =>
  (await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from rollup_pending where workspace_id = ${ws.workspace_id}::uuid`))[0]!.n;

beforeAll(async () => {
  // No background fold: the test decides which calls are folded and which still wait in the queue.
  srv = await startTestServer({ foldIntervalMs: 3_600_000 });
  ws = await srv.createWorkspace('reprice-queued');
  const traces = seededTraces(23, start, 2000);
  for (let i = 0; i < traces.length; i += 500) {
    expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 500) })).status).toBe(200);
    // The first half folded into the rollups, the second half left queued.
    if (i === 500) await foldAll(srv.database);
  }
});
afterAll(async () => {
  await srv?.close();
});

describe('re-pricing calls still queued for the fold (docs/API_SPEC.md §9)', () => {
  it('prices the queued copies as their stored rows: every figure exact before and after the fold', async () => {
    expect(await queued()).toBe(1000);
    const { put, del } = pricesClient(srv, ws);
    const ref = reference(srv.database, ws.workspace_id);
    const get = (path: string, params: Record<string, string | number | undefined>) => getAnalytics(srv.url, ws, path, params);
    const windows: Array<[RefWindow, string]> = [
      [{ from: iso(start), to: iso(start + 3 * DAY) }, 'day'],
      [{ from: iso(start + 3 * H + 77), to: iso(start + 2 * DAY + 5 * H) }, 'hour'],
      [{ from: iso(start), to: iso(start + 3 * DAY), model: 'gpt-4o' }, 'hour'],
    ];
    const expectExact = async () => {
      await expectStoredCostsFollowPrices(srv, ws);
      await expectStoredCostsFollowPrices(srv, ws, 'rollup_pending');
      for (const [w, g] of windows) await checkEveryEndpoint(get, ref, w, g);
    };
    expect((await put('gpt-4o', { input_per_mtok_usd: 1.7777777, output_per_mtok_usd: 6.25, effective_from: iso(MID) })).status).toBe(200);
    expect((await put('in-house-llm', { input_per_mtok_usd: 0.3, output_per_mtok_usd: 0.9 })).status).toBe(200);
    expect(await queued()).toBe(1000);
    await expectExact();
    expect((await del('gpt-4o')).status).toBe(204);
    await expectExact();
    // The fold adds the queued copies as they now are: the rollups equal the raw rows.
    const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
    expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
    expect(await queued()).toBe(0);
    await expectExact();
  });
});
