import { bare, resultRows, schema, timeBucket } from '@pulse/db';
import { catalogPrices } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { iso, type TimeWindow } from '../analytics/window.js';
import { dimRows, weeklyDimRows } from '../rollups/dims.js';
import { rolledTags, tagPairs } from '../rollups/tags.js';
import type { Override, Tx } from './overrides.js';
import { type CallTable, pricedSql } from './price-sql.js';

const {
  traces,
  rollupPending,
  rollupQuarantine,
  statsMinutely,
  statsHourly,
  statsDaily,
  statsByTagHourly,
  statsByTagDaily,
  tagPairStatsHourly,
  tagPairStatsDaily,
  userStatsHourly,
  userStatsDaily,
  userStatsWeekly,
} = schema;

/**
 * The calls of `t` whose cost changes under the model's new prices, each read once: `changed`
 * selects their row ids and (ts, agent_id, user_id, tags, d_cost, d_unpriced), the change signed by
 * `sign`, and `update` rewrites exactly those rows, fetched by row id (a TID scan of rows just
 * read, instead of a second pass over the table). A row id (ctid) is unique only within one
 * table: on TimescaleDB `traces` is a hypertable whose chunks each number their rows from the
 * start, so a row is named by its chunk (tableoid) and its ctid together. Calls with a client cost never change
 * (docs/API_SPEC.md §9). `name` is the CTE that holds `changed`.
 */
function repriced(t: CallTable, workspaceId: string, model: string, override: Override | undefined, span: TimeWindow, sign: 1 | -1, name: string) {
  const { cost, source } = pricedSql(t, override, catalogPrices(model));
  const s = sql.raw(String(sign));
  return {
    changed: sql`select row_table, row_id, ts, agent_id, user_id, tags, ${s} * (new_cost - old_cost) as d_cost,
        ${s} * ((new_source = 'unpriced')::int - (old_source = 'unpriced')::int) as d_unpriced
      from (select tableoid as row_table, ctid as row_id, ${t.timestamp} as ts, ${t.agentId} as agent_id, ${t.userId} as user_id, ${t.tags} as tags,
          ${t.costNanos} as old_cost, ${t.costSource}::text as old_source, ${cost} as new_cost, ${source}::text as new_source
        from ${t} where ${t.workspaceId} = ${workspaceId}::uuid and ${t.model} = ${model} and ${t.costSource} <> 'provided'
          and ${t.timestamp} >= ${iso(span.from)}::timestamptz and ${t.timestamp} < ${iso(span.to)}::timestamptz) p
      where (old_cost, old_source) is distinct from (new_cost, new_source)`,
    update: sql`update ${t} set ${bare(t.costNanos)} = ${cost}, ${bare(t.costSource)} = ${source}
      where ctid = any(array(select row_id from ${sql.raw(name)}))
        and (tableoid, ctid) in (select row_table, row_id from ${sql.raw(name)})`,
  };
}

/**
 * Adds the grouped changes of `rows` (bucket, agent_id, d_cost, d_unpriced; and tag for a tag
 * rollup) to a stats rollup's rows of the model.
 */
function updateStats(table: typeof statsHourly | typeof statsByTagHourly, workspaceId: string, model: string, rows: string): SQL {
  const sameTag = 'tag' in table ? sql` and ${table.tag} = c.tag` : sql``;
  return sql`update ${table} set ${bare(table.costNanos)} = ${table.costNanos} + c.d_cost,
      ${bare(table.unpricedCalls)} = ${table.unpricedCalls} + c.d_unpriced
    from ${sql.raw(rows)} c
    where ${table.workspaceId} = ${workspaceId}::uuid and ${table.bucket} = c.bucket and ${table.agentId} = c.agent_id and ${table.model} = ${model}${sameTag}`;
}

/** Adds the grouped changes of `rows` (bucket, tag, other_tag, d_cost) to a tag pair rollup's rows. */
function updateTagPairs(table: typeof tagPairStatsHourly, workspaceId: string, rows: string): SQL {
  return sql`update ${table} set ${bare(table.costNanos)} = ${table.costNanos} + c.d_cost
    from ${sql.raw(rows)} c
    where ${table.workspaceId} = ${workspaceId}::uuid and ${table.bucket} = c.bucket and ${table.tag} = c.tag and ${table.otherTag} = c.other_tag`;
}

/** Adds the grouped changes of `rows` (dim, bucket, user_id, d_cost) to a user rollup's rows. */
function updateUsers(table: typeof userStatsHourly, workspaceId: string, rows: string): SQL {
  return sql`update ${table} set ${bare(table.costNanos)} = ${table.costNanos} + c.d_cost
    from ${sql.raw(rows)} c
    where ${table.workspaceId} = ${workspaceId}::uuid and ${table.dim} = c.dim and ${table.bucket} = c.bucket and ${table.userId} = c.user_id`;
}

/**
 * The settings of a transaction that re-prices, until its end. No statement timeout: a step's
 * calls may be many more than its target when they share a timestamp. No JIT: compiling the
 * statement took 8 s of a 145 s re-pricing of 481 k calls, more than it saved. No sequential
 * scans: a step changes thousands of rollup rows of tables of millions, and the planner,
 * overestimating the groups, read the whole of `user_stats_daily` (5.5 M rows, 16.7 s of a
 * 43.6 s step at 10 M traces) where probing its key finds each row (docs/BENCHMARKS.md,
 * "Price changes").
 */
