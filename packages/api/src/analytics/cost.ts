import { type Granularity, round2, usdFromNanos } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { budgetView, monthOf } from './budget.js';
import { type QueryContext, rows } from './context.js';
import { num, instant, nanos } from './decode.js';
import { UNTAGGED } from '../rollups/tags.js';
import { statsRows, tagRows } from './sources.js';
import { bucketStarts, iso, planWindow, type TimeWindow } from './window.js';

export async function costOverview(q: QueryContext, w: TimeWindow) {
  const [[r], budget] = await Promise.all([
    rows(
      q,
      sql`select coalesce(sum(cost_nanos), 0)::text as cost, coalesce(sum(calls), 0)::float8 as calls,
            coalesce(sum(unpriced_calls), 0)::float8 as unpriced_calls
          from (${statsRows(q.scope, planWindow(w), null)}) s`,
      z.object({ cost: nanos, calls: num, unpriced_calls: num }),
    ),
    budgetView(monthOf(q)),
  ]);
  const total = usdFromNanos(r?.cost ?? 0n);
  const calls = r?.calls ?? 0;
  return {
    from: iso(w.from),
    to: iso(w.to),
    total_cost_usd: total,
    avg_cost_per_call_usd: calls > 0 ? total / calls : null,
    month_to_date_usd: budget.month_to_date_usd,
    projected_month_usd: budget.projected_month_usd,
    budget_usd: budget.monthly_limit_usd,
    budget_remaining_usd: budget.remaining_usd,
    budget_status: budget.status,
    unpriced_calls: r?.unpriced_calls ?? 0,
  };
}

/**
 * Spend per bucket of the `limit` models with most spend in the window (total desc, then name)
 * and of all others together (docs/API_SPEC.md §4): the answer stays bounded however many
 * models a workspace has. The top models are chosen in the database, so only their cells and
 * one "other" cell per bucket come back.
 */
export async function costTrend(q: QueryContext, w: TimeWindow, g: Granularity, limit: number) {
  const found = await rows(
    q,
    sql`with cells as (
          select bucket, model, sum(cost_nanos) as cost from (${statsRows(q.scope, planWindow(w, g), g)}) s group by 1, 2
        ), top as (
          select model, sum(cost) as total from cells group by 1 having sum(cost) > 0
          order by 2 desc, model collate "C" asc limit ${limit}
        )
        select c.bucket, t.model, t.total::text as total, sum(c.cost)::text as cost
        from cells c left join top t on t.model = c.model
        group by 1, 2, 3`,
    z.object({ bucket: instant, model: z.string().nullable(), total: nanos.nullable(), cost: nanos }),
  );
  // Sums stay in integer nano-dollars until they go on the wire.
  const totals = new Map<string, bigint>();
  const cells = new Map<number, Map<string | null, bigint>>();
  for (const r of found) {
    if (r.model !== null && r.total !== null) totals.set(r.model, r.total);
    if (!cells.has(r.bucket)) cells.set(r.bucket, new Map());
    cells.get(r.bucket)!.set(r.model, r.cost);
  }
  const models = [...totals.entries()]
    .sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) : a[1] > b[1] ? -1 : 1))
    .map(([m]) => m);
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    models,
    data: bucketStarts(w, g).map((t) => {
      const cell = cells.get(t);
      const by_model: Record<string, number> = {};
      const other = cell?.get(null) ?? 0n;
      let total = other;
      for (const m of models) {
        const nanos = cell?.get(m) ?? 0n;
        by_model[m] = usdFromNanos(nanos);
        total += nanos;
      }
      return { timestamp: iso(t), total_cost_usd: usdFromNanos(total), by_model, other_cost_usd: usdFromNanos(other) };
    }),
  };
}

export async function costByModel(q: QueryContext, w: TimeWindow) {
  const found = await rows(
    q,
    sql`select model, sum(cost_nanos)::text as cost, sum(calls)::float8 as calls, sum(input_tokens)::float8 as input_tokens,
          sum(output_tokens)::float8 as output_tokens, sum(unpriced_calls)::float8 as unpriced_calls
        from (${statsRows(q.scope, planWindow(w), null)}) s group by 1 having sum(calls) > 0
        order by sum(cost_nanos) desc, model collate "C" asc`,
    z.object({ model: z.string(), cost: nanos, calls: num, input_tokens: num, output_tokens: num, unpriced_calls: num }),
  );
  const total = usdFromNanos(found.reduce((n, r) => n + r.cost, 0n));
  return {
    from: iso(w.from),
    to: iso(w.to),
    total_cost_usd: total,
    data: found.map((r) => {
      const cost = usdFromNanos(r.cost);
      return {
        model: r.model,
        cost_usd: cost,
        calls: r.calls,
        input_tokens: r.input_tokens,
        output_tokens: r.output_tokens,
        avg_cost_per_call_usd: r.calls > 0 ? cost / r.calls : null,
        percentage: total > 0 ? round2((cost / total) * 100) : 0,
        unpriced_calls: r.unpriced_calls,
      };
    }),
  };
}

/**
 * Spend per tag (docs/API_SPEC.md §8): every tag carried by a call of the window, by cost desc
 * then tag; a call counts under each of its tags. The total is the window's spend under the
 * filters (each call once), read in the same statement so both come from one snapshot.
 */
export async function costByTag(q: QueryContext, w: TimeWindow) {
  const plan = planWindow(w);
  const found = await rows(
    q,
    sql`with per_tag as (select tag, sum(calls) as calls, sum(cost_nanos) as cost_nanos from (${tagRows(q.scope, plan)}) t group by 1),
          total as (select coalesce(sum(cost_nanos), 0)::text as cost from (${statsRows(q.scope, plan, null)}) s)
        select per_tag.tag, per_tag.calls::float8 as calls, per_tag.cost_nanos::text as cost, total.cost as total
        from total left join per_tag on true
        order by per_tag.cost_nanos desc, per_tag.tag collate "C" asc`,
    // With no calls in the window, the left join's one row has a null tag and null (0) figures.
    z.object({ tag: z.string().nullable(), calls: num, cost: nanos, total: nanos }),
  );
  const total = usdFromNanos(found[0]?.total ?? 0n);
  const untagged = found.find((r) => r.tag === UNTAGGED);
  return {
    from: iso(w.from),
    to: iso(w.to),
    total_cost_usd: total,
    untagged: { calls: untagged?.calls ?? 0, cost_usd: usdFromNanos(untagged?.cost ?? 0n) },
    data: found.flatMap((r) => {
      if (r.tag === null || r.tag === UNTAGGED) return [];
      const cost = usdFromNanos(r.cost);
      return [{ tag: r.tag, calls: r.calls, cost_usd: cost, percentage: total > 0 ? round2((cost / total) * 100) : 0 }];
    }),
  };
}
