/**
 * Batched tRPC (docs/API_SPEC.md §5, §1): at most 50 calls in one request, refused before any
 * procedure runs or the rate limit is drawn on, and every call counted against the key's limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTrace, startTestServer, type TestServer } from './harness.js';

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
const QUERY_LIMIT = 60;

beforeAll(async () => {
  srv = await startTestServer({ rateLimitQueryPerMin: QUERY_LIMIT, rateLimitIngestPerMin: 0, redisUrl: undefined });
  ws = await srv.createWorkspace('batches');
});
afterAll(async () => {
  await srv?.close();
});

const headers = () => ({ authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id });

/** A GET batch of `n` calls of one procedure, each with its own input. */
function getBatch(n: number, procedure = 'usage.topUsers', inputOf: (i: number) => object = (i) => ({ limit: 1 + (i % 100) })) {
  const names = Array.from({ length: n }, () => procedure).join(',');
  const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), inputOf(i)]));
  return fetch(`${srv.url}/trpc/${names}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`, { headers: headers() });
}

function postBatch(n: number, procedure: string, inputOf: (i: number) => unknown) {
  const names = Array.from({ length: n }, () => procedure).join(',');
  const body = Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), inputOf(i)]));
  return fetch(`${srv.url}/trpc/${names}?batch=1`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function expectBatchTooLarge(res: Response, calls: number) {
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ code: 'BAD_REQUEST', message: `A tRPC batch may hold at most 50 procedure calls; this one holds ${calls}` });
  // Refused before the limiter: nothing was counted.
  expect(res.headers.get('ratelimit')).toBeNull();
}

const traceCount = async () => {
  const [row] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from traces where workspace_id = ${ws.workspace_id}::uuid`);
  return row!.n;
};

describe('tRPC batches', () => {
  it('a 200-call batch is a 400 with the error body, GET and POST, and runs nothing', async () => {
    await expectBatchTooLarge(await getBatch(200), 200);
    await expectBatchTooLarge(await getBatch(51), 51);
    await expectBatchTooLarge(await postBatch(200, 'ingest.traces', () => ({ traces: [makeTrace()] })), 200);
    expect(await traceCount()).toBe(0);
    // A mixed batch counts every call, whatever its router.
    const mixed = Array.from({ length: 60 }, (_, i) => (i % 2 ? 'ingest.traces' : 'usage.overview')).join(',');
    expect((await fetch(`${srv.url}/trpc/${mixed}?batch=1`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
    expect(await traceCount()).toBe(0);
  });

  it('a 50-call batch is answered and counts 50 against the key; the first call over the limit is a 429', async () => {
    const res = await getBatch(50);
    expect(res.status).toBe(200);
    const answers = (await res.json()) as Array<{ result: { data: { data: unknown[] } } }>;
    expect(answers).toHaveLength(50);
    expect(res.headers.get('ratelimit')).toMatch(new RegExp(`limit=${QUERY_LIMIT}, remaining=${QUERY_LIMIT - 50}\\b`));

    const more = await getBatch(10, 'usage.overview', () => ({}));
    expect(more.status).toBe(200);
    expect(more.headers.get('ratelimit')).toMatch(new RegExp(`limit=${QUERY_LIMIT}, remaining=0\\b`));

    const over = await getBatch(1);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await over.json()) as { code: string }).code).toBe('TOO_MANY_REQUESTS');
  });

  it('ingest calls in a batch count against the ingest limit, one each', async () => {
    const limited = await startTestServer({ rateLimitIngestPerMin: 5, rateLimitQueryPerMin: 0, redisUrl: undefined });
    try {
      const w = await limited.createWorkspace('ingest-batches');
      const send = (n: number) =>
        fetch(`${limited.url}/trpc/${Array.from({ length: n }, () => 'ingest.traces').join(',')}?batch=1`, {
          method: 'POST',
          headers: { authorization: `Bearer ${w.api_key}`, 'content-type': 'application/json' },
          body: JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), { traces: [makeTrace()] }]))),
        });
      expect((await send(5)).status).toBe(200);
      expect((await send(1)).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
