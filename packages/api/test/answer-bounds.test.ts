/**
 * Answers stay bounded however many models a workspace creates (docs/API_SPEC.md §4), written
 * as the attack was: one key ingests hundreds of model names, then asks for the cost trend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAnalytics, makeTrace, sendInBatches, sendTraces, startTestServer, type TestServer } from './harness.js';

const MODELS = 300;
let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('many-models');
  // Model m-000 spends least, m-299 most; two calls each, a minute apart.
  const traces = Array.from({ length: MODELS }, (_, i) => [0, 1].map((k) => makeTrace({ model: `m-${String(i).padStart(3, '0')}`, cost_usd: (i + 1) / 1000, timestamp: new Date(Date.now() - (2 + k) * 60_000).toISOString() }))).flat();
  expect((await sendTraces(srv.url, ws.api_key, { traces })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

describe('/cost/trend with many models', () => {
  it('names the top `limit` models (default 10) and puts every other model in other_cost_usd', async () => {
    for (const [limit, expected] of [[undefined, 10], [1, 1], [100, 100]] as const) {
      const trend = await getAnalytics(srv.url, ws, '/cost/trend', { range: '24h', granularity: 'hour', limit });
      expect(trend.models).toEqual(Array.from({ length: expected }, (_, k) => `m-${String(MODELS - 1 - k).padStart(3, '0')}`));
      const totalNanos = trend.data.reduce((n: bigint, p: { total_cost_usd: number }) => n + BigInt(Math.round(p.total_cost_usd * 1e9)), 0n);
      // Every call's cost in the window: 2 × (1 + … + 300) / 1000 dollars.
      expect(totalNanos).toBe(BigInt(MODELS * (MODELS + 1)) * 1_000_000n);
      for (const point of trend.data as Array<{ total_cost_usd: number; by_model: Record<string, number>; other_cost_usd: number }>) {
        expect(Object.keys(point.by_model)).toEqual(trend.models);
        const named = Object.values(point.by_model).reduce((n, v) => n + BigInt(Math.round(v * 1e9)), 0n);
        expect(named + BigInt(Math.round(point.other_cost_usd * 1e9))).toBe(BigInt(Math.round(point.total_cost_usd * 1e9)));
      }
    }
  });

  it('refuses a limit outside 1–100, naming it', async () => {
    for (const limit of ['0', '101', '2.5']) {
      const res = await fetch(`${srv.url}/api/v1/cost/trend?limit=${limit}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['limit']);
    }
  });
});

describe('workspace.info with many names', () => {
  it('offers the 500 busiest agents, models and tags to the filters, by name', async () => {
    const busy = await srv.createWorkspace('many-agents');
    // Agent a-000 has one call, a-599 the most; its model name and its tag follow it.
    const names = (n: number) => ({ agent_id: `a-${String(n).padStart(3, '0')}`, model: `m-${String(n).padStart(3, '0')}`, tags: [`t-${String(n).padStart(3, '0')}`] });
    const traces = Array.from({ length: 600 }, (_, i) => makeTrace({ ...names(i), timestamp: new Date(Date.now() - 60_000).toISOString() }));
    const heavy = Array.from({ length: 500 }, (_, i) => Array.from({ length: 1 + Math.floor(i / 100) }, () => makeTrace(names(100 + i)))).flat();
    await sendInBatches(srv.url, busy.api_key, [...traces, ...heavy]);
    const res = await fetch(`${srv.url}/trpc/workspace.info`, { headers: { authorization: `Bearer ${busy.api_key}`, 'x-workspace-id': busy.workspace_id } });
    const info = ((await res.json()) as { result: { data: { agents: string[]; models: string[]; tags: string[] } } }).result.data;
    const expected = Array.from({ length: 500 }, (_, i) => String(100 + i).padStart(3, '0'));
    expect(info.agents).toEqual(expected.map((n) => `a-${n}`));
    expect(info.models).toEqual(expected.map((n) => `m-${n}`));
    expect(info.tags).toEqual(expected.map((n) => `t-${n}`));
  });
});
