import { agentDistributionSchema, callsOverTimeSchema, seriesInputSchema, topUsersInputSchema, topUsersSchema, usageOverviewSchema, windowInputSchema } from '@pulse/shared';
import { analyticsQuery } from '../analytics/procedure.js';
import { agentDistribution, callsOverTime, topUsers, usageOverview } from '../analytics/usage.js';
import { resolveGranularity } from '../analytics/window.js';
import { router } from '../trpc/trpc.js';

export const usageRouter = router({
  overview: analyticsQuery(
    { name: 'usage.overview', path: '/usage/overview', summary: 'Calls, unique users, active agents, vs the previous period', kind: 'overview', input: windowInputSchema, output: usageOverviewSchema },
    (q, window) => usageOverview(q, window),
  ),
  callsOverTime: analyticsQuery(
    { name: 'usage.callsOverTime', path: '/usage/calls-over-time', summary: 'Calls per time bucket', kind: 'detail', input: seriesInputSchema, output: callsOverTimeSchema },
    (q, window, input) => callsOverTime(q, window, resolveGranularity(window, input.granularity)),
  ),
  agentDistribution: analyticsQuery(
    { name: 'usage.agentDistribution', path: '/usage/agent-distribution', summary: 'Calls per agent', kind: 'detail', input: windowInputSchema, output: agentDistributionSchema },
    (q, window) => agentDistribution(q, window),
  ),
  topUsers: analyticsQuery(
    { name: 'usage.topUsers', path: '/usage/top-users', summary: 'The most active users', kind: 'detail', input: topUsersInputSchema, output: topUsersSchema },
    (q, window, input) => topUsers(q, window, input.limit),
  ),
});
