import { z } from 'zod';
import { checkWindow, GRANULARITIES, granularityField, windowFields } from './analytics.js';
import { expectedMessage, identifier, rejectedItemSchema } from './ingest.js';
import { storableText } from './text.js';

/** Limits of docs/API_SPEC.md §10. */
export const SCORE_LIMITS = {
  maxScoresPerBatch: 1000,
  maxNameLength: 64,
  maxCategoryLength: 64,
  maxCommentLength: 4000,
} as const;

export const SCORE_SOURCES = ['api', 'human', 'llm', 'rule'] as const;
export const SCORE_TYPES = ['numeric', 'boolean', 'categorical'] as const;
export type ScoreSource = (typeof SCORE_SOURCES)[number];
export type ScoreType = (typeof SCORE_TYPES)[number];

const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** A score name: 1–64 characters of letters, digits, `_`, `.` and `-`. */
export const scoreNameSchema = z
  .string({ error: expectedMessage('a string') })
  .min(1, { error: 'must not be empty' })
  .max(SCORE_LIMITS.maxNameLength, { error: `must be at most ${SCORE_LIMITS.maxNameLength} characters` })
  .regex(NAME_PATTERN, { error: 'must hold only letters, digits, "_", "." and "-"' });

const VALUE_RULE = `a finite number, a boolean, or a string of 1–${SCORE_LIMITS.maxCategoryLength} characters`;

/** A number (numeric score), a boolean, or a short string (categorical score). */
export const scoreValueSchema = z.union(
  [
    z.number().finite(),
    z.boolean(),
    storableText(z.string().min(1).max(SCORE_LIMITS.maxCategoryLength)),
  ],
  { error: (issue) => (issue.input === undefined ? 'is required' : `must be ${VALUE_RULE}`) },
);

/** The type a value makes its score. */
export function scoreTypeOf(value: number | boolean | string): ScoreType {
  if (typeof value === 'number') return 'numeric';
  return typeof value === 'boolean' ? 'boolean' : 'categorical';
}

/** One score as sent (docs/API_SPEC.md §10); items are validated one by one, like traces. */
export const scoreInputSchema = z.object({
  trace_id: identifier(),
  name: scoreNameSchema,
  value: scoreValueSchema,
  source: z.enum(SCORE_SOURCES, { error: `must be one of ${SCORE_SOURCES.join(', ')}` }).default('api'),
  comment: storableText(
    z
      .string({ error: 'must be a string' })
      .max(SCORE_LIMITS.maxCommentLength, { error: `must be at most ${SCORE_LIMITS.maxCommentLength} characters` }),
  ).nullish(),
});
export type ScoreInput = z.input<typeof scoreInputSchema>;

/** The envelope is checked first: a bad envelope stores nothing (400). Items are checked one by one. */
export const scoresEnvelopeSchema = z.object({
  scores: z
    .array(z.unknown().meta({ ...z.toJSONSchema(scoreInputSchema, { io: 'input', unrepresentable: 'any' }) }), {
      error: 'scores must be an array',
    })
    .min(1, { error: 'scores must hold at least 1 score' })
    .max(SCORE_LIMITS.maxScoresPerBatch, { error: `scores must hold at most ${SCORE_LIMITS.maxScoresPerBatch} scores` }),
});

const count = z.number().int().nonnegative();

export const scoresResponseSchema = z.object({
  /** New scores stored. */
  accepted: count,
  /** Scores that replaced the value of an earlier one with the same trace_id, name and source. */
  updated: count,
  rejected: z.array(rejectedItemSchema),
});
export type ScoresResponse = z.infer<typeof scoresResponseSchema>;

// ---- quality reads (docs/API_SPEC.md §10)

/** The §3 window parameters plus the score name. */
export const qualityByAgentInputSchema = z.strictObject({ ...windowFields, name: scoreNameSchema }).superRefine(checkWindow);
/** The §3 series parameters plus the score name. */
export const qualityTrendInputSchema = z.strictObject({ ...windowFields, granularity: granularityField, name: scoreNameSchema }).superRefine(checkWindow);

const instant = z.iso.datetime();
const windowOut = { from: instant, to: instant };
/** An average rounded to 4 decimals; null with no scores, and for categorical scores. */
const average = z.number().nullable();

export const qualityOverviewSchema = z.object({
  ...windowOut,
  data: z.array(
    z.object({
      name: z.string(),
      type: z.enum(SCORE_TYPES),
      count,
      avg: average,
      /** How many scores carry each value, for categorical scores; null otherwise. */
      distribution: z.record(z.string(), count).nullable(),
      previous_avg: average,
    }),
  ),
});
export const qualityTrendSchema = z.object({
  ...windowOut,
  granularity: z.enum(GRANULARITIES),
  name: z.string(),
  data: z.array(z.object({ timestamp: instant, count, avg: average })),
});
export const qualityByAgentSchema = z.object({
  ...windowOut,
  name: z.string(),
  data: z.array(z.object({ agent_id: z.string(), count, avg: average })),
});

/** Rounds quality averages to the 4 decimals of docs/API_SPEC.md §10. */
export function round4(x: number): number {
  return Math.round((x + Number.EPSILON) * 10_000) / 10_000;
}
