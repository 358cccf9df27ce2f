import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, STEADY_QUERY, sendTraces, startTestServer, type TestServer } from './harness.js';
import { hasRedisServer, privateRedis } from './private-redis.js';

/** Whatever the cache holds, a bad entry or counter never reaches a client nor hides a write (docs/API_SPEC.md §3). */
const redis = privateRedis(17_379 + Math.floor(Math.random() * 1000));

describe.skipIf(!hasRedisServer)('bad Redis contents', () => {
  let srv: TestServer;
  let ws: { workspace_id: string; api_key: string };
  const overview = async () => {
    const res = await fetch(`${srv.url}/api/v1/usage/overview?${STEADY_QUERY}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
    return { status: res.status, cache: res.headers.get('x-cache'), text: await res.text() };
  };
  const entryKeys = () => redis.cli('--scan', '--pattern', `pulse:q:${ws.workspace_id}:*`).trim().split('\n').filter(Boolean);
  const overwriteEntries = (value: string) => {
    const keys = entryKeys();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) redis.cli('set', key, value, 'EX', '300');
  };

  beforeAll(async () => {
    await redis.start();
    srv = await startTestServer({ redisUrl: redis.url });
    ws = await srv.createWorkspace('cache-contents');
    expect((await sendTraces(srv.url, ws.api_key, { traces: [makeTrace()] })).status).toBe(200);
  });
  afterAll(async () => {
    await srv?.close();
    await redis.stop();
  });

  it.each([
    ['not JSON', '{"from": "2026-'],
    ['the wrong shape', '{"from": 1, "total_calls": "many"}'],
    ['JSON of another kind', '[1, 2, 3]'],
  ])('an entry that is %s is evicted and recomputed: the answer is right, with no schema text', async (_kind, garbage) => {
    await overview();
    expect((await overview()).cache).toBe('HIT');
    overwriteEntries(garbage);
    const answer = await overview();
    expect(answer.status).toBe(200);
    expect(answer.cache).toBe('MISS');
    expect(JSON.parse(answer.text)).toMatchObject({ total_calls: 1 });
    // Replaced by the recomputed answer: the next read is a good hit.
    const next = await overview();
    expect(next.cache).toBe('HIT');
    expect(JSON.parse(next.text)).toMatchObject({ total_calls: 1 });
  });

  it.each([
    ['not an integer', ['set', 'K', 'abc']],
    ['beyond what INCR counts', ['set', 'K', '9223372036854775807']],
    ['of another Redis type', ['rpush', 'K', 'x']],
  ])('a version counter that is %s counts as a bump: a write is never hidden behind stale figures', async (_kind, command) => {
    const versionKey = `pulse:ver:${ws.workspace_id}`;
    const before = JSON.parse((await overview()).text) as { total_calls: number };
    redis.cli('del', versionKey);
    redis.cli(...command.map((part) => (part === 'K' ? versionKey : part)));
    const afterGarbage = await overview();
    expect(afterGarbage.status).toBe(200);
    // A new version: nothing cached before the garbage is served.
    expect(afterGarbage.cache).toBe('MISS');
    expect((await overview()).cache).toBe('HIT');
    expect((await sendTraces(srv.url, ws.api_key, { traces: [makeTrace()] })).status).toBe(200);
    const afterWrite = await overview();
    expect(afterWrite.cache).toBe('MISS');
    expect(JSON.parse(afterWrite.text)).toMatchObject({ total_calls: before.total_calls + 1 });
  });

  it('a bad epoch counter is replaced too', async () => {
    redis.cli('set', 'pulse:cache:epoch', 'not-a-number');
    expect((await overview()).cache).toBe('MISS');
    expect((await overview()).cache).toBe('HIT');
    expect(redis.cli('get', 'pulse:cache:epoch').trim()).toMatch(/^\d+$/);
  });
});

describe('bad in-process cache contents', () => {
  it('an entry that no longer fits the answer is evicted and recomputed', async () => {
    const srv = await startTestServer({ redisUrl: undefined });
    try {
      const ws = await srv.createWorkspace('memory-contents');
      const get = () => fetch(`${srv.url}/api/v1/cost/budget`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
      await get();
      // The in-process cache holds what it was given; corrupt every entry through its own API.
      const entries = (srv.cache as unknown as { entries: Map<string, string> }).entries;
      for (const key of [...entries.keys()]) await srv.cache.set(key, '{"status": 42}', 60);
      const res = await get();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cache')).toBe('MISS');
      expect(((await res.json()) as { status: string }).status).toBe('no_budget');
    } finally {
      await srv.close();
    }
  });
});
