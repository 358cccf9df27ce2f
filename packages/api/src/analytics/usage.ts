import { round2, type Granularity } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { type QueryContext, rows } from './context.js';
import { msOf, nanosOf, num, usdFromNanos } from './convert.js';
import { statsRows, userRows } from './sources.js';
import { bucketStarts, iso, planWindow, previousWindow, type TimeWindow } from './window.js';

/** Calls, distinct agents and distinct named users of one window, in one statement. */
async function usageFigures(q: QueryContext, w: TimeWindow) {
  const [r] = await rows<{ calls: unknown; agents: unknown; users: unknown }>(
    q,
    // One pass over the stats rows gives both the calls and the distinct agents; count(*) over a
    // grouping hashes the users, where count(distinct) would sort every user row.
    sql`select s.calls, s.agents, (select count(*)::float8 from (select user_id from (${userRows(q.scope, planWindow(w))}) u group by 1) g) as users
        from (select coalesce(sum(calls), 0)::float8 as calls, count(distinct agent_id)::float8 as agents
              from (${statsRows(q.scope, planWindow(w), null)}) st) s`,
  );
  const calls = num(r?.calls);
  const users = num(r?.users);
  return {
    total_calls: calls,
    unique_users: users,
    active_agents: num(r?.agents),
    avg_calls_per_user: users > 0 ? round2(calls / users) : null,
  };
}

export async function usageOverview(q: QueryContext, w: TimeWindow) {
  // The two windows are independent figures: two statements, run side by side on the pool.
  const [current, previous] = await Promise.all([usageFigures(q, w), usageFigures(q, previousWindow(w))]);
  return { from: iso(w.from), to: iso(w.to), ...current, previous };
}

export async function callsOverTime(q: QueryContext, w: TimeWindow, g: Granularity) {
  const found = await rows<{ bucket: unknown; calls: unknown }>(
    q,
    sql`select bucket, sum(calls)::float8 as calls from (${statsRows(q.scope, planWindow(w, g), g)}) s group by 1`,
  );
  const byBucket = new Map(found.map((r) => [msOf(r.bucket), num(r.calls)]));
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    data: bucketStarts(w, g).map((t) => ({ timestamp: iso(t), calls: byBucket.get(t) ?? 0 })),
  };
}

export async function agentDistribution(q: QueryContext, w: TimeWindow) {
  const found = await rows<{ agent_id: string; calls: unknown }>(
    q,
    sql`select agent_id, sum(calls)::float8 as calls from (${statsRows(q.scope, planWindow(w), null)}) s
        group by 1 having sum(calls) > 0 order by 2 desc, agent_id collate "C" asc`,
  );
  const total = found.reduce((n, r) => n + num(r.calls), 0);
  return {
    from: iso(w.from),
    to: iso(w.to),
    total_calls: total,
    data: found.map((r) => ({ agent_id: r.agent_id, calls: num(r.calls), percentage: round2((num(r.calls) / total) * 100) })),
  };
}

interface UserTotals {
  user_id: string;
  calls: number;
  cost: bigint;
  tokens: number;
  last_seen: number;
}

/**
 * Per-user totals of a window, computed as two statements side by side on the pool: the raw
 * edges and hourly rollups, and the daily rollups (each with the queued traces of its own
 * segments, so a fold between the two statements neither loses nor doubles a trace).
 */
async function userTotals(q: QueryContext, w: TimeWindow): Promise<Map<string, UserTotals>> {
  const plan = planWindow(w);
  const parts = [
    { raw: plan.raw, hourly: plan.hourly, daily: [] },
    { raw: [], hourly: [], daily: plan.daily },
  ].filter((p) => p.raw.length + p.hourly.length + p.daily.length > 0);
  const results = await Promise.all(
    parts.map((part) =>
      rows<{ user_id: string; calls: unknown; cost: unknown; tokens: unknown; last_seen: unknown }>(
        q,
        sql`select user_id, sum(calls)::float8 as calls, sum(cost_nanos)::text as cost, sum(tokens)::float8 as tokens, max(last_seen) as last_seen
            from (${userRows(q.scope, part)}) u group by 1`,
      ),
    ),
  );
  const totals = new Map<string, UserTotals>();
  for (const r of results.flat()) {
    const t = totals.get(r.user_id);
    const row = { calls: num(r.calls), cost: nanosOf(r.cost), tokens: num(r.tokens), last_seen: msOf(r.last_seen) };
    if (!t) totals.set(r.user_id, { user_id: r.user_id, ...row });
    else {
      t.calls += row.calls;
      t.cost += row.cost;
      t.tokens += row.tokens;
      t.last_seen = Math.max(t.last_seen, row.last_seen);
    }
  }
  return totals;
}

/** Code-point order, as PostgreSQL's COLLATE "C" (UTF-16 comparison differs above the BMP). */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export async function topUsers(q: QueryContext, w: TimeWindow, limit: number) {
  const top = [...(await userTotals(q, w)).values()]
    .sort((a, b) => b.calls - a.calls || byCodePoint(a.user_id, b.user_id))
    .slice(0, limit);
  return {
    from: iso(w.from),
    to: iso(w.to),
    data: top.map((u) => ({
      user_id: u.user_id,
      calls: u.calls,
      cost_usd: usdFromNanos(u.cost),
      total_tokens: u.tokens,
      last_seen: iso(u.last_seen),
    })),
  };
}
