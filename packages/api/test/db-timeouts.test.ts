/**
 * Nothing waits forever (docs/API_SPEC.md §6): while a session holds `LOCK TABLE traces` for
 * longer than the timeouts, requests that need the table answer a JSON 503 with Retry-After
 * once STATEMENT_TIMEOUT_MS or LOCK_TIMEOUT_MS ran out, the server stays healthy meanwhile,
 * and the same requests succeed once the lock is gone. Two real servers on one database, each
 * with small timeouts so the test runs fast: one whose lock waits are bounded by the statement
 * timeout alone, one by the lock timeout. PostgreSQL only: PGlite has one connection, so no
 * other session can hold a lock, and it runs no statement timers (§6).
 */
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import type { ScratchPulse } from '@pulse/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminWorkspace, startChildPulse } from './child-pulse.js';
import { makeTrace, sendTraces } from './harness.js';

const serverUrl = process.env.DATABASE_URL;
const LOCK_HELD_MS = 5_000;
const busy = { code: 'SERVICE_UNAVAILABLE', message: 'database busy: the request timed out waiting for the database; retry later' };

interface Subject {
  pulse: ScratchPulse;
  ws: { workspace_id: string; api_key: string };
  /** The timeout that should end a wait on the locked table (ms). */
  boundMs: number;
}

describe.skipIf(!serverUrl)('statement and lock timeouts', () => {
  let scratch: ScratchDatabase;
  let byStatementTimeout: Subject;
  let byLockTimeout: Subject;

  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl);
    // The first start applies the migrations; the second then finds them applied.
    const first = await startChildPulse(scratch, { STATEMENT_TIMEOUT_MS: '800', LOCK_TIMEOUT_MS: '0' });
    const second = await startChildPulse(scratch, { STATEMENT_TIMEOUT_MS: '30000', LOCK_TIMEOUT_MS: '400' });
    byStatementTimeout = { pulse: first, ws: await adminWorkspace(first.url, 'statement-timeout'), boundMs: 800 };
    byLockTimeout = { pulse: second, ws: await adminWorkspace(second.url, 'lock-timeout'), boundMs: 400 };
  });
  afterAll(async () => {
    await byStatementTimeout?.pulse.kill();
    await byLockTimeout?.pulse.kill();
    await scratch?.drop();
  });

  const timed = async <T>(run: () => Promise<T>) => {
    const started = Date.now();
    const result = await run();
    return { result, ms: Date.now() - started };
  };

  it('a session holding LOCK TABLE traces: 503 with Retry-After after the timeout, healthy meanwhile, served again after', async () => {
    const locker = postgres(scratch.databaseUrl!, { max: 1, onnotice: () => {} });
    const held = await locker.reserve();
    const subjects = [byStatementTimeout, byLockTimeout];
    const batchOf = (s: Subject) => Array.from({ length: 20 }, (_, i) => makeTrace({ trace_id: `locked-${s.boundMs}-${i}` }));
    try {
      await held`begin`;
      await held`lock table traces`;
      const lockedAt = Date.now();
      for (const s of subjects) {
        const ingest = await timed(() => sendTraces(s.pulse.url, s.ws.api_key, { traces: batchOf(s) }));
        expect(ingest.result.status).toBe(503);
        expect(ingest.result.body).toEqual(busy);
        expect(ingest.result.headers.get('retry-after')).toBe('2');
        expect(ingest.ms).toBeGreaterThanOrEqual(s.boundMs - 50);

        // A read of the locked table through tRPC: the same 503, in tRPC's envelope.
        const input = encodeURIComponent(JSON.stringify({ range: '1h' }));
        const read = await fetch(`${s.pulse.url}/trpc/usage.overview?input=${input}`, {
          headers: { authorization: `Bearer ${s.ws.api_key}`, 'x-workspace-id': s.ws.workspace_id },
        });
        expect(read.status).toBe(503);
        expect(read.headers.get('retry-after')).toBe('2');
        expect(((await read.json()) as any).error.message).toBe(busy.message);

        // Healthy all along: liveness and readiness do not need the locked table.
        expect((await fetch(`${s.pulse.url}/api/health`)).status).toBe(200);
        expect((await fetch(`${s.pulse.url}/api/ready`)).status).toBe(200);
      }
      // Every answer above came while the lock was still held.
      expect(Date.now() - lockedAt).toBeLessThan(LOCK_HELD_MS);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, LOCK_HELD_MS - (Date.now() - lockedAt))));
    } finally {
      await held`rollback`.catch(() => undefined);
      held.release();
      await locker.end();
    }

    // The refused batches left nothing behind: sent again, every trace is new.
    for (const s of subjects) {
      const again = await sendTraces(s.pulse.url, s.ws.api_key, { traces: batchOf(s) });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ accepted: 20, duplicates: 0 });
    }
  });
});
