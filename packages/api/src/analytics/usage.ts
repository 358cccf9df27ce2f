import { type Granularity, round2, usdFromNanos } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { type QueryContext, rows } from './context.js';
import { num, instant, nanos } from './decode.js';
import { countsOnly, statsRows } from './sources.js';
import { distinctUserCount, topUserRows } from './user-bounds.js';
import { bucketStarts, iso, planWindow, previousWindow, type TimeWindow } from './window.js';

/** Calls, distinct agents and distinct named users of one window, in one statement. */
async function usageFigures(q: QueryContext, w: TimeWindow) {
  const plan = planWindow(w);
  const scope = countsOnly(q.scope);
  const distinct = distinctUserCount(scope, w, plan);
  const [r] = await rows(
    q,
    // One pass over the stats rows gives both the calls and the distinct agents, through a
    // grouping by agent: count(distinct) would sort every stats row (200,000 at 30 days when
    // every call has an agent and model of its own, spilling to disk: docs/BENCHMARKS.md,
    // "High cardinality"), where the grouping hashes them into one row per agent.
    sql`${distinct.with} select s.calls, s.agents, ${distinct.count}::float8 as users
        from (select coalesce(sum(calls), 0)::float8 as calls, count(agent_id)::float8 as agents
              from (select agent_id, sum(calls::float8) as calls from (${statsRows(scope, plan, null)}) st group by 1) per_agent) s`,
    z.object({ calls: num, agents: num, users: num }),
  );
  const calls = r?.calls ?? 0;
  const users = r?.users ?? 0;
  return {
    total_calls: calls,
    unique_users: users,
    active_agents: r?.agents ?? 0,
    avg_calls_per_user: users > 0 ? round2(calls / users) : null,
  };
}

export async function usageOverview(q: QueryContext, w: TimeWindow) {
  // The two windows are independent figures: two statements, run side by side on the pool.
  const [current, previous] = await Promise.all([usageFigures(q, w), usageFigures(q, previousWindow(w))]);
  return { from: iso(w.from), to: iso(w.to), ...current, previous };
}

export async function callsOverTime(q: QueryContext, w: TimeWindow, g: Granularity) {
  const found = await rows(
    q,
    sql`select bucket, sum(calls)::float8 as calls from (${statsRows(countsOnly(q.scope), planWindow(w, g), g)}) s group by 1`,
    z.object({ bucket: instant, calls: num }),
  );
  const byBucket = new Map(found.map((r) => [r.bucket, r.calls]));
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    data: bucketStarts(w, g).map((t) => ({ timestamp: iso(t), calls: byBucket.get(t) ?? 0 })),
  };
}

export async function agentDistribution(q: QueryContext, w: TimeWindow) {
  const found = await rows(
    q,
    sql`select agent_id, sum(calls)::float8 as calls from (${statsRows(countsOnly(q.scope), planWindow(w), null)}) s
        group by 1 having sum(calls) > 0 order by 2 desc, agent_id collate "C" asc`,
    z.object({ agent_id: z.string(), calls: num }),
  );
  const total = found.reduce((n, r) => n + r.calls, 0);
  return {
    from: iso(w.from),
    to: iso(w.to),
    total_calls: total,
    data: found.map((r) => ({ agent_id: r.agent_id, calls: r.calls, percentage: round2((r.calls / total) * 100) })),
  };
}

export async function topUsers(q: QueryContext, w: TimeWindow, limit: number) {
  const found = await rows(
    q,
    topUserRows(q.scope, w, planWindow(w), limit),
    z.object({ user_id: z.string(), calls: num, cost: nanos, tokens: num, last_seen: instant }),
  );
  return {
    from: iso(w.from),
    to: iso(w.to),
    data: found.map((r) => ({
      user_id: r.user_id,
      calls: r.calls,
      cost_usd: usdFromNanos(r.cost),
      total_tokens: r.tokens,
      last_seen: iso(r.last_seen),
    })),
  };
}
