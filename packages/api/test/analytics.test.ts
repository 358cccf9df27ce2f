import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededTraces } from './dataset.js';
import { getAnalytics, sendInBatches, sendTraces, startTestServer, type TestServer } from './harness.js';
import { checkEveryEndpoint, custom, withinPct } from './check-every-endpoint.js';
import { reference, type RefWindow, usd } from './reference.js';

const DAY = 86_400_000;
let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
let ref: ReturnType<typeof reference>;
/** Midnight UTC three days ago: the dataset covers [start, start + 3 days). */
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('analytics');
  ref = reference(srv.database, ws.workspace_id);
  const traces = seededTraces(7, start, 4000);
  expect((await sendInBatches(srv.url, ws.api_key, traces)).map((body) => body.accepted)).toEqual([1000, 1000, 1000, 1000]);
  // Duplicates change nothing.
  const again = await sendTraces(srv.url, ws.api_key, { traces: traces.slice(500, 1500) });
  expect(again.body).toMatchObject({ accepted: 0, duplicates: 1000 });
});
afterAll(async () => {
  await srv?.close();
});

const get = (path: string, params: Record<string, string | number | undefined>) => getAnalytics(srv.url, ws, path, params);
const checkAll = (w: RefWindow, g: string) => checkEveryEndpoint(get, ref, w, g);

const H = 3_600_000;
const filters: Array<Pick<RefWindow, 'agent_id' | 'model' | 'tag'>> = [
  {},
  { agent_id: 'researcher' },
  { model: 'claude-3-5-haiku' },
  { agent_id: 'coder', model: 'gpt-4o' },
  { tag: 'checkout' },
  { agent_id: 'support-bot', model: 'gpt-4o', tag: 'café' },
];

describe('every endpoint equals plain SQL over raw rows', () => {
  const windows: Array<[string, number, number, string]> = [
    ['whole days (daily rollups)', start, start + 3 * DAY, 'day'],
    ['day-aligned, hourly series', start + DAY, start + 2 * DAY, 'hour'],
    ['non-aligned, crossing days', start + 5 * H + 1234, start + 2 * DAY + 7 * H + 59_999, 'hour'],
    ['non-aligned, day series', start + 3 * H - 1, start + 3 * DAY - 1, 'day'],
    ['within one hour, minute series', start + 30 * H + 17 * 60_000, start + 30 * H + 50 * 60_000, 'minute'],
    ['starting 1 ms before a boundary', start + DAY - 1, start + DAY + 2 * H + 1, 'hour'],
    ['an empty window', start - 2 * DAY, start - DAY, 'day'],
  ];
  for (const [name, from, to, g] of windows) {
    for (const f of filters) {
      it(`${name} ${JSON.stringify(f)}`, async () => {
        await checkAll({ from: iso(from), to: iso(to), ...f }, g);
      });
    }
  }

  it('a tag no call carries narrows every figure to nothing', async () => {
    await checkAll({ from: iso(start), to: iso(start + 3 * DAY), tag: 'no-such-tag' }, 'day');
  });

  it('a tag filter leaves the budget and month projection workspace-wide', async () => {
    const budget = { monthly_limit_usd: 1234.5, alert_threshold_pct: 80 };
    const put = await fetch(`${srv.url}/api/v1/cost/budget`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
      body: JSON.stringify(budget),
    });
    expect(put.status).toBe(200);
    // The projection divides by the month's elapsed fraction, which moves between two requests.
    const workspaceWide = ['month_to_date_usd', 'budget_usd', 'budget_remaining_usd', 'budget_status'];
    const all = await get('/cost/overview', { range: '30d' });
    const tagged = await get('/cost/overview', { range: '30d', tag: 'refund' });
    const none = await get('/cost/overview', { range: '30d', tag: 'no-such-tag' });
    for (const field of workspaceWide) {
      expect(tagged[field], field).toEqual(all[field]);
      expect(none[field], field).toEqual(all[field]);
    }
    // ≤: in a month's first days the dataset (the 3 days before today) has no call of this month, and every projection is 0.
    for (const answer of [tagged, none]) expect(Math.abs(answer.projected_month_usd - all.projected_month_usd)).toBeLessThanOrEqual(all.projected_month_usd * 1e-4);
    expect(none.total_cost_usd).toBe(0);
    expect(tagged.total_cost_usd).toBeLessThan(all.total_cost_usd);
  });

  it('hundreds of random windows agree on the rollup-served figures', async () => {
    let s = 99;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 200; i++) {
      const a = start - H + Math.floor(rand() * (3 * DAY + 2 * H));
      const b = a + 1 + Math.floor(rand() * (3 * DAY));
      const f = filters[i % filters.length]!;
      const w = { from: iso(a), to: iso(b), ...f };
      const [ov, r, po, p] = await Promise.all([get('/usage/overview', custom(w)), ref.overview(w), get('/performance/overview', custom(w)), ref.performance(w)]);
      expect([ov.total_calls, ov.unique_users, ov.active_agents]).toEqual([r.calls, r.users, r.agents]);
      expect(po.error_count).toBe(p.errors);
      withinPct(po.p95_ms, p.p95, 1);
      const models = await ref.models(w);
      const cost = await get('/cost/by-model', custom(w));
      expect(cost.total_cost_usd).toBe(usd(models.reduce((n, m) => n + BigInt(m.cost), 0n).toString()));
    }
  });
});
