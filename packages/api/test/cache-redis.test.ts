import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, STEADY_QUERY, sendTraces, startTestServer, type TestServer } from './harness.js';
import { hasRedisServer as hasRedis, privateRedis } from './private-redis.js';

const redis = privateRedis(16_379 + Math.floor(Math.random() * 1000));
async function waitFor(check: () => Promise<boolean>, ms = 10_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe.skipIf(!hasRedis)('Redis cache faults', () => {
  let srv: TestServer;
  let ws: { workspace_id: string; api_key: string };
  const overview = () =>
    fetch(`${srv.url}/api/v1/usage/overview?${STEADY_QUERY}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
  const cacheState = async () => ((await (await fetch(`${srv.url}/api/ready`)).json()) as { cache: { kind: string; state: string } }).cache;

  beforeAll(async () => {
    await redis.start();
    srv = await startTestServer({ redisUrl: redis.url });
    ws = await srv.createWorkspace('redis');
  });
  afterAll(async () => {
    await srv?.close();
    await redis.stop();
  });

  it('caches through Redis, answers uncached while it is down, and recovers by itself', async () => {
    expect(await cacheState()).toEqual({ kind: 'redis', state: 'ok' });
    await overview();
    expect((await overview()).headers.get('x-cache')).toBe('HIT');

    await redis.stop();
    expect(await waitFor(async () => (await cacheState()).state === 'degraded')).toBe(true);
    const ready = await fetch(`${srv.url}/api/ready`);
    expect(ready.status).toBe(200);
    // Still answering, uncached, and a write during the outage is visible at once.
    await sendTraces(srv.url, ws.api_key, { traces: [makeTrace()] });
    const during = await overview();
    expect(during.status).toBe(200);
    expect(during.headers.get('x-cache')).toBe('MISS');
    expect(((await during.json()) as { total_calls: number }).total_calls).toBe(1);

    await redis.start();
    expect(await waitFor(async () => (await cacheState()).state === 'ok')).toBe(true);
    await overview();
    const after = await overview();
    expect(after.headers.get('x-cache')).toBe('HIT');
    expect(((await after.json()) as { total_calls: number }).total_calls).toBe(1);
  });

  it('starts and serves when Redis is unreachable from the beginning', async () => {
    const lonely = await startTestServer({ redisUrl: 'redis://127.0.0.1:1' });
    try {
      const w = await lonely.createWorkspace('no-redis');
      const res = await fetch(`${lonely.url}/api/v1/cost/overview`, { headers: { authorization: `Bearer ${w.api_key}`, 'x-workspace-id': w.workspace_id } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cache')).toBe('MISS');
      const ready = (await (await fetch(`${lonely.url}/api/ready`)).json()) as { cache: { state: string } };
      expect(ready.cache.state).toBe('degraded');
    } finally {
      await lonely.close();
    }
  });

  it('starts while Redis is down and uses it once it comes up', async () => {
    await redis.stop();
    const laterPort = redis.port + 1000;
    const early = await startTestServer({ redisUrl: `redis://127.0.0.1:${laterPort}` });
    try {
      const w = await early.createWorkspace('redis-later');
      const get = () => fetch(`${early.url}/api/v1/usage/overview?${STEADY_QUERY}`, { headers: { authorization: `Bearer ${w.api_key}`, 'x-workspace-id': w.workspace_id } });
      const state = async () => ((await (await fetch(`${early.url}/api/ready`)).json()) as { cache: { state: string } }).cache.state;
      expect(await state()).toBe('degraded');
      expect((await get()).headers.get('x-cache')).toBe('MISS');
      expect((await get()).headers.get('x-cache')).toBe('MISS');

      await redis.start(laterPort);
      expect(await waitFor(async () => (await state()) === 'ok')).toBe(true);
      await get();
      const hit = await get();
      expect(hit.status).toBe(200);
      expect(hit.headers.get('x-cache')).toBe('HIT');
    } finally {
      await early.close();
      await redis.stop();
    }
  });
});
