import type { Database } from '@pulse/db';
import { round4 } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallFilters, callsWhere } from './call-filters.js';
import { getAnalytics, makeTrace, sendScores, sendTraces, startTestServer, type TestServer } from './harness.js';
import { expectScoreRollupsExact } from './score-rollups-check.js';

/**
 * Quality figures (docs/API_SPEC.md §10) against plain SQL over raw rows: scores joined to
 * the traces they score, the window, agent, model and tag read from the trace itself.
 */

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Whole hours, 5 days back: custom windows with edges inside hours and days.
const END = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const AGENTS = ['support-bot', 'code-reviewer', 'researcher'];
const MODELS = ['gpt-4o', 'claude-3-5-haiku'];
const SENTIMENTS = ['positive', 'neutral', 'negative'];

/** A small deterministic generator: the data differs per run of i, not per run of the test. */
const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!;

type Filters = CallFilters;

const where = (w: { from: number; to: number }, f: Filters): SQL => callsWhere('s', ws.workspace_id, w, f);
const joined = sql`scores s join traces t on t.workspace_id = s.workspace_id and t.id = s.trace_row_id`;

/** The reference: per name, its type, count, average (avg() of the stored 1/0 or number) and categories. */
async function referenceOverview(db: Database, w: { from: number; to: number }, f: Filters) {
  const rows = await db.rows<{ name: string; type: string; count: number; avg: number | null }>(
    sql`select s.name, s.type, count(*)::int as count, avg(s.numeric_value)::float8 as avg from ${joined} where ${where(w, f)} group by 1, 2 order by 1`,
  );
  const cats = await db.rows<{ name: string; value: string; count: number }>(
    sql`select s.name, s.categorical_value as value, count(*)::int as count from ${joined}
        where ${where(w, f)} and s.type = 'categorical' group by 1, 2 order by 3 desc, 2`,
  );
  return rows.map((r) => ({
    name: r.name,
    type: r.type,
    count: r.count,
    avg: r.avg === null ? null : round4(r.avg),
    distribution: r.type === 'categorical' ? Object.fromEntries(cats.filter((c) => c.name === r.name).map((c) => [c.value, c.count])) : null,
  }));
}

async function referenceTrend(db: Database, w: { from: number; to: number }, f: Filters, name: string, step: string) {
  return db.rows<{ bucket: string; count: number; avg: number | null }>(
    sql`select to_char(date_bin(${sql.raw(`'${step}'`)}, t."timestamp", timestamptz '2000-01-01T00:00:00Z') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as bucket,
          count(*)::int as count, avg(s.numeric_value)::float8 as avg
        from ${joined} where ${where(w, f)} and s.name = ${name} group by 1 order by 1`,
  );
}

async function referenceByAgent(db: Database, w: { from: number; to: number }, f: Filters, name: string) {
  const rows = await db.rows<{ agent_id: string; count: number; avg: number | null }>(
    sql`select t.agent_id, count(*)::int as count, avg(s.numeric_value)::float8 as avg
        from ${joined} where ${where(w, f)} and s.name = ${name} group by 1 order by 2 desc, t.agent_id collate "C"`,
  );
  return rows.map((r) => ({ ...r, avg: r.avg === null ? null : round4(r.avg) }));
}

