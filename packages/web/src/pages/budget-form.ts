import type { AppRouter } from '@pulse/api';
import { budgetInputSchema } from '@pulse/shared';
import type { inferRouterOutputs } from '@trpc/server';

export type Budget = inferRouterOutputs<AppRouter>['cost']['budget'];

/** What the form's number inputs hold: Mantine gives '' for an empty input and a string for text that is not yet a number. */
export interface BudgetFormValues {
  limit: number | string;
  threshold: number | string;
}

type BudgetField = keyof typeof budgetInputSchema.shape;
export type BudgetFormErrors = Partial<Record<BudgetField, string>>;

const FIELD_NAMES: Record<BudgetField, string> = { monthly_limit_usd: 'Monthly limit', alert_threshold_pct: 'Alert threshold' };

export function budgetFormValues(budget: Budget): BudgetFormValues {
  return { limit: budget.monthly_limit_usd ?? '', threshold: budget.alert_threshold_pct };
}

export function sameBudgetFormValues(a: BudgetFormValues, b: BudgetFormValues): boolean {
  return String(a.limit) === String(b.limit) && String(a.threshold) === String(b.threshold);
}

/**
 * The PUT body the form stands for, checked by the API's own budget schema, or that schema's
 * messages, each led by the field it is about. An empty limit means no budget (null), as the
 * form shows it; an empty threshold takes the schema's default.
 */
export function parseBudgetForm(values: BudgetFormValues) {
  const parsed = budgetInputSchema.safeParse({
    monthly_limit_usd: values.limit === '' ? null : Number(values.limit),
    alert_threshold_pct: values.threshold === '' ? undefined : Number(values.threshold),
  });
  if (parsed.success) return { input: parsed.data, errors: null };
  // The first message per field: a limit of 0 fails both "> 0" and the minimum.
  const errors: BudgetFormErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as BudgetField;
    errors[field] ??= `${FIELD_NAMES[field]} ${issue.message}`;
  }
  return { input: null, errors };
}
