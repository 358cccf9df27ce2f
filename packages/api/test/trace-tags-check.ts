import type { Database } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';

/**
 * trace_tags holds exactly one row per tag each stored call carries (docs/API_SPEC.md §8): the
 * rows plain SQL expands from traces.tags, none missing and none left over, in every workspace.
 */
export async function expectTraceTagsExact(database: Database): Promise<void> {
  const [diff] = await database.rows<{ missing: number; extra: number; expanded: number }>(
    sql`with expanded as (select t.workspace_id, carried.tag, t.timestamp, t.trace_id
          from traces t cross join lateral jsonb_array_elements_text(t.tags) as carried(tag)),
        stored as (select workspace_id, tag, timestamp, trace_id from trace_tags)
        select (select count(*) from (select * from expanded except all select * from stored) m)::int as missing,
               (select count(*) from (select * from stored except all select * from expanded) e)::int as extra,
               (select count(*) from expanded)::int as expanded`,
  );
  expect(diff).toMatchObject({ missing: 0, extra: 0 });
  expect(diff!.expanded).toBeGreaterThan(0);
}
