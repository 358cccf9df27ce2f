import { TRACE_COLUMNS } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTraces, startTestServer, type TestServer } from './harness.js';
import { type RefTraceFilter, traceReference } from './trace-reference.js';

/**
 * docs/API_SPEC.md §8 over real HTTP on the configured database: the trace list, its pages, the
 * detail, the export and the sessions, each against plain SQL over the raw rows.
 */

type Ws = { workspace_id: string; api_key: string };
let srv: TestServer;
let a: Ws;
let b: Ws;

const iso = (ms: number) => new Date(ms).toISOString();
const base = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
/** The main data set's window; its calls share a few dozen milliseconds. */
const W = { from: iso(base - 3 * 3_600_000), to: iso(base) };
/** A window of its own for the walk with concurrent inserts. */
const W2 = { from: iso(base - 6 * 3_600_000), to: iso(base - 5 * 3_600_000) };
/** A window of its own for sessions behind long runs of one session's calls. */
const W3 = { from: iso(base - 8 * 3_600_000), to: iso(base - 7 * 3_600_000) };

const ID_SHAPES = ['t-', 'T-', 'a', '_x', 'ü-', 'Z'];
function dataset(n: number, at: (i: number) => number, prefix: string) {
  return Array.from({ length: n }, (_, i) => {
    const error = i % 9 === 0;
    return {
      trace_id: `${ID_SHAPES[i % ID_SHAPES.length]}${prefix}${i}`,
      timestamp: iso(at(i)),
      agent_id: ['support-bot', 'researcher', 'coder'][i % 3],
      model: ['gpt-4o', 'claude-3-5-haiku', 'mystery-model'][(i % 5) % 3],
      user_id: i % 7 === 0 ? null : `u-${i % 6}`,
      session_id: i % 4 === 0 ? null : `s-${i % 13}`,
      status: error ? 'error' : 'success',
      ...(error ? { error_type: ['timeout', 'rate_limit'][i % 2], error_message: i % 2 ? 'upstream said "no", then\r\nclosed' : 'took, too long' } : {}),
      latency_ms: 100 + (i % 17) * 12.25,
      input_tokens: 1000 + i,
      output_tokens: 200 + (i % 11),
      ...(i % 5 === 0 ? { cache_read_tokens: 100, cache_write_tokens: 20 } : {}),
      ...(i % 2 ? { ttft_ms: 50.5 } : {}),
      ...(i % 10 === 0 ? { cost_usd: 0.001234 } : {}),
      tags: i % 3 === 0 ? ['checkout'] : i % 3 === 1 ? ['checkout', 'eu'] : [],
      ...(i % 6 === 0 ? { input: `Hello, "bot" #${i}\nline two`, output: 'Sure, here it is.' } : {}),
      metadata: { n: i, nested: { ok: true } },
    };
  });
}

async function ingest(ws: Ws, traces: unknown[]) {
  for (let i = 0; i < traces.length; i += 1000) {
    const res = await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 1000) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

async function get(ws: Ws, path: string, params: Record<string, string | number | undefined> = {}, headers: Record<string, string> = {}) {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined) as Array<[string, string]>);
  const res = await fetch(`${srv.url}/api/v1${path}${qs.size ? `?${qs}` : ''}`, {
    headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, ...headers },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
async function getJson(ws: Ws, path: string, params: Record<string, string | number | undefined> = {}) {
  const res = await get(ws, path, params);
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text);
}

const custom = (f: RefTraceFilter) => ({ range: 'custom', ...f });

/** Every page of a keyset list, following next_cursor; `between` runs after each page. */
async function walk(ws: Ws, path: string, params: Record<string, string | number | undefined>, between?: (page: any) => Promise<void>) {
  const items: any[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await getJson(ws, path, { ...params, cursor });
    items.push(...page.data);
    if (page.next_cursor === null) return items;
    expect(page.data).toHaveLength(Number(params.limit ?? 50));
    cursor = page.next_cursor;
    await between?.(page);
  }
  throw new Error('endless walk');
}