async function postScores(scores: unknown[]) {
  const res = await sendScores(srv.url, ws.api_key, { scores });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('quality');
  // 400 calls over 5 days, one every ~18 minutes, with a gap of 6 hours (empty buckets).
  const traces = Array.from({ length: 400 }, (_, i) => ({ i, ts: END - i * 18 * 60_000 - (i % 7) * 1_000 }))
    .filter(({ ts }) => ts < END - 30 * HOUR || ts >= END - 24 * HOUR)
    .map(({ i, ts }) =>
      makeTrace({ trace_id: `q-${i}`, timestamp: iso(ts), agent_id: pick(AGENTS, i), model: pick(MODELS, i >> 1), tags: i % 3 === 0 ? ['vip'] : [] }),
    );
  for (let k = 0; k < traces.length; k += 200) expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(k, k + 200) })).status).toBe(200);
  const scores: unknown[] = [];
  for (const t of traces) {
    const i = Number(String(t.trace_id).slice(2));
    if (i % 4 !== 3) scores.push({ trace_id: t.trace_id, name: 'helpfulness', value: ((i * 37) % 101) / 100, source: 'llm' });
    if (i % 5 === 0) scores.push({ trace_id: t.trace_id, name: 'helpfulness', value: ((i * 13) % 11) / 10, source: 'human' });
    if (i % 2 === 0) scores.push({ trace_id: t.trace_id, name: 'resolved', value: i % 6 !== 0, source: 'human' });
    if (i % 3 !== 1) scores.push({ trace_id: t.trace_id, name: 'sentiment', value: pick(SENTIMENTS, (i * 7) % 5), source: 'rule' });
  }
  for (let k = 0; k < scores.length; k += 500) await postScores(scores.slice(k, k + 500));
});
afterAll(async () => {
  await srv?.close();
});

const WINDOWS = [
  { label: 'two days, edges inside hours', from: END - 2 * DAY - 17 * 60_000 - 3_250, to: END - 25_000 },
  { label: 'six hours with a gap', from: END - 32 * HOUR, to: END - 26 * HOUR + 60_000 },
  { label: 'five days', from: END - 5 * DAY, to: END + HOUR },
];
const FILTERS: Filters[] = [{}, { agent_id: 'support-bot' }, { model: 'gpt-4o' }, { tag: 'vip' }, { agent_id: 'researcher', tag: 'vip' }];
const params = (w: { from: number; to: number }, f: Filters, extra: Record<string, string> = {}) => ({ range: 'custom', from: iso(w.from), to: iso(w.to), ...f, ...extra });

describe.each(WINDOWS)('$label', (w) => {
  it.each(FILTERS)('overview with %o matches plain SQL, previous window included', async (f) => {
    const got = await getAnalytics(srv.url, ws, '/quality/overview', params(w, f));
    const previous = { from: w.from - (w.to - w.from), to: w.from };
    const [now, before] = await Promise.all([referenceOverview(srv.database, w, f), referenceOverview(srv.database, previous, f)]);
    expect(got.from).toBe(iso(w.from));
    expect(got.to).toBe(iso(w.to));
    expect(got.data).toEqual(
      now.map((r) => ({ ...r, avg: r.type === 'categorical' ? null : r.avg, previous_avg: r.type === 'categorical' ? null : (before.find((b) => b.name === r.name)?.avg ?? null) })),
    );
    // The distribution's keys come most frequent first.
    const sentiment = got.data.find((d: { name: string }) => d.name === 'sentiment');
    if (sentiment) expect(Object.values(sentiment.distribution as Record<string, number>)).toEqual(Object.values(sentiment.distribution).sort((a: any, b: any) => b - a));
  });

  it.each(FILTERS)('trend and by-agent with %o match plain SQL', async (f) => {
    for (const name of ['helpfulness', 'resolved', 'sentiment', 'never-scored']) {
      for (const [granularity, step, ms] of [['hour', '1 hour', HOUR], ['day', '1 day', DAY]] as const) {
        const got = await getAnalytics(srv.url, ws, '/quality/trend', params(w, f, { name, granularity }));
        const ref = new Map((await referenceTrend(srv.database, w, f, name, step)).map((r) => [r.bucket, r]));
        const starts: string[] = [];
        for (let t = Math.floor(w.from / ms) * ms; t < w.to; t += ms) starts.push(iso(t));
        expect(got.granularity).toBe(granularity);
        expect(got.data).toEqual(
          starts.map((timestamp) => {
            const r = ref.get(timestamp);
            return { timestamp, count: r?.count ?? 0, avg: r && r.avg !== null && name !== 'sentiment' ? round4(r.avg) : null };
          }),
        );
      }
      const byAgent = await getAnalytics(srv.url, ws, '/quality/by-agent', params(w, f, { name }));
      expect(byAgent.data).toEqual(await referenceByAgent(srv.database, w, f, name));
    }
  });
});

