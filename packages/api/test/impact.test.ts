import { round2 } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallFilters, callsWhere } from './call-filters.js';
import { getAnalytics, makeTrace, sendScores, sendTraces, startTestServer, type TestServer } from './harness.js';
import { expectScoreRollupsExact } from './score-rollups-check.js';

/**
 * Impact figures (docs/API_SPEC.md §14) against plain SQL over raw rows: each call's deciding
 * score picked per trace by the source order, value worked out from the settings by hand.
 */

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
let other: { workspace_id: string; api_key: string };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!;

const AGENTS = ['support-bot', 'code-reviewer', 'researcher', 'data-analyst'];
const MODELS = ['gpt-4o', 'claude-3-5-haiku'];

/**
 * The settings, and each one's value per success × 60 in nano-dollars (an integer: the
 * minutes × rate form divides by 60), so the reference sums integers and divides once.
 */
const SETTINGS: Record<string, { body: Record<string, unknown>; per60: bigint; score: boolean }> = {
  'support-bot': { body: { value_per_success_usd: 2.5 }, per60: 150_000_000_000n, score: false },
  // 7 minutes at 45.5 USD an hour: 5.308333… USD, no finite decimal.
  'code-reviewer': { body: { minutes_saved: 7, hourly_rate_usd: 45.5 }, per60: 318_500_000_000n, score: false },
  researcher: {
    body: { value_per_success_usd: 0.3, success: 'score', success_score: 'resolved' },
    per60: 18_000_000_000n,
    score: true,
  },
  // Configured, never called: listed with zero figures.
  'idle-bot': { body: { value_per_success_usd: 1 }, per60: 60_000_000_000n, score: false },
};

type Filters = CallFilters;
type Window = { from: number; to: number };

const where = (w: Window, f: Filters): SQL => callsWhere('t', ws.workspace_id, w, f);

type RefRow = {
  bucket: string | null;
  agent_id: string;
  calls: number;
  errors: number;
  scored: number;
  scored_true: number;
  cost: string;
};

