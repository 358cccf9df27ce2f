import { LATENCY_HISTOGRAM } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';

/** The histogram bin of a latency column, as latencyBin() computes it in TS. */
export function latencyBinSql(column: SQL): SQL {
  const { minMs, ratio } = LATENCY_HISTOGRAM;
  return sql`(case when ${column} < ${sql.raw(String(minMs))} then 0
    else floor(ln(${column} / ${sql.raw(String(minMs))}) / ln(${sql.raw(String(ratio))}))::int + 1 end)`;
}

/**
 * The dims each fact of the dim-keyed rollups is kept under: all traces (''), per agent, per
 * model, and per agent and model ('am:' + the agent's length in code points + ':' + agent +
 * model: the length prefix keeps every pair distinct whatever characters the names hold).
 * sources.ts's dimOf() builds the same text for a query's filters.
 */
const DIMS = sql.raw(`(''), ('a:' || agent_id), ('m:' || model), ('am:' || length(agent_id) || ':' || agent_id || model)`);

/** Buckets are aligned to UTC whatever the session time zone. */
export const UTC_ORIGIN = `timestamptz '2000-01-01T00:00:00Z'`;

/**
 * Data-modifying CTEs that fold the rows of `new_rows` (exactly the traces this
 * statement stored) into every hourly and daily rollup. Rows are upserted in key order so
 * concurrent batches lock rollup rows in the same order.
 */
export function rollupCtes(): SQL {
  const parts: SQL[] = [];
  for (const [suffix, interval] of [
    ['hourly', '1 hour'],
    ['daily', '1 day'],
  ] as const) {
    const bucket = sql.raw(`date_bin('${interval}', "timestamp", ${UTC_ORIGIN})`);
    const t = (name: string) => sql.raw(`${name}_${suffix}`);
    parts.push(sql`
  ${t('s')} as (
    insert into ${t('stats')} as r (workspace_id, bucket, agent_id, model, calls, errors, input_tokens, output_tokens, cost_nanos, latency_sum_ms)
    select workspace_id, ${bucket}, agent_id, model, count(*), sum(is_error), sum(input_tokens), sum(output_tokens), sum(cost_nanos), sum(latency_ms)
    from new_rows group by 1, 2, 3, 4 order by 1, 2, 3, 4
    on conflict (workspace_id, bucket, agent_id, model) do update set
      calls = r.calls + excluded.calls, errors = r.errors + excluded.errors,
      input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
      cost_nanos = r.cost_nanos + excluded.cost_nanos, latency_sum_ms = r.latency_sum_ms + excluded.latency_sum_ms)`);
    parts.push(sql`
  ${t('u')} as (
    insert into ${t('user_stats')} as r (workspace_id, dim, bucket, user_id, calls, cost_nanos, tokens, last_seen)
    select workspace_id, d.dim, ${bucket}, user_id, count(*), sum(cost_nanos), sum(input_tokens + output_tokens), max("timestamp")
    from new_rows cross join lateral (values ${DIMS}) as d(dim)
    where user_id is not null group by 1, 2, 3, 4 order by 1, 2, 3, 4
    on conflict (workspace_id, dim, bucket, user_id) do update set
      calls = r.calls + excluded.calls, cost_nanos = r.cost_nanos + excluded.cost_nanos,
      tokens = r.tokens + excluded.tokens, last_seen = greatest(r.last_seen, excluded.last_seen))`);
    // One row per (dim, bucket): this fold's bins, merged into the stored ones bin by bin.
    parts.push(sql`
  ${t('l')} as (
    insert into ${t('latency_hist')} as r (workspace_id, dim, bucket, bins, counts)
    select workspace_id, dim, bucket, array_agg(bin order by bin), array_agg(n order by bin)
    from (select workspace_id, d.dim, ${bucket} as bucket, bin, count(*) as n
          from new_rows cross join lateral (values ${DIMS}) as d(dim) group by 1, 2, 3, 4) h
    group by 1, 2, 3 order by 1, 2, 3
    on conflict (workspace_id, dim, bucket) do update set (bins, counts) = (
      select array_agg(b order by b), array_agg(n order by b)
      from (select b, sum(n)::bigint as n from (
              select * from unnest(r.bins, r.counts) as old(b, n)
              union all select * from unnest(excluded.bins, excluded.counts) as new(b, n)) u
            group by b) merged))`);
    parts.push(sql`
  ${t('e')} as (
    insert into ${t('error_stats')} as r (workspace_id, bucket, error_type, agent_id, model, count, last_seen, last_message)
    select workspace_id, ${bucket}, error_type, agent_id, model, count(*), max("timestamp"),
           (array_agg(error_message order by "timestamp" desc, error_message desc nulls last))[1]
    from new_rows where is_error = 1 group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
    on conflict (workspace_id, bucket, error_type, agent_id, model) do update set
      count = r.count + excluded.count,
      last_message = case when ${latestWins()} then excluded.last_message else r.last_message end,
      last_seen = greatest(r.last_seen, excluded.last_seen))`);
  }
  return sql.join(parts, sql`,`);
}

/**
 * The latest error wins; at equal times the greater message (a null message loses), the
 * same order the analytics queries use to pick sample_message.
 */
function latestWins(): SQL {
  return sql`(excluded.last_seen > r.last_seen or (excluded.last_seen = r.last_seen and excluded.last_message is not null
    and (r.last_message is null or excluded.last_message > r.last_message)))`;
}
