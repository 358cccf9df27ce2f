/**
 * PostgreSQL failing under a running server: backends terminated mid-request, the server
 * unreachable (connections refused), and a server that accepts but never answers. Every
 * request must end with a JSON 503 (never a 500, never a hang), and the service must
 * recover by itself once the database is back. PostgreSQL only: PGlite is in-process.
 */
import type { Server } from 'node:http';
import { createServer, type Server as NetServer, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { type Database, openDatabase } from '@pulse/db';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { pino } from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { MemoryCache } from '../src/cache/memory-cache.js';
import { loadConfig } from '../src/config.js';
import { ADMIN_TOKEN, makeTrace, sendTraces } from './harness.js';

const serverUrl = process.env.DATABASE_URL;

/**
 * A TCP hop between the app and PostgreSQL that the test can cut: `down` refuses
 * connections and drops open ones, `blackhole` accepts and never answers, `up` forwards.
 */
class FaultyLink {
  private readonly sockets = new Set<Socket>();
  private server: NetServer | undefined;
  private mode: 'up' | 'blackhole' = 'up';
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async up(mode: 'up' | 'blackhole' = 'up') {
    this.dropAll();
    this.mode = mode;
    if (this.server) return;
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => client.destroy());
      if (this.mode === 'blackhole') return;
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down() {
    const server = this.server;
    this.server = undefined;
    this.dropAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private dropAll() {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}

/** The real app over its own pool on `databaseUrl`, on a real port. */
async function serveApp(databaseUrl: string) {
  // A short connect timeout: an unreachable database must not hold requests for long.
  const database: Database = await openDatabase({ databaseUrl, connectTimeoutSeconds: 2, maxConnections: 10 });
  // Three requests of one key must be inside PostgreSQL at once when its backends are killed.
  const config = { ...loadConfig({ DEMO: '0' }), adminToken: ADMIN_TOKEN, dbConcurrencyPerKey: 3 };
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const { app } = createApp({ database, cache: new MemoryCache(), config, logger });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close().catch(() => undefined);
    },
  };
}

describe.skipIf(!serverUrl)('PostgreSQL faults', () => {
  let scratch: ScratchDatabase;
  /** The scratch database's name, to find its sessions in pg_stat_activity. */
  let name: string;
  /** A connection to the server's own database, outside the faults. */
  let admin: postgres.Sql;
  let link: FaultyLink;
  /** One app connected straight to the scratch database, one through the faulty link. */
  let direct: Awaited<ReturnType<typeof serveApp>>;
  let linked: Awaited<ReturnType<typeof serveApp>>;
  let ws: { workspace_id: string; api_key: string };
  const directUrl = () => scratch.databaseUrl!;

  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl);
    name = new URL(directUrl()).pathname.slice(1);
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    const target = new URL(serverUrl!);
    link = new FaultyLink({ host: target.hostname, port: Number(target.port || 5432) });
    await link.up();
    const viaLink = new URL(directUrl());
    viaLink.host = `127.0.0.1:${link.port}`;
    direct = await serveApp(directUrl());
    linked = await serveApp(viaLink.toString());
    const res = await fetch(`${direct.url}/api/v1/admin/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'faults' }),
    });
    ws = (await res.json()) as typeof ws;
  });
  afterAll(async () => {
    await direct?.close();
    await linked?.close();
    await link?.down();
    await admin?.end();
    await scratch?.drop();
  });

  const headers = () => ({ authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id });
  const overview = async (url: string, query = '') => {
    const res = await fetch(`${url}/api/v1/usage/overview${query}`, { headers: headers() });
    return { status: res.status, body: (await res.json()) as any };
  };
  const trpcOverview = async (url: string) => {
    const res = await fetch(`${url}/trpc/usage.overview?input=${encodeURIComponent(JSON.stringify({ range: '24h' }))}`, { headers: headers() });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ready = async (url: string) => (await fetch(`${url}/api/ready`)).status;
  const unavailable = { code: 'SERVICE_UNAVAILABLE', message: 'database unavailable' };

  it('an unreachable database: 503 for every request and for /api/ready, recovered when it is back', async () => {
    const url = linked.url;
    expect((await sendTraces(url, ws.api_key, { traces: [makeTrace({ trace_id: 'up-0' })] })).status).toBe(200);
    await link.down();
    const ingest = await sendTraces(url, ws.api_key, { traces: [makeTrace({ trace_id: 'down-1' })] });
    expect(ingest.status).toBe(503);
    expect(ingest.body).toEqual(unavailable);
    expect(await overview(url)).toEqual({ status: 503, body: unavailable });
    expect((await trpcOverview(url)).status).toBe(503);
    expect(await ready(url)).toBe(503);

    await link.up();
    expect(await ready(url)).toBe(200);
    expect((await sendTraces(url, ws.api_key, { traces: [makeTrace({ trace_id: 'down-1' })] })).body).toMatchObject({ accepted: 1 });
    expect((await overview(url)).body.total_calls).toBe(2);
  });

  it('a database that accepts connections but never answers: 503 after the connect timeout, not a hang', async () => {
    const url = linked.url;
    await link.up('blackhole');
    // A window no request has asked for: the cache cannot answer it (an answer it holds would be
    // served, docs/API_SPEC.md §6), so it needs the database.
    expect(await overview(url, '?range=7d')).toEqual({ status: 503, body: unavailable });
    expect(await ready(url)).toBe(503);
    await link.up();
    expect((await overview(url)).status).toBe(200);
    expect(await ready(url)).toBe(200);
  });

  it('terminated backends: in-flight requests get a JSON 503 at once, the next ones succeed', async () => {
    const url = direct.url;
    await link.down(); // the linked app is done; only the direct one's backends remain

    // Hold locks so the next requests are certainly in flight inside PostgreSQL when we strike.
    const locker = postgres(directUrl(), { max: 1, onnotice: () => {} });
    const held = await locker.reserve();
    try {
      await held`begin`;
      await held`lock table traces, stats_hourly, stats_daily in access exclusive mode`;
      const [{ pid: lockerPid }] = await held<[{ pid: number }]>`select pg_backend_pid() as pid`;
      const batch = Array.from({ length: 50 }, (_, i) => makeTrace({ trace_id: `kill-1-${i}` }));
      const inFlight = [sendTraces(url, ws.api_key, { traces: batch }), overview(url), trpcOverview(url)] as const;
      // Wait until all three are blocked on our locks.
      for (let i = 0; ; i++) {
        const [{ n }] = await admin<[{ n: number }]>`select count(*)::int as n from pg_stat_activity
          where datname = ${name} and wait_event_type = 'Lock'`;
        if (n >= 3) break;
        if (i > 600) throw new Error('requests never reached the database');
        await new Promise((r) => setTimeout(r, 100));
      }
      // Only our own scratch database's backends, minus the lock holder: pick them first, then strike.
      const victims = await admin<Array<{ pid: number }>>`select pid from pg_stat_activity
        where datname = ${name} and pid <> ${lockerPid}`;
      const pids = victims.map((v) => v.pid).filter((pid) => pid !== lockerPid);
      const killed = await admin<Array<{ ok: boolean }>>`select pg_terminate_backend(pid) as ok
        from unnest(${pids}::int[]) as pid`;
      expect(killed.length).toBeGreaterThanOrEqual(3);

      const [ingest, rest, trpc] = await Promise.all(inFlight);
      expect(ingest.status).toBe(503);
      expect(ingest.body).toEqual(unavailable);
      expect(rest).toEqual({ status: 503, body: unavailable });
      expect(trpc.status).toBe(503);
      expect(trpc.body.error.message).toBe('database unavailable');
      expect(trpc.body.error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
    } finally {
      await held`rollback`.catch(() => undefined);
      held.release();
      await locker.end();
    }

    // No restart: the pool reconnects. The failed batch left nothing behind, so it is new now.
    const batch = Array.from({ length: 50 }, (_, i) => makeTrace({ trace_id: `kill-1-${i}` }));
    expect((await sendTraces(url, ws.api_key, { traces: batch })).body).toMatchObject({ accepted: 50, duplicates: 0 });
    const after = await overview(url);
    expect(after.status).toBe(200);
    expect(after.body.total_calls).toBe(52);
    expect(await ready(url)).toBe(200);
    // A pooled connection killed while idle is found dead only when next used: that one
    // request gets a 503 (never anything else) and the pool replaces the connection. So
    // the 10 pooled connections cost at most 10 failed requests, then everything is 200
    // (a connection left unable to write would fail again and again).
    let failed = 0;
    let clean = false;
    for (let round = 0; round < 10 && !clean; round++) {
      const statuses = (await Promise.all(Array.from({ length: 30 }, () => trpcOverview(url)))).map((r) => r.status);
      for (const status of statuses) expect([200, 503]).toContain(status);
      failed += statuses.filter((status) => status === 503).length;
      clean = statuses.every((status) => status === 200);
    }
    expect(clean).toBe(true);
    expect(failed).toBeLessThanOrEqual(10);
  });
});
