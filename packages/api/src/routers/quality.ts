import { qualityByAgentInputSchema, qualityByAgentSchema, qualityOverviewSchema, qualityTrendInputSchema, qualityTrendSchema, windowInputSchema } from '@pulse/shared';
import { analyticsQuery } from '../analytics/procedure.js';
import { qualityByAgent, qualityOverview, qualityTrend } from '../analytics/quality.js';
import { resolveGranularity } from '../analytics/window.js';
import { router } from '../trpc/trpc.js';

/** Quality figures over scores (docs/API_SPEC.md §10). */
export const qualityRouter = router({
  overview: analyticsQuery(
    { name: 'quality.overview', path: '/quality/overview', summary: 'Count and average of every score name, with the previous window\'s average', kind: 'overview', input: windowInputSchema, output: qualityOverviewSchema },
    (q, window) => qualityOverview(q, window),
  ),
  trend: analyticsQuery(
    { name: 'quality.trend', path: '/quality/trend', summary: 'Count and average of one score per time bucket', kind: 'detail', input: qualityTrendInputSchema, output: qualityTrendSchema },
    (q, window, input) => qualityTrend(q, window, resolveGranularity(window, input.granularity), input.name),
  ),
  byAgent: analyticsQuery(
    { name: 'quality.byAgent', path: '/quality/by-agent', summary: 'Count and average of one score per agent', kind: 'detail', input: qualityByAgentInputSchema, output: qualityByAgentSchema },
    (q, window, input) => qualityByAgent(q, window, input.name),
  ),
});
