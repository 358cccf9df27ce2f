import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestTraces } from '../src/ingest/ingest-traces.js';
import { ROLLUP_SPECS, verifyRollups } from '@pulse/verify';
import { seededTraces } from './dataset.js';
import { sendScores, sendTraces, startTestServer, type TestServer } from './harness.js';

const DAY = 86_400_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;

describe('verifyRollups', () => {
  let srv: TestServer;
  let ws: { workspace_id: string; api_key: string };
  let other: { workspace_id: string; api_key: string };

  beforeAll(async () => {
    srv = await startTestServer();
    ws = await srv.createWorkspace('verify');
    other = await srv.createWorkspace('verify-other');
    const traces = seededTraces(11, start, 2000);
    for (let i = 0; i < traces.length; i += 500) {
      expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 500) })).status).toBe(200);
    }
    await sendTraces(srv.url, ws.api_key, { traces: traces.slice(100, 900) });
    const otherTraces = seededTraces(12, start, 300);
    await sendTraces(srv.url, other.api_key, { traces: otherTraces });
    // Scores of the three types, one replaced, for the score rollups.
    const scoresOf = (list: typeof traces) =>
      list.slice(0, 300).flatMap((trace, i) => [
        { trace_id: trace.trace_id, name: 'helpfulness', value: (i % 10) / 10, source: 'llm' },
        { trace_id: trace.trace_id, name: 'resolved', value: i % 3 === 0, source: 'human' },
        { trace_id: trace.trace_id, name: 'sentiment', value: ['positive', 'neutral', 'negative'][i % 3], source: 'rule' },
      ]);
    for (const [key, list] of [
      [ws.api_key, traces],
      [other.api_key, otherTraces],
    ] as const) {
      expect((await sendScores(srv.url, key, { scores: scoresOf(list) })).status).toBe(200);
    }
    expect((await sendScores(srv.url, ws.api_key, { scores: [{ trace_id: traces[0]!.trace_id, name: 'helpfulness', value: 0.25, source: 'llm' }] })).status).toBe(200);
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('finds no drift after ingest, in every table, and runs the beforeCompare step first', async () => {
    const steps: string[] = [];
    const report = await verifyRollups(srv.database, { beforeCompare: async () => void steps.push('before') });
    expect(steps).toEqual(['before']);
    expect(report.tables.map((t) => t.table)).toEqual(ROLLUP_SPECS.map((s) => s.table));
    expect(report.tables).toHaveLength(19);
    for (const t of report.tables) {
      expect(t, t.table).toMatchObject({ missing: 0, extra: 0, differing: 0, examples: [] });
      expect(t.actualRows, t.table).toBe(t.expectedRows);
      expect(t.expectedRows, t.table).toBeGreaterThan(0);
    }
    expect(report.ok).toBe(true);
    const one = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
    expect(one.ok).toBe(true);
    const hourly = one.tables.find((t) => t.table === 'stats_hourly')!;
    expect(hourly.expectedRows).toBeLessThan(report.tables.find((t) => t.table === 'stats_hourly')!.expectedRows);
  });

  it('reports a changed, a deleted and an invented rollup row, each in its own table', async () => {
    const db = srv.database;
    const w = ws.workspace_id;
    // One row per corruption, chosen deterministically.
    await db.rows(sql`update stats_hourly set calls = calls + 1
      where (workspace_id, bucket, agent_id, model) = (select workspace_id, bucket, agent_id, model from stats_hourly where workspace_id = ${w}::uuid order by bucket, agent_id, model limit 1)`);
    await db.rows(sql`update stats_minutely set flag_counts = array[9]::bigint[]
      where (workspace_id, bucket, agent_id, model) = (select workspace_id, bucket, agent_id, model from stats_minutely where workspace_id = ${w}::uuid order by bucket, agent_id, model limit 1)`);
    await db.rows(sql`delete from user_stats_daily
      where (workspace_id, dim, bucket, user_id) = (select workspace_id, dim, bucket, user_id from user_stats_daily where workspace_id = ${w}::uuid order by bucket, dim, user_id limit 1)`);
    await db.rows(sql`insert into latency_hist_hourly (workspace_id, dim, bucket, bins, counts) values (${w}::uuid, '', '1999-01-01T00:00:00Z', '{7}', '{3}')`);
    await db.rows(sql`update score_stats_hourly set value_sum = value_sum + 0.5
      where (workspace_id, bucket, name, agent_id, model, type, category) = (select workspace_id, bucket, name, agent_id, model, type, category from score_stats_hourly where workspace_id = ${w}::uuid order by bucket, name, agent_id, model, type, category limit 1)`);
    await db.rows(sql`delete from score_stats_daily
      where (workspace_id, bucket, name, agent_id, model, type, category) = (select workspace_id, bucket, name, agent_id, model, type, category from score_stats_daily where workspace_id = ${w}::uuid order by bucket, name, agent_id, model, type, category limit 1)`);
    // A group of count 0 is skipped, as readers skip it; one with a count is not.
    await db.rows(sql`insert into score_stats_hourly (workspace_id, bucket, name, agent_id, model, type, category, count, value_sum, last_written)
      values (${w}::uuid, '1999-01-01T00:00:00Z', 'emptied', 'a', 'm', 'numeric', '', 0, 0, now()), (${w}::uuid, '1999-01-01T00:00:00Z', 'invented', 'a', 'm', 'numeric', '', 2, 1.5, now())`);
    await db.rows(sql`update tag_pair_stats_daily set cost_nanos = cost_nanos + 1
      where (workspace_id, bucket, tag, other_tag) = (select workspace_id, bucket, tag, other_tag from tag_pair_stats_daily where workspace_id = ${w}::uuid order by bucket, tag, other_tag limit 1)`);
    await db.rows(sql`update user_stats_weekly set tokens = tokens + 1
      where (workspace_id, dim, bucket, user_id) = (select workspace_id, dim, bucket, user_id from user_stats_weekly where workspace_id = ${w}::uuid order by bucket, user_id limit 1)`);
    await db.rows(sql`update user_last_calls set last_call = last_call - interval '1 hour'
      where (workspace_id, user_id) = (select workspace_id, user_id from user_last_calls where workspace_id = ${w}::uuid order by user_id limit 1)`);
    await db.rows(sql`update error_stats_daily set last_message = 'tampered'
      where (workspace_id, bucket, error_type, agent_id, model) = (select workspace_id, bucket, error_type, agent_id, model from error_stats_daily where workspace_id = ${w}::uuid order by bucket, error_type, agent_id, model limit 1)`);

    const report = await verifyRollups(db);
    expect(report.ok).toBe(false);
    const drift = Object.fromEntries(report.tables.map((t) => [t.table, [t.missing, t.extra, t.differing]]));
    expect(drift).toEqual({
      stats_minutely: [0, 0, 1],
      stats_hourly: [0, 0, 1],
      stats_by_tag_hourly: [0, 0, 0],
      tag_pair_stats_hourly: [0, 0, 0],
      user_stats_hourly: [0, 0, 0],
      latency_hist_hourly: [0, 1, 0],
      error_stats_hourly: [0, 0, 0],
      error_stats_by_tag_hourly: [0, 0, 0],
      score_stats_hourly: [0, 1, 1],
      stats_daily: [0, 0, 0],
      stats_by_tag_daily: [0, 0, 0],
      tag_pair_stats_daily: [0, 0, 1],
      user_stats_daily: [1, 0, 0],
      latency_hist_daily: [0, 0, 0],
      error_stats_daily: [0, 0, 1],
      error_stats_by_tag_daily: [0, 0, 0],
      score_stats_daily: [1, 0, 0],
      user_stats_weekly: [0, 0, 1],
      user_last_calls: [0, 0, 1],
    });
    const stats = report.tables.find((t) => t.table === 'stats_hourly')!.examples[0]!;
    expect(stats.kind).toBe('differs');
    expect(Number(stats.actual!.calls)).toBe(Number(stats.expected!.calls) + 1);
    const invented = report.tables.find((t) => t.table === 'latency_hist_hourly')!.examples[0]!;
    expect(invented).toMatchObject({ kind: 'extra', expected: null, actual: { bins: [7], counts: [3] } });
    const tampered = report.tables.find((t) => t.table === 'error_stats_daily')!.examples[0]!;
    expect(tampered.actual!.last_message).toBe('tampered');
    expect(tampered.expected!.last_message).not.toBe('tampered');
    const scores = report.tables.find((t) => t.table === 'score_stats_hourly')!;
    const changedSum = scores.examples.find((e) => e.kind === 'differs')!;
    expect(Number(changedSum.actual!.value_sum)).toBeCloseTo(Number(changedSum.expected!.value_sum) + 0.5, 9);
    expect(scores.examples.find((e) => e.kind === 'extra')!.actual).toMatchObject({ name: 'invented' });
    // Scoped to the other workspace, whose rows were not touched, there is no drift.
    const otherReport = await verifyRollups(db, { workspaceId: other.workspace_id });
    expect(otherReport.ok).toBe(true);
    expect(otherReport.tables.every((t) => t.expectedRows > 0)).toBe(true);
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs `npm run verify` with the given environment; resolves with exit code and output. */
function runVerifyCommand(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child = spawn('npm', ['run', '--silent', 'verify'], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

describe('npm run verify', () => {
  let store: ScratchDatabase;
  beforeAll(async () => {
    store = await createScratchDatabase(process.env.DATABASE_URL);
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('exits 0 when rollups reconcile and 1 with a report of the drift', async () => {
    const db = await store.open();
    try {
      const res = await ingestTraces(db, '0193a000-0000-7000-8000-000000000001', seededTraces(5, start, 400), { redactPii: false });
      expect(res.accepted).toBe(400);
    } finally {
      await db.close();
    }
    const clean = await runVerifyCommand(store.env);
    expect(clean.out).toContain('Rollups reconcile with raw traces and scores.');
    expect(clean.code).toBe(0);

    const again = await store.open();
    try {
      await again.rows(sql`delete from stats_daily where bucket = (select min(bucket) from stats_daily)`);
    } finally {
      await again.close();
    }
    const drifted = await runVerifyCommand(store.env);
    expect(drifted.out).toContain('DRIFT');
    expect(drifted.out).toMatch(/stats_daily\s+rows\s+\d+ \/ expected\s+\d+\s+missing [1-9]/);
    expect(drifted.code).toBe(1);
  });
});