/** Per agent (and bucket): calls, errors, cost, and the calls whose highest-ranked boolean `resolved` score is true. */
async function reference(w: Window, f: Filters, step?: string): Promise<RefRow[]> {
  const bucket = step
    ? sql`to_char(date_bin(${sql.raw(`'${step}'`)}, t."timestamp", timestamptz '2000-01-01T00:00:00Z') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : sql`null::text`;
  return srv.database.rows<RefRow>(
    sql`select ${bucket} as bucket, t.agent_id, count(*)::int as calls, sum(t.is_error)::int as errors, count(d.v)::int as scored,
          count(*) filter (where d.v = 1)::int as scored_true, sum(t.cost_nanos)::text as cost
        from traces t left join lateral (
          select s.numeric_value as v from scores s
          where s.workspace_id = t.workspace_id and s.trace_row_id = t.id and s.name = 'resolved' and s.type = 'boolean'
          order by case s.source when 'human' then 0 when 'api' then 1 when 'rule' then 2 else 3 end limit 1) d on true
        where ${where(w, f)} group by 1, 2`,
  );
}

const usd = (nanos: bigint) =>
  Number(
    `${nanos < 0n ? '-' : ''}${(nanos < 0n ? -nanos : nanos) / 1_000_000_000n}.${String((nanos < 0n ? -nanos : nanos) % 1_000_000_000n).padStart(9, '0')}`,
  );

/** The figures of some agents' reference rows, by hand. */
function expectedFigures(rows: RefRow[]) {
  let tasks = 0;
  let successes = 0;
  let unscored = 0;
  let cost = 0n;
  let value60 = 0n;
  for (const r of rows) {
    const s = SETTINGS[r.agent_id]!;
    const won = s.score ? r.scored_true : r.calls - r.errors;
    tasks += r.calls;
    successes += won;
    if (s.score) unscored += r.calls - r.scored;
    cost += BigInt(r.cost);
    value60 += BigInt(won) * s.per60;
  }
  const value = (value60 * 2n + 60n) / 120n;
  return {
    tasks,
    successes,
    unscored,
    success_rate_pct: tasks > 0 ? round2((successes / tasks) * 100) : null,
    value_usd: usd(value),
    cost_usd: usd(cost),
    net_value_usd: usd(value - cost),
    roi: cost > 0n ? round2(Number(value) / Number(cost)) : null,
    cost_per_success_usd: successes > 0 ? usd(cost) / successes : null,
  };
}

const configuredIn = (f: Filters) => Object.keys(SETTINGS).filter((a) => !f.agent_id || a === f.agent_id);

function expectedUnconfigured(rows: RefRow[]) {
  return rows
    .filter((r) => !SETTINGS[r.agent_id])
    .sort((a, b) =>
      BigInt(a.cost) === BigInt(b.cost) ? (a.agent_id < b.agent_id ? -1 : 1) : BigInt(a.cost) > BigInt(b.cost) ? -1 : 1,
    )
    .map((r) => ({ agent_id: r.agent_id, calls: r.calls, cost_usd: usd(BigInt(r.cost)) }));
}

const headers = (w: { workspace_id: string; api_key: string }) => ({
  authorization: `Bearer ${w.api_key}`,
  'x-workspace-id': w.workspace_id,
  'content-type': 'application/json',
});
const putValue = (agent: string, body: unknown, w = ws) =>
  fetch(`${srv.url}/api/v1/impact/agents/${encodeURIComponent(agent)}`, {
    method: 'PUT',
    headers: headers(w),
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('impact');
  other = await srv.createWorkspace('impact-other');
  // 400 calls over 5 days, with errors, a gap of 6 hours, and a price per call that varies.
  const traces = Array.from({ length: 400 }, (_, i) => ({ i, ts: END - i * 18 * 60_000 - (i % 7) * 1_000 }))
    .filter(({ ts }) => ts < END - 30 * HOUR || ts >= END - 24 * HOUR)
    .map(({ i, ts }) =>
      makeTrace({
        trace_id: `i-${i}`,
        timestamp: iso(ts),
        agent_id: pick(AGENTS, i),
        model: pick(MODELS, i >> 1),
        tags: i % 3 === 0 ? ['vip'] : [],
        status: i % 9 === 0 ? 'error' : 'success',
        ...(i % 9 === 0 ? { error_type: 'timeout' } : {}),
        input_tokens: 100 + ((i * 37) % 1000),
        output_tokens: 50 + ((i * 13) % 400),
      }),
    );
  for (let k = 0; k < traces.length; k += 200)
    expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(k, k + 200) })).status).toBe(200);
  // The other workspace: the same agents and a call of each, its own settings; never counted here.
  const theirs = AGENTS.map((agent, i) =>
    makeTrace({ trace_id: `o-${i}`, agent_id: agent, timestamp: iso(END - i * HOUR) }),
  );
  expect((await sendTraces(srv.url, other.api_key, { traces: theirs })).status).toBe(200);
  expect((await putValue('data-analyst', { value_per_success_usd: 999 }, other)).status).toBe(200);
  // `resolved` from several sources: the order human > api > rule > llm decides; many calls stay unscored.
  const scores: unknown[] = [];
  for (const t of traces) {
    const i = Number(String(t.trace_id).slice(2));
    if (i % 2 === 0) scores.push({ trace_id: t.trace_id, name: 'resolved', value: i % 3 !== 0, source: 'llm' });
    if (i % 5 === 0) scores.push({ trace_id: t.trace_id, name: 'resolved', value: i % 4 === 0, source: 'human' });
    if (i % 7 === 0) scores.push({ trace_id: t.trace_id, name: 'resolved', value: true, source: 'api' });
    if (i % 11 === 0) scores.push({ trace_id: t.trace_id, name: 'resolved', value: false, source: 'rule' });
    if (i % 3 === 0) scores.push({ trace_id: t.trace_id, name: 'helpfulness', value: 0.5, source: 'llm' });
  }
  for (let k = 0; k < scores.length; k += 500)
    expect((await sendScores(srv.url, ws.api_key, { scores: scores.slice(k, k + 500) })).status).toBe(200);
  for (const [agent, s] of Object.entries(SETTINGS)) expect((await putValue(agent, s.body)).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

const WINDOWS = [
  { label: 'two days, edges inside hours', from: END - 2 * DAY - 17 * 60_000 - 3_250, to: END - 25_000 },
  { label: 'six hours with a gap', from: END - 32 * HOUR, to: END - 26 * HOUR + 60_000 },
  { label: 'five days', from: END - 5 * DAY, to: END + HOUR },
  { label: 'empty, in 2001', from: Date.parse('2001-01-01T00:00:00Z'), to: Date.parse('2001-01-03T00:00:00Z') },
];
const FILTERS: Filters[] = [
  {},
  { agent_id: 'researcher' },
  { agent_id: 'data-analyst' },
  { model: 'gpt-4o' },
  { tag: 'vip' },
  { agent_id: 'support-bot', tag: 'vip' },
];
const params = (w: Window, f: Filters, extra: Record<string, string> = {}) => ({
  range: 'custom',
  from: iso(w.from),
  to: iso(w.to),
  ...f,
  ...extra,
});

describe.each(WINDOWS)('$label', (w) => {
  it.each(FILTERS)('overview and by-agent with %o match plain SQL, previous window included', async (f) => {
    const previous = { from: w.from - (w.to - w.from), to: w.from };
    const [now, before] = await Promise.all([reference(w, f), reference(previous, f)]);
    const configured = configuredIn(f);
    const got = await getAnalytics(srv.url, ws, '/impact/overview', params(w, f));
    expect(got).toEqual({
      from: iso(w.from),
      to: iso(w.to),
      ...expectedFigures(now.filter((r) => SETTINGS[r.agent_id])),
      configured_agents: configured.length,
      previous: expectedFigures(before.filter((r) => SETTINGS[r.agent_id])),
      unconfigured: expectedUnconfigured(now),
    });
    const byAgent = await getAnalytics(srv.url, ws, '/impact/by-agent', params(w, f));
    const rows = configured
      .map((agent_id) => ({ agent_id, ...expectedFigures(now.filter((r) => r.agent_id === agent_id)) }))
      .sort((a, b) => b.net_value_usd - a.net_value_usd || (a.agent_id < b.agent_id ? -1 : 1));
    expect(byAgent).toEqual({ from: iso(w.from), to: iso(w.to), data: rows, unconfigured: expectedUnconfigured(now) });
  });

  it.each(FILTERS)('trend with %o matches plain SQL per bucket', async (f) => {
    for (const [granularity, step, ms] of [
      ['hour', '1 hour', HOUR],
      ['day', '1 day', DAY],
    ] as const) {
      const ref = (await reference(w, f, step)).filter((r) => SETTINGS[r.agent_id]);
      const got = await getAnalytics(srv.url, ws, '/impact/trend', params(w, f, { granularity }));
      const starts: string[] = [];
      for (let t = Math.floor(w.from / ms) * ms; t < w.to; t += ms) starts.push(iso(t));
      expect(got.data).toEqual(
        starts.map((timestamp) => {
          const e = expectedFigures(ref.filter((r) => r.bucket === timestamp));
          return {
            timestamp,
            successes: e.successes,
            value_usd: e.value_usd,
            cost_usd: e.cost_usd,
            net_value_usd: e.net_value_usd,
          };
        }),
      );
    }
  });
});

describe('a later score that takes over the decision', () => {
  it('moves the figures to it, on rollups and raw edges alike', async () => {
    // Researcher calls (i % 4 === 2) only llm or rule judged get a human verdict; some human verdicts flip.
    const later: unknown[] = [];
    for (let i = 2; i < 400; i += 4) {
      if (i % 5 !== 0) later.push({ trace_id: `i-${i}`, name: 'resolved', value: i % 8 === 2, source: 'human' });
      else later.push({ trace_id: `i-${i}`, name: 'resolved', value: i % 4 !== 0, source: 'human' });
    }
    // Calls in the data's six-hour gap were never sent: those items alone are refused.
    const sent = await sendScores(srv.url, ws.api_key, { scores: later });
    expect((sent.body as { accepted: number }).accepted).toBeGreaterThan(40);
    for (const r of (sent.body as { rejected: Array<{ errors: string[] }> }).rejected) expect(r.errors).toEqual(['trace_id: no such trace']);
    await expectScoreRollupsExact(srv.database, ws.workspace_id);
    for (const w of WINDOWS.slice(0, 3))
      for (const f of [{}, { agent_id: 'researcher' }, { tag: 'vip' }] as Filters[]) {
        const now = await reference(w, f);
        const got = await getAnalytics(srv.url, ws, '/impact/by-agent', params(w, f));
        expect(got.data.find((r: { agent_id: string }) => r.agent_id === 'researcher')).toEqual({
          agent_id: 'researcher',
          ...expectedFigures(now.filter((r) => r.agent_id === 'researcher')),
        });
      }
  });
});

describe('agent value settings', () => {
  it('answers the settings with the derived value per success; lists, reads and deletes them', async () => {
    const put = await putValue('code-reviewer', SETTINGS['code-reviewer']!.body);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      agent_id: 'code-reviewer',
      value_per_success_usd: 5.308333333,
      minutes_saved: 7,
      hourly_rate_usd: 45.5,
      success: 'status',
      success_score: null,
    });
    const list = (await (await fetch(`${srv.url}/api/v1/impact/agents`, { headers: headers(ws) })).json()) as {
      data: Array<{ agent_id: string }>;
    };
    expect(list.data.map((d) => d.agent_id)).toEqual(['code-reviewer', 'idle-bot', 'researcher', 'support-bot']);
    const one = await fetch(`${srv.url}/api/v1/impact/agents/researcher`, { headers: headers(ws) });
    expect(await one.json()).toMatchObject({ value_per_success_usd: 0.3, success: 'score', success_score: 'resolved' });
    // An agent name with a slash and a space, URL-encoded in the path.
    expect((await putValue('team/agent one', { value_per_success_usd: 1 })).status).toBe(200);
    const del = (agent: string) =>
      fetch(`${srv.url}/api/v1/impact/agents/${encodeURIComponent(agent)}`, { method: 'DELETE', headers: headers(ws) });
    expect((await del('team/agent one')).status).toBe(204);
    expect((await del('team/agent one')).status).toBe(404);
    expect((await fetch(`${srv.url}/api/v1/impact/agents/nobody`, { headers: headers(ws) })).status).toBe(404);
  });

  it('a change of settings is seen by the next read (cached answers end)', async () => {
    const w = { range: '30d' };
    const before = await getAnalytics(srv.url, ws, '/impact/overview', w);
    expect(before.unconfigured.map((u: { agent_id: string }) => u.agent_id)).toEqual(['data-analyst']);
    expect((await putValue('data-analyst', { value_per_success_usd: 4 })).status).toBe(200);
    const after = await getAnalytics(srv.url, ws, '/impact/overview', w);
    expect(after.unconfigured).toEqual([]);
    expect(after.configured_agents).toBe(5);
    expect(after.tasks).toBeGreaterThan(before.tasks);
    expect(
      (await fetch(`${srv.url}/api/v1/impact/agents/data-analyst`, { method: 'DELETE', headers: headers(ws) })).status,
    ).toBe(204);
    expect((await getAnalytics(srv.url, ws, '/impact/overview', w)).tasks).toBe(before.tasks);
  });

  it('refuses bad settings with a 400 naming the field, and stores nothing', async () => {
    for (const [body, field] of [
      [{}, 'value_per_success_usd'],
      [{ value_per_success_usd: 1, minutes_saved: 5 }, 'minutes_saved'],
      [{ minutes_saved: 5 }, 'hourly_rate_usd'],
      [{ hourly_rate_usd: 50 }, 'minutes_saved'],
      [{ value_per_success_usd: -1 }, 'value_per_success_usd'],
      [{ value_per_success_usd: 1_000_001 }, 'value_per_success_usd'],
      [{ value_per_success_usd: '2.5' }, 'value_per_success_usd'],
      [{ minutes_saved: 0, hourly_rate_usd: 50 }, 'minutes_saved'],
      [{ minutes_saved: 10_081, hourly_rate_usd: 50 }, 'minutes_saved'],
      [{ minutes_saved: 5, hourly_rate_usd: 10_001 }, 'hourly_rate_usd'],
      [{ value_per_success_usd: 1, success: 'score' }, 'success_score'],
      [{ value_per_success_usd: 1, success_score: 'resolved' }, 'success_score'],
      [{ value_per_success_usd: 1, success: 'score', success_score: 'bad name' }, 'success_score'],
      [{ value_per_success_usd: 1, success: 'always' }, 'success'],
      [{ value_per_success_usd: 1, bonus: 2 }, 'bonus'],
    ] as const) {
      const res = await putValue('new-agent', body);
      const answer = (await res.json()) as { issues?: Array<{ path: string }> };
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(answer.issues?.map((i) => i.path).join(','), JSON.stringify(body)).toContain(field);
    }
    const tooLong = await putValue('a'.repeat(129), { value_per_success_usd: 1 });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('agent_id');
    expect((await fetch(`${srv.url}/api/v1/impact/agents/new-agent`, { headers: headers(ws) })).status).toBe(404);
  });

  it("another workspace's settings and calls never count", async () => {
    const mine = await getAnalytics(srv.url, ws, '/impact/by-agent', { range: '30d' });
    expect(mine.data.map((d: { agent_id: string }) => d.agent_id)).not.toContain('data-analyst');
    const theirs = await getAnalytics(srv.url, other, '/impact/by-agent', { range: '30d' });
    expect(theirs.data).toHaveLength(1);
    expect(theirs.data[0]).toMatchObject({ agent_id: 'data-analyst', tasks: 1, successes: 1, value_usd: 999 });
    expect(theirs.unconfigured.map((u: { agent_id: string }) => u.agent_id).sort()).toEqual([
      'code-reviewer',
      'researcher',
      'support-bot',
    ]);
  });
});
