import { schema } from '@pulse/db';
import { verifyRollups } from '@pulse/verify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repriceAll } from '../src/prices/repricer.js';
import { retentionPass } from '../src/retention/retention.js';
import { foldAll } from '../src/rollups/fold.js';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { seededTraces } from './dataset.js';
import { getAnalytics, sendTraces, startTestServer, type TestServer } from './harness.js';
import { pricesClient } from './price-checks.js';
import { reference, type RefWindow } from './reference.js';

// Tag filters and /cost/by-tag read the tag rollups (stats_by_tag_*, and tag_pair_stats_* for
// /cost/by-tag with a tag filter) for whole hours and days,
// and raw rows only for the sub-hour edges and the queued calls (docs/BENCHMARKS.md, "Tag
// filters and cost by tag"): every figure still equals plain SQL over the raw rows, folded or
// not, after a price change and after retention.

const DAY = 86_400_000;
const H = 3_600_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
/** The tests that check every endpoint under every filter and window, twice. */
const SLOW = 300_000;

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

const get = (path: string, params: Record<string, string | number | undefined>) => getAnalytics(srv.url, ws, path, params);

/** Windows with partial hours and days (raw edges, hourly and daily rollups), whole days, and one inside an hour. */
const windows: Array<[number, number, string]> = [
  [start, start + 3 * DAY, 'day'],
  [start + 5 * H + 1234, start + 2 * DAY + 7 * H + 59_999, 'hour'],
  [start + 30 * H + 17 * 60_000, start + 30 * H + 50 * 60_000, 'minute'],
];
/** A tag alone, with an agent or a model filter, and none (/cost/by-tag's rows from the tag rollups). */
const filters: Array<Pick<RefWindow, 'agent_id' | 'model' | 'tag'>> = [
  { tag: 'checkout' },
  { tag: 'café', agent_id: 'support-bot' },
  { tag: 'prod', model: 'gpt-4o' },
  {},
];

async function expectEveryFigureExact() {
  const ref = reference(srv.database, ws.workspace_id);
  for (const [from, to, g] of windows) {
    for (const f of filters) await checkEveryEndpoint(get, ref, { from: iso(from), to: iso(to), ...f }, g);
  }
}

async function expectNoDrift() {
  const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
  expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
}

