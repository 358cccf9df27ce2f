import type { Database } from '@pulse/db';
import { ALERT_WINDOW_MS, type AlertMetric, type AlertWindow } from '@pulse/shared';
import { budgetView } from '../analytics/budget.js';
import type { QueryContext } from '../analytics/context.js';
import { costOverview } from '../analytics/cost.js';
import { performanceOverview } from '../analytics/performance.js';
import { loadPendingRepricing } from '../prices/pending-repricing.js';

export interface WatchedMetric {
  workspaceId: string;
  metric: AlertMetric;
  window: AlertWindow;
  agentId: string | null;
  model: string | null;
}

/**
 * A rule's metric now, computed as the analytics endpoints compute it (docs/API_SPEC.md §11):
 * budget_used_pct as /cost/budget (month to date, workspace-wide: no window, no filters), the
 * others as /cost/overview and /performance/overview over the rolling window [now − window,
 * now) with the rule's agent and model filters. Null when there is nothing to measure (no
 * budget, no calls for a rate or a percentile): such a rule is not over its threshold.
 */
export async function metricValue(database: Database, rule: WatchedMetric, now: number): Promise<number | null> {
  const timescale = database.timescale;
  if (rule.metric === 'budget_used_pct') {
    return (await budgetView({ database, workspaceId: rule.workspaceId, timescale, now })).used_pct;
  }
  const q: QueryContext = {
    database,
    now,
    scope: {
      workspaceId: rule.workspaceId,
      agentId: rule.agentId ?? undefined,
      model: rule.model ?? undefined,
      timescale,
      repricing: await loadPendingRepricing(database.db, rule.workspaceId),
    },
  };
  const window = { from: now - ALERT_WINDOW_MS[rule.window], to: now };
  if (rule.metric === 'cost_usd') return (await costOverview(q, window)).total_cost_usd;
  const performance = await performanceOverview(q, window);
  if (rule.metric === 'calls') return performance.total_calls;
  if (rule.metric === 'error_rate_pct') return performance.error_rate_pct;
  return performance.p95_ms;
}
