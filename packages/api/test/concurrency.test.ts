/**
 * 8 clients send overlapping batches (with repeats inside a batch, across batches and
 * across clients, and the same instant written with another UTC offset) at the same time
 * while 4 readers keep asking for analytics. Afterwards every figure equals plain SQL over
 * the raw rows and every rollup row equals its recomputation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRollups } from '@pulse/verify';
import { seededTraces } from './dataset.js';
import { getAnalytics, sendTraces, startTestServer, type TestServer } from './harness.js';
import { reference, type RefWindow, round2, usd } from './reference.js';

const DAY = 86_400_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const CLIENTS = 8;
const UNIQUE = 2400;

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('concurrency');
});
afterAll(async () => {
  await srv?.close();
});

const get = (path: string, params: Record<string, string | number | undefined>) => getAnalytics(srv.url, ws, path, params);

/** The same instant written as +02:00 local time: a duplicate of the original. */
function shifted(trace: Record<string, unknown>): Record<string, unknown> {
  const ms = Date.parse(trace.timestamp as string) + 2 * 3_600_000;
  return { ...trace, timestamp: new Date(ms).toISOString().replace('Z', '+02:00') };
}

/**
 * Client k sends 4 batches of 150 from a window of the pool that overlaps its neighbours
 * by half, each batch repeating 10 of its own items, the last one re-sending the first
 * batch's head with shifted offsets.
 */
function clientBatches(pool: Array<Record<string, unknown>>, k: number): Array<Array<Record<string, unknown>>> {
  const span = pool.length / CLIENTS;
  const from = Math.floor(k * span - span / 2 + pool.length) % pool.length;
  const mine = Array.from({ length: 2 * span }, (_, i) => pool[(from + i) % pool.length]!);
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let b = 0; b < 4; b++) {
    const slice = mine.slice((b * mine.length) / 4, ((b + 1) * mine.length) / 4);
    batches.push([...slice, ...slice.slice(0, 10)]);
  }
  batches[3]!.push(...mine.slice(0, 40).map(shifted));
  return batches;
}

describe('concurrent ingest and analytics', () => {
  it('8 clients with overlapping batches while analytics are read: exact figures, rollups equal raw rows', async () => {
    const pool = seededTraces(31, start, UNIQUE);
    const window = { range: 'custom', from: iso(start), to: iso(start + 3 * DAY) };
    let writing = true;
    const sent: number[] = [];
    const results: Array<{ accepted: number; duplicates: number; rejected: unknown[] }> = [];

    const writer = async (k: number) => {
      for (const batch of clientBatches(pool, k)) {
        const res = await sendTraces(srv.url, ws.api_key, { traces: batch });
        expect(res.status).toBe(200);
        sent.push(batch.length);
        results.push(res.body);
      }
    };
    const reader = async () => {
      const seen: number[] = [];
      while (writing) {
        const [ov, perf, cost] = await Promise.all([
          get('/usage/overview', window),
          get('/performance/overview', window),
          get('/cost/by-model', window),
        ]);
        seen.push(ov.total_calls);
        expect(ov.total_calls).toBeLessThanOrEqual(UNIQUE);
        expect(perf.total_calls).toBeLessThanOrEqual(UNIQUE);
        expect(cost.data.reduce((n: number, m: { calls: number }) => n + m.calls, 0)).toBeLessThanOrEqual(UNIQUE);
      }
      return seen;
    };

    const readers = Array.from({ length: 4 }, () => reader());
    await Promise.all(Array.from({ length: CLIENTS }, (_, k) => writer(k)));
    writing = false;
    const seenByReader = await Promise.all(readers);

    // Every trace stored once, every repeat counted as a duplicate.
    const accepted = results.reduce((n, r) => n + r.accepted, 0);
    const duplicates = results.reduce((n, r) => n + r.duplicates, 0);
    expect(results.every((r) => r.rejected.length === 0)).toBe(true);
    expect(accepted).toBe(UNIQUE);
    expect(accepted + duplicates).toBe(sent.reduce((a, b) => a + b, 0));
    // A reader never sees a figure go back: an accepted trace stays visible.
    for (const seen of seenByReader) {
      expect(seen.length).toBeGreaterThan(0);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    }

    const report = await verifyRollups(srv.database);
    expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
    expect(report.ok).toBe(true);

    const H = 3_600_000;
    const windows: Array<[RefWindow, string]> = [
      [{ from: iso(start), to: iso(start + 3 * DAY) }, 'day'],
      [{ from: iso(start + 5 * H + 1234), to: iso(start + 2 * DAY + 7 * H + 1) }, 'hour'],
      [{ from: iso(start + DAY), to: iso(start + 2 * DAY), agent_id: 'coder' }, 'hour'],
      [{ from: iso(start + 30 * H + 7 * 60_000), to: iso(start + 31 * H + 50 * 60_000), model: 'gpt-4o' }, 'minute'],
    ];
    for (const [w, g] of windows) await expectReferenceFigures(w, g);
  });
});

