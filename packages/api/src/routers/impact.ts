import {
  agentValueInputSchema,
  agentValueListInputSchema,
  agentValueListSchema,
  agentValuePathSchema,
  agentValueSchema,
  identifier,
  impactByAgentSchema,
  impactOverviewSchema,
  impactTrendInputSchema,
  impactTrendSchema,
  windowInputSchema,
} from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { impactByAgent, impactOverview, impactTrend } from '../analytics/impact.js';
import { analyticsQuery } from '../analytics/procedure.js';
import { resolveGranularity } from '../analytics/window.js';
import { deleteAgentValue, findAgentValue, listAgentValues, putAgentValue } from '../impact/agent-value-store.js';
import { setStatus } from '../trpc/context.js';
import { pathParam } from '../trpc/path-param.js';
import { router, workspaceProcedure, workspaceQueryProcedure } from '../trpc/trpc.js';

const tags = ['impact'];
const protect = true;
const notFound = { when: 'The agent has no value settings', message: 'No value settings for agent support-bot' };
const missing = (agentId: string) =>
  new TRPCError({ code: 'NOT_FOUND', message: `No value settings for agent ${agentId}` });
const agentIdSchema = identifier();

/** What the agents are worth (docs/API_SPEC.md §14): per-agent value settings, and value against LLM cost. */
export const impactRouter = router({
  overview: analyticsQuery(
    {
      name: 'impact.overview',
      path: '/impact/overview',
      summary: "Value, cost, net value and ROI of the configured agents' calls",
      kind: 'overview',
      input: windowInputSchema,
      output: impactOverviewSchema,
    },
    (q, window) => impactOverview(q, window),
  ),
  trend: analyticsQuery(
    {
      name: 'impact.trend',
      path: '/impact/trend',
      summary: 'Successes, value and cost per time bucket',
      kind: 'detail',
      input: impactTrendInputSchema,
      output: impactTrendSchema,
    },
    (q, window, input) => impactTrend(q, window, resolveGranularity(window, input.granularity)),
  ),
  byAgent: analyticsQuery(
    {
      name: 'impact.byAgent',
      path: '/impact/by-agent',
      summary: 'Every configured agent with its figures, most net value first',
      kind: 'detail',
      input: windowInputSchema,
      output: impactByAgentSchema,
    },
    (q, window) => impactByAgent(q, window),
  ),

  listAgents: workspaceQueryProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/impact/agents',
        tags,
        protect,
        summary: "Every agent's value settings, by agent_id",
      },
      scope: 'read',
    })
    .input(agentValueListInputSchema)
    .output(agentValueListSchema)
    .query(async ({ ctx }) => ({ data: await listAgentValues(ctx.database, ctx.workspaceId) })),

  getAgent: workspaceQueryProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/impact/agents/{agent_id}',
        tags,
        protect,
        summary: "One agent's value settings",
      },
      answers: { notFound },
      scope: 'read',
    })
    .input(agentValuePathSchema)
    .output(agentValueSchema)
    .query(async ({ ctx, input }) => {
      const agentId = pathParam(ctx, 'agent_id', input.agent_id, agentIdSchema);
      const found = await findAgentValue(ctx.database, ctx.workspaceId, agentId);
      if (!found) throw missing(agentId);
      return found;
    }),

  putAgent: workspaceProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/impact/agents/{agent_id}',
        tags,
        protect,
        summary: "Set what one agent's successful task is worth",
        description:
          'Either `value_per_success_usd`, or `minutes_saved` with `hourly_rate_usd`. A call is a success when its status is ' +
          '`success` (`"success": "status"`, the default), or when its boolean score `success_score` is true (`"success": "score"`).',
      },
      scope: 'admin',
    })
    .input(agentValueInputSchema)
    .output(agentValueSchema)
    .mutation(async ({ ctx, input }) => {
      const stored = await putAgentValue(ctx.database, ctx.workspaceId, {
        ...input,
        agent_id: pathParam(ctx, 'agent_id', input.agent_id, agentIdSchema),
      });
      // The impact figures read the settings: cached answers computed with the old ones end.
      await ctx.onWorkspaceWrite(ctx.workspaceId);
      return stored;
    }),

  deleteAgent: workspaceProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/impact/agents/{agent_id}',
        tags,
        protect,
        summary: "Remove one agent's value settings",
      },
      answers: { success: 204, notFound },
      scope: 'admin',
    })
    .input(agentValuePathSchema)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      const agentId = pathParam(ctx, 'agent_id', input.agent_id, agentIdSchema);
      if (!(await deleteAgentValue(ctx.database, ctx.workspaceId, agentId))) throw missing(agentId);
      await ctx.onWorkspaceWrite(ctx.workspaceId);
      setStatus(ctx, 204);
    }),
});
