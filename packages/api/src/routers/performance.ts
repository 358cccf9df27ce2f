import { errorsInputSchema, errorsSchema, latencySeriesSchema, performanceOverviewSchema, seriesInputSchema, throughputSchema, windowInputSchema } from '@pulse/shared';
import { errorsByType, latencySeries, performanceOverview, throughput } from '../analytics/performance.js';
import { analyticsQuery } from '../analytics/procedure.js';
import { resolveGranularity } from '../analytics/window.js';
import { router } from '../trpc/trpc.js';

export const performanceRouter = router({
  overview: analyticsQuery(
    { name: 'performance.overview', path: '/performance/overview', summary: 'Error rate, average and P50/P95/P99 latency', kind: 'overview', input: windowInputSchema, output: performanceOverviewSchema },
    (q, window) => performanceOverview(q, window),
  ),
  latency: analyticsQuery(
    { name: 'performance.latency', path: '/performance/latency', summary: 'P50/P95/P99 latency per time bucket', kind: 'detail', input: seriesInputSchema, output: latencySeriesSchema },
    (q, window, input) => latencySeries(q, window, resolveGranularity(window, input.granularity)),
  ),
  throughput: analyticsQuery(
    { name: 'performance.throughput', path: '/performance/throughput', summary: 'Successful and failed calls per time bucket', kind: 'detail', input: seriesInputSchema, output: throughputSchema },
    (q, window, input) => throughput(q, window, resolveGranularity(window, input.granularity)),
  ),
  errors: analyticsQuery(
    { name: 'performance.errors', path: '/performance/errors', summary: 'Errors by type', kind: 'detail', input: errorsInputSchema, output: errorsSchema },
    (q, window, input) => errorsByType(q, window, input.limit),
  ),
});
