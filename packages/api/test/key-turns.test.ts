/**
 * A key's calls take at most DB_CONCURRENCY_PER_KEY turns at once (docs/API_SPEC.md §5), but a
 * cached answer reads no database: it is served while the key's turns are all taken, where an
 * answer to compute and every other read wait for a turn. The test holds the key's one turn
 * itself, as a long computation of another dashboard would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../src/auth/keys.js';
import { ADMIN_TOKEN, makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';

const BYPASS = 'key-turns-bypass';
let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer({ dbConcurrencyPerKey: 1, cacheBypassToken: BYPASS, rateLimitQueryPerMin: 0 });
  ws = await srv.createWorkspace('turns');
  expect((await sendTraces(srv.url, ws.api_key, { traces: Array.from({ length: 20 }, () => makeTrace()) })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${srv.url}${path}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, ...headers } });
const totalCalls = async (res: Promise<Response>) => ((await (await res).json()) as { total_calls: number }).total_calls;

/** Holds the key's one turn until the returned function is called. */
function holdTheTurn(): { release(): Promise<void> } {
  let release!: () => void;
  const held = srv.keyGate.run(hashKey(ws.api_key), () => new Promise<void>((resolve) => (release = resolve)));
  return {
    async release() {
      release();
      await held;
    },
  };
}

/** Whether a request is still unanswered after `ms`. */
async function stillWaiting(answer: Promise<Response>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([answer, new Promise((resolve) => setTimeout(() => resolve(pending), ms))])) === pending;
}

describe('per-key turns', () => {
  it('serve a cached answer while the key has no turn free; computing and other reads wait for one', async () => {
    const overview = '/api/v1/usage/overview?range=24h';
    const trpcOverview = `/trpc/usage.overview?input=${encodeURIComponent(JSON.stringify({ range: '24h' }))}`;
    expect((await get(overview)).headers.get('x-cache')).toBe('MISS');
    expect((await get(trpcOverview)).status).toBe(200);

    const turn = holdTheTurn();
    const computed = get(overview, { 'x-pulse-cache-bypass': BYPASS });
    const listed = get('/api/v1/traces?limit=5');
    try {
      for (const path of [overview, trpcOverview]) {
        const cached = await get(path);
        expect(cached.status).toBe(200);
        expect(cached.headers.get('x-cache')).toBe('HIT');
      }
      expect(await stillWaiting(computed, 300)).toBe(true);
      expect(await stillWaiting(listed, 10)).toBe(true);
    } finally {
      await turn.release();
    }
    const [c, l] = await Promise.all([computed, listed]);
    expect(c.status).toBe(200);
    expect(c.headers.get('x-cache')).toBe('BYPASS');
    expect(((await c.json()) as { total_calls: number }).total_calls).toBe(20);
    expect(l.status).toBe(200);
  });

  it('a miss joins an identical one waiting for its turn, and both answers hold a write made between them', async () => {
    const created = await fetch(`${srv.url}/api/v1/admin/workspaces/${ws.workspace_id}/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: ['ingest'] }),
    });
    expect(created.status).toBe(201);
    const ingestKey = ((await created.json()) as { api_key: string }).api_key;
    const window = '/api/v1/usage/overview?range=7d';
    const before = await totalCalls(get(window, { 'x-pulse-cache-bypass': BYPASS }));
    const turn = holdTheTurn();
    let first: Promise<Response>;
    let second: Promise<Response>;
    try {
      first = get(window);
      expect(await stillWaiting(first, 200)).toBe(true);
      // Another key writes while the first miss waits; the next identical miss sees the new version.
      expect((await sendTraces(srv.url, ingestKey, { traces: Array.from({ length: 5 }, () => makeTrace()) })).status).toBe(200);
      second = get(window);
      expect(await stillWaiting(second, 100)).toBe(true);
    } finally {
      await turn.release();
    }
    // One computation, made once the turn came: after the write, so both answers count it.
    expect(await totalCalls(first)).toBe(before + 5);
    expect(await totalCalls(second)).toBe(before + 5);
    const again = await get(window);
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(await totalCalls(Promise.resolve(again))).toBe(before + 5);
  });
});
