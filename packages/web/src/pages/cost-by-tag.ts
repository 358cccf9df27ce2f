import type { AppRouter } from '@pulse/api';
import type { inferRouterOutputs } from '@trpc/server';
import { round2 } from '@pulse/shared';
import { formatPct, formatUsd } from '../format.js';

type CostByTag = inferRouterOutputs<AppRouter>['cost']['byTag'];

/** The label of the calls without tags: parenthesised, so no tag can be mistaken for it. */
export const UNTAGGED = '(untagged)';

/**
 * The bars of the cost-by-tag chart: every tag as answered (cost desc, docs/API_SPEC.md §8),
 * then the untagged calls, shown when there were some. A call with several tags is in several
 * bars, so the bars may add up to more than the total.
 */
export function tagBars(answer: CostByTag): Array<{ label: string; cost: number; percentage: number }> {
  const bars = answer.data.map((t) => ({ label: t.tag, cost: t.cost_usd, percentage: t.percentage }));
  if (answer.untagged.calls > 0) {
    // The same share and rounding as the tags' `percentage`.
    const share = answer.total_cost_usd > 0 ? round2((answer.untagged.cost_usd / answer.total_cost_usd) * 100) : 0;
    bars.push({ label: UNTAGGED, cost: answer.untagged.cost_usd, percentage: share });
  }
  return bars;
}

/** The answer as CSV rows (tag, calls, cost_usd, percentage): every tag, then the untagged calls as on the chart. */
export function tagCsvRows(answer: CostByTag): Array<[string, number, number, number]> {
  const rows = answer.data.map((t): [string, number, number, number] => [t.tag, t.calls, t.cost_usd, t.percentage]);
  const untagged = tagBars(answer).find((b) => b.label === UNTAGGED);
  if (untagged) rows.push([UNTAGGED, answer.untagged.calls, untagged.cost, untagged.percentage]);
  return rows;
}

/** What the chart shows, as text: the canvas's accessible name. */
export function describeTagBars(bars: ReturnType<typeof tagBars>): string {
  if (bars.length === 0) return 'Cost by tag: no calls';
  return `Cost by tag: ${bars.map((b) => `${b.label} ${formatUsd(b.cost)} (${formatPct(b.percentage)})`).join(', ')}`;
}
