import { schema } from '@pulse/db';
import { workspaceInfoSchema } from '@pulse/shared';
import { eq, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { router, workspaceProcedure } from '../trpc/trpc.js';

/** How many agents, models and tags the dashboard's filter lists offer at most. */
const FILTER_CHOICES = 500;
/**
 * The tags offered are those of the workspace's latest traces: no rollup holds tags, and a
 * bounded backward scan of the primary key stays cheap however many traces a workspace has.
 */
const RECENT_TRACES_FOR_TAGS = 50_000;

/** For the dashboard (tRPC only): the workspace's name and the agents, models and tags it has seen. */
export const workspaceRouter = router({
  info: workspaceProcedure.meta({ scope: 'read' }).output(workspaceInfoSchema).query(async ({ ctx }) => {
    const [ws] = await ctx.database.db.select({ name: schema.workspaces.name }).from(schema.workspaces).where(eq(schema.workspaces.id, ctx.workspaceId));
    // Daily rollups are small: the agents and models of the last 90 days, without a raw scan
    // (plus the few traces still queued for folding, so a new agent shows up at once). Only the
    // busiest FILTER_CHOICES of each: any key can create names by ingesting, and this answer must
    // stay bounded however many it creates (docs/API_SPEC.md §5).
    const { statsDaily: daily, rollupPending: queued } = schema;
    const busiest = async (dailyColumn: AnyPgColumn, queuedColumn: AnyPgColumn) => {
      const rows = await ctx.database.rows<{ name: string }>(
        sql`select name from (
              select ${dailyColumn} as name, sum(${daily.calls}) as calls from ${daily}
              where ${daily.workspaceId} = ${ctx.workspaceId}::uuid and ${daily.bucket} >= now() - interval '90 days' group by 1
              union all
              select ${queuedColumn}, count(*) from ${queued} where ${queued.workspaceId} = ${ctx.workspaceId}::uuid group by 1) seen
            group by name order by sum(calls) desc, name limit ${FILTER_CHOICES}`,
      );
      return rows.map((r) => r.name).sort();
    };
    const { traces } = schema;
    const tagsInUse = async () => {
      const rows = await ctx.database.rows<{ name: string }>(
        sql`select carried.name from (
              select ${traces.tags} as tags from ${traces} where ${traces.workspaceId} = ${ctx.workspaceId}::uuid
              order by ${traces.timestamp} desc limit ${RECENT_TRACES_FOR_TAGS}) recent
            cross join lateral jsonb_array_elements_text(recent.tags) as carried(name)
            group by 1 order by count(*) desc, 1 limit ${FILTER_CHOICES}`,
      );
      return rows.map((r) => r.name).sort();
    };
    const [agents, models, tags] = await Promise.all([busiest(daily.agentId, queued.agentId), busiest(daily.model, queued.model), tagsInUse()]);
    return {
      workspace_id: ctx.workspaceId,
      name: ws?.name ?? '',
      agents,
      models,
      tags,
    };
  }),
});
