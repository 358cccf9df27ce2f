import { schema } from '@pulse/db';
import { workspaceInfoSchema } from '@pulse/shared';
import { eq, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { router, workspaceProcedure } from '../trpc/trpc.js';

/** How many agents and how many models the dashboard's filter lists offer at most. */
const FILTER_CHOICES = 500;

/** For the dashboard (tRPC only): the workspace's name and the agents and models it has seen. */
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
    const [agents, models] = await Promise.all([busiest(daily.agentId, queued.agentId), busiest(daily.model, queued.model)]);
    return {
      workspace_id: ctx.workspaceId,
      name: ws?.name ?? '',
      agents,
      models,
    };
  }),
});
