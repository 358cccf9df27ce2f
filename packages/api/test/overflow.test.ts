import { formatDriftReport, verifyRollups } from '@pulse/verify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldAll, foldBacklog } from '../src/rollups/fold.js';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { getAnalytics, sendTraces, startTestServer, type TestServer } from './harness.js';
import { reference, type RefWindow, usd } from './reference.js';

const DAY = 86_400_000;
const H = 3_600_000;
/** Midnight UTC three days ago: the traces lie in [start, start + 3 days). */
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

/** The largest value of every numeric field of a trace (docs/API_SPEC.md §2). */
const MAX = { latency_ms: 3_600_000, input_tokens: 2_000_000_000, output_tokens: 2_000_000_000, cost_usd: 1_000_000 };

describe('the largest accepted values, alone and summed across many traces', () => {
  let srv: TestServer;
  let ws: { workspace_id: string; api_key: string };
  let ref: ReturnType<typeof reference>;
  const get = (path: string, params: Record<string, string | number | undefined>) => getAnalytics(srv.url, ws, path, params);
  const windows: Array<[string, RefWindow, string]> = [
    ['whole days', { from: iso(start), to: iso(start + 3 * DAY) }, 'day'],
    ['hours of one day', { from: iso(start + DAY), to: iso(start + 2 * DAY) }, 'hour'],
    ['non-aligned edges', { from: iso(start + DAY + 5 * H + 1), to: iso(start + DAY + 5 * H + 30 * 60_000) }, 'minute'],
    ['one agent and model', { from: iso(start), to: iso(start + 3 * DAY), agent_id: 'max-agent', model: 'max-model' }, 'hour'],
  ];
  const checkWindows = async () => {
    for (const [, w, g] of windows) await checkEveryEndpoint(get, ref, w, g);
  };

  beforeAll(async () => {
    // Folded by hand: the answers are checked over queued traces, then over the rollups.
    srv = await startTestServer({ foldIntervalMs: 3_600_000 });
    ws = await srv.createWorkspace('maxima');
    ref = reference(srv.database, ws.workspace_id);
    // 10,000 traces of the largest values in one agent, model, user and hour: 1e19 nano-dollars
    // and 4e13 tokens, beyond a bigint's 9.2e18 and an integer's 2.1e9.
    const hour = start + DAY + 5 * H;
    for (let batch = 0; batch < 10; batch++) {
      const traces = Array.from({ length: 1000 }, (_, i) => ({
        trace_id: `max-${batch}-${i}`,
        timestamp: iso(hour + batch * 1000 + i),
        agent_id: 'max-agent',
        user_id: 'max-user',
        model: 'max-model',
        status: i % 2 ? 'error' : 'success',
        ...(i % 2 ? { error_type: 'overflow', error_message: 'x'.repeat(4000) } : {}),
        ...MAX,
      }));
      expect((await sendTraces(srv.url, ws.api_key, { traces })).body).toMatchObject({ accepted: 1000, rejected: [] });
    }
    const extremes = [
      // The smallest values, and the largest ones priced from the catalog (2e9 + 2e9 tokens of gpt-4o).
      { trace_id: 'min', model: 'gpt-4o', latency_ms: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 },
      { trace_id: 'priced', model: 'gpt-4o', latency_ms: MAX.latency_ms, input_tokens: MAX.input_tokens, output_tokens: MAX.output_tokens },
      // Nano-dollar digits on the largest cost: sums stay exact below the micro-dollar.
      { trace_id: 'odd-1', model: 'max-model', cost_usd: 999_999.999999999, input_tokens: MAX.input_tokens },
      { trace_id: 'odd-2', model: 'max-model', cost_usd: 0.000000001, output_tokens: MAX.output_tokens },
    ].map((t, i) => ({ timestamp: iso(start + 2 * DAY + 7 * H + i), agent_id: 'edge-agent', user_id: 'max-user', status: 'success', latency_ms: 1, ...t }));
    expect((await sendTraces(srv.url, ws.api_key, { traces: extremes })).body).toMatchObject({ accepted: 4, rejected: [] });
  }, 120_000);
  afterAll(async () => {
    await srv?.close();
  });

  it('every endpoint answers the exact figures of plain SQL while the traces are queued', async () => {
    expect((await foldBacklog(srv.database)).pending).toBe(10_004);
    await checkWindows();
  }, 120_000);

  it('folds them all (nothing quarantined), answers the same from the rollups, and the rollups reconcile', async () => {
    expect(await foldAll(srv.database)).toBe(10_004);
    expect(await foldBacklog(srv.database)).toEqual({ pending: 0, quarantined: 0 });
    await checkWindows();
    const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
    expect(report.ok, formatDriftReport(report)).toBe(true);
  }, 120_000);

  it('money beyond 2^63 nano-dollars is exact on the wire, budget figures included', async () => {
    const week = { range: 'custom', from: iso(start), to: iso(start + 3 * DAY) };
    const overview = await get('/cost/overview', week);
    // 10,000 × $1,000,000 + $999,999.999999999 + $0.000000001 + the catalog price of 2e9 + 2e9 gpt-4o tokens.
    const [priced] = await srv.database.rows<{ cost: string }>(sql`select cost_nanos::text as cost from traces where trace_id = 'priced'`);
    const exact = 10_000n * 10n ** 15n + 10n ** 15n + BigInt(priced!.cost);
    expect(overview.total_cost_usd).toBe(usd(exact.toString()));
    const users = await get('/usage/top-users', { ...week, limit: 1 });
    expect(users.data[0]).toMatchObject({ user_id: 'max-user', calls: 10_004, total_tokens: 10_000 * 4e9 + 4e9 + 2 * 2e9 });

    const put = await fetch(`${srv.url}/api/v1/cost/budget`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
      body: JSON.stringify({ monthly_limit_usd: 1_000_000_000, alert_threshold_pct: 80 }),
    });
    expect(put.status).toBe(200);
    const budget = await get('/cost/budget', {});
    const [month] = await srv.database.rows<{ cost: string }>(
      sql`select coalesce(sum(cost_nanos), 0)::text as cost from traces
          where workspace_id = ${ws.workspace_id}::uuid and "timestamp" >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'`,
    );
    const spent = BigInt(month!.cost);
    expect(budget.month_to_date_usd).toBe(usd(spent.toString()));
    const remaining = 10n ** 18n - spent;
    expect(budget.remaining_usd).toBe(remaining < 0n ? -usd((-remaining).toString()) : usd(remaining.toString()));
    expect(budget.status).toBe(spent >= 10n ** 18n ? 'exceeded' : spent >= 8n * 10n ** 17n ? 'warning' : 'ok');
  });
});