/** The analytics answers for one window, each against the raw-row reference. */
async function expectReferenceFigures(w: RefWindow, g: string) {
  const ref = reference(srv.database, ws.workspace_id);
  const params = { range: 'custom', from: w.from, to: w.to, agent_id: w.agent_id, model: w.model };
  const r = await ref.overview(w);
  expect(r.calls).toBeGreaterThan(0);
  const ov = await get('/usage/overview', params);
  expect([ov.total_calls, ov.unique_users, ov.active_agents]).toEqual([r.calls, r.users, r.agents]);

  const series = new Map((await ref.series(w, g)).map((x) => [x.bucket, x]));
  const step = { minute: 60_000, hour: 3_600_000, day: DAY }[g]!;
  const buckets: string[] = [];
  for (let t = Math.floor(Date.parse(w.from) / step) * step; t < Date.parse(w.to); t += step) buckets.push(iso(t));
  const tp = await get('/performance/throughput', { ...params, granularity: g });
  expect(tp.data).toEqual(
    buckets.map((t) => {
      const s = series.get(t);
      return { timestamp: t, success: (s?.calls ?? 0) - (s?.errors ?? 0), error: s?.errors ?? 0, total: s?.calls ?? 0 };
    }),
  );

  const agents = await ref.agents(w);
  expect((await get('/usage/agent-distribution', params)).data).toEqual(
    agents.map((a) => ({ agent_id: a.agent_id, calls: a.calls, percentage: round2((a.calls / r.calls) * 100) })),
  );

  const users = await ref.users(w, 100);
  expect((await get('/usage/top-users', { ...params, limit: 100 })).data).toEqual(
    users.map((u) => ({ user_id: u.user_id, calls: u.calls, cost_usd: usd(u.cost), total_tokens: u.tokens, last_seen: u.last_seen })),
  );

  const models = await ref.models(w);
  const byModel = await get('/cost/by-model', params);
  expect(byModel.total_cost_usd).toBe(usd(models.reduce((n, m) => n + BigInt(m.cost), 0n).toString()));
  expect(byModel.data.map((m: any) => [m.model, m.cost_usd, m.calls, m.input_tokens, m.output_tokens])).toEqual(
    models.map((m) => [m.model, usd(m.cost), m.calls, m.input_tokens, m.output_tokens]),
  );

  const p = await ref.performance(w);
  const po = await get('/performance/overview', params);
  expect([po.total_calls, po.error_count, po.avg_latency_ms]).toEqual([p.calls, p.errors, round2(p.avg!)]);
  for (const [got, want] of [
    [po.p50_ms, p.p50],
    [po.p95_ms, p.p95],
    [po.p99_ms, p.p99],
  ] as const) {
    expect(Math.abs(got - want!) / Math.max(want!, 1e-9)).toBeLessThanOrEqual(0.01);
  }

  const errs = await ref.errors(w);
  const pe = await get('/performance/errors', { ...params, limit: 100 });
  expect(pe.data.map((e: any) => [e.error_type, e.count, e.affected_agents, e.agents, e.last_seen, e.sample_message])).toEqual(
    errs.map((e) => [e.error_type, e.count, e.affected, e.agents, e.last_seen, e.message]),
  );
}
