import { schema } from '@pulse/db';
import { type PageCursor, type TraceFilterInput, type TraceItem, usdFromNanos } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { instant, nanos, num } from '../analytics/decode.js';
import { rows } from '../analytics/context.js';
import { filters } from '../analytics/sources.js';
import { iso, resolveWindow, type TimeWindow } from '../analytics/window.js';
import type { Database } from '@pulse/db';
import type { Page } from './page-answer.js';
import type { WindowInput } from '@pulse/shared';

const { traces } = schema;

/** What a trace query reads: the workspace, the window and the list's filters (docs/API_SPEC.md §8). */
export interface TraceQuery {
  database: Database;
  workspaceId: string;
  window: TimeWindow;
  filter: Omit<TraceFilterInput, 'range' | 'from' | 'to'>;
}

/** trace_id in code-point order, whatever the database's collation; the keyset index is built so. */
export const traceIdOrder = sql`${traces.traceId} collate "C"`;

/** The window and every filter of the list, on raw traces. */
export function traceConditions(q: TraceQuery): SQL {
  const f = q.filter;
  const parts: SQL[] = [
    filters({ workspaceId: q.workspaceId, agentId: f.agent_id, model: f.model, tag: f.tag, timescale: false }, traces),
    sql`${traces.timestamp} >= ${iso(q.window.from)}::timestamptz and ${traces.timestamp} < ${iso(q.window.to)}::timestamptz`,
  ];
  if (f.user_id !== undefined) parts.push(sql`${traces.userId} = ${f.user_id}`);
  if (f.session_id !== undefined) parts.push(sql`${traces.sessionId} = ${f.session_id}`);
  if (f.status !== undefined) parts.push(sql`${traces.isError} = ${f.status === 'error' ? 1 : 0}`);
  if (f.error_type !== undefined) parts.push(sql`${traces.errorType} = ${f.error_type}`);
  return sql.join(parts, sql` and `);
}

/** A jsonb array of strings, parsed by one driver and maybe left as text by another. */
const stringList = z.union([z.array(z.string()), z.string()]).transform((v) => (typeof v === 'string' ? (JSON.parse(v) as string[]) : v));

export const traceRow = z.object({
  id: z.string(),
  trace_id: z.string(),
  timestamp: instant,
  agent_id: z.string(),
  user_id: z.string().nullable(),
  session_id: z.string().nullable(),
  model: z.string(),
  is_error: num,
  latency_ms: num,
  ttft_ms: z.union([z.number(), z.string()]).nullable(),
  input_tokens: num,
  output_tokens: num,
  cache_read_tokens: num,
  cache_write_tokens: num,
  cost_nanos: nanos,
  cost_source: z.enum(['provided', 'catalog', 'override', 'unpriced']),
  error_type: z.string().nullable(),
  error_message: z.string().nullable(),
  tags: stringList,
  safety_flags: stringList,
});

/** The list item's columns, as the decoder above reads them. */
export const traceItemColumns = sql`${traces.id}::text as id, ${traces.traceId} as trace_id, ${traces.timestamp} as timestamp,
  ${traces.agentId} as agent_id, ${traces.userId} as user_id, ${traces.sessionId} as session_id, ${traces.model} as model,
  ${traces.isError} as is_error, ${traces.latencyMs} as latency_ms, ${traces.ttftMs} as ttft_ms, ${traces.inputTokens} as input_tokens,
  ${traces.outputTokens} as output_tokens, ${traces.cacheReadTokens} as cache_read_tokens, ${traces.cacheWriteTokens} as cache_write_tokens,
  ${traces.costNanos}::text as cost_nanos, ${traces.costSource} as cost_source, ${traces.errorType} as error_type,
  ${traces.errorMessage} as error_message, ${traces.tags} as tags, ${traces.safetyFlags} as safety_flags`;

export function traceItem(r: z.output<typeof traceRow>): TraceItem {
  return {
    id: r.id,
    trace_id: r.trace_id,
    timestamp: iso(r.timestamp),
    agent_id: r.agent_id,
    user_id: r.user_id,
    session_id: r.session_id,
    model: r.model,
    status: r.is_error ? 'error' : 'success',
    latency_ms: r.latency_ms,
    ttft_ms: r.ttft_ms === null ? null : Number(r.ttft_ms),
    input_tokens: r.input_tokens,
    output_tokens: r.output_tokens,
    cache_read_tokens: r.cache_read_tokens,
    cache_write_tokens: r.cache_write_tokens,
    total_tokens: r.input_tokens + r.output_tokens,
    cost_usd: usdFromNanos(r.cost_nanos),
    cost_source: r.cost_source,
    error_type: r.error_type,
    error_message: r.error_message,
    tags: r.tags,
    safety_flags: r.safety_flags,
  };
}

/**
 * One page of the list, newest first: timestamp descending, then trace_id descending, strictly
 * after `after` (keyset pagination: a row inserted while a client walks the pages lands either
 * before the cursor, already passed, or after it, still to come — never twice, never skipped).
 */
export async function tracePage(q: TraceQuery, after: PageCursor | undefined, limit: number): Promise<Page<TraceItem>> {
  const keyset = after ? sql` and (${traces.timestamp}, ${traceIdOrder}) < (${iso(after.at)}::timestamptz, ${after.name} collate "C")` : sql``;
  const found = await rows(
    q,
    sql`select ${traceItemColumns} from ${traces} where ${traceConditions(q)}${keyset}
        order by ${traces.timestamp} desc, ${traceIdOrder} desc limit ${limit + 1}`,
    traceRow,
  );
  const items = found.slice(0, limit).map(traceItem);
  const last = items.at(-1);
  const more = found.length > limit && last !== undefined;
  return { items, next: more ? { at: Date.parse(last.timestamp), name: last.trace_id, from: q.window.from, to: q.window.to } : null };
}

/**
 * The window a page reads: a preset range's window is fixed by the first page and carried in
 * the cursor, so walking the pages reads one window while "now" moves on.
 */
export function pageWindow(input: Pick<WindowInput, 'range' | 'from' | 'to'>, cursor: PageCursor | undefined, now = Date.now()): TimeWindow {
  if (cursor && input.range !== 'custom') return { from: cursor.from, to: cursor.to };
  return resolveWindow(input, now);
}
