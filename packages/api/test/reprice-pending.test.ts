import { verifyRollups } from '@pulse/verify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repriceAll, repriceStep } from '../src/prices/repricer.js';
import { foldAll } from '../src/rollups/fold.js';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { seededTraces } from './dataset.js';
import { getAnalytics, sendTraces, startTestServer, type TestServer } from './harness.js';
import { expectStoredCostsFollowPrices, pricesClient } from './price-checks.js';
import { reference, type RefWindow } from './reference.js';

const DAY = 86_400_000;
const H = 3_600_000;
const BYPASS = 'reprice-pending-bypass-token';
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
/** Inside an hour of the second day. */
const MID = start + 33 * H + 21 * 60_000 + 457;

type Params = Record<string, string | number | undefined>;

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

const query = (params: Params) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined) as Array<[string, string]>);

/** Any GET of the workspace, never answered from the cache: each answer is computed from the database as it is. */
const fresh = (path: string, params: Params): Promise<any> =>
  getAnalytics(srv.url, ws, path, params, { 'x-pulse-cache-bypass': BYPASS });

async function exported(format: 'csv' | 'jsonl'): Promise<string> {
  const res = await fetch(
    `${srv.url}/api/v1/traces/export?${query({ range: 'custom', from: iso(start), to: iso(start + 3 * DAY), format })}`,
    {
      headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id },
    },
  );
  expect(res.status).toBe(200);
  return res.text();
}

const windows: Array<[RefWindow, string]> = [
  [{ from: iso(start), to: iso(start + 3 * DAY) }, 'day'],
  [{ from: iso(start + 5 * H + 1234), to: iso(start + 2 * DAY + 7 * H) }, 'hour'],
  [{ from: iso(MID - 20 * 60_000), to: iso(MID + 40 * 60_000) }, 'minute'],
  [{ from: iso(start), to: iso(start + 3 * DAY), model: 'gpt-4o' }, 'hour'],
  [{ from: iso(start), to: iso(start + 3 * DAY), tag: 'checkout' }, 'hour'],
  [{ from: iso(start + DAY), to: iso(start + 3 * DAY), tag: 'prod', agent_id: 'coder' }, 'hour'],
];

/** The analytics requests checkEveryEndpoint makes over `windows` (made once here, on a consistent state: they are exact). */
async function analyticsRequests(): Promise<Array<[string, Params]>> {
  const made: Array<[string, Params]> = [];
  const ref = reference(srv.database, ws.workspace_id);
  const recording = async (path: string, params: Params) => {
    made.push([path, params]);
    return fresh(path, params);
  };
  for (const [w, g] of windows) await checkEveryEndpoint(recording, ref, w, g);
  return made;
}

/** Everything a user reads a cost from: every analytics answer, the trace list's pages, the sessions, a trace, both exports. */
async function everyCostShown(requests: Array<[string, Params]>) {
  const analytics = [];
  // The month's projection moves with the clock between two reads: the rest must not move.
  const timeless = (answer: unknown) =>
    JSON.parse(JSON.stringify(answer, (k, v: unknown) => (k === 'projected_month_usd' ? undefined : v)));
  for (const [path, params] of requests) analytics.push(timeless(await fresh(path, params)));
  const window = { range: 'custom', from: iso(start), to: iso(start + 3 * DAY) };
  const pages = [];
  let cursor: string | undefined;
  do {
    const page = await fresh('/traces', { ...window, limit: 200, cursor });
    pages.push(page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const pricedCall = pages
    .flat()
    .find((t: { model: string; cost_source: string }) => t.model === 'gpt-4o' && t.cost_source !== 'provided');
  return {
    analytics,
    pages,
    sessions: await fresh('/sessions', { ...window, limit: 100 }),
    trace: await fresh(`/traces/${pricedCall.id}`, {}),
    csv: await exported('csv'),
    jsonl: await exported('jsonl'),
  };
}

const jobs = async () =>
  (
    await srv.database.rows<{ n: number }>(
      sql`select count(*)::int as n from repricing_jobs where workspace_id = ${ws.workspace_id}::uuid`,
    )
  )[0]!.n;

beforeAll(async () => {
  // Neither the fold nor the re-pricer runs by itself: the test moves each of them on.
  srv = await startTestServer({ foldIntervalMs: 3_600_000, repriceIntervalMs: 3_600_000, cacheBypassToken: BYPASS });
  ws = await srv.createWorkspace('reprice-pending');
  const traces = seededTraces(31, start, 2400).map((t, i) => ({
    ...t,
    ...(i % 4 === 0 ? { session_id: `s-${i % 29}` } : {}),
    ...(i % 3 === 0
      ? {
          cache_read_tokens: Math.floor((t.input_tokens as number) / 3),
          cache_write_tokens: Math.floor((t.input_tokens as number) / 7),
        }
      : {}),
  }));
  for (let i = 0; i < traces.length; i += 600) {
    expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 600) })).status).toBe(200);
    // Half folded into the rollups, half still queued.
    if (i === 600) await foldAll(srv.database);
  }
});
afterAll(async () => {
  await srv?.close();
});