/** A small RFC 4180 reader: quoted fields with doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      value += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      value += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(value);
      value = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(value);
      records.push(record);
      record = [];
      value = '';
      i++;
    } else {
      value += c;
    }
  }
  expect(value).toBe('');
  expect(record).toEqual([]);
  return records;
}

/** A list item as its CSV record reads. */
function asCsvRecord(item: Record<string, unknown>): string[] {
  return Object.values(item).map((v) => (v === null ? '' : Array.isArray(v) ? v.join('|') : String(v)));
}

const FILTERS: RefTraceFilter[] = [
  W,
  { ...W, agent_id: 'researcher' },
  { ...W, model: 'mystery-model' },
  { ...W, tag: 'eu' },
  { ...W, user_id: 'u-3' },
  { ...W, session_id: 's-5' },
  { ...W, status: 'error' },
  { ...W, status: 'success', agent_id: 'coder' },
  { ...W, error_type: 'timeout' },
  { ...W, tag: 'checkout', model: 'gpt-4o', user_id: 'u-1' },
  { ...W, agent_id: 'nobody' },
];

beforeAll(async () => {
  srv = await startTestServer();
  a = await srv.createWorkspace('traces-a');
  b = await srv.createWorkspace('traces-b');
  // 600 calls on 40 distinct milliseconds, and some just outside the window at both ends.
  await ingest(a, dataset(600, (i) => base - 2 * 3_600_000 + (i % 40) * 997, 'm'));
  await ingest(a, [
    ...dataset(3, () => Date.parse(W.to), 'after'),
    ...dataset(3, () => Date.parse(W.from) - 1, 'before'),
    ...dataset(2, () => Date.parse(W.from), 'edge'),
  ]);
  await ingest(b, dataset(20, (i) => base - 2 * 3_600_000 + i, 'b'));
});
afterAll(async () => {
  await srv?.close();
});

