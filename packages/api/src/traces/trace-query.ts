import { schema } from '@pulse/db';
import { type PageCursor, type TraceFilterInput, type TraceItem } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { filters } from '../analytics/sources.js';
import { iso, resolveWindow, type TimeWindow } from '../analytics/window.js';
import type { Database } from '@pulse/db';
import type { Page } from './page-answer.js';
import { traceItemColumns, traceItemOf, type TraceItemRow } from './trace-item.js';
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

/**
 * One page of the list, newest first: timestamp descending, then trace_id descending, strictly
 * after `after` (keyset pagination: a row inserted while a client walks the pages lands either
 * before the cursor, already passed, or after it, still to come — never twice, never skipped).
 * An aborted `signal` cancels the read (database.rows).
 */
export async function tracePage(q: TraceQuery, after: PageCursor | undefined, limit: number, signal?: AbortSignal): Promise<Page<TraceItem>> {
  // The first condition is implied by the second; it is there for the filters' indexes, which end
  // with the timestamp and can be entered at it (the row comparison needs trace_id in the index).
  const keyset = after
    ? sql` and ${traces.timestamp} <= ${iso(after.at)}::timestamptz and (${traces.timestamp}, ${traceIdOrder}) < (${iso(after.at)}::timestamptz, ${after.name} collate "C")`
    : sql``;
  const found = await q.database.rows<TraceItemRow>(
    sql`select ${traceItemColumns} from ${traces} where ${traceConditions(q)}${keyset}
        order by ${traces.timestamp} desc, ${traceIdOrder} desc limit ${limit + 1}`,
    signal,
  );
  const items = found.slice(0, limit).map(traceItemOf);
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
