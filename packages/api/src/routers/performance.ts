import { errorsInputSchema, errorsSchema, latencySeriesSchema, performanceOverviewSchema, seriesInputSchema, throughputSchema, windowInputSchema } from '@pulse/shared';
import { errorsByType, latencySeries, performanceOverview, throughput } from '../analytics/performance.js';
import { analyticsRequest } from '../analytics/procedure.js';
import { resolveGranularity } from '../analytics/window.js';
import { cached } from '../cache/cached.js';
import { router, workspaceProcedure } from '../trpc/trpc.js';

const tags = ['performance'];
const protect = true;

export const performanceRouter = router({
  overview: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/performance/overview', tags, protect, summary: 'Error rate, average and P50/P95/P99 latency' } })
    .input(windowInputSchema)
    .output(performanceOverviewSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'performance.overview', input, 'overview', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return performanceOverview(q, window);
      }),
    ),

  latency: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/performance/latency', tags, protect, summary: 'P50/P95/P99 latency per time bucket' } })
    .input(seriesInputSchema)
    .output(latencySeriesSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'performance.latency', input, 'detail', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return latencySeries(q, window, resolveGranularity(window, input.granularity));
      }),
    ),

  throughput: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/performance/throughput', tags, protect, summary: 'Successful and failed calls per time bucket' } })
    .input(seriesInputSchema)
    .output(throughputSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'performance.throughput', input, 'detail', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return throughput(q, window, resolveGranularity(window, input.granularity));
      }),
    ),

  errors: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/performance/errors', tags, protect, summary: 'Errors by type' } })
    .input(errorsInputSchema)
    .output(errorsSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'performance.errors', input, 'detail', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return errorsByType(q, window, input.limit);
      }),
    ),
});