describe('GET /traces', () => {
  it('walks every filter exactly as plain SQL lists it, page by page', async () => {
    const ref = traceReference(srv.database, a.workspace_id);
    for (const f of FILTERS) {
      const expected = await ref.list(f);
      const walked = await walk(a, '/traces', { ...custom(f), limit: 37 });
      expect(walked, JSON.stringify(f)).toEqual(expected);
    }
    expect((await ref.list(W)).length).toBe(602);
  });

  it('answers the window and a first page of 50 by default', async () => {
    const page = await getJson(a, '/traces', custom(W));
    expect(page.from).toBe(W.from);
    expect(page.to).toBe(W.to);
    expect(page.data).toHaveLength(50);
    expect(Object.keys(page.data[0])).toEqual([
      'id', 'trace_id', 'timestamp', 'agent_id', 'user_id', 'session_id', 'model', 'status', 'latency_ms', 'ttft_ms', 'input_tokens',
      'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'total_tokens', 'cost_usd', 'cost_source', 'error_type', 'error_message',
      'tags', 'safety_flags',
    ]);
    const all = await walk(a, '/traces', { ...custom(W), limit: 200 });
    expect(all.filter((t: any) => t.cost_source === 'provided').map((t: any) => t.cost_usd)).toEqual(Array(61).fill(0.001234));
    // Every page of 200 (the largest) and of 1 lists the same calls.
    const ref = traceReference(srv.database, a.workspace_id);
    const f = { ...W, agent_id: 'coder', status: 'error' as const };
    expect(await walk(a, '/traces', { ...custom(f), limit: 200 })).toEqual(await ref.list(f));
    expect(await walk(a, '/traces', { ...custom(f), limit: 1 })).toEqual(await ref.list(f));
  });

  it('a preset range keeps the first page\'s window in its cursor', async () => {
    const first = await getJson(a, '/traces', { range: '24h', limit: 5 });
    expect(first.next_cursor).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    const second = await getJson(a, '/traces', { range: '24h', limit: 5, cursor: first.next_cursor });
    expect(second.from).toBe(first.from);
    expect(second.to).toBe(first.to);
    const all = await walk(a, '/traces', { range: '24h', limit: 200 });
    const ref = await traceReference(srv.database, a.workspace_id).list({ from: first.from, to: first.to });
    expect(all.length).toBeGreaterThanOrEqual(ref.length - 8);
  });

  it('yields each call exactly once while new calls arrive before and after the cursor', async () => {
    const t0 = Date.parse(W2.from) + 60_000;
    const initial = dataset(150, (i) => t0 + (i % 10), 'w');
    await ingest(a, initial);
    const inserted: Array<{ trace_id: string; timestamp: string; expected: boolean }> = [];
    let round = 0;
    const keyOf = (t: { timestamp: string; trace_id: string }) => [Date.parse(t.timestamp), t.trace_id] as const;
    // Code-point order, as the list's trace_id order.
    const before = (x: readonly [number, string], y: readonly [number, string]) => x[0] < y[0] || (x[0] === y[0] && Buffer.compare(Buffer.from(x[1]), Buffer.from(y[1])) < 0);
    const walked = await walk(a, '/traces', { ...custom(W2), limit: 9 }, async (page) => {
      const last = page.data.at(-1);
      const cursorKey = keyOf(last);
      round++;
      const fresh = [
        { ts: Date.parse(W2.to) - 1, id: `new-late-${round}` },
        { ts: t0 - 1 - round, id: `new-early-${round}` },
        { ts: cursorKey[0], id: `${last.trace_id}~${round}` },
        { ts: cursorKey[0], id: `${last.trace_id.slice(0, -1)}!${round}` },
        { ts: t0 + (round % 10), id: `mid-${round}` },
      ];
      const traces = fresh.map((f, i) => ({ ...dataset(1, () => f.ts, `x${round}-${i}`)[0]!, trace_id: f.id }));
      await ingest(a, traces);
      for (const t of traces) inserted.push({ trace_id: t.trace_id, timestamp: t.timestamp, expected: before(keyOf(t), cursorKey) });
    });
    const ids = walked.map((t) => t.trace_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of initial) expect(ids).toContain(t.trace_id);
    for (const t of inserted) expect(ids.includes(t.trace_id), `${t.trace_id} at ${t.timestamp}`).toBe(t.expected);
    expect(inserted.some((t) => t.expected)).toBe(true);
    expect(inserted.some((t) => !t.expected)).toBe(true);
    // The walk is in list order throughout.
    const ref = await traceReference(srv.database, a.workspace_id).list(W2);
    const order = new Map(ref.map((t, i) => [t.trace_id, i]));
    const positions = ids.map((id) => order.get(id)!);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ limit: '0' }, 'limit'],
      [{ limit: '201' }, 'limit'],
      [{ limit: 'many' }, 'limit'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ cursor: Buffer.from('[1,2,3]').toString('base64url') }, 'cursor'],
      [{ cursor: Buffer.from(JSON.stringify([1, 'x', 5, 2])).toString('base64url') }, 'cursor'],
      [{ status: 'failed' }, 'status'],
      [{ user_id: '' }, 'user_id'],
      [{ session: 's-1' }, 'session'],
      [{ format: 'csv' }, 'format'],
      [{ range: '2h' }, 'range'],
      [{ from: W.from }, 'from'],
    ];
    for (const [params, field] of cases) {
      const res = await get(a, '/traces', params);
      expect(res.status, `${JSON.stringify(params)}: ${res.text}`).toBe(400);
      expect(JSON.parse(res.text).issues.map((i: any) => i.path)).toContain(field);
    }
  });
});

