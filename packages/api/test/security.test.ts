import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Database } from '@pulse/db';
import { openTestDatabase } from '@pulse/db/testing';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { hashKey, secretsEqual } from '../src/auth/keys.js';
import { createCache } from '../src/cache/create-cache.js';
import { type Config, loadConfig } from '../src/config.js';
import { createHttpServer } from '../src/http/http-server.js';
import { createLogger, type Logger } from '../src/logger.js';
import { ADMIN_TOKEN, makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';
import { hasRedisServer as hasRedis, privateRedis } from './private-redis.js';

/** One more app instance over a given database (two of them share it, like two replicas). */
async function serveApp(database: Database, overrides: Partial<Config> = {}, logger: Logger = pino({ level: 'silent' })) {
  const config: Config = { ...loadConfig({ ...process.env, DEMO: '0' }), adminToken: ADMIN_TOKEN, ...overrides };
  const cache = await createCache(config, logger);
  const { app } = createApp({ database, cache, config, logger });
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cache,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cache.close();
    },
  };
}

async function createWorkspace(url: string, name: string) {
  const res = await fetch(`${url}/api/v1/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { workspace_id: string; api_key: string; key_id: string };
}

const overview = (url: string, ws: { workspace_id: string; api_key: string }, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/v1/usage/overview`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, ...headers } });

