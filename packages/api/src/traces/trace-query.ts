import { schema } from '@pulse/db';
import { type PageCursor, type TraceFilterInput, type TraceItem } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { filters } from '../analytics/sources.js';
import { iso, resolveWindow, type TimeWindow } from '../analytics/window.js';
import type { Database } from '@pulse/db';
import type { PendingRepricing } from '../prices/pending-repricing.js';
import type { Page } from './page-answer.js';
import { traceItemColumns, traceItemOf, type TraceItemRow } from './trace-item.js';
import type { WindowInput } from '@pulse/shared';

const { traces, traceTags } = schema;

/** What a trace query reads: the workspace, the window and the list's filters (docs/API_SPEC.md §8). */
export interface TraceQuery {
  database: Database;
  workspaceId: string;
  window: TimeWindow;
  filter: Omit<TraceFilterInput, 'range' | 'from' | 'to'>;
  /** The workspace's models still being re-priced: their calls' costs are read as the prices now give them. */
  repricing: readonly PendingRepricing[];
}

/** The window and every filter of the list, on raw traces. */
export function traceConditions(q: TraceQuery): SQL {
  const f = q.filter;
  const parts: SQL[] = [
    filters({ workspaceId: q.workspaceId, agentId: f.agent_id, model: f.model, tag: f.tag }, traces),
    sql`${traces.timestamp} >= ${iso(q.window.from)}::timestamptz and ${traces.timestamp} < ${iso(q.window.to)}::timestamptz`,
  ];
  if (f.user_id !== undefined) parts.push(sql`${traces.userId} = ${f.user_id}`);
  if (f.session_id !== undefined) parts.push(sql`${traces.sessionId} = ${f.session_id}`);
  if (f.status !== undefined) parts.push(sql`${traces.isError} = ${f.status === 'error' ? 1 : 0}`);
  if (f.error_type !== undefined) parts.push(sql`${traces.errorType} = ${f.error_type}`);
  return sql.join(parts, sql` and `);
}

/** Whether a tag is the list's only filter (the window aside). */
const isTagAlone = (f: TraceQuery['filter']) =>
  f.tag !== undefined && [f.agent_id, f.model, f.user_id, f.session_id, f.status, f.error_type].every((v) => v === undefined);

/**
 * The page's rows in the list's key order (timestamp, then trace_id by code point), and where
 * they are read from. With a tag as the only filter: the tag's rows of trace_tags, whose index
 * holds them in that order right after the tag, each answered by its call, fetched by the
 * calls' unique key, so a page of any tag, common, rare or carried by no call, is one short
 * range of that index (`tags @> '["x"]'` on the calls walked the window's calls until a page
 * matched: seconds for a tag no recent call carries). The call is read in a LATERAL subquery
 * with LIMIT 1 (the key is unique: no call is lost) so that the planner keeps this nested loop:
 * it cannot tell that the key is unique, estimates the join at one row and would otherwise
 * merge the tag's whole window with the calls' (in parallel workers, tens of ms to start).
 * With another filter as well, that filter's index leads (0011_trace_filter_indexes) and the
 * tag is checked on each call it reads, as every filter is on the calls alone.
 */
function keyedRows(q: TraceQuery, keyset: (at: SQL, name: SQL) => SQL, limit: number): SQL {
  if (!isTagAlone(q.filter)) {
    const [at, name] = [sql`${traces.timestamp}`, sql`${traces.traceId} collate "C"`];
    return sql`select ${traceItemColumns(q.repricing)} from ${traces} where ${traceConditions(q)}${keyset(at, name)}
      order by ${at} desc, ${name} desc limit ${limit}`;
  }
  const [at, name] = [sql`${traceTags.timestamp}`, sql`${traceTags.traceId} collate "C"`];
  return sql`select item.* from ${traceTags} cross join lateral (
      select ${traceItemColumns(q.repricing)} from ${traces} where ${traces.workspaceId} = ${traceTags.workspaceId}
        and ${traces.traceId} = ${traceTags.traceId} and ${traces.timestamp} = ${traceTags.timestamp} and ${traceConditions(q)}
      limit 1) as item
    where ${traceTags.workspaceId} = ${q.workspaceId}::uuid and ${traceTags.tag} = ${q.filter.tag}
      and ${at} >= ${iso(q.window.from)}::timestamptz and ${at} < ${iso(q.window.to)}::timestamptz${keyset(at, name)}
    order by ${at} desc, ${name} desc limit ${limit}`;
}

/**
 * The list's keyset (timestamp descending, then trace_id descending) strictly after `after`:
 * a row inserted while a client walks the pages lands either before the cursor, already passed,
 * or after it, still to come — never twice, never skipped. The first condition is implied by
 * the second; it is there for the filters' indexes, which end with the timestamp and can be
 * entered at it (the row comparison needs trace_id in the index).
 */
const keysetAfter = (after: PageCursor | undefined) => (at: SQL, name: SQL) =>
  after ? sql` and ${at} <= ${iso(after.at)}::timestamptz and (${at}, ${name}) < (${iso(after.at)}::timestamptz, ${after.name} collate "C")` : sql``;

/** The cursor after a page whose last item is `last`, when a row beyond the page was read. */
const cursorAfter = (q: TraceQuery, last: TraceItem | undefined, more: boolean): PageCursor | null =>
  more && last !== undefined ? { at: Date.parse(last.timestamp), name: last.trace_id, from: q.window.from, to: q.window.to } : null;

/** One page of the list, newest first, after `after`. An aborted `signal` cancels the read (database.rows). */
export async function tracePage(q: TraceQuery, after: PageCursor | undefined, limit: number, signal?: AbortSignal): Promise<Page<TraceItem>> {
  const found = await q.database.rows<TraceItemRow>(keyedRows(q, keysetAfter(after), limit + 1), { signal });
  const items = found.slice(0, limit).map(traceItemOf);
  return { items, next: cursorAfter(q, items.at(-1), found.length > limit) };
}

/**
 * The same page handed to `onItems` in chunks of at most `chunkRows` as they are read
 * (database.eachChunk), for the export: no chunk's rows outlive it. Answers the cursor to the
 * next page.
 */
export async function streamTracePage(
  q: TraceQuery,
  after: PageCursor | undefined,
  limit: number,
  chunkRows: number,
  onItems: (items: TraceItem[]) => void,
  signal?: AbortSignal,
): Promise<PageCursor | null> {
  let read = 0;
  let last: TraceItem | undefined;
  await q.database.eachChunk<TraceItemRow>(
    keyedRows(q, keysetAfter(after), limit + 1),
    chunkRows,
    (rows) => {
      const items = rows.slice(0, Math.max(0, limit - read)).map(traceItemOf);
      read += rows.length;
      if (items.length === 0) return;
      last = items.at(-1);
      onItems(items);
    },
    signal,
  );
  return cursorAfter(q, last, read > limit);
}

/**
 * The window a page reads: a preset range's window is fixed by the first page and carried in
 * the cursor, so walking the pages reads one window while "now" moves on.
 */
export function pageWindow(input: Pick<WindowInput, 'range' | 'from' | 'to'>, cursor: PageCursor | undefined, now = Date.now()): TimeWindow {
  if (cursor && input.range !== 'custom') return { from: cursor.from, to: cursor.to };
  return resolveWindow(input, now);
}
