import { schema } from '@pulse/db';
import { verifyRollups } from '@pulse/verify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionPass } from '../src/retention/retention.js';
import { foldAll } from '../src/rollups/fold.js';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { seededTraces } from './dataset.js';
import { getAnalytics, sendScores, sendTraces, startTestServer, type TestServer } from './harness.js';
import { reference } from './reference.js';
import { expectScoreRollupsExact } from './score-rollups-check.js';
import { expectTraceTagsExact } from './trace-tags-check.js';

// Retention (docs/API_SPEC.md §6): calls older than retention_days go, with their scores and
// their share of every rollup; every figure then equals plain SQL over the calls kept.

const DAY = 86_400_000;
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
let other: { workspace_id: string; api_key: string };

async function send(key: string, traces: Array<Record<string, unknown>>) {
  for (let i = 0; i < traces.length; i += 1000) {
    expect((await sendTraces(srv.url, key, { traces: traces.slice(i, i + 1000) })).status).toBe(200);
  }
}

async function scoreAll(w: { workspace_id: string; api_key: string }) {
  // A score for every call, through POST /scores: the write path that keeps the score rollups;
  // every other call judged by a second source too, so a batch of retention may end amid a
  // call's scores of a name and leave one behind that now decides.
  const calls = await srv.database.rows<{ trace_id: string }>(
    sql`select distinct trace_id from ${schema.traces} where workspace_id = ${w.workspace_id}::uuid order by 1`,
  );
  const scores = calls.flatMap((c, i) => [
    { trace_id: c.trace_id, name: 'helpfulness', value: (i % 10) / 10 },
    ...(i % 2 === 0 ? [{ trace_id: c.trace_id, name: 'helpfulness', value: (i % 7) / 10, source: 'llm' }] : []),
  ]);
  for (let i = 0; i < scores.length; i += 1000)
    expect((await sendScores(srv.url, w.api_key, { scores: scores.slice(i, i + 1000) })).status).toBe(200);
}

const count = async (table: typeof schema.traces | typeof schema.scores, workspaceId: string, before?: number) => {
  const time = table === schema.traces ? schema.traces.timestamp : schema.scores.traceTimestamp;
  const [row] = await srv.database.rows<{ n: number }>(
    sql`select count(*)::int as n from ${table} where ${table.workspaceId} = ${workspaceId}::uuid
        ${before === undefined ? sql`` : sql`and ${time} < ${iso(before)}::timestamptz`}`,
  );
  return row!.n;
};

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('retention');
  other = await srv.createWorkspace('retention-other');
  await send(ws.api_key, seededTraces(31, start, 3000));
  await send(other.api_key, seededTraces(32, start, 600));
  await scoreAll(ws);
  await scoreAll(other);
});
afterAll(async () => {
  await srv?.close();
});

