import { z } from 'zod';
import { storableText } from './text.js';

/** The query parameters every analytics GET takes (docs/API_SPEC.md §3). */
export const RANGES = ['1h', '24h', '7d', '30d', 'custom'] as const;
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Range = (typeof RANGES)[number];
export type Granularity = (typeof GRANULARITIES)[number];

export const RANGE_MS: Record<Exclude<Range, 'custom'>, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};
export const GRANULARITY_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
export const MAX_BUCKETS = 1500;
export const MAX_CUSTOM_WINDOW_MS = 366 * 86_400_000;

/**
 * The instants a window may start and end at (docs/API_SPEC.md §3): every trace lies between
 * them (ingest refuses traces before 2000, or in the future), and PostgreSQL and the window
 * arithmetic (the previous window, bucket edges) stay far inside their own ranges.
 */
export const WINDOW_BOUNDS = { min: '2000-01-01T00:00:00.000Z', max: '2100-01-01T00:00:00.000Z' } as const;

const isoInstant = z.iso
  // abort: an unreadable instant is reported as such, not also as out of range.
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with Z or an offset', abort: true })
  .refine((s) => Date.parse(s) >= Date.parse(WINDOW_BOUNDS.min) && Date.parse(s) <= Date.parse(WINDOW_BOUNDS.max), {
    error: `must be between ${WINDOW_BOUNDS.min} and ${WINDOW_BOUNDS.max}`,
  })
  .meta({ description: `An instant from ${WINDOW_BOUNDS.min} to ${WINDOW_BOUNDS.max}, with Z or an offset` });