describe('GET /traces/{id}', () => {
  it('answers the list item with input, output, metadata and scores', async () => {
    const at = base - 2 * 3_600_000;
    const [item] = (await getJson(a, '/traces', custom({ from: iso(at), to: iso(at + 1) }))).data.filter((t: any) => t.trace_id === 't-m0');
    expect(item).toBeDefined();
    const [row] = await srv.database.rows<{ id: string; ts: string; agent_id: string; model: string }>(
      sql`select id::text as id, "timestamp"::text as ts, agent_id, model from traces where id = ${item.id}::uuid`,
    );
    const score = (name: string, source: string, type: string, numeric: number | null, categorical: string | null, comment: string | null) =>
      sql`(${a.workspace_id}::uuid, ${row!.id}::uuid, ${item.trace_id}, ${row!.ts}::timestamptz, ${row!.agent_id}, ${row!.model}, ${name}, ${source}, ${type},
           ${numeric}::float8, ${categorical}, ${comment}, '2026-11-25T10:00:00Z', '2026-11-25T10:00:01.5Z')`;
    await srv.database.rows(
      sql`insert into scores (workspace_id, trace_row_id, trace_id, trace_timestamp, agent_id, model, name, source, type, numeric_value,
            categorical_value, comment, created_at, updated_at) values
          ${score('resolved', 'human', 'boolean', 1, null, 'confirmed')}, ${score('helpfulness', 'llm', 'numeric', 0.8, null, null)},
          ${score('topic', 'api', 'categorical', null, 'billing', null)}, ${score('helpfulness', 'api', 'numeric', 0.25, null, null)}`,
    );
    const detail = await getJson(a, `/traces/${item.id}`);
    const updated_at = '2026-11-25T10:00:01.500Z';
    expect(detail).toEqual({
      ...item,
      input: 'Hello, "bot" #0\nline two',
      output: 'Sure, here it is.',
      metadata: { n: 0, nested: { ok: true } },
      scores: [
        { name: 'helpfulness', value: 0.25, source: 'api', comment: null, type: 'numeric', updated_at },
        { name: 'helpfulness', value: 0.8, source: 'llm', comment: null, type: 'numeric', updated_at },
        { name: 'resolved', value: true, source: 'human', comment: 'confirmed', type: 'boolean', updated_at },
        { name: 'topic', value: 'billing', source: 'api', comment: null, type: 'categorical', updated_at },
      ],
    });
    expect(Object.keys(detail).slice(0, 21)).toEqual(Object.keys(item));
    expect((await getJson(a, `/traces/${item.id.toUpperCase()}`)).id).toBe(item.id);
  });

  it('is a 404 for another workspace\'s id, an unknown id and text that is no id', async () => {
    const ofB = (await getJson(b, '/traces', { range: '24h', limit: 1 })).data[0];
    const ofA = (await getJson(a, '/traces', { range: '24h', limit: 1 })).data[0];
    for (const id of [ofB.id, '0194f1c2-7a1e-7c3b-9f00-2d5e8a9b1c01', 'not-a-uuid', ofA.trace_id, 'x'.repeat(300)]) {
      const res = await get(a, `/traces/${encodeURIComponent(id)}`);
      expect(res.status, `${id}: ${res.text}`).toBe(404);
      expect(JSON.parse(res.text).code).toBe('NOT_FOUND');
      expect(res.text).not.toContain('agent-of-b');
    }
    // B reads its own, and A's key cannot read B's even when naming B's workspace.
    expect((await get(b, `/traces/${ofB.id}`)).status).toBe(200);
    expect((await get(a, `/traces/${ofB.id}`, {}, { 'x-workspace-id': b.workspace_id })).status).toBe(403);
  });
});

