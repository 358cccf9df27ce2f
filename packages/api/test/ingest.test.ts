import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('ingest');
});
afterAll(async () => {
  await srv?.close();
});

async function storedCount(workspaceId = ws.workspace_id): Promise<number> {
  const [row] = await srv.database.rows<{ n: number }>(
    sql`select count(*)::int as n from traces where workspace_id = ${workspaceId}::uuid`,
  );
  return row!.n;
}

async function freshWorkspace() {
  return srv.createWorkspace(`ws-${Math.random()}`);
}

describe('POST /api/v1/traces', () => {
  it('stores a valid batch and answers 200 with exact counts', async () => {
    const w = await freshWorkspace();
    const traces = Array.from({ length: 25 }, () => makeTrace());
    const res = await sendTraces(srv.url, w.api_key, { traces });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 25, duplicates: 0, rejected: [], unknown_models: [] });
    expect(await storedCount(w.workspace_id)).toBe(25);
  });

  it('stores every field as sent', async () => {
    const w = await freshWorkspace();
    const t = makeTrace({
      trace_id: "x'; drop table traces; --",
      agent_id: 'agent "quoted" ✓',
      user_id: null,
      status: 'error',
      error_type: 'rate_limit',
      error_message: '429 Too Many Requests',
      cost_usd: 0.123456789,
      metadata: { region: 'eu', nested: { a: [1, 2] } },
    });
    expect((await sendTraces(srv.url, w.api_key, { traces: [t] })).status).toBe(200);
    const [row] = await srv.database.rows<Record<string, unknown>>(
      sql`select trace_id, agent_id, user_id, is_error, error_type, error_message, cost_nanos::text as cost, metadata,
                 latency_ms, input_tokens, output_tokens from traces where workspace_id = ${w.workspace_id}::uuid`,
    );
    expect(row).toEqual({
      trace_id: t.trace_id,
      agent_id: 'agent "quoted" ✓',
      user_id: null,
      is_error: 1,
      error_type: 'rate_limit',
      error_message: '429 Too Many Requests',
      cost: '123456789',
      metadata: { region: 'eu', nested: { a: [1, 2] } },
      latency_ms: 812.5,
      input_tokens: 1000,
      output_tokens: 500,
    });
  });

  it('answers 207 and stores the valid items when some are rejected', async () => {
    const w = await freshWorkspace();
    const traces = [
      makeTrace({ trace_id: 'ok-1' }),
      makeTrace({ trace_id: 't-bad', latency_ms: -1 }),
      makeTrace({ trace_id: 'ok-2' }),
      { trace_id: 't-missing' },
      'not an object',
    ];
    const res = await sendTraces(srv.url, w.api_key, { traces });
    expect(res.status).toBe(207);
    expect(res.body.accepted).toBe(2);
    expect(res.body.duplicates).toBe(0);
    expect(res.body.rejected).toHaveLength(3);
    expect(res.body.rejected[0]).toEqual({ index: 1, trace_id: 't-bad', errors: ['latency_ms: must be >= 0'] });
    expect(res.body.rejected[1].index).toBe(3);
    expect(res.body.rejected[1].trace_id).toBe('t-missing');
    expect(res.body.rejected[1].errors).toEqual(
      expect.arrayContaining(['timestamp: is required', 'agent_id: is required', 'model: is required', 'status: is required', 'latency_ms: is required']),
    );
    expect(res.body.rejected[2]).toEqual({ index: 4, trace_id: null, errors: ['trace: must be an object'] });
    expect(await storedCount(w.workspace_id)).toBe(2);
  });

  const fieldCases: Array<[string, Record<string, unknown>, string]> = [
    ['empty trace_id', { trace_id: '' }, 'trace_id: must not be empty'],
    ['trace_id over 128', { trace_id: 'x'.repeat(129) }, 'trace_id: must be at most 128 characters'],
    ['numeric trace_id', { trace_id: 42 }, 'trace_id: must be a string'],
    ['bad timestamp', { timestamp: 'yesterday' }, 'timestamp: must be an ISO-8601 date-time with Z or an offset'],
    ['timestamp 6 min ahead', { timestamp: new Date(Date.now() + 6 * 60_000).toISOString() }, 'timestamp: must not be more than 5 minutes in the future'],
    ['agent_id over 128', { agent_id: 'a'.repeat(129) }, 'agent_id: must be at most 128 characters'],
    ['user_id over 128', { user_id: 'u'.repeat(129) }, 'user_id: must be at most 128 characters'],
    ['model missing', { model: undefined }, 'model: is required'],
    ['bad status', { status: 'ok' }, 'status: must be "success" or "error"'],
    ['latency over an hour', { latency_ms: 3_600_001 }, 'latency_ms: must be <= 3600000'],
    ['latency as string', { latency_ms: '12' }, 'latency_ms: must be a number'],
    ['negative tokens', { input_tokens: -1 }, 'input_tokens: must be >= 0'],
    ['fractional tokens', { output_tokens: 1.5 }, 'output_tokens: must be an integer'],
    ['negative cost', { cost_usd: -0.01 }, 'cost_usd: must be >= 0'],
    ['long error_type', { error_type: 'e'.repeat(129) }, 'error_type: must be at most 128 characters'],
    ['long error_message', { error_message: 'm'.repeat(4001) }, 'error_message: must be at most 4000 characters'],
    ['metadata not an object', { metadata: [1, 2] }, 'metadata: must be an object'],
    ['metadata over 16 KB', { metadata: { blob: 'x'.repeat(16 * 1024) } }, 'metadata: must be at most 16384 bytes as JSON'],
    ['NUL in agent_id', { agent_id: 'a\u0000b' }, 'agent_id: must not contain NUL (\\u0000) characters'],
  ];
  it.each(fieldCases)('rejects %s with the field named', async (_name, override, message) => {
    const w = await freshWorkspace();
    const res = await sendTraces(srv.url, w.api_key, { traces: [makeTrace(override), makeTrace()] });
    expect(res.status).toBe(207);
    expect(res.body.rejected).toHaveLength(1);
    expect(res.body.rejected[0].index).toBe(0);
    expect(res.body.rejected[0].errors).toContain(message);
    expect(res.body.accepted).toBe(1);
    expect(await storedCount(w.workspace_id)).toBe(1);
  });

  it('names one fault of an unreadable timestamp, not also a range it cannot be placed in', async () => {
    const w = await freshWorkspace();
    const res = await sendTraces(srv.url, w.api_key, { traces: [makeTrace({ timestamp: 'nope' })] });
    expect(res.body.rejected[0].errors).toEqual(['timestamp: must be an ISO-8601 date-time with Z or an offset']);
  });

  it('accepts the edges of every range', async () => {
    const w = await freshWorkspace();
    const traces = [
      makeTrace({ trace_id: 'a'.repeat(128), latency_ms: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 }),
      makeTrace({ latency_ms: 3_600_000, user_id: 'u'.repeat(128), error_message: 'm'.repeat(4000) }),
      makeTrace({ timestamp: new Date(Date.now() + 4 * 60_000).toISOString() }),
      makeTrace({ user_id: null }),
      makeTrace({ user_id: undefined, input_tokens: undefined, output_tokens: undefined }),
    ];
    const res = await sendTraces(srv.url, w.api_key, { traces });
    expect(res.body).toMatchObject({ accepted: 5, duplicates: 0, rejected: [] });
  });

  it('defaults error_type to "unknown" for errors and tokens to 0', async () => {
    const w = await freshWorkspace();
    const t = makeTrace({ status: 'error', input_tokens: undefined, output_tokens: undefined });
    await sendTraces(srv.url, w.api_key, { traces: [t] });
    const [row] = await srv.database.rows<{ error_type: string; input_tokens: number; output_tokens: number }>(
      sql`select error_type, input_tokens, output_tokens from traces where workspace_id = ${w.workspace_id}::uuid`,
    );
    expect(row).toEqual({ error_type: 'unknown', input_tokens: 0, output_tokens: 0 });
  });

  it('prices traces without cost_usd from the catalog, dated variants too, and lists unknown models', async () => {
    const w = await freshWorkspace();
    const res = await sendTraces(srv.url, w.api_key, {
      traces: [
        makeTrace({ trace_id: 'p1', model: 'gpt-4o', input_tokens: 1000, output_tokens: 500 }),
        makeTrace({ trace_id: 'p2', model: 'gpt-4o-2024-08-06', input_tokens: 1000, output_tokens: 500 }),
        makeTrace({ trace_id: 'p3', model: 'my-private-llm', input_tokens: 1000, output_tokens: 500 }),
        makeTrace({ trace_id: 'p4', model: 'my-private-llm', cost_usd: 0.5 }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.unknown_models).toEqual(['my-private-llm']);
    const rows = await srv.database.rows<{ trace_id: string; cost: string }>(
      sql`select trace_id, cost_nanos::text as cost from traces where workspace_id = ${w.workspace_id}::uuid order by trace_id`,
    );
    // gpt-4o: $2.50 / $10.00 per million tokens → 1000 × 2500 + 500 × 10000 nano-dollars.
    expect(rows).toEqual([
      { trace_id: 'p1', cost: '7500000' },
      { trace_id: 'p2', cost: '7500000' },
      { trace_id: 'p3', cost: '0' },
      { trace_id: 'p4', cost: '500000000' },
    ]);
  });

  it('counts re-sent traces as duplicates, within a batch and across batches, comparing instants', async () => {
    const w = await freshWorkspace();
    const t = makeTrace({ trace_id: 'dup', timestamp: '2026-01-01T10:00:00.000Z' });
    const sameInstant = { ...t, timestamp: '2026-01-01T12:00:00+02:00' };
    const otherTime = { ...t, timestamp: '2026-01-01T10:00:00.001Z' };
    const first = await sendTraces(srv.url, w.api_key, { traces: [t, sameInstant, otherTime] });
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 1, rejected: [] });
    const again = await sendTraces(srv.url, w.api_key, { traces: [t, otherTime, makeTrace({ trace_id: 'new' })] });
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 2, rejected: [] });
    expect(await storedCount(w.workspace_id)).toBe(3);
  });

  it('stores each trace once when 8 clients send overlapping batches at the same time', async () => {
    const w = await freshWorkspace();
    const pool = Array.from({ length: 400 }, (_, i) => makeTrace({ trace_id: `c-${i}` }));
    // Client k sends traces [k*40, k*40+120): every trace is in up to three batches.
    const batches = Array.from({ length: 8 }, (_, k) => pool.slice(k * 40, k * 40 + 120));
    const results = await Promise.all(batches.map((traces) => sendTraces(srv.url, w.api_key, { traces })));
    const sent = batches.reduce((n, b) => n + b.length, 0);
    const accepted = results.reduce((n, r) => n + r.body.accepted, 0);
    const duplicates = results.reduce((n, r) => n + r.body.duplicates, 0);
    const distinct = new Set(batches.flat().map((t) => t.trace_id)).size;
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(accepted).toBe(distinct);
    expect(accepted + duplicates).toBe(sent);
    expect(await storedCount(w.workspace_id)).toBe(distinct);
  });

  it('stores the same trace once when 8 clients send the identical batch at once', async () => {
    const w = await freshWorkspace();
    const traces = Array.from({ length: 200 }, (_, i) => makeTrace({ trace_id: `same-${i}` }));
    const results = await Promise.all(Array.from({ length: 8 }, () => sendTraces(srv.url, w.api_key, { traces })));
    expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(200);
    expect(results.reduce((n, r) => n + r.body.duplicates, 0)).toBe(7 * 200);
    expect(await storedCount(w.workspace_id)).toBe(200);
  });

  it('keeps nothing of a batch whose write fails part-way', async () => {
    const w = await freshWorkspace();
    // A trigger that fails on one row makes the database abort mid-batch.
    await srv.database.rows(sql.raw(`create or replace function pulse_test_fail() returns trigger language plpgsql as $$
      begin if new.agent_id = 'explode' then raise exception 'boom'; end if; return new; end $$`));
    await srv.database.rows(
      sql.raw(`create trigger pulse_test_fail before insert on traces for each row execute function pulse_test_fail()`),
    );
    try {
      const traces = [makeTrace(), makeTrace(), makeTrace({ agent_id: 'explode' }), makeTrace()];
      const res = await sendTraces(srv.url, w.api_key, { traces });
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(res.body)).not.toMatch(/boom|insert into|stack/i);
      expect(await storedCount(w.workspace_id)).toBe(0);
    } finally {
      await srv.database.rows(sql.raw('drop trigger if exists pulse_test_fail on traces'));
    }
  });

  describe('envelope errors store nothing', () => {
    it.each([
      ['an empty array', { traces: [] }, 'traces'],
      ['no traces field', { items: [makeTrace()] }, 'traces'],
      ['traces not an array', { traces: 'x' }, 'traces'],
      ['1001 traces', { traces: Array.from({ length: 1001 }, () => makeTrace()) }, 'traces'],
    ])('400 for %s', async (_name, body, field) => {
      const w = await freshWorkspace();
      const res = await sendTraces(srv.url, w.api_key, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BAD_REQUEST');
      expect(res.body.message).toContain(field);
      expect(res.body.issues[0].path).toBe(field);
      expect(await storedCount(w.workspace_id)).toBe(0);
    });

    it('400 for a body that is not JSON', async () => {
      const res = await sendTraces(srv.url, ws.api_key, '{"traces": [');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'PARSE_ERROR', message: 'Request body is not valid JSON', issues: [{ path: 'body', message: 'is not valid JSON' }] });
    });

    it('accepts 1000 traces', async () => {
      const w = await freshWorkspace();
      const res = await sendTraces(srv.url, w.api_key, { traces: Array.from({ length: 1000 }, () => makeTrace()) });
      expect(res.body).toMatchObject({ accepted: 1000, duplicates: 0 });
    });

    it('413 above 5 MiB, and a 4.5 MB batch is accepted', async () => {
      const w = await freshWorkspace();
      const big = (n: number, pad: number) =>
        Array.from({ length: n }, () => makeTrace({ metadata: { pad: 'x'.repeat(pad) } }));
      const ok = { traces: big(1000, 4400) };
      expect(Buffer.byteLength(JSON.stringify(ok))).toBeGreaterThan(4_500_000);
      expect((await sendTraces(srv.url, w.api_key, ok)).body.accepted).toBe(1000);
      const tooBig = JSON.stringify({ traces: big(400, 13_500) });
      expect(Buffer.byteLength(tooBig)).toBeGreaterThan(5 * 1024 * 1024);
      const res = await sendTraces(srv.url, w.api_key, tooBig);
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await storedCount(w.workspace_id)).toBe(1000);
    });
  });
});
