import { timeBucket } from '@pulse/db';
import type { Granularity } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { latencyBinSql } from '../rollups/rollup-sql.js';
import { iso, type TimeWindow, type WindowPlan } from './window.js';

/**
 * Row sources for the analytics queries. Each returns a SELECT whose rows, summed, give
 * the exact figure for the plan's window: raw traces for the edges, hourly and daily
 * rollups for the rest, plus the queued traces not yet folded into those rollups
 * (rollup_pending, read like raw rows over the rollup segments). Callers aggregate them in
 * one statement: one snapshot, in which a fold has either happened entirely or not at all.
 * Nano-dollars stay bigint in every part (an hour's or a backlog's spend is far below
 * 9.2e18 nanos); the callers' sum() over them is exact (numeric).
 */
export interface Scope {
  workspaceId: string;
  agentId?: string | undefined;
  model?: string | undefined;
  timescale: boolean;
}

const none = sql`false`;

function within(column: SQL, segments: TimeWindow[]): SQL {
  if (segments.length === 0) return none;
  return sql.join(
    segments.map((s) => sql`(${column} >= ${iso(s.from)}::timestamptz and ${column} < ${iso(s.to)}::timestamptz)`),
    sql` or `,
  );
}

function filters(scope: Scope): SQL {
  const parts: SQL[] = [sql`workspace_id = ${scope.workspaceId}::uuid`];
  if (scope.agentId !== undefined) parts.push(sql`agent_id = ${scope.agentId}`);
  if (scope.model !== undefined) parts.push(sql`model = ${scope.model}`);
  return sql.join(parts, sql` and `);
}

/** The dim of the dim-keyed rollups for a scope: the same text rollup-sql.ts's DIM_VALUES builds. */
function dimOf(scope: Scope): string {
  if (scope.agentId !== undefined && scope.model !== undefined) {
    // Code points, as PostgreSQL's length() counts them: the prefix makes the pair unambiguous.
    return `am:${[...scope.agentId].length}:${scope.agentId}${scope.model}`;
  }
  if (scope.agentId !== undefined) return `a:${scope.agentId}`;
  if (scope.model !== undefined) return `m:${scope.model}`;
  return '';
}

/**
 * The row-level sources of a plan: `traces` for the raw edges, and the not-yet-folded queue
 * over the segments the rollups answer (the rollups hold only folded traces).
 */
function rawSources(plan: WindowPlan): Array<[SQL, TimeWindow[]]> {
  const sources: Array<[SQL, TimeWindow[]]> = [];
  if (plan.raw.length) sources.push([sql`traces`, plan.raw]);
  const rolled = [...plan.hourly, ...plan.daily];
  if (rolled.length) sources.push([sql`rollup_pending`, rolled]);
  return sources;
}

/**
 * One [table, [segment]] per rollup segment: each becomes its own UNION ALL part, so every
 * part is a single index range scan (an OR of ranges would scan the workspace's whole dim).
 */
function perSegment(pairs: ReadonlyArray<readonly [SQL, TimeWindow[]]>): Array<[SQL, TimeWindow[]]> {
  return pairs.flatMap(([table, segments]) => segments.map((segment): [SQL, TimeWindow[]] => [table, [segment]]));
}

function bucketOf(scope: Scope, g: Granularity | null, column: SQL): SQL {
  return g ? timeBucket(scope.timescale, g, column) : sql`null::timestamptz`;
}

const ts = sql`"timestamp"`;
const bucketCol = sql`bucket`;

/** (bucket, agent_id, model, calls, errors, input_tokens, output_tokens, cost_nanos, latency_sum) */
export function statsRows(scope: Scope, plan: WindowPlan, g: Granularity | null): SQL {
  const parts: SQL[] = [];
  for (const [table, segments] of rawSources(plan)) {
    parts.push(sql`select ${bucketOf(scope, g, ts)} as bucket, agent_id, model, count(*)::bigint as calls,
      sum(is_error)::bigint as errors, sum(input_tokens)::bigint as input_tokens, sum(output_tokens)::bigint as output_tokens,
      sum(cost_nanos)::bigint as cost_nanos, sum(latency_ms) as latency_sum
      from ${table} where ${filters(scope)} and (${within(ts, segments)}) group by 1, 2, 3`);
  }
  for (const [table, segments] of perSegment([
    [sql`stats_hourly`, plan.hourly],
    [sql`stats_daily`, plan.daily],
  ])) {
    parts.push(sql`select ${bucketOf(scope, g, bucketCol)} as bucket, agent_id, model, calls, errors, input_tokens, output_tokens,
      cost_nanos, latency_sum_ms as latency_sum from ${table} where ${filters(scope)} and (${within(bucketCol, segments)})`);
  }
  return unionAll(parts, sql`select null::timestamptz as bucket, null::text as agent_id, null::text as model, 0::bigint as calls,
    0::bigint as errors, 0::bigint as input_tokens, 0::bigint as output_tokens, 0::bigint as cost_nanos, 0::float8 as latency_sum where false`);
}

