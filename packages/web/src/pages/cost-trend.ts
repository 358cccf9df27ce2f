import type { AppRouter } from '@pulse/api';
import type { inferRouterOutputs } from '@trpc/server';

type CostTrend = inferRouterOutputs<AppRouter>['cost']['trend'];

/**
 * The stacked series of the cost chart: one per top model the answer names, then "Other" for
 * the spend of every other model, shown only when there was some (docs/API_SPEC.md §4).
 */
export function trendSeries(trend: CostTrend): Array<{ label: string; data: number[] }> {
  const series = trend.models.map((m) => ({ label: m, data: trend.data.map((d) => d.by_model[m] ?? 0) }));
  const other = trend.data.map((d) => d.other_cost_usd);
  if (other.some((v) => v > 0)) series.push({ label: 'Other', data: other });
  return series;
}
