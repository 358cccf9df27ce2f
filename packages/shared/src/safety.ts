import { z } from 'zod';
import { GRANULARITIES, windowInputSchema } from './analytics.js';

/**
 * What the built-in detectors find in a trace's input and output (docs/API_SPEC.md §12),
 * in the order `safety_flags` lists them (sorted).
 */
export const SAFETY_TYPES = ['pii.credit_card', 'pii.email', 'pii.iban', 'pii.phone', 'prompt_injection', 'secret.api_key'] as const;
export type SafetyType = (typeof SAFETY_TYPES)[number];

/** The types whose matched text is replaced by `[REDACTED:<type>]` when redaction is on: all but prompt injection, which is no personal data. */
export const REDACTED_TYPES: readonly SafetyType[] = SAFETY_TYPES.filter((t) => t !== 'prompt_injection');

/** The safety analytics REST paths of docs/API_SPEC.md §12, under /api/v1. */
export const SAFETY_PATHS = ['/safety/overview', '/safety/trend', '/safety/by-agent', '/safety/latest'] as const;
export type SafetyPath = (typeof SAFETY_PATHS)[number];

export const MAX_RETENTION_DAYS = 3650;

// ---- settings

export const settingsSchema = z.object({
  redact_pii: z.boolean(),
  retention_days: z.number().int().min(1).max(MAX_RETENTION_DAYS).nullable(),
});
export type Settings = z.infer<typeof settingsSchema>;
export const DEFAULT_SETTINGS: Settings = { redact_pii: false, retention_days: null };

/** `GET /settings` takes no parameters; any sent is a 400 naming it. */
export const settingsQueryInputSchema = z.strictObject({});

/** `PUT /settings`: either field or both; what is left out keeps its value. */
export const settingsInputSchema = z
  .strictObject({
    // A pipe, as below: trpc-to-openapi would coerce a plain boolean ("true", null, 1 all pass).
    redact_pii: z.boolean({ error: 'must be true or false' }).pipe(z.boolean()).optional(),
    retention_days: z
      .number({ error: `must be an integer from 1 to ${MAX_RETENTION_DAYS} or null` })
      .int({ error: 'must be an integer' })
      .min(1, { error: 'must be >= 1' })
      .max(MAX_RETENTION_DAYS, { error: `must be <= ${MAX_RETENTION_DAYS}` })
      // trpc-to-openapi coerces plain number fields; a pipe keeps JSON numbers strictly numbers.
      .pipe(z.number())
      .nullable()
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.redact_pii === undefined && v.retention_days === undefined) {
      ctx.addIssue({ code: 'custom', path: ['redact_pii'], message: 'send redact_pii, retention_days or both' });
    }
  });

// ---- safety analytics

const instant = z.iso.datetime();
const count = z.number().int().nonnegative();
const safetyType = z.enum(SAFETY_TYPES);

const flaggedFigures = {
  total_calls: count,
  flagged_calls: count,
  /** flagged_calls of total_calls, in percent with 2 decimals; 0 without calls. */
  flagged_pct: z.number(),
};

export const safetyOverviewSchema = z.object({
  from: instant,
  to: instant,
  ...flaggedFigures,
  data: z.array(z.object({ type: safetyType, count })),
  /** The same figures for the window of equal length just before `from`. */
  previous: z.object(flaggedFigures),
});

export const safetyByAgentSchema = z.object({
  from: instant,
  to: instant,
  /** Agents with flagged calls, most flagged first (then by name), at most 50. */
  data: z.array(z.object({ agent_id: z.string(), ...flaggedFigures })),
});

/** `GET /safety/latest`: the window's filters and how many calls (1–100, default 20). */
export const safetyLatestInputSchema = windowInputSchema.safeExtend({
  limit: z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(1, { error: 'must be >= 1' }).max(100, { error: 'must be <= 100' }).default(20),
});

export const safetyLatestSchema = z.object({
  from: instant,
  to: instant,
  /** The latest flagged calls, newest first. */
  data: z.array(
    z.object({
      trace_id: z.string(),
      timestamp: instant,
      agent_id: z.string(),
      model: z.string(),
      user_id: z.string().nullable(),
      safety_flags: z.array(safetyType),
    }),
  ),
});

export const safetyTrendSchema = z.object({
  from: instant,
  to: instant,
  granularity: z.enum(GRANULARITIES),
  data: z.array(
    z.object({
      timestamp: instant,
      total_calls: count,
      flagged_calls: count,
      /** Calls carrying each type in the bucket; every type is present, 0 when none. */
      by_type: z.object(Object.fromEntries(SAFETY_TYPES.map((t) => [t, count])) as Record<SafetyType, typeof count>),
    }),
  ),
});
