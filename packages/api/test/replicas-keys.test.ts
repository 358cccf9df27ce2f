import { spawnSync } from 'node:child_process';
import { schema } from '@pulse/db';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { type ScratchPulse, startScratchPulse } from '@pulse/testing';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveBus, type LiveBus } from '../src/live/live-bus.js';
import { hasRedisServer, privateRedis } from './private-redis.js';
import { msOfLastOldAnswer } from './revocation-delay.js';

// Two Pulse processes on one PostgreSQL database and a Redis of the test's own (so it can be
// stopped): each keeps the keys it authenticated for a while (src/auth/key-cache.ts), and a key
// revoked or changed through one is refused by the other within a second (docs/API_SPEC.md §1),
// Redis up, down, or back.

const ADMIN = 'replicas-keys-admin-token-0123456789';
const pgServer = process.env.DATABASE_URL;
const redis = privateRedis(18_379 + Math.floor(Math.random() * 1000));

let database: ScratchDatabase | undefined;
let replicas: ScratchPulse[] = [];
/** The test's own connection to the bus, standing in for a tool that changes keys behind Pulse's back (SQL). */
let bus: LiveBus | undefined;

type Workspace = { workspace_id: string; api_key: string; key_id: string };

const read = (r: ScratchPulse, key: string, workspaceId: string) =>
  fetch(`${r.url}/api/v1/usage/overview?range=24h`, { headers: { authorization: `Bearer ${key}`, 'x-workspace-id': workspaceId } }).then((res) => res.status);

async function newWorkspace(name: string): Promise<Workspace> {
  const res = await fetch(`${replicas[0]!.url}/api/v1/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Workspace;
}

const adminRevoke = (r: ScratchPulse, ws: Workspace, keyId = ws.key_id) =>
  fetch(`${r.url}/api/v1/admin/workspaces/${ws.workspace_id}/keys/${keyId}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } }).then((res) => res.status);

/** Runs `change` on the database (a tool working behind Pulse's back). */
async function inDatabase(change: (db: Awaited<ReturnType<ScratchDatabase['open']>>) => Promise<unknown>) {
  const db = await database!.open({ maxConnections: 1 });
  try {
    await change(db);
  } finally {
    await db.close();
  }
}

/** The key answered on the second replica (so it holds it), and so it keeps answering. */
async function heldBySecond(ws: Workspace, key = ws.api_key) {
  for (let i = 0; i < 2; i++) expect(await read(replicas[1]!, key, ws.workspace_id)).toBe(200);
}

