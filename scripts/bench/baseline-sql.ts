/**
 * The baseline: what a naive implementation runs for each of the analytics endpoints — count,
 * sum, count distinct, percentile_cont and group by straight over the raw `traces` table for
 * the workspace and the window, no rollups. Plain SQL text with $n parameters, so it runs the
 * same through postgres-js and PGlite. Every column is cast to a type both drivers return alike
 * (int, float8 or text; sums of money and tokens as text: they outgrow int4 at 10 M traces).
 */
import type { Endpoint } from './endpoints.js';

interface BaselineInput {
  workspaceId: string;
  /** The window Pulse answered for (ISO). */
  from: string;
  to: string;
  /** The series' granularity as Pulse resolved it. */
  granularity?: string;
  /** Start of the current UTC month when Pulse answered (month-to-date figures). */
  monthStart: string;
}

interface BaselineQuery {
  text: string;
  params: unknown[];
}

const ISO = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const INTERVAL: Record<string, string> = { minute: '1 minute', hour: '1 hour', day: '1 day' };
const bucket = (g: string | undefined) => {
  const interval = INTERVAL[g ?? ''];
  if (!interval) throw new Error(`baseline: unknown granularity ${g}`);
  return `date_bin(interval '${interval}', "timestamp", timestamptz '2000-01-01T00:00:00Z')`;
};
const WHERE = `workspace_id = $1::uuid and "timestamp" >= $2::timestamptz and "timestamp" < $3::timestamptz`;
const PERCENTILES = ['0.5', '0.95', '0.99']
  .map((p, i) => `percentile_cont(${p}) within group (order by latency_ms)::float8 as p${['50', '95', '99'][i]}`)
  .join(', ');

export function baselineQuery(endpoint: Endpoint, w: BaselineInput): BaselineQuery {
  const window = [w.workspaceId, w.from, w.to];
  switch (endpoint) {
    case '/usage/overview': {
      // The same figures for the window of equal length just before `from` (the `previous` block).
      const previousFrom = new Date(2 * Date.parse(w.from) - Date.parse(w.to)).toISOString();
      return {
        text: `select count(*) filter (where "timestamp" >= $2::timestamptz)::int as calls,
                 count(distinct user_id) filter (where "timestamp" >= $2::timestamptz)::int as users,
                 count(distinct agent_id) filter (where "timestamp" >= $2::timestamptz)::int as agents,
                 count(*) filter (where "timestamp" < $2::timestamptz)::int as prev_calls,
                 count(distinct user_id) filter (where "timestamp" < $2::timestamptz)::int as prev_users,
                 count(distinct agent_id) filter (where "timestamp" < $2::timestamptz)::int as prev_agents
               from traces
               where workspace_id = $1::uuid and "timestamp" >= $4::timestamptz and "timestamp" < $3::timestamptz`,
        params: [...window, previousFrom],
      };
    }
    case '/usage/calls-over-time':
      return {
        text: `select ${ISO(bucket(w.granularity))} as bucket, count(*)::int as calls
               from traces where ${WHERE} group by 1 order by 1`,
        params: window,
      };
    case '/usage/agent-distribution':
      return {
        text: `select agent_id, count(*)::int as calls from traces where ${WHERE}
               group by 1 order by 2 desc, agent_id collate "C"`,
        params: window,
      };
    case '/usage/top-users':
      return {
        text: `select user_id, count(*)::int as calls, sum(cost_nanos)::text as cost,
                 sum(input_tokens::bigint + output_tokens)::text as tokens, ${ISO('max("timestamp")')} as last_seen
               from traces where ${WHERE} and user_id is not null
               group by 1 order by 2 desc, user_id collate "C" limit 10`,
        params: window,
      };
    case '/cost/overview':
      return {
        text: `select coalesce(sum(cost_nanos), 0)::text as cost, count(*)::int as calls,
                 (select coalesce(sum(cost_nanos), 0)::text from traces
                   where workspace_id = $1::uuid and "timestamp" >= $4::timestamptz and "timestamp" < now()) as month_to_date,
                 (select monthly_limit_nanos::text from budgets where workspace_id = $1::uuid) as budget
               from traces where ${WHERE}`,
        params: [...window, w.monthStart],
      };
    case '/cost/trend':
      return {
        text: `select ${ISO(bucket(w.granularity))} as bucket, model, sum(cost_nanos)::text as cost
               from traces where ${WHERE} group by 1, 2 order by 1, 2`,
        params: window,
      };
    case '/cost/by-model':
      return {
        text: `select model, sum(cost_nanos)::text as cost, count(*)::int as calls,
                 sum(input_tokens)::text as input_tokens, sum(output_tokens)::text as output_tokens
               from traces where ${WHERE} group by 1 order by sum(cost_nanos) desc, model collate "C"`,
        params: window,
      };
    case '/cost/by-tag':
      // Untagged calls are the row of tag null; the total counts each call once.
      return {
        text: `select carried.tag, count(*)::int as calls, sum(cost_nanos)::text as cost,
                 (select coalesce(sum(cost_nanos), 0)::text from traces where ${WHERE}) as total
               from traces left join lateral jsonb_array_elements_text(tags) as carried(tag) on true
               where ${WHERE} group by 1 order by sum(cost_nanos) desc, carried.tag collate "C"`,
        params: window,
      };
    case '/cost/budget':
      return {
        text: `select (select coalesce(sum(cost_nanos), 0)::text from traces
                        where workspace_id = $1::uuid and "timestamp" >= $2::timestamptz and "timestamp" < now()) as month_to_date,
                      (select monthly_limit_nanos::text from budgets where workspace_id = $1::uuid) as budget`,
        params: [w.workspaceId, w.monthStart],
      };
    case '/performance/overview':
      return {
        text: `select count(*)::int as calls, coalesce(sum(is_error), 0)::int as errors, avg(latency_ms)::float8 as avg, ${PERCENTILES}
               from traces where ${WHERE}`,
        params: window,
      };
    case '/performance/latency':
      return {
        text: `select ${ISO(bucket(w.granularity))} as bucket, count(*)::int as calls, ${PERCENTILES}
               from traces where ${WHERE} group by 1 order by 1`,
        params: window,
      };
    case '/performance/throughput':
      return {
        text: `select ${ISO(bucket(w.granularity))} as bucket,
                 count(*) filter (where is_error = 0)::int as success, count(*) filter (where is_error = 1)::int as error
               from traces where ${WHERE} group by 1 order by 1`,
        params: window,
      };
    case '/performance/errors':
      return {
        text: `select error_type, count(*)::int as count, count(distinct agent_id)::int as affected,
                 ${ISO('max("timestamp")')} as last_seen,
                 (array_agg(error_message order by "timestamp" desc, error_message desc nulls last))[1] as message,
                 (select array_to_string(array_agg(agent_id order by n desc, agent_id collate "C"), ',') from (
                    select agent_id, count(*) as n from traces t2
                    where ${WHERE.replace(/workspace_id|"timestamp"/g, (c) => `t2.${c}`)} and t2.is_error = 1 and t2.error_type = t.error_type
                    group by 1 order by 2 desc, agent_id collate "C" limit 5) a) as agents
               from traces t where ${WHERE} and is_error = 1
               group by 1 order by 2 desc, error_type collate "C" limit 20`,
        params: window,
      };
  }
}
