import { z } from 'zod';
import { SCORE_TYPES } from './scores.js';
import { jsonNumber } from './analytics.js';
import { storableText } from './text.js';

/**
 * Evaluators (docs/API_SPEC.md §13): the calls' captured text judged automatically, by an LLM
 * or by a rule, into scores of source `llm` or `rule`.
 */

export const EVALUATOR_KINDS = ['llm', 'rule'] as const;
export const JUDGE_PROVIDERS = ['gemini', 'openai'] as const;
export const RULE_TYPES = ['json_valid', 'regex_match', 'output_length', 'contains_refusal'] as const;
export type JudgeProvider = (typeof JUDGE_PROVIDERS)[number];
export type RuleType = (typeof RULE_TYPES)[number];

/** The agent of the traces that record judge calls; its own calls are never judged. */
export const EVALUATOR_AGENT_ID = 'pulse-evaluator';

const NAME_RULE = 'must be 1-64 characters of A-Z, a-z, 0-9, _, . or -';
/** Evaluator and score names: the same alphabet as a score's name (POST /scores). */
export const evaluatorNameSchema = z.string({ error: NAME_RULE }).regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: NAME_RULE });

const bounded = (max: number) =>
  storableText(z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` }));

const baseUrlSchema = z
  .string({ error: 'must be an http:// or https:// URL' })
  .max(2048, { error: 'must be at most 2048 characters' })
  .refine((v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol), { error: 'must be an http:// or https:// URL' });

export const llmJudgeInputSchema = z.strictObject({
  provider: z.enum(JUDGE_PROVIDERS, { error: `must be one of ${JUDGE_PROVIDERS.join(', ')}` }),
  model: bounded(128),
  /** An OpenAI-compatible (or Gemini) endpoint other than the server's default for the provider. */
  base_url: baseUrlSchema.nullish(),
  prompt: bounded(8000).refine((p) => p.includes('{{output}}'), { error: 'must contain {{output}}' }),
  /** Absent: keep the stored key; null: remove it (the server's env key is used); a string: store it encrypted. */
  api_key: bounded(512).nullish(),
});

export const ruleInputSchema = z
  .strictObject({
    type: z.enum(RULE_TYPES, { error: `must be one of ${RULE_TYPES.join(', ')}` }),
    /** regex_match: a JavaScript regular expression tested against the output. */
    pattern: bounded(1000)
      .refine(
        (p) => {
          try {
            new RegExp(p, 'u');
            return true;
          } catch {
            return false;
          }
        },
        { error: 'must be a valid regular expression' },
      )
      .optional(),
    /** output_length: bounds in characters, inclusive. */
    min_length: jsonNumber(z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(0, { error: 'must be >= 0' })).optional(),
    max_length: jsonNumber(z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(0, { error: 'must be >= 0' })).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.type === 'regex_match' && r.pattern === undefined) ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'is required for regex_match' });
    if (r.type !== 'regex_match' && r.pattern !== undefined) ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'is only for regex_match' });
    const bounds = r.min_length !== undefined || r.max_length !== undefined;
    if (r.type === 'output_length' && !bounds) ctx.addIssue({ code: 'custom', path: ['min_length'], message: 'min_length or max_length is required for output_length' });
    if (r.type !== 'output_length' && bounds) ctx.addIssue({ code: 'custom', path: [r.min_length !== undefined ? 'min_length' : 'max_length'], message: 'is only for output_length' });
    if (r.min_length !== undefined && r.max_length !== undefined && r.min_length > r.max_length) {
      ctx.addIssue({ code: 'custom', path: ['max_length'], message: 'must be >= min_length' });
    }
  });

export const scoreSpecInputSchema = z.strictObject({
  /** The score's name; defaults to the evaluator's. */
  name: evaluatorNameSchema.optional(),
  type: z.enum(SCORE_TYPES, { error: `must be one of ${SCORE_TYPES.join(', ')}` }),
  /** categorical: the labels the judge may answer. */
  labels: z.array(bounded(64), { error: 'must be an array of strings' }).min(1, { error: 'must hold at least one label' }).max(50, { error: 'must hold at most 50 labels' }).optional(),
});

const filterValue = bounded(128).nullish();
export const evaluatorFiltersSchema = z.strictObject({ agent_id: filterValue, model: filterValue, tag: filterValue });

/** PUT /evaluators/{name}: the whole evaluator (the stored API key aside, see `api_key`). */
export const evaluatorInputSchema = z
  .strictObject({
    name: evaluatorNameSchema,
    kind: z.enum(EVALUATOR_KINDS, { error: 'must be llm or rule' }),
    llm: llmJudgeInputSchema.optional(),
    rule: ruleInputSchema.optional(),
    /** Defaults: numeric for an LLM judge, boolean for a rule (the only type a rule gives). */
    score: scoreSpecInputSchema.optional(),
    sample_rate: jsonNumber(z.number({ error: 'must be a number from 0 to 1' }).min(0, { error: 'must be >= 0' }).max(1, { error: 'must be <= 1' })).default(1),
    filters: evaluatorFiltersSchema.default({}),
    // A pipe, like jsonNumber: the REST adapter would coerce a plain boolean field ("yes" → true).
    enabled: z.boolean({ error: 'must be true or false' }).pipe(z.boolean()).default(true),
  })
  .superRefine((e, ctx) => {
    const own = e.kind === 'llm' ? 'llm' : 'rule';
    const other = e.kind === 'llm' ? 'rule' : 'llm';
    if (e[own] === undefined) ctx.addIssue({ code: 'custom', path: [own], message: `is required when kind is ${e.kind}` });
    if (e[other] !== undefined) ctx.addIssue({ code: 'custom', path: [other], message: `is not allowed when kind is ${e.kind}` });
    if (e.kind === 'rule' && e.score && e.score.type !== 'boolean') ctx.addIssue({ code: 'custom', path: ['score', 'type'], message: 'must be boolean for a rule' });
    const categorical = e.score?.type === 'categorical';
    if (categorical && !e.score?.labels) ctx.addIssue({ code: 'custom', path: ['score', 'labels'], message: 'is required for a categorical score' });
    if (!categorical && e.score?.labels) ctx.addIssue({ code: 'custom', path: ['score', 'labels'], message: 'is only for a categorical score' });
  });
export type EvaluatorInput = z.output<typeof evaluatorInputSchema>;

export const evaluatorPathSchema = z.strictObject({ name: evaluatorNameSchema });
export const evaluatorListInputSchema = z.strictObject({});

const isoTime = z.string();
export const evaluatorSchema = z.object({
  name: z.string(),
  kind: z.enum(EVALUATOR_KINDS),
  llm: z
    .object({ provider: z.enum(JUDGE_PROVIDERS), model: z.string(), base_url: z.string().nullable(), prompt: z.string(), has_api_key: z.boolean() })
    .nullable(),
  rule: z
    .object({ type: z.enum(RULE_TYPES), pattern: z.string().nullable(), min_length: z.number().int().nullable(), max_length: z.number().int().nullable() })
    .nullable(),
  score: z.object({ name: z.string(), type: z.enum(SCORE_TYPES), labels: z.array(z.string()).nullable() }),
  sample_rate: z.number(),
  filters: z.object({ agent_id: z.string().nullable(), model: z.string().nullable(), tag: z.string().nullable() }),
  enabled: z.boolean(),
  status: z.object({
    /** Calls judged into a score. */
    judged: z.number().int(),
    /** Calls whose judgment failed (the provider, or an answer that does not parse). */
    failed: z.number().int(),
    /** Sampled, matching calls not examined yet. */
    pending: z.number().int(),
    last_error: z.string().nullable(),
    last_run_at: isoTime.nullable(),
  }),
  created_at: isoTime,
  updated_at: isoTime,
});
export type EvaluatorView = z.input<typeof evaluatorSchema>;
export const evaluatorListSchema = z.object({ data: z.array(evaluatorSchema) });