describe.skipIf(!pgServer || !hasRedisServer)('key changes reach every replica within a second', () => {
  beforeAll(async () => {
    await redis.start();
    database = await createScratchDatabase(pgServer);
    const env = { REDIS_URL: redis.url, ADMIN_TOKEN: ADMIN, RATE_LIMIT_QUERY_PER_MIN: '0' };
    // One after the other: the first applies the migrations.
    replicas = [await startScratchPulse(database, { env }), await startScratchPulse(database, { env })];
    bus = createLiveBus(redis.url, pino({ level: 'silent' }));
  }, 240_000);
  afterAll(async () => {
    await bus?.close();
    for (const r of replicas) await r.stop();
    await database?.drop();
    await redis.stop();
  });

  it('a key revoked through one replica is refused by the other within a second', async () => {
    const ws = await newWorkspace('revoked');
    await heldBySecond(ws);
    expect(await adminRevoke(replicas[0]!, ws)).toBe(204);
    expect(await msOfLastOldAnswer(() => read(replicas[1]!, ws.api_key, ws.workspace_id), 401)).toBeLessThan(1000);
  });

  it("rotation: the old secret is refused by the other replica, the new one accepted", async () => {
    const ws = await newWorkspace('rotated');
    await heldBySecond(ws);
    const created = await fetch(`${replicas[0]!.url}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'rotated' }),
    });
    expect(created.status).toBe(201);
    const fresh = (await created.json()) as { api_key: string };
    const revoked = await fetch(`${replicas[0]!.url}/api/v1/keys/${ws.key_id}`, { method: 'DELETE', headers: { authorization: `Bearer ${fresh.api_key}`, 'x-workspace-id': ws.workspace_id } });
    expect(revoked.status).toBe(204);
    expect(await msOfLastOldAnswer(() => read(replicas[1]!, ws.api_key, ws.workspace_id), 401)).toBeLessThan(1000);
    expect(await read(replicas[1]!, fresh.api_key, ws.workspace_id)).toBe(200);
  });

  it('a scope change announced on the bus takes effect on every replica within a second', async () => {
    const ws = await newWorkspace('scopes');
    await heldBySecond(ws);
    await inDatabase((db) => db.db.update(schema.apiKeys).set({ scopes: ['ingest'] }).where(eq(schema.apiKeys.id, ws.key_id)));
    bus!.publishKeyChange(ws.workspace_id);
    for (const r of replicas) expect(await msOfLastOldAnswer(() => read(r, ws.api_key, ws.workspace_id), 403)).toBeLessThan(1000);
  });

  it('a workspace deletion announced on the bus takes effect on every replica within a second', async () => {
    const ws = await newWorkspace('deleted');
    await heldBySecond(ws);
    await inDatabase((db) => db.db.delete(schema.workspaces).where(eq(schema.workspaces.id, ws.workspace_id)));
    bus!.publishKeyChange(ws.workspace_id);
    for (const r of replicas) expect(await msOfLastOldAnswer(() => read(r, ws.api_key, ws.workspace_id), 401)).toBeLessThan(1000);
  });

  it('a replica whose subscription was cut forgets every key once it is back: the announcements it missed are lost', async () => {
    const ws = await newWorkspace('announcement-missed');
    // The entry must still be young when the replica is back (it trusts none older than a
    // second meanwhile): the database is opened first, and the key revoked at once.
    await inDatabase(async (db) => {
      await heldBySecond(ws);
      await db.db.update(schema.apiKeys).set({ revokedAt: new Date() }).where(eq(schema.apiKeys.id, ws.key_id));
    });
    // The subscriptions are cut and the revocation announced in one step: no replica hears it.
    const killed = spawnSync('redis-cli', ['-p', String(redis.port)], { input: `MULTI\nCLIENT KILL TYPE pubsub\nPUBLISH pulse:keys "elsewhere ${ws.workspace_id}"\nEXEC\n` });
    expect(killed.stdout.toString().trim().split('\n').slice(-1)[0]).toBe('0');
    expect(await msOfLastOldAnswer(() => read(replicas[1]!, ws.api_key, ws.workspace_id), 401)).toBeLessThan(1000);
    // Resubscribed, the replica trusts its entries for 30 s again: the revoked key must not be one of them.
    for (let i = 0; i < 20; i++) {
      expect(await read(replicas[1]!, ws.api_key, ws.workspace_id)).toBe(401);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('with Redis down a revocation still holds within a second, and no stale key is trusted once it is back', async () => {
    const during = await newWorkspace('revoked-during-outage');
    const lost = await newWorkspace('revocation-lost-in-outage');
    await heldBySecond(during);
    await heldBySecond(lost);
    await redis.stop();
    // The announcement cannot be sent: the other replica trusts what it holds for a second at most.
    expect(await adminRevoke(replicas[0]!, during)).toBe(204);
    expect(await msOfLastOldAnswer(() => read(replicas[1]!, during.api_key, during.workspace_id), 401)).toBeLessThan(1000);

    // Revoked while Redis is down, then Redis is back at once: the other replica must not trust
    // its 30 s entry again, though the announcement never reached it.
    await heldBySecond(lost);
    expect(await adminRevoke(replicas[0]!, lost)).toBe(204);
    await redis.start();
    const ready = async (r: ScratchPulse) => ((await (await fetch(`${r.url}/api/ready`)).json()) as { cache: { state: string } }).cache.state;
    for (const r of replicas) await expect.poll(() => ready(r), { timeout: 10_000, interval: 100 }).toBe('ok');
    for (let i = 0; i < 10; i++) {
      expect(await read(replicas[1]!, lost.api_key, lost.workspace_id)).toBe(401);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
