import { budgetInputSchema, budgetSchema, costByModelSchema, costOverviewSchema, costTrendSchema, seriesInputSchema, windowInputSchema } from '@pulse/shared';
import { z } from 'zod';
import { budgetView, saveBudget } from '../analytics/budget.js';
import { costByModel, costOverview, costTrend } from '../analytics/cost.js';
import { analyticsRequest } from '../analytics/procedure.js';
import { resolveGranularity } from '../analytics/window.js';
import { cached } from '../cache/cached.js';
import { router, workspaceProcedure } from '../trpc/trpc.js';

const tags = ['cost'];
const protect = true;

export const costRouter = router({
  overview: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/cost/overview', tags, protect, summary: 'Spend in the window, month to date, projection and budget' } })
    .input(windowInputSchema)
    .output(costOverviewSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'cost.overview', input, 'overview', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return costOverview(q, window);
      }),
    ),

  trend: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/cost/trend', tags, protect, summary: 'Cost per time bucket, by model' } })
    .input(seriesInputSchema)
    .output(costTrendSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'cost.trend', input, 'detail', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return costTrend(q, window, resolveGranularity(window, input.granularity));
      }),
    ),

  byModel: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/cost/by-model', tags, protect, summary: 'Cost, calls and tokens per model' } })
    .input(windowInputSchema)
    .output(costByModelSchema)
    .query(({ ctx, input }) =>
      cached(ctx, 'cost.byModel', input, 'detail', () => {
        const { q, window } = analyticsRequest(ctx, input);
        return costByModel(q, window);
      }),
    ),

  budget: workspaceProcedure
    .meta({ openapi: { method: 'GET', path: '/cost/budget', tags, protect, summary: 'The monthly budget and its status' } })
    .input(z.object({}))
    .output(budgetSchema)
    .query(({ ctx }) =>
      cached(ctx, 'cost.budget', {}, 'overview', () => budgetView(analyticsRequest(ctx, { range: '24h' }).q)),
    ),

  setBudget: workspaceProcedure
    .meta({ openapi: { method: 'PUT', path: '/cost/budget', tags, protect, summary: 'Set (or, with null, remove) the monthly budget' } })
    .input(budgetInputSchema)
    .output(budgetSchema)
    .mutation(async ({ ctx, input }) => {
      const { q } = analyticsRequest(ctx, { range: '24h' });
      await saveBudget(q, input.monthly_limit_usd, input.alert_threshold_pct);
      await ctx.onWorkspaceWrite(ctx.workspaceId);
      return budgetView(q);
    }),
});
