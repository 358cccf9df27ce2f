/**
 * Crash safety: Pulse killed with SIGKILL while batches are being ingested. After a restart
 * on the same data (a PostgreSQL database, or the PGlite directory) every acknowledged
 * batch is there in full, no batch is there in part, and the rollups reconcile with the
 * raw rows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { verifyRollups } from '@pulse/verify';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import type { ScratchPulse } from '@pulse/testing';
import { adminWorkspace, batchCounts, startChildPulse } from './child-pulse.js';
import { seededTraces } from './dataset.js';
import { sendTraces } from './harness.js';

const DAY = 86_400_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const BATCHES = 40;
const PER_BATCH = 400;
const PREFIX = 'crash';

/** Batch b: PER_BATCH traces whose ids all carry the batch number. */
function batch(b: number) {
  return seededTraces(1000 + b, start, PER_BATCH).map((t, i) => ({ ...t, trace_id: `${PREFIX}${b}-${i}` }));
}

describe('SIGKILL during ingest', () => {
  let store: ScratchDatabase | undefined;
  let child: ScratchPulse | undefined;
  afterAll(async () => {
    await child?.kill();
    await store?.drop();
  });

  it('loses no acknowledged batch, keeps no part of any other, and the rollups reconcile', async () => {
    store = await createScratchDatabase(process.env.DATABASE_URL);
    child = await startChildPulse(store);
    const ws = await adminWorkspace(child.url, 'crash');
    const victim = child;

    // 4 clients send batches one after another; the server dies once 6 are acknowledged.
    const acknowledged = new Set<number>();
    let next = 0;
    let killed = false;
    const client = async () => {
      while (!killed && next < BATCHES) {
        const b = next++;
        try {
          const res = await sendTraces(victim.url, ws.api_key, { traces: batch(b) });
          if (res.status === 200 && res.body.accepted === PER_BATCH) acknowledged.add(b);
        } catch {
          // The connection died with the server: this batch is unacknowledged.
        }
        if (acknowledged.size >= 6 && !killed) {
          killed = true;
          victim.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, client));
    expect(killed).toBe(true);
    expect(await victim.exited).toBe('SIGKILL');
    const attempted = next;
    expect(attempted).toBeLessThan(BATCHES);

    // Restart on the same data: it answers, counts what is there, and takes new batches.
    child = await startChildPulse(store);
    const headers = { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id };
    const window = `range=custom&from=${new Date(start).toISOString()}&to=${new Date(start + 3 * DAY).toISOString()}`;
    const overview = async () => {
      const res = await fetch(`${child!.url}/api/v1/usage/overview?${window}`, { headers });
      expect(res.status).toBe(200);
      return ((await res.json()) as { total_calls: number }).total_calls;
    };
    const callsAfterRestart = await overview();
    const extra = await sendTraces(child.url, ws.api_key, { traces: batch(BATCHES) });
    expect(extra.body).toMatchObject({ accepted: PER_BATCH, duplicates: 0 });
    // Acknowledged batches re-sent are all duplicates: they are there.
    for (const b of acknowledged) {
      expect((await sendTraces(child.url, ws.api_key, { traces: batch(b) })).body).toMatchObject({ accepted: 0, duplicates: PER_BATCH });
    }
    expect(await overview()).toBe(callsAfterRestart + PER_BATCH);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);

    // Inside the database: each batch wholly present or wholly absent.
    const database = await store.open();
    try {
      const counts = await batchCounts(database, PREFIX);
      for (const [b, n] of counts) expect(n, `batch ${b}`).toBe(PER_BATCH);
      for (const b of acknowledged) expect(counts.get(b), `acknowledged batch ${b}`).toBe(PER_BATCH);
      for (const b of counts.keys()) expect(b < attempted || b === BATCHES, `batch ${b} was never sent`).toBe(true);
      expect(callsAfterRestart).toBe((counts.size - 1) * PER_BATCH);
      const report = await verifyRollups(database);
      expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await database.close();
    }
  });
});
