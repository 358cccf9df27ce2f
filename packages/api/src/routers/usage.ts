import { agentDistributionSchema, callsOverTimeSchema, seriesInputSchema, topUsersInputSchema, topUsersSchema, usageOverviewSchema, windowInputSchema } from '@pulse/shared';
import { analyticsRequest } from '../analytics/procedure.js';
import { agentDistribution, callsOverTime, topUsers, usageOverview } from '../analytics/usage.js';
import { resolveGranularity } from '../analytics/window.js';
import { cached } from '../cache/cached.js';
import { router, workspaceProcedure } from '../trpc/trpc.js';

const tags = ['usage'];
const protect = true;

export const usageRouter = router({
  overview: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/usage/overview', tags, protect, summary: 'Calls, unique users, active agents, vs the previous period' } })
    .input(windowInputSchema)
    .output(usageOverviewSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'usage.overview', input, 'overview', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return usageOverview(q, window);
      }),
    ),

  callsOverTime: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/usage/calls-over-time', tags, protect, summary: 'Calls per time bucket' } })
    .input(seriesInputSchema)
    .output(callsOverTimeSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'usage.callsOverTime', input, 'detail', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return callsOverTime(q, window, resolveGranularity(window, input.granularity));
      }),
    ),

  agentDistribution: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/usage/agent-distribution', tags, protect, summary: 'Calls per agent' } })
    .input(windowInputSchema)
    .output(agentDistributionSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'usage.agentDistribution', input, 'detail', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return agentDistribution(q, window);
      }),
    ),

  topUsers: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/usage/top-users', tags, protect, summary: 'The most active users' } })
    .input(topUsersInputSchema)
    .output(topUsersSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'usage.topUsers', input, 'detail', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return topUsers(q, window, input.limit);
      }),
    ),
});
