import { budgetInputSchema, budgetQueryInputSchema, budgetSchema, costByModelSchema, costByTagSchema, costOverviewSchema, costTrendInputSchema, costTrendSchema, windowInputSchema } from '@pulse/shared';
import { budgetView, saveBudget } from '../analytics/budget.js';
import { costByModel, costByTag, costOverview, costTrend } from '../analytics/cost.js';
import { analyticsQuery, budgetRequest } from '../analytics/procedure.js';
import { resolveGranularity } from '../analytics/window.js';
import { cachedAnswer } from '../trpc/cached-answer.js';
import { cachedAnswerOutput } from '../cache/checked-answers.js';
import { cachedReadProcedure, router, workspaceProcedure } from '../trpc/trpc.js';

const tags = ['cost'];
const protect = true;

export const costRouter = router({
  overview: analyticsQuery(
    { name: 'cost.overview', path: '/cost/overview', summary: 'Spend in the window, month to date, projection and budget', kind: 'overview', input: windowInputSchema, output: costOverviewSchema },
    (q, window) => costOverview(q, window),
  ),
  trend: analyticsQuery(
    { name: 'cost.trend', path: '/cost/trend', summary: 'Cost per time bucket, by top model and all others', kind: 'detail', input: costTrendInputSchema, output: costTrendSchema },
    (q, window, input) => costTrend(q, window, resolveGranularity(window, input.granularity), input.limit),
  ),
  byModel: analyticsQuery(
    { name: 'cost.byModel', path: '/cost/by-model', summary: 'Cost, calls and tokens per model', kind: 'detail', input: windowInputSchema, output: costByModelSchema },
    (q, window) => costByModel(q, window),
  ),
  byTag: analyticsQuery(
    { name: 'cost.byTag', path: '/cost/by-tag', summary: 'Cost and calls per tag, and of untagged calls', kind: 'detail', input: windowInputSchema, output: costByTagSchema },
    (q, window) => costByTag(q, window),
  ),

  budget: cachedReadProcedure
    .meta({ openapi: { method: 'GET', path: '/cost/budget', tags, protect, summary: 'The monthly budget and its status' }, scope: 'read' })
    .input(budgetQueryInputSchema)
    .output(cachedAnswerOutput(budgetSchema))
    .query(({ ctx }) =>
      cachedAnswer(ctx, 'cost.budget', {}, 'overview', budgetSchema, () => budgetView(budgetRequest(ctx))),
    ),

  setBudget: workspaceProcedure
    .meta({ openapi: { method: 'PUT', path: '/cost/budget', tags, protect, summary: 'Set (or, with null, remove) the monthly budget' }, scope: 'admin' })
    .input(budgetInputSchema)
    .output(budgetSchema)
    .mutation(async ({ ctx, input }) => {
      const budget = budgetRequest(ctx);
      await saveBudget(budget, input.monthly_limit_usd, input.alert_threshold_pct);
      await ctx.onWorkspaceWrite(ctx.workspaceId);
      return budgetView(budget);
    }),
});