/** An exact agent or model name: what ingest can store, so NUL and lone surrogates are a 400. */
export const nameFilter = (max = 128) => storableText(z.string().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` })).optional();

/** The §3 window parameters, for inputs that add their own to them. */
export const windowFields = {
  range: z.enum(RANGES, { error: `must be one of ${RANGES.join(', ')}` }).default('24h'),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  agent_id: nameFilter(),
  model: nameFilter(),
  /** Calls carrying this tag (tags are at most 64 characters, docs/API_SPEC.md §2). */
  tag: nameFilter(64),
};

type WindowShape = { range: Range; from?: string | undefined; to?: string | undefined };

/** `from`/`to` only with range=custom, and then both, in order, at most 366 days apart. */
export function checkWindow(v: WindowShape, ctx: z.RefinementCtx) {
  if (v.range !== 'custom') {
    for (const field of ['from', 'to'] as const) {
      if (v[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is only allowed with range=custom' });
    }
    return;
  }
  for (const field of ['from', 'to'] as const) {
    if (v[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is required when range=custom' });
  }
  if (v.from === undefined || v.to === undefined) return;
  const span = Date.parse(v.to) - Date.parse(v.from);
  if (span <= 0) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
  else if (span > MAX_CUSTOM_WINDOW_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be at most 366 days after from' });
}

/** A series' bucket size; the default follows the window's span (docs/API_SPEC.md §3). */
export const granularityField = z.enum(GRANULARITIES, { error: 'must be minute, hour or day' }).optional();

// Strict: a misspelt parameter (`agnet_id`) is a 400 naming it, not an unfiltered answer.
export const windowInputSchema = z.strictObject(windowFields).superRefine(checkWindow);
export const seriesInputSchema = z
  .strictObject({ ...windowFields, granularity: granularityField })
  .superRefine(checkWindow);
const limitField = (fallback: number) =>
  z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(1, { error: 'must be >= 1' }).max(100, { error: 'must be <= 100' }).default(fallback);
export const topUsersInputSchema = z.strictObject({ ...windowFields, limit: limitField(10) }).superRefine(checkWindow);
export const errorsInputSchema = z.strictObject({ ...windowFields, limit: limitField(20) }).superRefine(checkWindow);
/** `GET /cost/budget` takes no parameters; any sent is a 400 naming it. */
export const budgetQueryInputSchema = z.strictObject({});
/** A series plus how many models `/cost/trend` names (docs/API_SPEC.md §4); the rest is "other". */
export const costTrendInputSchema = z
  .strictObject({ ...windowFields, granularity: granularityField, limit: limitField(10) })
  .superRefine(checkWindow);

export type WindowInput = z.infer<typeof windowInputSchema>;

/** An instant on the wire: UTC ISO-8601 with `Z` (docs/API_SPEC.md, introduction). */
const instant = z.iso.datetime();
/** Counts are never negative; the bound also keeps the document free of placeholder minimums. */
const count = z.number().int().nonnegative();
export const windowOut = { from: instant, to: instant };
const seriesOut = { ...windowOut, granularity: z.enum(GRANULARITIES) };
const money = z.number();
const nullableNumber = z.number().nullable();

// ---- usage

const usageFigures = {
  total_calls: count,
  unique_users: count,
  active_agents: count,
  avg_calls_per_user: nullableNumber,
};
export const usageOverviewSchema = z.object({ ...windowOut, ...usageFigures, previous: z.object(usageFigures) });
export const callsOverTimeSchema = z.object({
  ...seriesOut,
  data: z.array(z.object({ timestamp: instant, calls: count })),
});
export const agentDistributionSchema = z.object({
  ...windowOut,
  total_calls: count,
  data: z.array(z.object({ agent_id: z.string(), calls: count, percentage: z.number() })),
});
export const topUsersSchema = z.object({
  ...windowOut,
  data: z.array(
    z.object({
      user_id: z.string(),
      calls: count,
      cost_usd: money,
      total_tokens: count,
      last_seen: instant,
    }),
  ),
});

// ---- cost

export const BUDGET_STATUSES = ['no_budget', 'ok', 'warning', 'exceeded'] as const;
export const costOverviewSchema = z.object({
  ...windowOut,
  total_cost_usd: money,
  avg_cost_per_call_usd: nullableNumber,
  month_to_date_usd: money,
  projected_month_usd: money,
  budget_usd: nullableNumber,
  budget_remaining_usd: nullableNumber,
  budget_status: z.enum(BUDGET_STATUSES),
  /** Calls in the window priced by nothing (docs/API_SPEC.md §9): cost 0, counted here. */
  unpriced_calls: count,
});
export const costTrendSchema = z.object({
  ...seriesOut,
  models: z.array(z.string()),
  data: z.array(z.object({ timestamp: instant, total_cost_usd: money, by_model: z.record(z.string(), money), other_cost_usd: money })),
});
export const costByModelSchema = z.object({
  ...windowOut,
  total_cost_usd: money,
  data: z.array(
    z.object({
      model: z.string(),
      cost_usd: money,
      calls: count,
      input_tokens: count,
      output_tokens: count,
      avg_cost_per_call_usd: nullableNumber,
      percentage: z.number(),
      unpriced_calls: count,
    }),
  ),
});
/**
 * Spend per tag (docs/API_SPEC.md §8): a call with several tags counts under each, so the tags'
 * costs may add up to more than `total_cost_usd`; calls without tags are `untagged`.
 */
export const costByTagSchema = z.object({
  ...windowOut,
  total_cost_usd: money,
  untagged: z.object({ calls: count, cost_usd: money }),
  data: z.array(z.object({ tag: z.string(), calls: count, cost_usd: money, percentage: z.number() })),
});
export const budgetSchema = z.object({
  monthly_limit_usd: nullableNumber,
  alert_threshold_pct: z.number().int().min(1).max(100),
  period_start: instant,
  period_end: instant,
  month_to_date_usd: money,
  used_pct: nullableNumber,
  remaining_usd: nullableNumber,
  projected_month_usd: money,
  status: z.enum(BUDGET_STATUSES),
});
/**
 * trpc-to-openapi switches plain number fields to coercion (then "200" would pass); a pipe
 * is left alone, so JSON-body numbers stay strictly numbers (a string is a 400, docs/API_SPEC.md §4).
 */
export const jsonNumber = (schema: z.ZodNumber) => schema.pipe(z.number());

export const budgetInputSchema = z.object({
  monthly_limit_usd: jsonNumber(
    z
      .number({ error: 'must be a number > 0 or null' })
      .positive({ error: 'must be > 0' })
      // Budgets are stored in nano-dollars: a smaller positive amount would become a budget of 0.
      .min(0.000001, { error: 'must be at least 0.000001' })
      .max(1_000_000_000, { error: 'must be <= 1000000000' }),
  ).nullable(),
  alert_threshold_pct: jsonNumber(
    z
      .number({ error: 'must be an integer from 1 to 100' })
      .int({ error: 'must be an integer' })
      .min(1, { error: 'must be >= 1' })
      .max(100, { error: 'must be <= 100' }),
  ).default(80),
});

// ---- performance

export const performanceOverviewSchema = z.object({
  ...windowOut,
  total_calls: count,
  error_count: count,
  error_rate_pct: nullableNumber,
  avg_latency_ms: nullableNumber,
  p50_ms: nullableNumber,
  p95_ms: nullableNumber,
  p99_ms: nullableNumber,
});
export const latencySeriesSchema = z.object({
  ...seriesOut,
  data: z.array(
    z.object({ timestamp: instant, calls: count, p50_ms: nullableNumber, p95_ms: nullableNumber, p99_ms: nullableNumber }),
  ),
});
export const throughputSchema = z.object({
  ...seriesOut,
  data: z.array(z.object({ timestamp: instant, success: count, error: count, total: count })),
});
export const errorsSchema = z.object({
  ...windowOut,
  total_errors: count,
  data: z.array(
    z.object({
      error_type: z.string(),
      count,
      percentage: z.number(),
      affected_agents: count,
      agents: z.array(z.string()),
      last_seen: instant,
      sample_message: z.string().nullable(),
    }),
  ),
});

/** Rounds to 2 decimals for the fields docs/API_SPEC.md §4 marks so (percentages, averages). */
export function round2(x: number): number {
  return Math.round((x + Number.EPSILON) * 100) / 100;
}

export const workspaceInfoSchema = z.object({
  workspace_id: z.string(),
  name: z.string(),
  agents: z.array(z.string()),
  models: z.array(z.string()),
  tags: z.array(z.string()),
});