describe('GET /traces/export', () => {
  it('streams exactly what plain SQL lists, as CSV and as JSON Lines, for every filter', async () => {
    const ref = traceReference(srv.database, a.workspace_id);
    for (const f of FILTERS) {
      const expected = await ref.list(f);
      const list = await walk(a, '/traces', { ...custom(f), limit: 200 });
      expect(list).toEqual(expected);
      const csv = await get(a, '/traces/export', { ...custom(f), format: 'csv' });
      expect(csv.status, csv.text).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="traces\.csv"/);
      const [header, ...records] = parseCsv(csv.text);
      expect(header).toEqual(TRACE_COLUMNS);
      expect(records).toEqual(expected.map((item) => asCsvRecord(Object.fromEntries(TRACE_COLUMNS.map((c) => [c, item[c]])))));

      const jsonl = await get(a, '/traces/export', { ...custom(f), format: 'jsonl' });
      expect(jsonl.status).toBe(200);
      expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(jsonl.headers.get('content-disposition')).toMatch(/filename="traces\.jsonl"/);
      const lines = jsonl.text.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l))).toEqual(expected);
      // The list's field order, line by line, as the list answers it.
      expect(lines.map((l) => Object.keys(JSON.parse(l)))).toEqual(list.map((item) => Object.keys(item)));
    }
  });

  it('streams more than one batch and stops when the client goes', async () => {
    const t0 = Date.parse(W2.from) + 30 * 60_000;
    await ingest(a, dataset(4500, (i) => t0 + (i % 50), 'big'));
    const f = { from: iso(t0), to: iso(t0 + 1000) };
    const jsonl = await get(a, '/traces/export', { ...custom(f), format: 'jsonl' });
    const ids = jsonl.text.trim().split('\n').map((l) => JSON.parse(l).trace_id);
    expect(ids.length).toBe(4500);
    expect(new Set(ids).size).toBe(4500);
    expect(ids).toEqual((await traceReference(srv.database, a.workspace_id).list(f)).map((t) => t.trace_id));
    // A client that reads a little and hangs up: the server stays well and answers the next request.
    const controller = new AbortController();
    const res = await fetch(`${srv.url}/api/v1/traces/export?${new URLSearchParams({ ...custom(f), format: 'csv' })}`, {
      headers: { authorization: `Bearer ${a.api_key}`, 'x-workspace-id': a.workspace_id },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    expect((await get(a, '/traces', { range: '1h', limit: 1 })).status).toBe(200);
  });

  // PGlite runs each query to its end: only a PostgreSQL query can be cancelled.
  it.skipIf(!process.env.DATABASE_URL)('cancels the read in flight on PostgreSQL when the client hangs up', async () => {
    const readingExport = sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and state = 'active' and query like 'select "traces"."id"::text as id, %'`;
    const count = async () => (await srv.database.rows<{ n: number }>(readingExport))[0]!.n;
    await srv.database.db.transaction(async (tx) => {
      // The lock holds the export's first read in PostgreSQL until it is cancelled (or the lock goes).
      await tx.execute(sql`lock table traces in access exclusive mode`);
      const controller = new AbortController();
      const answer = fetch(`${srv.url}/api/v1/traces/export?${new URLSearchParams({ ...custom(W), format: 'jsonl' })}`, {
        headers: { authorization: `Bearer ${a.api_key}`, 'x-workspace-id': a.workspace_id },
        signal: controller.signal,
      }).catch((err: unknown) => err);
      await expect.poll(count, { timeout: 10_000 }).toBe(1);
      controller.abort();
      expect(await answer).toBeInstanceOf(Error);
      // Gone while the lock is still held: cancelled, not finished.
      await expect.poll(count, { timeout: 10_000 }).toBe(0);
    });
    expect((await get(a, '/traces', { range: '1h', limit: 1 })).status).toBe(200);
  });

  it('checks credentials and parameters as every read does', async () => {
    const bad: Array<[Record<string, string>, string]> = [
      [{ format: 'xml' }, 'format'],
      [{ limit: '10' }, 'limit'],
      [{ cursor: 'abc' }, 'cursor'],
      [{ status: 'ok' }, 'status'],
      [{ agent_id: '' }, 'agent_id'],
      [{ range: 'custom', from: W.to, to: W.from }, 'from'],
    ];
    for (const [params, field] of bad) {
      const res = await get(a, '/traces/export', params);
      expect(res.status, res.text).toBe(400);
      expect(JSON.parse(res.text).issues.map((i: any) => i.path)).toContain(field);
    }
    const noHeader = await fetch(`${srv.url}/api/v1/traces/export`, { headers: { authorization: `Bearer ${a.api_key}` } });
    expect(noHeader.status).toBe(400);
    expect(await noHeader.text()).toContain('X-Workspace-ID');
    expect((await get({ ...a, api_key: 'pk_unknown' }, '/traces/export')).status).toBe(401);
    const other = await get(a, '/traces/export', { format: 'jsonl' }, { 'x-workspace-id': b.workspace_id });
    expect(other.status).toBe(403);
    expect(other.text).not.toContain('bm');
  });
});

describe('GET /sessions', () => {
  it('walks the sessions of every filter exactly as plain SQL groups them', async () => {
    const ref = traceReference(srv.database, a.workspace_id);
    const filters: RefTraceFilter[] = [W, { ...W, agent_id: 'coder' }, { ...W, tag: 'eu' }, { ...W, model: 'gpt-4o' }, { ...W, user_id: 'u-2' }];
    for (const f of filters) {
      const expected = await ref.sessions(f);
      expect(expected.length).toBeGreaterThan(0);
      expect(await walk(a, '/sessions', { ...custom(f), limit: 4 }), JSON.stringify(f)).toEqual(expected);
    }
  });

  it('finds the sessions behind long runs of one session\'s newest calls', async () => {
    // The page is looked for among the newest calls first: here the 9,000 newest are one
    // session's, the 300 before them another's, each run longer than the first looks read.
    const t0 = Date.parse(W3.from);
    const run = (n: number, session: string, agent: string, at: (i: number) => number) =>
      dataset(n, at, session).map((t) => ({ ...t, session_id: session, agent_id: agent }));
    await ingest(a, [
      ...run(6, 'early-1', 'quiet', (i) => t0 + 1_000 + i),
      ...run(6, 'early-2', 'quiet', (i) => t0 + 1_000 + i),
      ...run(5, 'early-3', 'chatty', (i) => t0 + 2_000 + i * 2),
      ...run(300, 'middle', 'quiet', (i) => t0 + 5_000 + i),
      ...run(9_000, 'long', 'chatty', (i) => t0 + 10_000 + i),
    ]);
    const ref = traceReference(srv.database, a.workspace_id);
    for (const f of [W3, { ...W3, agent_id: 'quiet' }, { ...W3, agent_id: 'chatty' }]) {
      const expected = await ref.sessions(f);
      for (const limit of [1, 2, 50]) expect(await walk(a, '/sessions', { ...custom(f), limit }), `${JSON.stringify(f)} by ${limit}`).toEqual(expected);
    }
  });

  it('lists at most five agents and users, most calls first, then by name', async () => {
    const at = Date.parse(W2.from) + 50 * 60_000;
    const calls = (agent: string, user: string | null, n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...dataset(1, () => at + i, `${agent}-${user}-${i}`)[0], session_id: 'crowded', agent_id: agent, user_id: user }));
    await ingest(a, [...calls('g', 'u-g', 3), ...calls('f', 'u-f', 3), ...calls('e', null, 2), ...calls('d', 'u-d', 1), ...calls('c', 'u-c', 1), ...calls('b', 'u-b', 1), ...calls('a', 'u-a', 1)]);
    const [session] = (await getJson(a, '/sessions', { ...custom({ from: iso(at), to: iso(at + 60_000) }) })).data;
    expect(session.agents).toEqual(['f', 'g', 'e', 'a', 'b']);
    expect(session.users).toEqual(['u-f', 'u-g', 'u-a', 'u-b', 'u-c']);
    expect(session.calls).toBe(12);
  });

  it('refuses parameters it does not take', async () => {
    for (const params of [{ session_id: 's-1' }, { status: 'error' }, { limit: '500' }, { cursor: '!!' }]) {
      expect((await get(a, '/sessions', params)).status).toBe(400);
    }
  });
});
