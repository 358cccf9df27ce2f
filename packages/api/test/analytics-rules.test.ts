import { ANALYTICS_PATHS, TAG_ANALYTICS_PATHS } from '@pulse/shared';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../src/routers/app-router.js';
import { makeTrace, STEADY_WINDOW, sendTraces, startTestServer, type TestServer } from './harness.js';

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
const DAY = 86_400_000;

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('rules');
  await sendTraces(srv.url, ws.api_key, {
    traces: Array.from({ length: 30 }, (_, i) =>
      makeTrace({ trace_id: `r-${i}`, timestamp: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(), cost_usd: 0.25 }),
    ),
  });
});
afterAll(async () => {
  await srv?.close();
});

function get(path: string, params: Record<string, string> = {}, headers?: Record<string, string>) {
  return fetch(`${srv.url}/api/v1${path}?${new URLSearchParams(params)}`, {
    headers: headers ?? { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id },
  });
}

const PATHS = [...ANALYTICS_PATHS, ...TAG_ANALYTICS_PATHS];

describe('authentication order on every analytics path', () => {
  it.each(PATHS)('%s: 400 before 401 before 403', async (path) => {
    const other = await srv.createWorkspace('other');
    const missing = await get(path, {}, { authorization: `Bearer ${ws.api_key}` });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toContain('X-Workspace-ID');
    const malformed = await get(path, {}, { 'x-workspace-id': 'nope' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toContain('X-Workspace-ID');
    expect((await get(path, {}, { 'x-workspace-id': ws.workspace_id })).status).toBe(401);
    expect((await get(path, {}, { 'x-workspace-id': ws.workspace_id, authorization: 'Bearer pk_nope' })).status).toBe(401);
    const foreign = await get(path, {}, { 'x-workspace-id': other.workspace_id, authorization: `Bearer ${ws.api_key}` });
    expect(foreign.status).toBe(403);
    const ghost = await get(path, {}, { 'x-workspace-id': '00000000-0000-7000-8000-000000000000', authorization: `Bearer ${ws.api_key}` });
    expect(ghost.status).toBe(403);
    expect((await get(path)).status).toBe(200);
  });
});

describe('§3 parameter errors are 400s naming the field', () => {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  it.each([
    ['unknown range', '/usage/overview', { range: '2d' }, 'range'],
    ['from without custom', '/usage/overview', { from: iso(now - DAY) }, 'from'],
    ['custom without to', '/usage/overview', { range: 'custom', from: iso(now - DAY) }, 'to'],
    ['custom without from', '/cost/by-model', { range: 'custom', to: iso(now) }, 'from'],
    ['from after to', '/usage/overview', { range: 'custom', from: iso(now), to: iso(now - DAY) }, 'from'],
    ['from equal to', '/usage/overview', { range: 'custom', from: iso(now), to: iso(now) }, 'from'],
    ['over 366 days', '/usage/overview', { range: 'custom', from: iso(now - 367 * DAY), to: iso(now) }, 'to'],
    ['bad date', '/usage/overview', { range: 'custom', from: 'yesterday', to: iso(now) }, 'from'],
    ['bad granularity', '/usage/calls-over-time', { granularity: 'week' }, 'granularity'],
    ['too many buckets', '/usage/calls-over-time', { range: '7d', granularity: 'minute' }, 'granularity'],
    ['limit 0', '/usage/top-users', { limit: '0' }, 'limit'],
    ['limit 101', '/performance/errors', { limit: '101' }, 'limit'],
    ['limit not a number', '/usage/top-users', { limit: 'ten' }, 'limit'],
  ])('%s', async (_name, path, params, field) => {
    const res = await get(path, params as Record<string, string>);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('BAD_REQUEST');
    expect(body.message).toContain(field);
    expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|node_modules/);
  });

  it('accepts exactly 1500 buckets and 366 days', async () => {
    const to = Date.UTC(2026, 0, 2);
    const res = await get('/usage/calls-over-time', { range: 'custom', from: new Date(to - 1500 * 60_000).toISOString(), to: new Date(to).toISOString(), granularity: 'minute' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1500);
    const year = await get('/usage/overview', { range: 'custom', from: new Date(to - 366 * DAY).toISOString(), to: new Date(to).toISOString() });
    expect(year.status).toBe(200);
  });
});

describe('windows and defaults', () => {
  it('presets end now and echo from/to; default range is 24h with hour buckets', async () => {
    const before = Date.now();
    const body = (await (await get('/usage/calls-over-time')).json()) as { from: string; to: string; granularity: string; data: unknown[] };
    const to = Date.parse(body.to);
    // A cached preset answer is at most a minute old.
    expect(to).toBeGreaterThanOrEqual(before - 60_000);
    expect(to - Date.parse(body.from)).toBe(DAY);
    expect(body.granularity).toBe('hour');
    expect(body.data).toHaveLength(25);
    const hour = (await (await get('/usage/calls-over-time', { range: '1h' })).json()) as { granularity: string; data: unknown[] };
    expect(hour.granularity).toBe('minute');
    expect(hour.data.length).toBeGreaterThanOrEqual(60);
    const month = (await (await get('/cost/trend', { range: '30d' })).json()) as { granularity: string; data: unknown[] };
    expect(month.granularity).toBe('day');
    expect(month.data).toHaveLength(31);
  });
});

describe('cache', () => {
  it('answers HIT on a repeat, and a new trace is in the very next response', async () => {
    const w = await srv.createWorkspace('cache');
    const headers = { authorization: `Bearer ${w.api_key}`, 'x-workspace-id': w.workspace_id };
    const first = await get('/usage/overview', STEADY_WINDOW, headers);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(((await first.json()) as { total_calls: number }).total_calls).toBe(0);
    const second = await get('/usage/overview', STEADY_WINDOW, headers);
    expect(second.headers.get('x-cache')).toBe('HIT');
    await sendTraces(srv.url, w.api_key, { traces: [makeTrace()] });
    const third = await get('/usage/overview', STEADY_WINDOW, headers);
    expect(third.headers.get('x-cache')).toBe('MISS');
    expect(((await third.json()) as { total_calls: number }).total_calls).toBe(1);
  });
});

describe('budget', () => {
  it('no budget, then set, warning, exceeded, removed — each visible at once', async () => {
    const w = await srv.createWorkspace('budget');
    const headers = { authorization: `Bearer ${w.api_key}`, 'x-workspace-id': w.workspace_id, 'content-type': 'application/json' };
    const put = (body: unknown) => fetch(`${srv.url}/api/v1/cost/budget`, { method: 'PUT', headers, body: JSON.stringify(body) });
    const budget = async () => (await (await get('/cost/budget', {}, headers)).json()) as Record<string, unknown>;
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    expect(await budget()).toMatchObject({
      monthly_limit_usd: null,
      used_pct: null,
      remaining_usd: null,
      status: 'no_budget',
      month_to_date_usd: 0,
      period_start: monthStart.toISOString(),
      period_end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    });
    // $40.20 spent this month (a trace a minute ago), and one last month that does not count.
    await sendTraces(srv.url, w.api_key, {
      traces: [makeTrace({ cost_usd: 40.2 }), makeTrace({ cost_usd: 99, timestamp: new Date(monthStart.getTime() - 1).toISOString() })],
    });
    const set = await put({ monthly_limit_usd: 200, alert_threshold_pct: 80 });
    expect(set.status).toBe(200);
    const body = (await set.json()) as Record<string, number>;
    expect(body).toMatchObject({ monthly_limit_usd: 200, alert_threshold_pct: 80, month_to_date_usd: 40.2, used_pct: 20.1, remaining_usd: 159.8, status: 'ok' });
    const elapsed = (Date.now() - monthStart.getTime()) / (Date.parse(String(body.period_end)) - monthStart.getTime());
    expect(Math.abs(body.projected_month_usd! - 40.2 / elapsed) / (40.2 / elapsed)).toBeLessThan(0.001);
    const overview = (await (await get('/cost/overview', { agent_id: 'nobody' }, headers)).json()) as Record<string, unknown>;
    expect(overview).toMatchObject({ total_cost_usd: 0, budget_usd: 200, budget_remaining_usd: 159.8, month_to_date_usd: 40.2 });
    expect((await (await put({ monthly_limit_usd: 50, alert_threshold_pct: 80 })).json()) as object).toMatchObject({ status: 'warning', used_pct: 80.4 });
    expect((await (await put({ monthly_limit_usd: 40.2 })).json()) as object).toMatchObject({ status: 'exceeded', alert_threshold_pct: 80, remaining_usd: 0 });
    expect((await (await put({ monthly_limit_usd: null })).json()) as object).toMatchObject({ status: 'no_budget', monthly_limit_usd: null });
    expect(await budget()).toMatchObject({ status: 'no_budget' });
  });

  it.each([
    [{ monthly_limit_usd: '200' }, 'monthly_limit_usd'],
    [{ monthly_limit_usd: 0 }, 'monthly_limit_usd'],
    [{ monthly_limit_usd: -5 }, 'monthly_limit_usd'],
    [{ monthly_limit_usd: 100, alert_threshold_pct: 0 }, 'alert_threshold_pct'],
    [{ monthly_limit_usd: 100, alert_threshold_pct: 101 }, 'alert_threshold_pct'],
    [{ monthly_limit_usd: 100, alert_threshold_pct: 50.5 }, 'alert_threshold_pct'],
    [{ monthly_limit_usd: 100, alert_threshold_pct: '80' }, 'alert_threshold_pct'],
    [{}, 'monthly_limit_usd'],
  ])('PUT %j is a 400 naming %s', async (body, field) => {
    const res = await fetch(`${srv.url}/api/v1/cost/budget`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(field);
  });
});

describe('REST and tRPC', () => {
  it('return identical bodies for every procedure', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${srv.url}/trpc`, headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } })],
    });
    const from = new Date(Date.now() - 2 * DAY).toISOString();
    const to = new Date(Date.now() - 1000).toISOString();
    const input = { range: 'custom' as const, from, to };
    const pairs: Array<[string, () => Promise<unknown>, Record<string, string>]> = [
      ['/usage/overview', () => client.usage.overview.query(input), {}],
      ['/usage/calls-over-time', () => client.usage.callsOverTime.query(input), {}],
      ['/usage/agent-distribution', () => client.usage.agentDistribution.query(input), {}],
      ['/usage/top-users', () => client.usage.topUsers.query({ ...input, limit: 5 }), { limit: '5' }],
      ['/cost/trend', () => client.cost.trend.query({ ...input, granularity: 'hour' }), { granularity: 'hour' }],
      ['/cost/by-model', () => client.cost.byModel.query(input), {}],
      ['/cost/by-tag', () => client.cost.byTag.query(input), {}],
      ['/performance/overview', () => client.performance.overview.query(input), {}],
      ['/performance/latency', () => client.performance.latency.query(input), {}],
      ['/performance/throughput', () => client.performance.throughput.query(input), {}],
      ['/performance/errors', () => client.performance.errors.query(input), {}],
    ];
    for (const [path, viaTrpc, extra] of pairs) {
      const rest = await (await get(path, { range: 'custom', from, to, ...extra })).json();
      expect(await viaTrpc()).toEqual(rest);
    }
  });

  it('the OpenAPI document lists the 14 analytics operations, ingest and admin', async () => {
    const doc = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    for (const p of PATHS) expect(ops).toContain(`GET ${p}`);
    expect(ops).toContain('PUT /cost/budget');
    expect(ops).toContain('POST /traces');
    expect(ops).toContain('POST /admin/workspaces');
  });
});
