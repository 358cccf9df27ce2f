import { safetyOverviewSchema, safetyTrendSchema, seriesInputSchema, windowInputSchema } from '@pulse/shared';
import { analyticsQuery } from '../analytics/procedure.js';
import { safetyOverview, safetyTrend } from '../analytics/safety.js';
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
});