/** Every quality answer for a window and filters against plain SQL (the checks above, in one). */
async function expectAllMatch(w: { from: number; to: number }, f: Filters) {
  const got = await getAnalytics(srv.url, ws, '/quality/overview', params(w, f));
  const ref = await referenceOverview(srv.database, w, f);
  expect(got.data.map((d: Record<string, unknown>) => ({ name: d.name, type: d.type, count: d.count, avg: d.avg, distribution: d.distribution }))).toEqual(
    ref.map((r) => ({ ...r, avg: r.type === 'categorical' ? null : r.avg })),
  );
  for (const name of ['helpfulness', 'resolved', 'sentiment']) {
    const trend = await getAnalytics(srv.url, ws, '/quality/trend', params(w, f, { name, granularity: 'hour' }));
    const byBucket = new Map((await referenceTrend(srv.database, w, f, name, '1 hour')).map((r) => [r.bucket, r]));
    for (const p of trend.data as Array<{ timestamp: string; count: number; avg: number | null }>) {
      const r = byBucket.get(p.timestamp);
      expect(p, `${name} at ${p.timestamp}`).toEqual({ timestamp: p.timestamp, count: r?.count ?? 0, avg: r && r.avg !== null && name !== 'sentiment' ? round4(r.avg) : null });
    }
    expect((await getAnalytics(srv.url, ws, '/quality/by-agent', params(w, f, { name }))).data).toEqual(await referenceByAgent(srv.database, w, f, name));
  }
}

describe('score rollups follow every write', () => {
  const ragged = WINDOWS[0]!;

  it('hold exactly the stored scores after the initial writes', async () => {
    await expectScoreRollupsExact(srv.database, ws.workspace_id);
  });

  it('a replaced score leaves its old value and category behind', async () => {
    const replaced: unknown[] = [];
    for (let i = 0; i < 400; i += 3) {
      replaced.push({ trace_id: `q-${i}`, name: 'helpfulness', value: 1e6 + i / 7, source: 'llm' });
      replaced.push({ trace_id: `q-${i}`, name: 'sentiment', value: pick(SENTIMENTS, i + 1), source: 'rule' });
      replaced.push({ trace_id: `q-${i}`, name: 'resolved', value: i % 2 === 1, source: 'human' });
    }
    // Twice in one batch and again in another: the last value stays, once.
    const res = await sendScores(srv.url, ws.api_key, { scores: [...replaced, ...replaced.slice(0, 30)] });
    expect(res.status, JSON.stringify(res.body)).toBe(207);
    await postScores(replaced.slice(0, 60));
    await expectScoreRollupsExact(srv.database, ws.workspace_id);
    for (const f of [{}, { agent_id: 'support-bot' }, { model: 'claude-3-5-haiku', tag: 'vip' }]) await expectAllMatch(ragged, f);
  });

  it('a late score of an old call lands in that call\'s hour and day', async () => {
    const old = Array.from({ length: 40 }, (_, k) => ({ trace_id: `q-${399 - k}`, name: 'resolved', value: k % 3 === 0, source: 'api' }));
    await postScores(old);
    await expectScoreRollupsExact(srv.database, ws.workspace_id);
    await expectAllMatch(WINDOWS[2]!, {});
    await expectAllMatch({ from: END - 5 * DAY + 7 * 60_000 + 11, to: END - 3 * DAY - 50 * 60_000 }, { model: 'gpt-4o' });
  });

  it('concurrent writers of the same and of different keys leave the rollups exact', async () => {
    const batch = (c: number) =>
      Array.from({ length: 120 }, (_, k) => ({ trace_id: `q-${(k * 7 + c * 13) % 400}`, name: k % 2 ? 'helpfulness' : 'sentiment', value: k % 2 ? c + k / 100 : pick(SENTIMENTS, c + k), source: 'api' }));
    const answers = await Promise.all(Array.from({ length: 6 }, (_, c) => sendScores(srv.url, ws.api_key, { scores: batch(c) })));
    // Some trace_ids fall in the gap of the dataset: those items are rejected, never a 5xx.
    for (const a of answers) expect([200, 207]).toContain(a.status);
    await expectScoreRollupsExact(srv.database, ws.workspace_id);
    await expectAllMatch(ragged, { agent_id: 'researcher' });
  });

  it("a group's latest write follows when its latest score leaves and an older one stops deciding", async () => {
    // Two calls of one group (hour, agent, model): the older `positive` score is the llm's on
    // lw-a, the newer the rule's on lw-b. One batch then moves lw-b's to `negative` and gives
    // lw-a a human verdict, so the llm's score stops deciding: it leaves and enters its group
    // again with its old write time, and the group's latest write must fall back to it.
    const at = iso(END - 3 * HOUR + 60_000);
    const calls = ['lw-a', 'lw-b'].map((trace_id) => makeTrace({ trace_id, timestamp: at, agent_id: 'support-bot', model: 'gpt-4o' }));
    expect((await sendTraces(srv.url, ws.api_key, { traces: calls })).status).toBe(200);
    await postScores([{ trace_id: 'lw-a', name: 'sentiment', value: 'positive', source: 'llm' }]);
    await postScores([{ trace_id: 'lw-b', name: 'sentiment', value: 'positive', source: 'rule' }]);
    await postScores([
      { trace_id: 'lw-b', name: 'sentiment', value: 'negative', source: 'rule' },
      { trace_id: 'lw-a', name: 'sentiment', value: 'negative', source: 'human' },
    ]);
    await expectScoreRollupsExact(srv.database, ws.workspace_id);
  });
});

