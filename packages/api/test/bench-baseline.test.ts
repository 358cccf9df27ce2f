import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineQuery } from '../../../scripts/bench/baseline-sql.js';
import { crossCheck } from '../../../scripts/bench/crosscheck.js';
import { type Endpoint, ENDPOINTS, UNWINDOWED, windowsFor } from '../../../scripts/bench/endpoints.js';
import { generateDemoBatches } from '@pulse/demo';
import { sendTraces, startTestServer, type TestServer } from './harness.js';

/**
 * The benchmark's raw-SQL baseline (scripts/bench) computes the same figures as Pulse, and its
 * cross-check catches an answer that is off: CI's `npm run bench -- --quick` relies on both.
 */
let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
const now = new Date(Date.now() - 60_000);
const windows = windowsFor(now).filter((w) => w.name === '30d' || w.name === 'custom');

/** The baseline's $n parameters inlined as literals (they are ISO times and uuids). */
async function runBaseline(endpoint: Endpoint, answer: Record<string, unknown>, answeredAt: Date) {
  const q = baselineQuery(endpoint, {
    workspaceId: ws.workspace_id,
    from: String(answer.from ?? answeredAt.toISOString()),
    to: String(answer.to ?? answeredAt.toISOString()),
    ...(typeof answer.granularity === 'string' ? { granularity: answer.granularity } : {}),
    monthStart: new Date(Date.UTC(answeredAt.getUTCFullYear(), answeredAt.getUTCMonth(), 1)).toISOString(),
  });
  let text = q.text;
  for (let i = q.params.length; i >= 1; i--) text = text.replaceAll(`$${i}`, `'${String(q.params[i - 1]).replaceAll("'", "''")}'`);
  return srv.database.rows<Record<string, unknown>>(sql.raw(text));
}

async function get(path: string) {
  const res = await fetch(`${srv.url}/api/v1${path}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('bench-large');
  const noise = await srv.createWorkspace('bench-noise');
  for (const [w, seed, targetTraces] of [[ws, 3, 6000], [noise, 4, 1500]] as const) {
    for (const batch of generateDemoBatches({ seed, now, days: 30, targetTraces, users: 400 })) {
      expect((await sendTraces(srv.url, w.api_key, { traces: batch })).status).toBe(200);
    }
  }
  const budget = await fetch(`${srv.url}/api/v1/cost/budget`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
    body: JSON.stringify({ monthly_limit_usd: 123.45 }),
  });
  expect(budget.status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

describe('benchmark baseline', () => {
  it('agrees with every endpoint over a 30-day and a non-aligned custom window', async () => {
    for (const endpoint of ENDPOINTS) {
      for (const w of endpoint === UNWINDOWED ? [null] : windows) {
        const answeredAt = new Date();
        const answer = await get(`${endpoint}${w ? `?${w.query}` : ''}`);
        const rows = await runBaseline(endpoint, answer, answeredAt);
        expect(rows.length, `${endpoint} ${w?.name}: the baseline found rows`).toBeGreaterThan(0);
        expect(crossCheck(endpoint, answer, rows), `${endpoint} ${w?.name ?? ''}`).toEqual([]);
      }
    }
  });

  it('reports an answer that is off by one call, one nano-dollar or 2 % of a percentile', async () => {
    const at = new Date();
    const custom = windows[1]!.query;
    const overview = await get(`/usage/overview?${custom}`);
    const overviewRows = await runBaseline('/usage/overview', overview, at);
    expect(crossCheck('/usage/overview', { ...overview, total_calls: overview.total_calls + 1 }, overviewRows)).toEqual([
      expect.stringContaining('total_calls'),
    ]);
    expect(crossCheck('/usage/overview', { ...overview, previous: { ...overview.previous, unique_users: 0 } }, overviewRows)).toEqual([
      expect.stringContaining('previous.unique_users'),
    ]);

    const byModel = await get(`/cost/by-model?${custom}`);
    const byModelRows = await runBaseline('/cost/by-model', byModel, at);
    const [first, ...rest] = byModel.data;
    const off = crossCheck('/cost/by-model', { ...byModel, data: [{ ...first, cost_usd: first.cost_usd - 1e-9 }, ...rest] }, byModelRows);
    expect(off).toEqual([expect.stringContaining(`${first.model} cost_usd`)]);
    expect(crossCheck('/cost/by-model', { ...byModel, data: rest }, byModelRows)[0]).toContain('number of rows');

    const byTag = await get(`/cost/by-tag?${custom}`);
    const byTagRows = await runBaseline('/cost/by-tag', byTag, at);
    const [top, ...others] = byTag.data;
    expect(crossCheck('/cost/by-tag', { ...byTag, data: [{ ...top, calls: top.calls + 1 }, ...others] }, byTagRows)).toEqual([
      expect.stringContaining(`${top.tag} calls`),
    ]);
    expect(crossCheck('/cost/by-tag', { ...byTag, untagged: { calls: 1, cost_usd: 0 } }, byTagRows)).toEqual([expect.stringContaining('untagged calls')]);

    const perf = await get(`/performance/overview?${custom}`);
    const perfRows = await runBaseline('/performance/overview', perf, at);
    // Off from the exact percentile (the baseline's), not from Pulse's own answer, which may be up to 1 % off already.
    const exactP95 = Number(perfRows[0]!.p95);
    expect(crossCheck('/performance/overview', { ...perf, p95_ms: exactP95 * 1.005 }, perfRows)).toEqual([]);
    expect(crossCheck('/performance/overview', { ...perf, p95_ms: exactP95 * 1.02 }, perfRows)).toEqual([expect.stringContaining('p95_ms')]);

    const throughput = await get(`/performance/throughput?${custom}`);
    const tpRows = await runBaseline('/performance/throughput', throughput, at);
    const points = throughput.data as Array<Record<string, unknown>>;
    const busy = points.findIndex((p) => (p.total as number) > 0);
    const bumped = points.map((p, i) => (i === busy ? { ...p, error: (p.error as number) + 1, total: (p.total as number) + 1 } : p));
    expect(crossCheck('/performance/throughput', { ...throughput, data: bumped }, tpRows)).toEqual([
      expect.stringContaining(' error:'),
      expect.stringContaining(' total:'),
    ]);
    // A bucket the raw table has no trace for must be empty in Pulse's series.
    const phantom = [...points, { timestamp: '2000-01-01T00:00:00.000Z', success: 1, error: 0, total: 1 }];
    expect(crossCheck('/performance/throughput', { ...throughput, data: phantom }, tpRows)).toEqual([expect.stringContaining('the baseline has no traces')]);
  });
});
