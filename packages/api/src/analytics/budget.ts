import { schema } from '@pulse/db';
import { nanosToUsd, round2, usdToNanos } from '@pulse/shared';
import { eq, sql } from 'drizzle-orm';
import { type QueryContext, rows } from './context.js';
import { usdFromNanos } from './convert.js';
import { statsRows } from './sources.js';
import { iso, planWindow } from './window.js';

export interface MonthToDate {
  periodStart: number;
  periodEnd: number;
  spentUsd: number;
  projectedUsd: number;
}

/** Spend since the start of the current UTC month, workspace-wide whatever the filters. */
export async function monthToDate(q: QueryContext): Promise<MonthToDate> {
  const now = new Date(q.now);
  const periodStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const periodEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const scope = { workspaceId: q.scope.workspaceId, timescale: q.scope.timescale };
  const [r] = await rows<{ cost: unknown }>(
    q,
    sql`select coalesce(sum(cost_nanos), 0)::text as cost from (${statsRows(scope, planWindow({ from: periodStart, to: q.now }), null)}) s`,
  );
  const spentUsd = usdFromNanos(r?.cost);
  const elapsed = (q.now - periodStart) / (periodEnd - periodStart);
  return { periodStart, periodEnd, spentUsd, projectedUsd: elapsed > 0 ? spentUsd / elapsed : 0 };
}

export type BudgetStatus = 'no_budget' | 'ok' | 'warning' | 'exceeded';

export async function loadBudget(q: QueryContext) {
  const [row] = await q.database.db
    .select({ limit: schema.budgets.monthlyLimitNanos, threshold: schema.budgets.alertThresholdPct })
    .from(schema.budgets)
    .where(eq(schema.budgets.workspaceId, q.scope.workspaceId));
  return row ? { limitUsd: nanosToUsd(row.limit), thresholdPct: row.threshold } : null;
}

/** GET /cost/budget (and the answer of PUT). */
export async function budgetView(q: QueryContext) {
  const [mtd, budget] = await Promise.all([monthToDate(q), loadBudget(q)]);
  const usedPct = budget ? round2((mtd.spentUsd / budget.limitUsd) * 100) : null;
  let status: BudgetStatus = 'no_budget';
  if (budget) {
    if (mtd.spentUsd >= budget.limitUsd) status = 'exceeded';
    else if ((mtd.spentUsd / budget.limitUsd) * 100 >= budget.thresholdPct) status = 'warning';
    else status = 'ok';
  }
  return {
    monthly_limit_usd: budget?.limitUsd ?? null,
    alert_threshold_pct: budget?.thresholdPct ?? 80,
    period_start: iso(mtd.periodStart),
    period_end: iso(mtd.periodEnd),
    month_to_date_usd: mtd.spentUsd,
    used_pct: usedPct,
    remaining_usd: budget ? subtractUsd(budget.limitUsd, mtd.spentUsd) : null,
    projected_month_usd: mtd.projectedUsd,
    status,
  };
}

/** a − b exactly in nano-dollars (no float drift such as 200 − 40.2 = 159.79999…). */
export function subtractUsd(a: number, b: number): number {
  return nanosToUsd(usdToNanos(a) - usdToNanos(b));
}

export async function saveBudget(q: QueryContext, limitUsd: number | null, thresholdPct: number) {
  const workspaceId = q.scope.workspaceId;
  if (limitUsd === null) {
    await q.database.db.delete(schema.budgets).where(eq(schema.budgets.workspaceId, workspaceId));
    return;
  }
  const values = { workspaceId, monthlyLimitNanos: usdToNanos(limitUsd), alertThresholdPct: thresholdPct, updatedAt: sql`now()` };
  await q.database.db
    .insert(schema.budgets)
    .values(values)
    .onConflictDoUpdate({ target: schema.budgets.workspaceId, set: { monthlyLimitNanos: values.monthlyLimitNanos, alertThresholdPct: thresholdPct, updatedAt: sql`now()` } });
}
