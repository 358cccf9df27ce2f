import { openTestDatabase } from '@pulse/db/testing';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ensureDemoWorkspace } from '../src/demo/seed-demo.js';

const logger = pino({ level: 'silent' });
const now = new Date('2026-11-20T12:00:00.000Z');

async function seedAndSummarize() {
  const database = await openTestDatabase();
  try {
    const demo = await ensureDemoWorkspace(database, logger, { seed: 7, now, days: 30, targetTraces: 6000 });
    const [summary] = await database.rows<Record<string, unknown>>(
      sql`select count(*)::int as n, sum(cost_nanos)::text as cost, count(distinct user_id)::int as users,
            sum(is_error)::int as errors, md5(string_agg(trace_id || agent_id || model || latency_ms::text, ',' order by trace_id)) as digest
          from traces where workspace_id = ${demo.workspaceId}::uuid`,
    );
    // Scores on a share of the calls, of each type, the same for the same seed.
    const scores = await database.rows<{ name: string; type: string; n: number; avg: number | null; digest: string }>(
      sql`select name, type, count(*)::int as n, round(avg(numeric_value)::numeric, 6)::float8 as avg,
            md5(string_agg(trace_id || source || coalesce(numeric_value::text, categorical_value), ',' order by trace_id, source)) as digest
          from scores where workspace_id = ${demo.workspaceId}::uuid group by 1, 2 order by 1`,
    );
    expect(scores.map((s) => [s.name, s.type])).toEqual([['helpfulness', 'numeric'], ['resolved', 'boolean'], ['sentiment', 'categorical']]);
    for (const s of scores) expect(s.n).toBeGreaterThan(100);
    // Sessions of several calls, prompt and completion text, and a budget whose alert shows.
    const [shape] = await database.rows<{ sessions: number; multi: number; texts: number; budget: string; mtd: string }>(
      sql`select (select count(distinct session_id)::int from traces where workspace_id = ${demo.workspaceId}::uuid) as sessions,
            (select count(*)::int from (select 1 from traces where workspace_id = ${demo.workspaceId}::uuid and session_id is not null
               group by session_id having count(*) > 1) m) as multi,
            (select count(*)::int from traces where workspace_id = ${demo.workspaceId}::uuid and input is not null) as texts,
            (select monthly_limit_nanos::text from budgets where workspace_id = ${demo.workspaceId}::uuid) as budget,
            (select sum(cost_nanos)::text from traces where workspace_id = ${demo.workspaceId}::uuid and "timestamp" >= '2026-11-01T00:00:00Z') as mtd`,
    );
    expect(shape!.multi).toBeGreaterThan(100);
    expect(shape!.texts).toBeGreaterThan(summary!.n as number / 3);
    const used = Number(shape!.mtd) / Number(shape!.budget);
    expect(used).toBeGreaterThanOrEqual(0.8);
    expect(used).toBeLessThan(1);
    // A restart keeps the data and only issues a new key.
    const again = await ensureDemoWorkspace(database, logger, { seed: 7, now, days: 30, targetTraces: 6000 });
    expect(again.workspaceId).toBe(demo.workspaceId);
    expect(again.seeded).toBe(0);
    expect(again.apiKey).not.toBe(demo.apiKey);
    const [active] = await database.rows<{ n: number }>(
      sql`select count(*)::int as n from api_keys where workspace_id = ${demo.workspaceId}::uuid and revoked_at is null`,
    );
    expect(active!.n).toBe(1);
    const valued = await database.rows(sql`select agent_id, success from agent_values where workspace_id = ${demo.workspaceId}::uuid order by agent_id`);
    expect(valued.length).toBe(6);
    return { seeded: demo.seeded, summary, scores, valued };
  } finally {
    await database.close();
  }
}

describe('demo seeding', () => {
  it('is deterministic for a given seed and kept on restart', async () => {
    const a = await seedAndSummarize();
    const b = await seedAndSummarize();
    expect(a.seeded).toBeGreaterThan(5000);
    expect(a.summary!.n).toBe(a.seeded);
    expect(b).toEqual(a);
  });
});