describe('a price change answers at once; the calls are rewritten afterwards (docs/API_SPEC.md §9)', () => {
  it('every figure, the trace list, sessions, a trace and the exports follow it before the re-pricer ran, half way, and after', async () => {
    const requests = await analyticsRequests();
    const { put, del } = pricesClient(srv, ws);
    const ref = reference(srv.database, ws.workspace_id);

    /** The stored calls rewritten, every figure exact against plain SQL over them, and what was shown before unchanged. */
    const expectRewrittenAsShown = async (shown: Array<Awaited<ReturnType<typeof everyCostShown>>>) => {
      await repriceAll(srv.database, 97);
      expect(await jobs()).toBe(0);
      await expectStoredCostsFollowPrices(srv, ws);
      await expectStoredCostsFollowPrices(srv, ws, 'rollup_pending');
      for (const [w, g] of windows) await checkEveryEndpoint(fresh, ref, w, g);
      const after = await everyCostShown(requests);
      for (const before of shown) expect(before).toEqual(after);
      const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
      expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
    };

    // An override from inside an hour, with fractional nano-dollars per token, and a price for an unpriced model.
    expect(
      (
        await put('gpt-4o', {
          input_per_mtok_usd: 2.7777777,
          output_per_mtok_usd: 9.1234567,
          cache_read_per_mtok_usd: 0.3333333,
          effective_from: iso(MID),
        })
      ).status,
    ).toBe(200);
    expect((await put('in-house-llm', { input_per_mtok_usd: 0.45, output_per_mtok_usd: 1.35 })).status).toBe(200);
    expect(await jobs()).toBe(2);
    const before = await everyCostShown(requests);
    // Steps of 97 calls: some end inside a timestamp that several calls share (the dataset's hour boundaries).
    for (let i = 0; i < 4; i++) expect(await repriceStep(srv.database, 97)).toBe(true);
    const halfway = await everyCostShown(requests);
    expect(await jobs()).toBe(2);
    await expectRewrittenAsShown([before, halfway]);

    // A change while the model is half rewritten starts it over; DELETE goes back to the catalog.
    expect((await put('gpt-4o', { input_per_mtok_usd: 0.0000003, output_per_mtok_usd: 40 })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect(await repriceStep(srv.database, 97)).toBe(true);
    const second = await everyCostShown(requests);
    expect(second).not.toEqual(halfway);
    await expectRewrittenAsShown([second]);
    expect(
      (await put('gpt-4o', { input_per_mtok_usd: 1.1, output_per_mtok_usd: 2.2, effective_from: iso(MID - 26 * H) }))
        .status,
    ).toBe(200);
    expect(await repriceStep(srv.database, 97)).toBe(true);
    expect((await del('gpt-4o')).status).toBe(204);
    expect((await del('in-house-llm')).status).toBe(204);
    // The fold moves queued calls into the rollups meanwhile, with the costs they were stored with.
    await foldAll(srv.database);
    const third = await everyCostShown(requests);
    expect(third).not.toEqual(second);
    await expectRewrittenAsShown([third]);
  });
});
