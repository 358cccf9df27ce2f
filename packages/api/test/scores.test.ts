import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, sendScores as sendScoresWithKey, sendTraces, startTestServer, type TestServer } from './harness.js';

/** POST /api/v1/scores (docs/API_SPEC.md §10): per-item validation, upserts, tenancy. */

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
let other: { workspace_id: string; api_key: string };
const HOUR = 3_600_000;
const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();

const sendScores = async (key: string, body: unknown, headers: Record<string, string> = {}) => {
  const { status, body: answer } = await sendScoresWithKey(srv.url, key, body, headers);
  return { status, body: answer };
};

async function storedScores(workspaceId: string) {
  return srv.database.rows<{ trace_id: string; trace_timestamp: string; name: string; source: string; type: string; numeric_value: number | null; categorical_value: string | null; comment: string | null }>(
    sql`select trace_id, to_char(trace_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as trace_timestamp, name, source, type,
          numeric_value, categorical_value, comment
        from scores where workspace_id = ${workspaceId}::uuid order by trace_id, name, source`,
  );
}

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('scores');
  other = await srv.createWorkspace('other');
  const sent = await sendTraces(srv.url, ws.api_key, {
    traces: [
      makeTrace({ trace_id: 'c-1', timestamp: at(3), agent_id: 'support-bot' }),
      // The same trace_id at two times: a score attaches to the newer call.
      makeTrace({ trace_id: 'c-2', timestamp: at(5), agent_id: 'old-agent' }),
      makeTrace({ trace_id: 'c-2', timestamp: at(2), agent_id: 'new-agent' }),
      makeTrace({ trace_id: 'c-3', timestamp: at(1) }),
    ],
  });
  expect(sent.status).toBe(200);
  expect((await sendTraces(srv.url, other.api_key, { traces: [makeTrace({ trace_id: 'only-in-other', timestamp: at(1) })] })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

describe('POST /scores', () => {
  it('stores numeric, boolean and categorical scores, then replaces by trace_id + name + source', async () => {
    const first = await sendScores(ws.api_key, {
      scores: [
        { trace_id: 'c-1', name: 'helpfulness', value: 0.8, comment: 'good' },
        { trace_id: 'c-1', name: 'helpfulness', value: 0.4, source: 'human' },
        { trace_id: 'c-1', name: 'resolved', value: true, source: 'human' },
        { trace_id: 'c-1', name: 'sentiment', value: 'positive', source: 'rule' },
      ],
    });
    expect(first).toEqual({ status: 200, body: { accepted: 4, updated: 0, rejected: [] } });

    const again = await sendScores(ws.api_key, { scores: [{ trace_id: 'c-1', name: 'helpfulness', value: 0.9 }] });
    expect(again).toEqual({ status: 200, body: { accepted: 0, updated: 1, rejected: [] } });

    const stored = await storedScores(ws.workspace_id);
    expect(stored.filter((s) => s.name === 'helpfulness')).toMatchObject([
      { source: 'api', type: 'numeric', numeric_value: 0.9, comment: null },
      { source: 'human', type: 'numeric', numeric_value: 0.4 },
    ]);
    expect(stored.find((s) => s.name === 'resolved')).toMatchObject({ type: 'boolean', numeric_value: 1, categorical_value: null });
    expect(stored.find((s) => s.name === 'sentiment')).toMatchObject({ type: 'categorical', numeric_value: null, categorical_value: 'positive' });
  });

  it('the same key twice in one batch: the last value wins, the repeat counts as updated', async () => {
    const res = await sendScores(ws.api_key, {
      scores: [
        { trace_id: 'c-3', name: 'twice', value: 1 },
        { trace_id: 'c-3', name: 'twice', value: 2 },
      ],
    });
    expect(res).toEqual({ status: 200, body: { accepted: 1, updated: 1, rejected: [] } });
    expect((await storedScores(ws.workspace_id)).find((s) => s.name === 'twice')?.numeric_value).toBe(2);
  });

  it('attaches to the newest trace with that trace_id and copies its agent', async () => {
    expect((await sendScores(ws.api_key, { scores: [{ trace_id: 'c-2', name: 'newest', value: 1 }] })).status).toBe(200);
    const [row] = await srv.database.rows<{ agent_id: string }>(sql`select agent_id from scores where name = 'newest'`);
    expect(row?.agent_id).toBe('new-agent');
  });

  it('rejects unknown traces, other workspaces\' traces and invalid items (207), storing the rest', async () => {
    const res = await sendScores(ws.api_key, {
      scores: [
        { trace_id: 'c-3', name: 'mixed', value: 0.5 },
        { trace_id: 'nope', name: 'mixed', value: 0.5 },
        { trace_id: 'only-in-other', name: 'mixed', value: 0.5 },
        { trace_id: 'c-3', name: 'bad name!', value: 0.5 },
        { trace_id: 'c-3', name: 'mixed', value: 'x'.repeat(65) },
        { trace_id: 'c-3', name: 'mixed', value: 0.5, source: 'robot' },
        { trace_id: 'c-3', name: 'mixed', value: 0.5, comment: 'y'.repeat(4001) },
        { trace_id: 'c-3', name: 'mixed', value: null },
        { trace_id: 'c-3', name: 'mixed' },
        'not an object',
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body.accepted).toBe(1);
    expect(res.body.updated).toBe(0);
    expect(res.body.rejected).toEqual([
      { index: 1, trace_id: 'nope', errors: ['trace_id: no such trace'] },
      { index: 2, trace_id: 'only-in-other', errors: ['trace_id: no such trace'] },
      { index: 3, trace_id: 'c-3', errors: [expect.stringMatching(/^name: /)] },
      { index: 4, trace_id: 'c-3', errors: [expect.stringMatching(/^value: /)] },
      { index: 5, trace_id: 'c-3', errors: [expect.stringMatching(/^source: /)] },
      { index: 6, trace_id: 'c-3', errors: [expect.stringMatching(/^comment: /)] },
      { index: 7, trace_id: 'c-3', errors: [expect.stringMatching(/^value: /)] },
      { index: 8, trace_id: 'c-3', errors: ['value: is required'] },
      { index: 9, trace_id: null, errors: ['score: must be an object'] },
    ]);
    const inOther = await srv.database.rows(sql`select 1 from scores where workspace_id = ${other.workspace_id}::uuid`);
    expect(inOther).toEqual([]);
  });

  it('a name keeps its type: a value of another type is rejected naming value', async () => {
    const res = await sendScores(ws.api_key, {
      scores: [
        { trace_id: 'c-3', name: 'helpfulness', value: true },
        { trace_id: 'c-3', name: 'fresh', value: 'a' },
        { trace_id: 'c-3', name: 'fresh', value: 3, source: 'llm' },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body).toEqual({
      accepted: 1,
      updated: 0,
      rejected: [
        { index: 0, trace_id: 'c-3', errors: ['value: must be numeric like the earlier "helpfulness" scores'] },
        { index: 2, trace_id: 'c-3', errors: ['value: must be categorical like the earlier "fresh" scores'] },
      ],
    });
  });

  it('an invalid envelope is a 400 naming it, and stores nothing', async () => {
    const before = await storedScores(ws.workspace_id);
    const item = { trace_id: 'c-3', name: 'envelope', value: 1 };
    for (const body of ['{not json', {}, { scores: [] }, { scores: {} }, { scores: Array.from({ length: 1001 }, () => item) }]) {
      const res = await sendScores(ws.api_key, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      if (typeof body !== 'string') expect(JSON.stringify(res.body.issues)).toContain('scores');
    }
    expect(await storedScores(ws.workspace_id)).toEqual(before);
  });

  it('writes go to the key\'s workspace: a disagreeing X-Workspace-ID is a 403, an unknown key a 401', async () => {
    const item = { scores: [{ trace_id: 'c-3', name: 'tenancy', value: 1 }] };
    expect((await sendScores(ws.api_key, item, { 'x-workspace-id': other.workspace_id })).status).toBe(403);
    expect((await sendScores('pk_unknown', item)).status).toBe(401);
    expect((await sendScores(ws.api_key, item, { 'x-workspace-id': ws.workspace_id })).status).toBe(200);
  });

  it('fuzzed bodies: never a 5xx, every item accounted for', async () => {
    const value = fc.oneof(fc.double(), fc.boolean(), fc.string({ maxLength: 70 }), fc.constant(null), fc.integer());
    const item = fc.record(
      {
        trace_id: fc.oneof(fc.constantFrom('c-1', 'c-2', 'c-3', 'missing'), fc.string({ maxLength: 130 }), fc.integer()),
        name: fc.oneof(fc.constantFrom('fz.num', 'fz_bool', 'fz-cat'), fc.string({ maxLength: 70 })),
        value,
        source: fc.oneof(fc.constantFrom('api', 'human', 'llm', 'rule'), fc.string({ maxLength: 8 })),
        comment: fc.oneof(fc.string({ maxLength: 50 }), fc.constant(null), fc.integer()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(item, fc.anything()), { minLength: 1, maxLength: 20 }), async (scores) => {
        const res = await sendScores(ws.api_key, { scores });
        expect([200, 207]).toContain(res.status);
        expect(res.body.accepted + res.body.updated + res.body.rejected.length).toBe(scores.length);
      }),
      { numRuns: 25 },
    );
  });
});
