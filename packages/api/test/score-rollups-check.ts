import { type Database, schema } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';

/**
 * The hourly and daily score rollups against plain SQL over the workspace's raw `scores`:
 * every group's count, exact sum and latest write, and no group that has no scores.
 */
export async function expectScoreRollupsExact(database: Database, workspaceId: string): Promise<void> {
  for (const [table, step] of [
    [schema.scoreStatsHourly, '1 hour'],
    [schema.scoreStatsDaily, '1 day'],
  ] as const) {
    const rolled = await database.rows(
      sql`select bucket, name, agent_id, model, type, category, count::int as count, value_sum::text as value_sum, last_written
          from ${table} where workspace_id = ${workspaceId}::uuid and count <> 0 order by 1, 2, 3, 4, 5, 6`,
    );
    const raw = await database.rows(
      sql`select date_bin(${sql.raw(`'${step}'`)}, trace_timestamp, timestamptz '2000-01-01T00:00:00Z') as bucket, name, agent_id, model, type,
            coalesce(categorical_value, '') as category, count(*)::int as count, coalesce(sum(numeric_value::numeric), 0)::text as value_sum,
            max(updated_at) as last_written
          from ${schema.scores} where workspace_id = ${workspaceId}::uuid group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
    );
    const same = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({
        ...r,
        bucket: new Date(r.bucket as string).getTime(),
        last_written: new Date(r.last_written as string).getTime(),
        value_sum: Number(r.value_sum),
      }));
    expect(same(rolled), `${table === schema.scoreStatsHourly ? 'hourly' : 'daily'} score rollups`).toEqual(same(raw));
  }
}