describe('retention', () => {
  it('deletes the calls and scores past retention_days, in batches, and every figure follows', async () => {
    // A cutoff inside an hour inside a day: whole hours and days go, the cutoff's hour and day are rebuilt.
    const now = start + 2 * DAY + 13 * H + 1_234_567;
    const cutoff = now - 2 * DAY;
    await srv.database.rows(
      sql`insert into ${schema.workspaceSettings} (workspace_id, retention_days) values (${ws.workspace_id}::uuid, 2)`,
    );
    // Calls of the cutoff's hour not folded yet, and some folded: both must come out right.
    await foldAll(srv.database);
    await send(ws.api_key, seededTraces(33, start, 400));
    const before = await count(schema.traces, ws.workspace_id, cutoff);
    const otherBefore = await count(schema.traces, other.workspace_id);
    expect(before).toBeGreaterThan(100);

    const deleted = await retentionPass(srv.database, now, {
      batchRows: 97,
      onWorkspaceChanged: (id) => srv.cache.bumpVersion(id),
    });
    expect(deleted).toEqual(new Map([[ws.workspace_id, before]]));
    expect(await count(schema.traces, ws.workspace_id, cutoff)).toBe(0);
    expect(await count(schema.scores, ws.workspace_id, cutoff)).toBe(0);
    expect(await count(schema.scores, ws.workspace_id)).toBeGreaterThan(0);
    // Another workspace without retention keeps everything.
    expect(await count(schema.traces, other.workspace_id)).toBe(otherBefore);
    // The expired calls' tag rows went with them, the kept calls' stayed.
    await expectTraceTagsExact(srv.database);

    const ref = reference(srv.database, ws.workspace_id);
    const get = (path: string, params: Record<string, string | number | undefined>) =>
      getAnalytics(srv.url, ws, path, params);
    const windows: Array<[number, number, string]> = [
      [start, start + 3 * DAY, 'day'],
      [start + DAY + 5 * H + 17, start + 3 * DAY - 1, 'hour'],
      [cutoff - 30 * 60_000, cutoff + 30 * 60_000, 'minute'],
    ];
    for (const [from, to, g] of windows) await checkEveryEndpoint(get, ref, { from: iso(from), to: iso(to) }, g);
    await foldAll(srv.database);
    for (const [from, to, g] of windows) await checkEveryEndpoint(get, ref, { from: iso(from), to: iso(to) }, g);
    const report = await verifyRollups(srv.database);
    expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
    // The score rollups lost exactly the expired scores, the cutoff's hour and day in part.
    await expectScoreRollupsExact(srv.database, ws.workspace_id);
    await expectScoreRollupsExact(srv.database, other.workspace_id);
    const quality = await get('/quality/trend', {
      range: 'custom',
      from: iso(start),
      to: iso(start + 3 * DAY),
      name: 'helpfulness',
      granularity: 'hour',
    });
    const kept = await srv.database.rows<{ n: number }>(
      sql`select count(*)::int as n from ${schema.scores} where workspace_id = ${ws.workspace_id}::uuid and trace_timestamp < ${iso(start + 3 * DAY)}::timestamptz`,
    );
    expect(quality.data.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(kept[0]!.n);
    expect(
      quality.data.filter(
        (p: { timestamp: string; count: number }) => Date.parse(p.timestamp) + H <= cutoff && p.count > 0,
      ),
    ).toEqual([]);

    // A second pass with nothing new to expire changes nothing.
    expect(await retentionPass(srv.database, now)).toEqual(new Map([[ws.workspace_id, 0]]));
    expect((await verifyRollups(srv.database)).tables.every((t) => t.missing + t.extra + t.differing === 0)).toBe(true);
  });

  it('drops whole expired chunks on TimescaleDB and keeps a chunk holding any call still kept', async (ctx) => {
    if (!srv.database.timescale) ctx.skip();
    const now = start + 2 * DAY + 13 * H + 1_234_567;
    const old = start - 10 * DAY;
    const aged = await srv.createWorkspace('retention-chunks');
    await send(aged.api_key, seededTraces(34, old, 900));
    // A call of a workspace without retention in the middle day: that day's chunk must stay.
    await send(other.api_key, [
      {
        trace_id: 'kept-forever',
        timestamp: iso(old + DAY + 5 * H),
        agent_id: 'a',
        model: 'gpt-4o',
        status: 'success',
        latency_ms: 5,
      },
    ]);
    await foldAll(srv.database);
    await srv.database.rows(
      sql`insert into ${schema.workspaceSettings} (workspace_id, retention_days) values (${aged.workspace_id}::uuid, 5)`,
    );
    const chunks = async () =>
      (
        await srv.database.rows<{ range_start: string }>(
          sql`select range_start from timescaledb_information.chunks where hypertable_name = 'traces'
              and range_start >= ${iso(old)}::timestamptz and range_end <= ${iso(old + 3 * DAY)}::timestamptz order by 1`,
        )
      ).map((r) => new Date(r.range_start).getTime());
    expect(await chunks()).toEqual([old, old + DAY, old + 2 * DAY]);
    const before = await count(schema.traces, aged.workspace_id);
    const otherBefore = await count(schema.traces, other.workspace_id);

    const deleted = await retentionPass(srv.database, now, { onWorkspaceChanged: (id) => srv.cache.bumpVersion(id) });
    expect(deleted.get(aged.workspace_id)).toBe(before);
    expect(await count(schema.traces, aged.workspace_id)).toBe(0);
    expect(await chunks()).toEqual([old + DAY]);
    expect(await count(schema.traces, other.workspace_id)).toBe(otherBefore);
    // trace_tags' chunks of the dropped days went with them.
    await expectTraceTagsExact(srv.database);

    const ref = reference(srv.database, aged.workspace_id);
    const get = (path: string, params: Record<string, string | number | undefined>) =>
      getAnalytics(srv.url, aged, path, params);
    await checkEveryEndpoint(get, ref, { from: iso(old), to: iso(old + 3 * DAY) }, 'hour');
    expect((await verifyRollups(srv.database)).tables.every((t) => t.missing + t.extra + t.differing === 0)).toBe(true);
  });
});
