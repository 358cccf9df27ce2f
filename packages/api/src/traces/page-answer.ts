import type { Database } from '@pulse/db';
import { decodeCursor, encodeCursor, type PageCursor, type TraceFilterInput } from '@pulse/shared';
import { iso } from '../analytics/window.js';
import { loadPendingRepricing } from '../prices/pending-repricing.js';
import { pageWindow, type TraceQuery } from './trace-query.js';

export interface Page<T> {
  items: T[];
  /** The key after the last item, or null when nothing follows. */
  next: PageCursor | null;
}

type PageInput = Partial<TraceFilterInput> & Pick<TraceFilterInput, 'range' | 'from' | 'to'> & { limit: number; cursor?: string | undefined };

/** A keyset-paginated answer of docs/API_SPEC.md §8: the page read over its window, with the cursor to the next. */
export async function pageAnswer<T>(
  ctx: { database: Database; workspaceId: string },
  input: PageInput,
  read: (q: TraceQuery, after: PageCursor | undefined, limit: number) => Promise<Page<T>>,
) {
  const { range, from, to, limit, cursor, ...filter } = input;
  // The input schema has already refused a cursor this API did not hand out.
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const window = pageWindow({ range, from, to }, after);
  const repricing = await loadPendingRepricing(ctx.database.db, ctx.workspaceId);
  const page = await read({ database: ctx.database, workspaceId: ctx.workspaceId, window, filter, repricing }, after, limit);
  return { from: iso(window.from), to: iso(window.to), next_cursor: page.next ? encodeCursor(page.next) : null, data: page.items };
}