export async function prepareRepricing(tx: Tx): Promise<void> {
  await tx.execute(sql`set local statement_timeout = 0`);
  await tx.execute(sql`set local jit = off`);
  await tx.execute(sql`set local work_mem = '64MB'`);
  await tx.execute(sql`set local enable_seqscan = off`);
}

/**
 * Re-prices every stored call of `model` in the workspace in `span` that has no client cost,
 * with the override (or none) and the catalog, in one statement (one snapshot) that reads each
 * call once: the calls in `traces`, their copies still queued for the fold (rollup_pending) or set
 * aside (rollup_quarantine), and the rollups. A rollup holds exactly the folded calls, so its
 * change is the change of the traces minus that of the queued and quarantined copies, per
 * bucket, agent and user.
 * Only rows whose cost or source changes are written. The caller holds the fold lock, so no call
 * is folded meanwhile; a price change that commits meanwhile starts the caller's job over
 * (repricer.ts).
 * Returns how many calls changed.
 */
export async function repriceModel(tx: Tx, workspaceId: string, model: string, override: Override | undefined, span: TimeWindow): Promise<number> {
  const stored = repriced(traces, workspaceId, model, override, span, 1, 'stored');
  const queued = repriced(rollupPending, workspaceId, model, override, span, -1, 'queued');
  const aside = repriced(rollupQuarantine, workspaceId, model, override, span, -1, 'aside');
  const byGrain = (grain: 'minute' | 'hour' | 'day') =>
    sql`select ${timeBucket(false, grain, sql`ts`)} as bucket, agent_id, sum(d_cost) as d_cost, sum(d_unpriced) as d_unpriced
      from deltas group by 1, 2 having sum(d_cost) <> 0 or sum(d_unpriced) <> 0`;
  const tagsByGrain = (grain: 'hour' | 'day') =>
    sql`select ${timeBucket(false, grain, sql`ts`)} as bucket, c.tag, agent_id, sum(d_cost) as d_cost, sum(d_unpriced) as d_unpriced
      from deltas cross join lateral ${rolledTags(sql`tags`)} as c(tag) group by 1, 2, 3 having sum(d_cost) <> 0 or sum(d_unpriced) <> 0`;
  const tagPairsByGrain = (grain: 'hour' | 'day') =>
    sql`select ${timeBucket(false, grain, sql`ts`)} as bucket, p.tag, p.other_tag, sum(d_cost) as d_cost
      from deltas cross join lateral (${tagPairs(sql`tags`)}) as p group by 1, 2, 3 having sum(d_cost) <> 0`;
  const usersByGrain = (grain: 'hour' | 'day') =>
    sql`select d.dim, ${timeBucket(false, grain, sql`ts`)} as bucket, user_id, sum(d_cost) as d_cost
      from deltas cross join lateral (${dimRows(sql`agent_id`, sql`${model}::text`, sql`tags`)}) as d(dim)
      where user_id is not null group by 1, 2, 3 having sum(d_cost) <> 0`;
  // The weekly per-user rollup keeps the dim of all calls and each tag's.
  const usersByWeek = sql`select d.dim, ${timeBucket(false, 'week', sql`ts`)} as bucket, user_id, sum(d_cost) as d_cost
      from deltas cross join lateral (${weeklyDimRows(sql`tags`)}) as d(dim)
      where user_id is not null group by 1, 2, 3 having sum(d_cost) <> 0`;
  const [result] = resultRows<{ changed: number }>(
    await tx.execute(sql`
      with stored as materialized (${stored.changed}),
      queued as materialized (${queued.changed}),
      aside as materialized (${aside.changed}),
      deltas as (select ts, agent_id, user_id, tags, d_cost, d_unpriced from stored
        union all select ts, agent_id, user_id, tags, d_cost, d_unpriced from queued
        union all select ts, agent_id, user_id, tags, d_cost, d_unpriced from aside),
      s_minute as (${byGrain('minute')}),
      s_hour as (${byGrain('hour')}),
      s_day as (${byGrain('day')}),
      t_hour as (${tagsByGrain('hour')}),
      t_day as (${tagsByGrain('day')}),
      p_hour as (${tagPairsByGrain('hour')}),
      p_day as (${tagPairsByGrain('day')}),
      u_hour as (${usersByGrain('hour')}),
      u_day as (${usersByGrain('day')}),
      u_week as (${usersByWeek}),
      w_traces as (${stored.update}),
      w_queued as (${queued.update}),
      w_aside as (${aside.update}),
      w_s_minute as (${updateStats(statsMinutely, workspaceId, model, 's_minute')}),
      w_s_hour as (${updateStats(statsHourly, workspaceId, model, 's_hour')}),
      w_s_day as (${updateStats(statsDaily, workspaceId, model, 's_day')}),
      w_t_hour as (${updateStats(statsByTagHourly, workspaceId, model, 't_hour')}),
      w_t_day as (${updateStats(statsByTagDaily, workspaceId, model, 't_day')}),
      w_p_hour as (${updateTagPairs(tagPairStatsHourly, workspaceId, 'p_hour')}),
      w_p_day as (${updateTagPairs(tagPairStatsDaily, workspaceId, 'p_day')}),
      w_u_hour as (${updateUsers(userStatsHourly, workspaceId, 'u_hour')}),
      w_u_day as (${updateUsers(userStatsDaily, workspaceId, 'u_day')}),
      w_u_week as (${updateUsers(userStatsWeekly, workspaceId, 'u_week')})
      select count(*)::int as changed from stored`),
  );
  return Number(result?.changed ?? 0);
}
