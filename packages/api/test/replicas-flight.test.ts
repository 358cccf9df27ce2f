import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { type ScratchPulse, startScratchPulse } from '@pulse/testing';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, STEADY_QUERY } from './harness.js';

// Single flight across replicas (docs/API_SPEC.md §3): three Pulse processes on one PostgreSQL
// database and one Redis. What Redis executes is watched with MONITOR (the scripts' own commands
// included), so the test counts the answers stored, and so the computations, on the server side.

const ADMIN = 'flight-admin-token-0123456789';
const BYPASS = 'flight-bypass-token-0123456789';
/** Each replica's statement timeout, and so the length of a lease. */
const LEASE_MS = 4000;
const pgServer = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

let database: ScratchDatabase | undefined;
const replicas: ScratchPulse[] = [];
let monitor: Redis | undefined;
let ws: { workspace_id: string; api_key: string };
/** Every command Redis ran on the replicas' database that names the workspace; `script`: run by a Lua script. */
const commands: { args: string[]; script: boolean }[] = [];

const headersOf = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json', ...extra });
const overview = (r: ScratchPulse, extra: Record<string, string> = {}) =>
  fetch(`${r.url}/api/v1/usage/overview?${STEADY_QUERY}`, { headers: headersOf(ws.api_key, { 'x-workspace-id': ws.workspace_id, ...extra }) });
const uncached = async (r: ScratchPulse) => (await overview(r, { 'x-pulse-cache-bypass': BYPASS })).json();
const ingest = (r: ScratchPulse, n: number) =>
  fetch(`${r.url}/api/v1/traces`, {
    method: 'POST',
    headers: headersOf(ws.api_key),
    body: JSON.stringify({ traces: Array.from({ length: n }, (_, i) => makeTrace({ agent_id: `agent-${i % 4}`, user_id: `user-${i % 9}` })) }),
  });
/** Answers of this workspace stored in Redis (by SET, in the store scripts or not): one per computation. */
const answersStored = () => commands.filter(({ args: [name, key] }) => name?.toLowerCase() === 'set' && key?.startsWith(`pulse:q:${ws.workspace_id}:`)).length;
/** Commands a replica sent (each a round trip) for an answer or its lease, not those its scripts ran (nor live events). */
const roundTrips = () => commands.filter((c) => !c.script && c.args.some((a) => a.startsWith('pulse:q:') || a.startsWith('pulse:lease:')));

/**
 * A connection in MONITOR mode. ioredis marks a connection as monitoring only once it has handled
 * MONITOR's OK, so a command another client runs, echoed in the same packet, reaches it as a reply
 * to no command ("Command queue state error"; also reported as taskforcesh/bullmq#2505). The
 * replicas already talk to Redis here, so that echo (one line, before any test runs) is let go;
 * any other error still fails the run.
 */
async function monitorRedis(url: string): Promise<Redis> {
  const connection = new Redis(url, { monitor: true });
  connection.on('error', (err: Error) => {
    if (!err.message.startsWith('Command queue state error')) throw err;
  });
  // Not events.once: it would reject on that same error event.
  await new Promise<void>((resolve) => connection.once('monitoring', () => resolve()));
  return connection;
}

