import type { Database } from '@pulse/db';
import { type SQL, sql } from 'drizzle-orm';
import { usd } from './reference.js';

/**
 * The reference for docs/API_SPEC.md §8: plain SQL over raw traces, what a naive implementation
 * of the trace list and the sessions computes in one unpaginated query.
 */
export interface RefTraceFilter {
  from: string;
  to: string;
  agent_id?: string;
  model?: string;
  tag?: string;
  user_id?: string;
  session_id?: string;
  status?: 'success' | 'error';
  error_type?: string;
}

function where(ws: string, f: RefTraceFilter): SQL {
  const parts = [sql`workspace_id = ${ws}::uuid`, sql`"timestamp" >= ${f.from}::timestamptz`, sql`"timestamp" < ${f.to}::timestamptz`];
  if (f.agent_id) parts.push(sql`agent_id = ${f.agent_id}`);
  if (f.model) parts.push(sql`model = ${f.model}`);
  if (f.tag) parts.push(sql`tags ? ${f.tag}`);
  if (f.user_id) parts.push(sql`user_id = ${f.user_id}`);
  if (f.session_id) parts.push(sql`session_id = ${f.session_id}`);
  if (f.status) parts.push(sql`is_error = ${f.status === 'error' ? 1 : 0}`);
  if (f.error_type) parts.push(sql`error_type = ${f.error_type}`);
  return sql.join(parts, sql` and `);
}

const isoOf = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

export function traceReference(db: Database, ws: string) {
  return {
    /** Every matching trace as a list item, newest first, trace_id (code points) descending. */
    list: async (f: RefTraceFilter) => {
      const rows = await db.rows<Record<string, any>>(
        sql`select id::text as id, trace_id, ${isoOf('"timestamp"')} as timestamp, agent_id, user_id, session_id, model,
              case when is_error = 1 then 'error' else 'success' end as status, latency_ms, ttft_ms, input_tokens, output_tokens,
              cache_read_tokens, cache_write_tokens, (input_tokens + output_tokens)::int as total_tokens, cost_nanos::text as cost,
              cost_source, error_type, error_message, tags::text as tags, safety_flags::text as safety_flags
            from traces where ${where(ws, f)} order by "timestamp" desc, trace_id collate "C" desc`,
      );
      return rows.map(({ cost, tags, safety_flags, latency_ms, ttft_ms, ...r }): Record<string, any> => ({
        ...r,
        latency_ms: Number(latency_ms),
        ttft_ms: ttft_ms === null ? null : Number(ttft_ms),
        cost_usd: usd(cost),
        tags: JSON.parse(tags),
        safety_flags: JSON.parse(safety_flags),
      }));
    },
    /** Every session with matching calls, newest last_seen first, session_id descending. */
    sessions: async (f: RefTraceFilter) => {
      const rows = await db.rows<Record<string, any>>(
        sql`select session_id, ${isoOf('min("timestamp")')} as first_seen, ${isoOf('max("timestamp")')} as last_seen, count(*)::int as calls,
              sum(is_error)::int as errors, sum(cost_nanos)::text as cost, sum(input_tokens + output_tokens)::int as total_tokens,
              (select array_agg(agent_id order by n desc, agent_id collate "C") from (
                 select agent_id, count(*) as n from traces t2 where ${where(ws, f)} and t2.session_id = t.session_id
                 group by 1 order by 2 desc, agent_id collate "C" limit 5) a) as agents,
              (select coalesce(array_agg(user_id order by n desc, user_id collate "C"), '{}') from (
                 select user_id, count(*) as n from traces t3 where ${where(ws, f)} and t3.session_id = t.session_id and user_id is not null
                 group by 1 order by 2 desc, user_id collate "C" limit 5) u) as users
            from traces t where ${where(ws, f)} and session_id is not null
            group by session_id order by max("timestamp") desc, session_id collate "C" desc`,
      );
      return rows.map(({ cost, ...r }) => ({ ...r, cost_usd: usd(cost) }));
    },
  };
}