/** (user_id, calls, cost_nanos, tokens, last_seen) — named users only. */
export function userRows(scope: Scope, plan: WindowPlan): SQL {
  const dim = dimOf(scope);
  const parts: SQL[] = [];
  for (const [table, segments] of rawSources(plan)) {
    parts.push(sql`select user_id, count(*)::bigint as calls, sum(cost_nanos)::bigint as cost_nanos,
      sum(input_tokens + output_tokens)::bigint as tokens, max("timestamp") as last_seen
      from ${table} where ${filters(scope)} and user_id is not null and (${within(ts, segments)}) group by 1`);
  }
  for (const [table, segments] of perSegment([
    [sql`user_stats_hourly`, plan.hourly],
    [sql`user_stats_daily`, plan.daily],
  ])) {
    parts.push(sql`select user_id, calls, cost_nanos, tokens, last_seen from ${table}
      where workspace_id = ${scope.workspaceId}::uuid and dim = ${dim} and (${within(bucketCol, segments)})`);
  }
  return unionAll(parts, sql`select null::text as user_id, 0::bigint as calls, 0::bigint as cost_nanos, 0::bigint as tokens,
    null::timestamptz as last_seen where false`);
}

/**
 * (bucket, bins, counts) — latency histograms as parallel arrays (bins ascending), one row per
 * rollup bucket; the raw edges and queued traces are binned on the fly into the same shape.
 * A bucket may come in several rows: the caller merges them.
 */
export function histRows(scope: Scope, plan: WindowPlan, g: Granularity | null): SQL {
  const dim = dimOf(scope);
  const parts: SQL[] = [];
  for (const [table, segments] of rawSources(plan)) {
    parts.push(sql`select bucket, array_agg(bin order by bin) as bins, array_agg(n order by bin)::float8[] as counts
      from (select ${bucketOf(scope, g, ts)} as bucket, ${latencyBinSql(sql`latency_ms`)} as bin, count(*) as n
            from ${table} where ${filters(scope)} and (${within(ts, segments)}) group by 1, 2) binned
      group by 1`);
  }
  for (const [table, segments] of perSegment([
    [sql`latency_hist_hourly`, plan.hourly],
    [sql`latency_hist_daily`, plan.daily],
  ])) {
    parts.push(sql`select ${bucketOf(scope, g, bucketCol)} as bucket, bins, counts::float8[] as counts from ${table}
      where workspace_id = ${scope.workspaceId}::uuid and dim = ${dim} and (${within(bucketCol, segments)})`);
  }
  return unionAll(parts, sql`select null::timestamptz as bucket, null::int[] as bins, null::float8[] as counts where false`);
}

/** (error_type, agent_id, model, count, last_seen, last_message) */
export function errorRows(scope: Scope, plan: WindowPlan): SQL {
  const parts: SQL[] = [];
  for (const [table, segments] of rawSources(plan)) {
    parts.push(sql`select error_type, agent_id, model, count(*)::bigint as count, max("timestamp") as last_seen,
      (array_agg(error_message order by "timestamp" desc, error_message desc nulls last))[1] as last_message
      from ${table} where ${filters(scope)} and is_error = 1 and (${within(ts, segments)}) group by 1, 2, 3`);
  }
  for (const [table, segments] of perSegment([
    [sql`error_stats_hourly`, plan.hourly],
    [sql`error_stats_daily`, plan.daily],
  ])) {
    parts.push(sql`select error_type, agent_id, model, count, last_seen, last_message from ${table}
      where ${filters(scope)} and (${within(bucketCol, segments)})`);
  }
  return unionAll(parts, sql`select null::text as error_type, null::text as agent_id, null::text as model, 0::bigint as count,
    null::timestamptz as last_seen, null::text as last_message where false`);
}

/** Exact percentile_cont over raw rows, for windows no rollup can serve. */
export function rawLatencyRows(scope: Scope, window: TimeWindow, g: Granularity | null): SQL {
  return sql`select ${bucketOf(scope, g, ts)} as bucket, latency_ms from traces where ${filters(scope)} and (${within(ts, [window])})`;
}

function unionAll(parts: SQL[], empty: SQL): SQL {
  if (parts.length === 0) return empty;
  return sql.join(
    parts.map((p) => sql`(${p})`),
    sql` union all `,
  );
}
