import { safetyByAgentSchema, safetyLatestInputSchema, safetyLatestSchema, safetyOverviewSchema, safetyTrendSchema, seriesInputSchema, windowInputSchema } from '@pulse/shared';
import { analyticsQuery } from '../analytics/procedure.js';
import { safetyByAgent, safetyLatest, safetyOverview, safetyTrend } from '../analytics/safety.js';
import { resolveGranularity } from '../analytics/window.js';
import { router } from '../trpc/trpc.js';

/** Safety analytics (docs/API_SPEC.md §12): what the detectors flagged at ingest. */
export const safetyRouter = router({
  overview: analyticsQuery(
    { name: 'safety.overview', path: '/safety/overview', summary: 'Calls flagged by the safety detectors, by type', kind: 'overview', input: windowInputSchema, output: safetyOverviewSchema },
    (q, window) => safetyOverview(q, window),
  ),
  trend: analyticsQuery(
    { name: 'safety.trend', path: '/safety/trend', summary: 'Flagged calls per time bucket, by type', kind: 'detail', input: seriesInputSchema, output: safetyTrendSchema },
    (q, window, input) => safetyTrend(q, window, resolveGranularity(window, input.granularity)),
  ),
  byAgent: analyticsQuery(
    { name: 'safety.byAgent', path: '/safety/by-agent', summary: 'Agents with flagged calls, most flagged first', kind: 'detail', input: windowInputSchema, output: safetyByAgentSchema },
    (q, window) => safetyByAgent(q, window),
  ),
  latest: analyticsQuery(
    { name: 'safety.latest', path: '/safety/latest', summary: 'The newest flagged calls', kind: 'detail', input: safetyLatestInputSchema, output: safetyLatestSchema },
    (q, window, input) => safetyLatest(q, window, input.limit),
  ),
});