describe.skipIf(!pgServer || !redisUrl)('single flight of cache misses across replicas', () => {
  beforeAll(async () => {
    database = await createScratchDatabase(pgServer);
    const env = { REDIS_URL: redisUrl!, ADMIN_TOKEN: ADMIN, PULSE_CACHE_BYPASS_TOKEN: BYPASS, STATEMENT_TIMEOUT_MS: String(LEASE_MS) };
    // One after the other: the first applies the migrations.
    for (let i = 0; i < 3; i++) replicas.push(await startScratchPulse(database, { env }));
    const res = await fetch(`${replicas[0]!.url}/api/v1/admin/workspaces`, { method: 'POST', headers: headersOf(ADMIN), body: JSON.stringify({ name: 'flight' }) });
    ws = (await res.json()) as typeof ws;
    const db = Number(new URL(redisUrl!).pathname.slice(1) || 0);
    monitor = await monitorRedis(redisUrl!);
    monitor.on('monitor', (_time: string, args: string[], source: string, database: string) => {
      if (Number(database) === db && args.some((a) => a.includes(ws.workspace_id))) commands.push({ args, script: source === 'lua' });
    });
  }, 240_000);
  afterAll(async () => {
    monitor?.disconnect();
    for (const r of replicas) await r.stop();
    await database?.drop();
  });

  it('computes 20 concurrent identical misses over 3 replicas once; the others read that answer', async () => {
    expect((await ingest(replicas[0]!, 300)).status).toBe(200);
    commands.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await overview(replicas[i % 3]!);
        return { replica: i % 3, status: res.status, cache: res.headers.get('x-cache'), body: await res.json() };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answersStored()).toBe(1);
    // MISS only where it was computed (and by the requests that joined it in that process).
    expect(new Set(answers.filter((a) => a.cache === 'MISS').map((a) => a.replica)).size).toBe(1);
    expect(answers.filter((a) => a.cache === 'HIT').length).toBeGreaterThan(0);
    const expected = await uncached(replicas[2]!);
    for (const a of answers) expect(a.body).toEqual(expected);
    expect((expected as { total_calls: number }).total_calls).toBe(300);
    // A hit touches no lease: after the flight, the lookup is all it takes.
    commands.length = 0;
    expect((await overview(replicas[1]!)).headers.get('x-cache')).toBe('HIT');
    await expect.poll(() => roundTrips().length).toBe(1);
    expect(commands.flatMap((c) => c.args).some((a) => a.startsWith('pulse:lease:'))).toBe(false);
  });

  it('a miss alone costs one round trip more than the lookup and the store: the lease', async () => {
    expect((await ingest(replicas[0]!, 1)).status).toBe(200);
    commands.length = 0;
    const res = await overview(replicas[2]!);
    expect(res.headers.get('x-cache')).toBe('MISS');
    // Lookup, claim (answer or lease), store-and-release.
    await expect.poll(() => roundTrips().length).toBe(3);
    expect(answersStored()).toBe(1);
    expect(commands.filter((c) => c.script && c.args[0]?.toLowerCase() === 'del' && c.args[1]?.startsWith('pulse:lease:')).length).toBe(1);
  });

  it('a replica killed while it holds the lease keeps the others waiting no longer than the lease', async () => {
    expect((await ingest(replicas[1]!, 10)).status).toBe(200);
    const expected = await uncached(replicas[2]!);
    // The holder's computation blocks on a lock until it is killed.
    const locker = await database!.open({ maxConnections: 1 });
    let unlock!: () => void;
    const unlocked = new Promise<void>((resolve) => (unlock = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const tables = await locker.rows<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = 'public' and (tablename = 'traces' or tablename like 'rollup%')`);
    const names = tables.map((t) => `"${t.name}"`).join(', ');
    const holding = locker.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`lock table ${names} in access exclusive mode`));
      locked();
      await unlocked;
    });
    try {
      await isLocked;
      const holder = replicas[0]!;
      void overview(holder).catch(() => undefined);
      const redis = new Redis(redisUrl!);
      let lease: string | undefined;
      try {
        await expect.poll(async () => (lease = (await redis.keys(`pulse:lease:pulse:q:${ws.workspace_id}:*`))[0]), { timeout: 10_000, interval: 20 }).toBeDefined();
        const expiresAt = Date.now() + Number(await redis.pttl(lease!));
        const waiting = overview(replicas[1]!);
        await new Promise((r) => setTimeout(r, 300));
        await holder.kill();
        unlock();
        const res = await waiting;
        const answeredAt = Date.now();
        expect(res.status).toBe(200);
        expect(res.headers.get('x-cache')).toBe('MISS');
        expect(await res.json()).toEqual(expected);
        // It waited for the lease to expire (the dead holder never released it), and no longer.
        expect(answeredAt).toBeGreaterThanOrEqual(expiresAt - 50);
        expect(answeredAt).toBeLessThan(expiresAt + 1500);
      } finally {
        redis.disconnect();
      }
    } finally {
      unlock();
      await holding;
      await locker.close();
    }
  });
});
