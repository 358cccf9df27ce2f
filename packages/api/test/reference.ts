import type { Database } from '@pulse/db';
import { type SQL, sql } from 'drizzle-orm';

/**
 * The reference: plain SQL over raw traces, what a naive implementation computes.
 * Every analytics answer is compared against these.
 */
export interface RefWindow {
  from: string;
  to: string;
  agent_id?: string;
  model?: string;
  tag?: string;
}

function rawWhere(ws: string, w: RefWindow, extra?: SQL): SQL {
  const parts = [sql`workspace_id = ${ws}::uuid`, sql`"timestamp" >= ${w.from}::timestamptz`, sql`"timestamp" < ${w.to}::timestamptz`];
  if (w.agent_id) parts.push(sql`agent_id = ${w.agent_id}`);
  if (w.model) parts.push(sql`model = ${w.model}`);
  if (w.tag) parts.push(sql`exists (select from jsonb_array_elements_text(tags) carried(tag) where carried.tag = ${w.tag})`);
  if (extra) parts.push(extra);
  return sql.join(parts, sql` and `);
}

const G: Record<string, string> = { minute: '1 minute', hour: '1 hour', day: '1 day' };

export function reference(db: Database, ws: string) {
  const q = <T extends Record<string, unknown>>(s: SQL) => db.rows<T>(s);
  return {
    overview: async (w: RefWindow) => {
      const [r] = await q<{ calls: number; users: number; agents: number }>(
        sql`select count(*)::int as calls, count(distinct user_id)::int as users, count(distinct agent_id)::int as agents
            from traces where ${rawWhere(ws, w)}`,
      );
      return r!;
    },
    series: async (w: RefWindow, g: string) =>
      q<{ bucket: string; calls: number; errors: number; cost: string }>(
        sql`select to_char(date_bin(${sql.raw(`'${G[g]}'`)}, "timestamp", timestamptz '2000-01-01T00:00:00Z') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as bucket,
              count(*)::int as calls, sum(is_error)::int as errors, sum(cost_nanos)::text as cost
            from traces where ${rawWhere(ws, w)} group by 1 order by 1`,
      ),
    costSeries: async (w: RefWindow, g: string) =>
      q<{ bucket: string; model: string; cost: string }>(
        sql`select to_char(date_bin(${sql.raw(`'${G[g]}'`)}, "timestamp", timestamptz '2000-01-01T00:00:00Z') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as bucket,
              model, sum(cost_nanos)::text as cost from traces where ${rawWhere(ws, w)} group by 1, 2 order by 1, 2`,
      ),
    agents: async (w: RefWindow) =>
      q<{ agent_id: string; calls: number }>(
        sql`select agent_id, count(*)::int as calls from traces where ${rawWhere(ws, w)} group by 1 order by 2 desc, agent_id collate "C"`,
      ),
    users: async (w: RefWindow, limit: number) =>
      q<{ user_id: string; calls: number; cost: string; tokens: number; last_seen: string }>(
        sql`select user_id, count(*)::int as calls, sum(cost_nanos)::text as cost, sum(input_tokens::bigint + output_tokens)::float8 as tokens,
              to_char(max("timestamp") at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_seen
            from traces where ${rawWhere(ws, w, sql`user_id is not null`)} group by 1 order by 2 desc, user_id collate "C" limit ${limit}`,
      ),
    models: async (w: RefWindow) =>
      q<{ model: string; cost: string; calls: number; input_tokens: number; output_tokens: number; unpriced: number }>(
        sql`select model, sum(cost_nanos)::text as cost, count(*)::int as calls, sum(input_tokens)::float8 as input_tokens,
              sum(output_tokens)::float8 as output_tokens, count(*) filter (where cost_source = 'unpriced')::int as unpriced
            from traces where ${rawWhere(ws, w)} group by 1 order by sum(cost_nanos) desc, model collate "C"`,
      ),
    /** Per tag (a call under each of its tags), untagged calls as tag null, ordered as the answer. */
    tags: async (w: RefWindow) =>
      q<{ tag: string | null; calls: number; cost: string }>(
        sql`select carried.tag, count(*)::int as calls, sum(cost_nanos)::text as cost
            from traces left join lateral jsonb_array_elements_text(tags) carried(tag) on true
            where ${rawWhere(ws, w)} group by 1 order by sum(cost_nanos) desc, carried.tag collate "C"`,
      ),
    performance: async (w: RefWindow) => {
      const [r] = await q<{ calls: number; errors: number; avg: number | null; p50: number | null; p95: number | null; p99: number | null }>(
        sql`select count(*)::int as calls, coalesce(sum(is_error), 0)::int as errors, avg(latency_ms) as avg,
              percentile_cont(0.5) within group (order by latency_ms) as p50,
              percentile_cont(0.95) within group (order by latency_ms) as p95,
              percentile_cont(0.99) within group (order by latency_ms) as p99
            from traces where ${rawWhere(ws, w)}`,
      );
      return r!;
    },
    latency: async (w: RefWindow, g: string) =>
      q<{ bucket: string; calls: number; p50: number; p95: number; p99: number }>(
        sql`select to_char(date_bin(${sql.raw(`'${G[g]}'`)}, "timestamp", timestamptz '2000-01-01T00:00:00Z') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as bucket,
              count(*)::int as calls,
              percentile_cont(0.5) within group (order by latency_ms) as p50,
              percentile_cont(0.95) within group (order by latency_ms) as p95,
              percentile_cont(0.99) within group (order by latency_ms) as p99
            from traces where ${rawWhere(ws, w)} group by 1 order by 1`,
      ),
    errors: async (w: RefWindow) =>
      q<{ error_type: string; count: number; agents: string[]; affected: number; last_seen: string; message: string | null }>(
        sql`select error_type, count(*)::int as count, count(distinct agent_id)::int as affected,
              to_char(max("timestamp") at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_seen,
              (array_agg(error_message order by "timestamp" desc, error_message desc nulls last))[1] as message,
              (select array_agg(agent_id order by n desc, agent_id collate "C") from (
                 select agent_id, count(*) as n from traces t2 where ${rawWhere(ws, w, sql`is_error = 1`)} and t2.error_type = t.error_type
                 group by 1 order by 2 desc, agent_id collate "C" limit 5) a) as agents
            from traces t where ${rawWhere(ws, w, sql`is_error = 1`)} group by 1 order by 2 desc, error_type collate "C"`,
      ),
  };
}

/** Exact sum of nano-dollars as the wire's dollars: the double nearest the exact decimal. */
export function usd(nanosText: string | null | undefined): number {
  const digits = BigInt(nanosText ?? '0').toString().padStart(10, '0');
  return Number(`${digits.slice(0, -9)}.${digits.slice(-9)}`);
}

export function round2(x: number): number {
  return Math.round((x + Number.EPSILON) * 100) / 100;
}
