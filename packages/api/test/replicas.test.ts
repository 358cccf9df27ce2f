import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { type ScratchPulse, startScratchPulse } from '@pulse/testing';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { verifyRollups } from '@pulse/verify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AppRouter } from '../src/routers/app-router.js';
import { makeTrace, STEADY_QUERY } from './harness.js';

// Two Pulse processes on one PostgreSQL database and one Redis, as docker-compose.yml and
// deploy/k8s run them (docs/API_SPEC.md §6): shared cache and rate limits, one folder at a
// time, and live events from one reaching sockets of the other.

const ADMIN = 'replicas-admin-token-0123456789';
const pgServer = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

let database: ScratchDatabase | undefined;
let replicas: ScratchPulse[] = [];
let ws: { workspace_id: string; api_key: string };

const headersOf = (key: string, workspaceId?: string) => ({
  authorization: `Bearer ${key}`,
  'content-type': 'application/json',
  ...(workspaceId ? { 'x-workspace-id': workspaceId } : {}),
});

describe.skipIf(!pgServer || !redisUrl)('two replicas on one PostgreSQL and one Redis', () => {
  beforeAll(async () => {
    database = await createScratchDatabase(pgServer);
    const env = { REDIS_URL: redisUrl!, ADMIN_TOKEN: ADMIN, RATE_LIMIT_QUERY_PER_MIN: '40', FOLD_INTERVAL_MS: '50' };
    // One after the other: the first applies the migrations.
    replicas = [await startScratchPulse(database, { env }), await startScratchPulse(database, { env })];
    const res = await fetch(`${replicas[0]!.url}/api/v1/admin/workspaces`, { method: 'POST', headers: headersOf(ADMIN), body: JSON.stringify({ name: 'replicas' }) });
    ws = (await res.json()) as typeof ws;
  }, 240_000);
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await database?.drop();
  });

  it('a call ingested by one replica reaches a live dashboard connected to the other', async () => {
    const socket = createWSClient({
      url: `${replicas[1]!.url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as never,
      connectionParams: () => ({ authorization: `Bearer ${ws.api_key}`, workspaceId: ws.workspace_id }),
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
    const events: number[] = [];
    let started = false;
    const sub = client.live.changes.subscribe(undefined, { onStarted: () => (started = true), onData: () => events.push(Date.now()) });
    try {
      await expect.poll(() => started, { timeout: 10_000 }).toBe(true);
      // Redis' subscriber connection of the other replica is up once an event round-trips.
      await expect
        .poll(
          async () => {
            await fetch(`${replicas[0]!.url}/api/v1/traces`, { method: 'POST', headers: headersOf(ws.api_key), body: JSON.stringify({ traces: [makeTrace()] }) });
            return events.length;
          },
          { timeout: 10_000, interval: 500 },
        )
        .toBeGreaterThan(0);
    } finally {
      sub.unsubscribe();
      await socket.close();
    }
  });

  it('shares the cache and the rate limits, and one folder keeps the rollups exact', async () => {
    const overview = (r: ScratchPulse) => fetch(`${r.url}/api/v1/usage/overview?${STEADY_QUERY}`, { headers: headersOf(ws.api_key, ws.workspace_id) });
    const first = await overview(replicas[0]!);
    expect(first.status).toBe(200);
    const second = await overview(replicas[1]!);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(await second.json()).toEqual(await first.json());

    // 40 queries a minute per key, whichever replica answers them.
    const statuses: number[] = [];
    for (let i = 0; i < 44; i++) statuses.push((await overview(replicas[i % 2]!)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(40);

    // Both replicas ingest; both run a folder; the rollups match the raw rows.
    await Promise.all(
      replicas.map((r, i) =>
        fetch(`${r.url}/api/v1/traces`, {
          method: 'POST',
          headers: headersOf(ws.api_key),
          body: JSON.stringify({ traces: Array.from({ length: 300 }, (_, j) => makeTrace({ trace_id: `r${i}-${j}`, agent_id: `agent-${j % 5}` })) }),
        }),
      ),
    );
    const db = await database!.open({ maxConnections: 2 });
    try {
      await expect.poll(async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from rollup_pending`))[0]!.n, { timeout: 20_000 }).toBe(0);
      const report = await verifyRollups(db);
      expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
