import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldBacklog, type Folder, startFolder } from '../src/rollups/fold.js';
import { getAnalytics, makeTrace, queueUnfoldableRow, sendTraces, startTestServer, type TestServer } from './harness.js';

const DAY = 86_400_000;
/** An hour of yesterday: served by the hourly rollups plus the queue, not by raw traces. */
const hour = Math.floor(Date.now() / DAY) * DAY - DAY + 5 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function until(condition: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a row that cannot be folded', () => {
  let srv: TestServer;
  let folder: Folder;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    // The harness's folder stays idle; this one logs into `lines`.
    srv = await startTestServer({ foldIntervalMs: 3_600_000 });
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    folder = startFolder(srv.database, pino({ level: 'info' }, stream), { intervalMs: 30 });
  });
  afterAll(async () => {
    await folder?.stop();
    await srv?.close();
  });

  it('is quarantined with its reason, logged once, reported by /api/ready; every other row folds', async () => {
    const sender = await srv.createWorkspace('poisoned');
    const other = await srv.createWorkspace('bystander');
    // Poison queued first (oldest in the fold's order), amid valid traces of both workspaces.
    await queueUnfoldableRow(srv, sender.workspace_id, hour + 60_000);
    await queueUnfoldableRow(srv, sender.workspace_id, hour + 60_000);
    const mine = Array.from({ length: 50 }, (_, i) => makeTrace({ timestamp: iso(hour + i * 1000) }));
    const theirs = Array.from({ length: 300 }, (_, i) => makeTrace({ timestamp: iso(hour + i * 1000), agent_id: 'bystander-bot' }));
    expect((await sendTraces(srv.url, sender.api_key, { traces: mine })).body.accepted).toBe(50);
    expect((await sendTraces(srv.url, other.api_key, { traces: theirs })).body.accepted).toBe(300);

    await until(async () => (await foldBacklog(srv.database)).pending === 0, 'the queue to drain');
    expect(await foldBacklog(srv.database)).toEqual({ pending: 0, quarantined: 2 });
    const folded = await srv.database.rows<{ ws: string; calls: string }>(
      sql`select workspace_id::text as ws, sum(calls)::text as calls from stats_hourly group by 1`,
    );
    expect(Object.fromEntries(folded.map((r) => [r.ws, Number(r.calls)]))).toEqual({ [sender.workspace_id]: 50, [other.workspace_id]: 300 });

    const kept = await srv.database.rows<{ ws: string; agent: string; latency: number; reason: string }>(
      sql`select workspace_id::text as ws, agent_id as agent, latency_ms::float8 as latency, reason from rollup_quarantine`,
    );
    expect(kept).toEqual([0, 1].map(() => ({ ws: sender.workspace_id, agent: 'poisoned', latency: Infinity, reason: 'integer out of range (22003)' })));

    const ready = await fetch(`${srv.url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { rollups: unknown }).rollups).toEqual({ pending_rows: 0, quarantined_rows: 2, repricing_models: 0 });

    // Both workspaces' answers count their folded traces; the sender's no longer fail.
    const window = { range: 'custom', from: iso(hour - 3_600_000), to: iso(hour + 2 * 3_600_000) };
    expect((await getAnalytics(srv.url, other, '/usage/overview', window)).total_calls).toBe(300);
    expect((await getAnalytics(srv.url, sender, '/performance/overview', window)).total_calls).toBe(50);

    // One line for the cause (the second row of the same cause is suppressed), with no SQL text.
    const quarantined = lines.filter((l) => String(l.msg).startsWith('rollup row quarantined'));
    expect(quarantined).toEqual([
      expect.objectContaining({ level: 40, workspace_id: sender.workspace_id, reason: 'integer out of range (22003)' }),
    ]);
    expect(lines.filter((l) => String(l.msg).startsWith('rollup fold failed'))).toEqual([]);
    for (const line of lines) expect(JSON.stringify(line)).not.toMatch(/select|insert into|delete from|rollup_pending/i);
  });

  it('keeps folding new traces of every workspace after a quarantine', async () => {
    const late = await srv.createWorkspace('late');
    await queueUnfoldableRow(srv, late.workspace_id, hour + 60_000);
    const traces = Array.from({ length: 20 }, (_, i) => makeTrace({ timestamp: iso(hour + 7_000_000 + i) }));
    expect((await sendTraces(srv.url, late.api_key, { traces })).body.accepted).toBe(20);
    await until(async () => (await foldBacklog(srv.database)).pending === 0, 'the queue to drain');
    expect((await foldBacklog(srv.database)).quarantined).toBe(3);
    const [row] = await srv.database.rows<{ calls: string }>(
      sql`select coalesce(sum(calls), 0)::text as calls from stats_hourly where workspace_id = ${late.workspace_id}::uuid`,
    );
    expect(Number(row!.calls)).toBe(20);
  });
});
