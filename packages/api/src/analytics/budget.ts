import { type Database, schema } from '@pulse/db';
import { round2, usdFromNanos, usdToNanos } from '@pulse/shared';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { loadPendingRepricing } from '../prices/pending-repricing.js';
import { type QueryContext, rows } from './context.js';
import { nanos } from './decode.js';
import { statsRows } from './sources.js';
import { iso, planWindow } from './window.js';

/**
 * What the budget reads and writes: one workspace's month, whatever window or filters a
 * request asked for (the month containing `now`, UTC).
 */
export interface BudgetContext {
  database: Database;
  workspaceId: string;
  timescale: boolean;
  now: number;
}

/** The budget's month of an analytics query: the same workspace and moment, without its filters. */
export function monthOf(q: QueryContext): BudgetContext {
  return { database: q.database, workspaceId: q.scope.workspaceId, timescale: q.scope.timescale, now: q.now };
}

export interface MonthToDate {
  periodStart: number;
  periodEnd: number;
  spentNanos: bigint;
  spentUsd: number;
  projectedUsd: number;
}

/** Spend since the start of the current UTC month, workspace-wide. */
async function monthToDate(b: BudgetContext): Promise<MonthToDate> {
  const now = new Date(b.now);
  const periodStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const periodEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const scope = { workspaceId: b.workspaceId, timescale: b.timescale, repricing: await loadPendingRepricing(b.database.db, b.workspaceId) };
  const [r] = await rows(
    b,
    sql`select coalesce(sum(cost_nanos), 0)::text as cost from (${statsRows(scope, planWindow({ from: periodStart, to: b.now }), null)}) s`,
    z.object({ cost: nanos }),
  );
  const spentNanos = r?.cost ?? 0n;
  const spentUsd = usdFromNanos(spentNanos);
  const elapsed = (b.now - periodStart) / (periodEnd - periodStart);
  return { periodStart, periodEnd, spentNanos, spentUsd, projectedUsd: elapsed > 0 ? spentUsd / elapsed : 0 };
}

export type BudgetStatus = 'no_budget' | 'ok' | 'warning' | 'exceeded';

async function loadBudget(b: BudgetContext) {
  const [row] = await b.database.db
    .select({ limit: schema.budgets.monthlyLimitNanos, threshold: schema.budgets.alertThresholdPct })
    .from(schema.budgets)
    .where(eq(schema.budgets.workspaceId, b.workspaceId));
  return row ? { limitNanos: row.limit, limitUsd: usdFromNanos(row.limit), thresholdPct: row.threshold } : null;
}

/** GET /cost/budget (and the answer of PUT). */
export async function budgetView(b: BudgetContext) {
  const [mtd, budget] = await Promise.all([monthToDate(b), loadBudget(b)]);
  const usedPct = budget ? round2((mtd.spentUsd / budget.limitUsd) * 100) : null;
  let status: BudgetStatus = 'no_budget';
  if (budget) {
    // Compared in nano-dollars: exact whatever the size of the spend.
    if (mtd.spentNanos >= budget.limitNanos) status = 'exceeded';
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
    // Subtracted in nano-dollars (no float drift such as 200 − 40.2 = 159.79999…).
    remaining_usd: budget ? usdFromNanos(budget.limitNanos - mtd.spentNanos) : null,
    projected_month_usd: mtd.projectedUsd,
    status,
  };
}

export async function saveBudget(b: BudgetContext, limitUsd: number | null, thresholdPct: number) {
  const workspaceId = b.workspaceId;
  if (limitUsd === null) {
    await b.database.db.delete(schema.budgets).where(eq(schema.budgets.workspaceId, workspaceId));
    return;
  }
  const values = { workspaceId, monthlyLimitNanos: usdToNanos(limitUsd), alertThresholdPct: thresholdPct, updatedAt: sql`now()` };
  await b.database.db
    .insert(schema.budgets)
    .values(values)
    .onConflictDoUpdate({ target: schema.budgets.workspaceId, set: { monthlyLimitNanos: values.monthlyLimitNanos, alertThresholdPct: thresholdPct, updatedAt: sql`now()` } });
}