describe('quality answers', () => {
  it('boolean averages are the share of true; the trend has null averages in empty buckets', async () => {
    const w = WINDOWS[1]!;
    const trend = await getAnalytics(srv.url, ws, '/quality/trend', params(w, {}, { name: 'resolved', granularity: 'hour' }));
    expect(trend.data.some((p: { count: number; avg: number | null }) => p.count === 0 && p.avg === null)).toBe(true);
    const overview = await getAnalytics(srv.url, ws, '/quality/overview', params(WINDOWS[2]!, {}));
    const resolved = overview.data.find((d: { name: string }) => d.name === 'resolved');
    expect(resolved.type).toBe('boolean');
    expect(resolved.avg).toBeGreaterThan(0);
    expect(resolved.avg).toBeLessThan(1);
  });

  it('a new score is seen by the next read (cached answers are invalidated on write)', async () => {
    const w = { range: '24h' };
    const before = await getAnalytics(srv.url, ws, '/quality/by-agent', { ...w, name: 'fresh-name' });
    expect(before.data).toEqual([]);
    await postScores([{ trace_id: 'q-0', name: 'fresh-name', value: 3 }]);
    const after = await getAnalytics(srv.url, ws, '/quality/by-agent', { ...w, name: 'fresh-name' });
    expect(after.data).toEqual([{ agent_id: 'support-bot', count: 1, avg: 3 }]);
  });

  it('parameter errors are 400s naming the field', async () => {
    const headers = { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id };
    for (const [path, query, field] of [
      ['/quality/trend', '', 'name'],
      ['/quality/by-agent', 'name=bad%20name', 'name'],
      ['/quality/trend', 'name=x&granularity=week', 'granularity'],
      ['/quality/overview', 'name=x', 'name'],
      ['/quality/overview', 'range=2d', 'range'],
      ['/quality/by-agent', 'name=x&range=custom&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['/quality/trend', 'name=x&range=custom&from=2025-01-01T00:00:00Z&to=2025-12-01T00:00:00Z&granularity=minute', 'granularity'],
    ] as const) {
      const res = await fetch(`${srv.url}/api/v1${path}?${query}`, { headers });
      const body = (await res.json()) as { issues?: Array<{ path: string }> };
      expect(res.status, `${path}?${query}`).toBe(400);
      expect(body.issues?.map((i) => i.path)).toContain(field);
    }
  });
});