describe('keys and the admin token are compared by hash, in constant time', () => {
  it('secretsEqual compares secrets of any length without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'x'.repeat(10_000))).toBe(false);
    expect(hashKey('pk_x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an admin token of another length or a near miss is 401, never a 500', async () => {
    const srv = await startTestServer();
    try {
      for (const token of ['x', ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, ADMIN_TOKEN.toUpperCase(), 'y'.repeat(4000)]) {
        const res = await fetch(`${srv.url}/api/v1/admin/workspaces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'n' }),
        });
        expect(res.status).toBe(401);
      }
    } finally {
      await srv.close();
    }
  });
});

describe('security headers, CORS, size limits', () => {
  let srv: TestServer;
  let ws: { workspace_id: string; api_key: string };
  beforeAll(async () => {
    srv = await startTestServer();
    ws = await srv.createWorkspace('headers');
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('helmet headers on the API, the dashboard and the reference page; no X-Powered-By', async () => {
    for (const path of ['/api/health', '/api/v1/usage/overview', '/', '/api/docs']) {
      const res = await fetch(`${srv.url}${path}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security'), path).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).not.toContain('unsafe-eval');
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
    }
  });

  it("the reference page's inline script carries this response's CSP nonce, new on every response", async () => {
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${srv.url}/api/docs`);
      expect(res.status).toBe(200);
      const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
      expect(nonce).toBeTruthy();
      const html = await res.text();
      const inline = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => m[2]!.trim() !== '');
      expect(inline.length).toBeGreaterThan(0);
      for (const m of inline) expect(m[1]).toContain(`nonce="${nonce}"`);
      nonces.push(nonce!);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('CORS is off by default: no Access-Control headers, not even on a preflight', async () => {
    const origin = 'https://elsewhere.example';
    const res = await overview(srv.url, ws, { origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${srv.url}/api/v1/usage/overview`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-workspace-id' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('request headers above 16 KiB are 431; below they are served', async () => {
    const big = await fetch(`${srv.url}/api/health`, { headers: { 'x-padding': 'a'.repeat(20 * 1024) } });
    expect(big.status).toBe(431);
    const fits = await fetch(`${srv.url}/api/health`, { headers: { 'x-padding': 'a'.repeat(12 * 1024) } });
    expect(fits.status).toBe(200);
  });

  it('a body above 5 MiB is 413 on REST and tRPC, with a JSON error body', async () => {
    const huge = JSON.stringify({ traces: [makeTrace({ error_message: 'x'.repeat(5 * 1024 * 1024) })] });
    const rest = await sendTraces(srv.url, ws.api_key, huge);
    expect(rest.status).toBe(413);
    expect(rest.body.code).toBe('PAYLOAD_TOO_LARGE');
    const trpc = await fetch(`${srv.url}/trpc/ingest.traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.api_key}`, 'content-type': 'application/json' },
      body: huge,
    });
    expect(trpc.status).toBe(413);
    const [row] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from traces where workspace_id = ${ws.workspace_id}::uuid`);
    expect(row!.n).toBe(0);
  });
});

describe('CORS for configured origins', () => {
  let srv: TestServer;
  let ws: { workspace_id: string; api_key: string };
  const allowed = 'https://dash.example.com';
  beforeAll(async () => {
    srv = await startTestServer({ corsOrigins: [allowed, 'http://localhost:5173'] });
    ws = await srv.createWorkspace('cors');
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('answers a listed origin, preflight included, and ignores any other', async () => {
    const res = await overview(srv.url, ws, { origin: allowed });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');

    const pre = await fetch(`${srv.url}/trpc/usage.overview`, {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-workspace-id' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-workspace-id');

    const other = await overview(srv.url, ws, { origin: 'https://evil.example' });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('per-key rate limits', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ rateLimitIngestPerMin: 3, rateLimitQueryPerMin: 2, redisUrl: undefined });
  });
  afterAll(async () => {
    await srv?.close();
  });

  async function expect429(res: Response) {
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('TOO_MANY_REQUESTS');
    expect(body.message).toMatch(/per minute per API key/);
  }

  it('ingest: the 4th request of a key in a minute is 429 with Retry-After; other keys are unaffected', async () => {
    const a = await srv.createWorkspace('rl-a');
    for (let i = 0; i < 3; i++) expect((await sendTraces(srv.url, a.api_key, { traces: [makeTrace()] })).status).toBe(200);
    const over = await fetch(`${srv.url}/api/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.api_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ traces: [makeTrace()] }),
    });
    await expect429(over);
    // Over tRPC the same budget is spent.
    await expect429(
      await fetch(`${srv.url}/trpc/ingest.traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.api_key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ traces: [makeTrace()] }),
      }),
    );
    const [row] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from traces where workspace_id = ${a.workspace_id}::uuid`);
    expect(row!.n).toBe(3);
    // The query budget is separate, and so is another workspace's key.
    expect((await overview(srv.url, a)).status).toBe(200);
    const b = await srv.createWorkspace('rl-b');
    expect((await sendTraces(srv.url, b.api_key, { traces: [makeTrace()] })).status).toBe(200);
  });

  it('queries: REST and tRPC draw on one budget per key; the admin API is not limited', async () => {
    const a = await srv.createWorkspace('rl-q');
    expect((await overview(srv.url, a)).status).toBe(200);
    const trpc = await fetch(`${srv.url}/trpc/cost.overview?input=${encodeURIComponent('{}')}`, { headers: { authorization: `Bearer ${a.api_key}`, 'x-workspace-id': a.workspace_id } });
    expect(trpc.status).toBe(200);
    expect(trpc.headers.get('ratelimit')).toMatch(/limit=2, remaining=0/);
    await expect429(await overview(srv.url, a));
    await expect429(
      await fetch(`${srv.url}/api/v1/cost/budget`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${a.api_key}`, 'x-workspace-id': a.workspace_id, 'content-type': 'application/json' },
        body: JSON.stringify({ monthly_limit_usd: 10 }),
      }),
    );
    for (let i = 0; i < 5; i++) await srv.createWorkspace(`admin-${i}`);
  });

  it('a tRPC path with malformed escapes is classified without failing: 400, not 500', async () => {
    const a = await srv.createWorkspace('rl-escapes');
    const res = await fetch(`${srv.url}/trpc/%E0%A4%A,usage.overview`, { headers: { authorization: `Bearer ${a.api_key}`, 'x-workspace-id': a.workspace_id } });
    expect(res.status).toBe(400);
  });

  it('0 turns a limit off', async () => {
    const off = await startTestServer({ rateLimitIngestPerMin: 0, rateLimitQueryPerMin: 0, redisUrl: undefined });
    try {
      const ws = await off.createWorkspace('unlimited');
      for (let i = 0; i < 8; i++) {
        expect((await overview(off.url, ws)).status).toBe(200);
        expect((await sendTraces(off.url, ws.api_key, { traces: [makeTrace()] })).status).toBe(200);
      }
    } finally {
      await off.close();
    }
  });
});

describe.skipIf(!hasRedis)('rate limits shared through Redis', () => {
  const redis = privateRedis(17_379 + Math.floor(Math.random() * 1000));
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await redis.stop();
    await database?.close();
  });

  it('two app instances on one Redis share each key’s counter, stored under its hash', async () => {
    await redis.start();
    const one = await serveApp(database, { redisUrl: redis.url, rateLimitQueryPerMin: 4 });
    const two = await serveApp(database, { redisUrl: redis.url, rateLimitQueryPerMin: 4 });
    try {
      const ws = await createWorkspace(one.url, 'shared');
      expect((await overview(one.url, ws)).status).toBe(200);
      expect((await overview(two.url, ws)).status).toBe(200);
      expect((await overview(one.url, ws)).status).toBe(200);
      expect((await overview(two.url, ws)).status).toBe(200);
      expect((await overview(one.url, ws)).status).toBe(429);
      expect((await overview(two.url, ws)).status).toBe(429);
      const keys = redis.cli('--scan', '--pattern', 'pulse:rl:*').trim().split('\n');
      expect(keys).toEqual([`pulse:rl:query:${hashKey(ws.api_key)}`]);
      expect(redis.cli('--scan').includes(ws.api_key)).toBe(false);
    } finally {
      await one.close();
      await two.close();
      await redis.stop();
    }
  });

  it('while Redis is down requests pass uncounted; once it is back, counting resumes', async () => {
    // Started with Redis down: the limiter's script could not be loaded at start-up.
    const app = await serveApp(database, { redisUrl: redis.url, rateLimitQueryPerMin: 2 });
    try {
      const ws = await createWorkspace(app.url, 'outage');
      for (let i = 0; i < 4; i++) expect((await overview(app.url, ws)).status).toBe(200);
      await redis.start();
      const until = Date.now() + 15_000;
      while (app.cache.state() !== 'ok' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(app.cache.state()).toBe('ok');
      expect((await overview(app.url, ws)).status).toBe(200);
      expect((await overview(app.url, ws)).status).toBe(200);
      expect((await overview(app.url, ws)).status).toBe(429);
    } finally {
      await app.close();
    }
  });
});

describe('error bodies and logs keep secrets and internals to themselves', () => {
  let database: Database;
  let app: Awaited<ReturnType<typeof serveApp>>;
  let logText = '';
  beforeAll(async () => {
    database = await openTestDatabase();
    const sink = new Writable({
      write(chunk, _enc, done) {
        logText += chunk.toString();
        done();
      },
    });
    app = await serveApp(database, { redisUrl: undefined }, createLogger('debug', sink));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('no API key or admin token in the request log, whatever the outcome', async () => {
    const ws = await createWorkspace(app.url, 'logs');
    expect((await sendTraces(app.url, ws.api_key, { traces: [makeTrace()] })).status).toBe(200);
    expect((await overview(app.url, ws)).status).toBe(200);
    expect((await sendTraces(app.url, ws.api_key, { traces: [{ bad: true }] })).status).toBe(207);
    const unknownKey = 'pk_this-key-is-unknown-but-still-secret-000000';
    expect((await sendTraces(app.url, unknownKey, { traces: [makeTrace()] })).status).toBe(401);
    expect((await overview(app.url, ws, { 'x-workspace-id': '00000000-0000-4000-8000-000000000000' })).status).toBe(403);
    expect((await fetch(`${app.url}/trpc/usage.overview?input=${encodeURIComponent('{}')}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } })).status).toBe(200);

    expect(logText).toContain('"authorization":"[redacted]"');
    for (const secret of [ws.api_key, unknownKey, ADMIN_TOKEN]) expect(logText).not.toContain(secret);
  });

  it('an internal error answers 500 with a generic body: no SQL, no stack, on REST and tRPC', async () => {
    const ws = await createWorkspace(app.url, 'broken');
    // Break the database under the app: every insert of a trace now fails inside the driver.
    await database.rows(sql`alter table traces rename to traces_moved_away`);
    try {
      const rest = await sendTraces(app.url, ws.api_key, { traces: [makeTrace()] });
      const trpc = await fetch(`${app.url}/trpc/ingest.traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.api_key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ traces: [makeTrace()] }),
      });
      expect(rest.status).toBe(500);
      expect(rest.body).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
      expect(trpc.status).toBe(500);
      const trpcText = await trpc.text();
      for (const text of [JSON.stringify(rest.body), trpcText]) {
        expect(text).not.toMatch(/insert|select|traces_moved_away|relation|Failed query|\.ts:\d+|at [\w.]+ \(/i);
      }
      expect(JSON.parse(trpcText).error.message).toBe('Internal server error');
      // The log has the cause (for the operator), still no key.
      expect(logText).toMatch(/does not exist/);
      expect(logText).not.toContain(ws.api_key);
    } finally {
      await database.rows(sql`alter table traces_moved_away rename to traces`);
    }
  });
});
