import { schema } from '@pulse/db';
import type { TraceItem } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { currentCost, type PendingRepricing } from '../prices/pending-repricing.js';

const { traces } = schema;

/**
 * The list item's columns, as traceItemOf reads them, the cost as the prices now give it (a
 * call a price change has still to rewrite is priced here). The timestamp and the cost arrive as
 * the text the item carries (ISO 8601 in UTC to the millisecond, truncated as a JS Date would; the
 * dollars as the exact decimal of the nano-dollars, which Number() rounds once, as usdFromNanos
 * does): formatting them in the database is cheaper than parsing them in JS.
 */
export function traceItemColumns(repricing: readonly PendingRepricing[]): SQL {
  const { cost, source } = currentCost(traces, repricing);
  return sql`${traces.id}::text as id, ${traces.traceId} as trace_id,
  to_char(${traces.timestamp} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as timestamp,
  ${traces.agentId} as agent_id, ${traces.userId} as user_id, ${traces.sessionId} as session_id, ${traces.model} as model,
  ${traces.isError} as is_error, ${traces.latencyMs} as latency_ms, ${traces.ttftMs} as ttft_ms, ${traces.inputTokens} as input_tokens,
  ${traces.outputTokens} as output_tokens, ${traces.cacheReadTokens} as cache_read_tokens, ${traces.cacheWriteTokens} as cache_write_tokens,
  (${cost} * 0.000000001)::text as cost_usd, ${source} as cost_source, ${traces.errorType} as error_type,
  ${traces.errorMessage} as error_message, ${traces.tags} as tags, ${traces.safetyFlags} as safety_flags`;
}

/** A row of traceItemColumns as a driver returns it (postgres-js and PGlite differ in the marked types). */
export type TraceItemRow = {
  id: string;
  trace_id: string;
  timestamp: string;
  agent_id: string;
  user_id: string | null;
  session_id: string | null;
  model: string;
  is_error: number;
  latency_ms: number;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /** The exact decimal text. */
  cost_usd: string;
  cost_source: TraceItem['cost_source'];
  error_type: string | null;
  error_message: string | null;
  /** jsonb: parsed by both drivers, but accepted as its text too. */
  tags: string[] | string;
  safety_flags: string[] | string;
};

const list = (v: string[] | string): string[] => (typeof v === 'string' ? (JSON.parse(v) as string[]) : v);

/**
 * A row to the list item (docs/API_SPEC.md §8). Plain code, not a zod schema: the columns' SQL
 * types fix what each driver returns, and the export decodes a million rows with this (a zod
 * object of unions and transforms was most of its time).
 */
export function traceItemOf(r: TraceItemRow): TraceItem {
  const inputTokens = Number(r.input_tokens);
  const outputTokens = Number(r.output_tokens);
  return {
    id: r.id,
    trace_id: r.trace_id,
    timestamp: r.timestamp,
    agent_id: r.agent_id,
    user_id: r.user_id,
    session_id: r.session_id,
    model: r.model,
    status: Number(r.is_error) ? 'error' : 'success',
    latency_ms: Number(r.latency_ms),
    ttft_ms: r.ttft_ms === null ? null : Number(r.ttft_ms),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_read_tokens: Number(r.cache_read_tokens),
    cache_write_tokens: Number(r.cache_write_tokens),
    total_tokens: inputTokens + outputTokens,
    cost_usd: Number(r.cost_usd),
    cost_source: r.cost_source,
    error_type: r.error_type,
    error_message: r.error_message,
    tags: list(r.tags),
    safety_flags: list(r.safety_flags),
  };
}
