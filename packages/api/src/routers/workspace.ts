import { schema } from '@pulse/db';
import { workspaceInfoSchema } from '@pulse/shared';
import { eq, sql } from 'drizzle-orm';
import { router, workspaceProcedure } from '../trpc/trpc.js';

/** For the dashboard (tRPC only): the workspace's name and the agents and models it has seen. */
export const workspaceRouter = router({
  info: workspaceProcedure.output(workspaceInfoSchema).query(async ({ ctx }) => {
    const [ws] = await ctx.database.db.select({ name: schema.workspaces.name }).from(schema.workspaces).where(eq(schema.workspaces.id, ctx.workspaceId));
    // Daily rollups are small: every agent and model of the last 90 days, without a raw scan
    // (plus the few traces still queued for folding, so a new agent shows up at once).
    const { statsDaily: daily, rollupPending: queued } = schema;
    const rows = await ctx.database.rows<{ agent_id: string; model: string }>(
      sql`select distinct ${daily.agentId} as agent_id, ${daily.model} as model from ${daily}
          where ${daily.workspaceId} = ${ctx.workspaceId}::uuid and ${daily.bucket} >= now() - interval '90 days'
          union
          select distinct ${queued.agentId}, ${queued.model} from ${queued} where ${queued.workspaceId} = ${ctx.workspaceId}::uuid`,
    );
    const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
    return {
      workspace_id: ctx.workspaceId,
      name: ws?.name ?? '',
      agents: sorted(rows.map((r) => r.agent_id)),
      models: sorted(rows.map((r) => r.model)),
    };
  }),
});