const queued = async () =>
  (await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from rollup_pending where workspace_id = ${ws.workspace_id}::uuid`))[0]!.n;

beforeAll(async () => {
  // No background fold: the test decides which calls are folded and which still wait in the queue.
  srv = await startTestServer({ foldIntervalMs: 3_600_000 });
  ws = await srv.createWorkspace('tag-rollups');
  const traces = seededTraces(41, start, 2400);
  for (let i = 0; i < traces.length; i += 600) {
    expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 600) })).status).toBe(200);
    // The first half folded into the rollups, the second half left queued.
    if (i === 600) await foldAll(srv.database);
  }
}, SLOW);
afterAll(async () => {
  await srv?.close();
});

describe('tag rollups (stats_by_tag_*)', () => {
  it('hold each folded call once under each of its tags, an untagged call under ""', async () => {
    expect(await queued()).toBe(1200);
    const [row] = await srv.database.rows<{ rolled: number; expected: number; untagged: number }>(sql`
      select (select coalesce(sum(calls), 0)::int from ${schema.statsByTagDaily} where workspace_id = ${ws.workspace_id}::uuid) as rolled,
             (select coalesce(sum(greatest(jsonb_array_length(tags), 1)), 0)::int from traces where workspace_id = ${ws.workspace_id}::uuid)
               - (select coalesce(sum(greatest(jsonb_array_length(tags), 1)), 0)::int from rollup_pending where workspace_id = ${ws.workspace_id}::uuid) as expected,
             (select coalesce(sum(calls), 0)::int from ${schema.statsByTagDaily} where workspace_id = ${ws.workspace_id}::uuid and tag = '') as untagged`);
    expect(row!.rolled).toBe(row!.expected);
    expect(row!.untagged).toBeGreaterThan(0);
  });

  it('every tag-filtered figure equals plain SQL over raw rows, with calls queued and after the fold', async () => {
    await expectEveryFigureExact();
    await expectNoDrift();
    expect(await queued()).toBe(0);
    await expectEveryFigureExact();
  }, SLOW);

  it('a tag-filtered figure is read from the tag rollups, and verify reports a changed tag rollup row', async () => {
    // Tamper with one daily row of the tag: the day's tag-filtered count moves by as much.
    const day = { range: 'custom', from: iso(start + DAY), to: iso(start + 2 * DAY), tag: 'checkout', granularity: 'day' };
    const before = (await get('/usage/calls-over-time', day)).data[0].calls as number;
    const row = sql`(workspace_id, bucket, tag, agent_id, model) = (select workspace_id, bucket, tag, agent_id, model from ${schema.statsByTagDaily}
      where workspace_id = ${ws.workspace_id}::uuid and bucket = ${iso(start + DAY)}::timestamptz and tag = 'checkout' order by agent_id, model limit 1)`;
    await srv.database.rows(sql`update ${schema.statsByTagDaily} set calls = calls + 1000 where ${row}`);
    await srv.cache.bumpVersion(ws.workspace_id);
    expect((await get('/usage/calls-over-time', day)).data[0].calls).toBe(before + 1000);
    const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
    const drift = Object.fromEntries(report.tables.map((t) => [t.table, [t.missing, t.extra, t.differing]]));
    expect(drift).toMatchObject({ stats_by_tag_daily: [0, 0, 1], stats_by_tag_hourly: [0, 0, 0], stats_daily: [0, 0, 0] });
    expect(report.ok).toBe(false);
    await srv.database.rows(sql`update ${schema.statsByTagDaily} set calls = calls - 1000 where ${row}`);
    await srv.cache.bumpVersion(ws.workspace_id);
    await expectNoDrift();
  });

  it("/cost/by-tag with a tag filter reads the other tags of that tag's calls from the tag pair rollups", async () => {
    const day = { range: 'custom', from: iso(start + DAY), to: iso(start + 2 * DAY), tag: 'checkout' };
    const before = (await get('/cost/by-tag', day)) as { data: Array<{ tag: string; calls: number }> };
    const other = before.data.find((d) => d.tag !== 'checkout')!;
    expect(other).toBeDefined();
    const row = sql`workspace_id = ${ws.workspace_id}::uuid and bucket = ${iso(start + DAY)}::timestamptz and tag = 'checkout' and other_tag = ${other.tag}`;
    await srv.database.rows(sql`update ${schema.tagPairStatsDaily} set calls = calls + 1000 where ${row}`);
    await srv.cache.bumpVersion(ws.workspace_id);
    const after = (await get('/cost/by-tag', day)) as typeof before;
    expect(after.data.find((d) => d.tag === other.tag)!.calls).toBe(other.calls + 1000);
    expect(after.data.find((d) => d.tag === 'checkout')).toEqual(before.data.find((d) => d.tag === 'checkout'));
    const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
    expect(report.tables.find((t) => t.table === 'tag_pair_stats_daily')).toMatchObject({ missing: 0, extra: 0, differing: 1 });
    await srv.database.rows(sql`update ${schema.tagPairStatsDaily} set calls = calls - 1000 where ${row}`);
    await srv.cache.bumpVersion(ws.workspace_id);
    await expectNoDrift();
  });

  it('re-pricing adjusts the tag rollups: every figure exact with a price override and after its removal', async () => {
    // Some calls queued again, so the queue's copies are re-priced too.
    expect((await sendTraces(srv.url, ws.api_key, { traces: seededTraces(42, start, 600) })).status).toBe(200);
    expect(await queued()).toBe(600);
    const { put, del } = pricesClient(srv, ws);
    const inAnHour = start + 40 * H + 7 * 60_000 + 9;
    expect((await put('gpt-4o', { input_per_mtok_usd: 1.7777777, output_per_mtok_usd: 6.25, effective_from: iso(inAnHour) })).status).toBe(200);
    expect((await put('in-house-llm', { input_per_mtok_usd: 0.3, output_per_mtok_usd: 0.9 })).status).toBe(200);
    // Plain SQL sums the stored costs: compared once the re-pricer has rewritten them.
    await repriceAll(srv.database);
    await expectEveryFigureExact();
    expect((await del('gpt-4o')).status).toBe(204);
    await repriceAll(srv.database);
    await expectEveryFigureExact();
    await expectNoDrift();
  }, SLOW);

  it('retention takes expired calls out of the tag rollups, the cutoff hour and day in part', async () => {
    // The cutoff (now − 2 days) inside an hour inside the first day: the windows cross it.
    const now = start + 2 * DAY + 13 * H + 1_234_567;
    await srv.database.rows(sql`insert into ${schema.workspaceSettings} (workspace_id, retention_days) values (${ws.workspace_id}::uuid, 2)`);
    // Calls of the cutoff's hour queued, and some folded: both must come out right.
    expect((await sendTraces(srv.url, ws.api_key, { traces: seededTraces(43, start, 400) })).status).toBe(200);
    await retentionPass(srv.database, now, { batchRows: 97, onWorkspaceChanged: (id) => srv.cache.bumpVersion(id) });
    await expectEveryFigureExact();
    await foldAll(srv.database);
    await expectEveryFigureExact();
    await expectNoDrift();
  }, SLOW);
});
