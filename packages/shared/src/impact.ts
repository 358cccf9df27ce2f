import { z } from 'zod';
import { checkWindow, GRANULARITIES, granularityField, jsonNumber, windowFields } from './analytics.js';
import { identifier } from './ingest.js';
import { scoreNameSchema } from './scores.js';

/** The impact REST paths of docs/API_SPEC.md §14 that take the §3 window parameters, under /api/v1. */
export const IMPACT_PATHS = ['/impact/overview', '/impact/trend', '/impact/by-agent'] as const;
export type ImpactPath = (typeof IMPACT_PATHS)[number];

/** What makes a call a successful task: its status, or a boolean score of a name (docs/API_SPEC.md §14). */
export const SUCCESS_KINDS = ['status', 'score'] as const;
export type SuccessKind = (typeof SUCCESS_KINDS)[number];

/** When several sources scored a call, the first of this order decides (docs/API_SPEC.md §14). */
export const SCORE_SOURCE_PRECEDENCE = ['human', 'api', 'rule', 'llm'] as const;

export const IMPACT_LIMITS = {
  maxValuePerSuccessUsd: 1_000_000,
  maxMinutesSaved: 10_080,
  maxHourlyRateUsd: 10_000,
} as const;

/** How many agents without settings an answer lists, by cost: it stays bounded however many agents there are. */
export const UNCONFIGURED_LIMIT = 50;

function bounded(what: string, min: number, max: number, exclusiveMin = false) {
  const number = z.number({ error: `must be a number (${what})` });
  const above = exclusiveMin
    ? number.gt(min, { error: `must be > ${min}` })
    : number.min(min, { error: `must be >= ${min}` });
  return jsonNumber(above.max(max, { error: `must be <= ${max}` }));
}

/** The agent of the path: the rule of ingest's agent_id (docs/API_SPEC.md §2). */
export const agentValuePathSchema = z.strictObject({ agent_id: identifier() });
export const agentValueListInputSchema = z.strictObject({});

/** The settings fields of `PUT /impact/agents/{agent_id}`, without the path: what the dashboard's form checks too. */
export const agentValueFields = {
  value_per_success_usd: bounded('USD per successful task', 0, IMPACT_LIMITS.maxValuePerSuccessUsd).optional(),
  minutes_saved: bounded('minutes a successful task saves', 0, IMPACT_LIMITS.maxMinutesSaved, true).optional(),
  hourly_rate_usd: bounded('USD per hour', 0, IMPACT_LIMITS.maxHourlyRateUsd).optional(),
  success: z.enum(SUCCESS_KINDS, { error: 'must be status or score' }).default('status'),
  success_score: scoreNameSchema.optional(),
};

type ValueFields = {
  value_per_success_usd?: number | undefined;
  minutes_saved?: number | undefined;
  hourly_rate_usd?: number | undefined;
  success: SuccessKind;
  success_score?: string | undefined;
};

/** Exactly one form of value, and a score name with (and only with) `success: "score"`. */
export function checkAgentValue(v: ValueFields, ctx: z.RefinementCtx) {
  const perTask = v.value_per_success_usd !== undefined;
  const timed = v.minutes_saved !== undefined || v.hourly_rate_usd !== undefined;
  if (perTask && timed) {
    for (const field of ['minutes_saved', 'hourly_rate_usd'] as const) {
      if (v[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'is refused with value_per_success_usd: send one form of value',
        });
    }
  } else if (!perTask && !timed) {
    ctx.addIssue({
      code: 'custom',
      path: ['value_per_success_usd'],
      message: 'is required, or minutes_saved with hourly_rate_usd',
    });
  } else if (timed) {
    for (const field of ['minutes_saved', 'hourly_rate_usd'] as const) {
      if (v[field] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'is required with the other of minutes_saved and hourly_rate_usd',
        });
    }
  }
  if (v.success === 'score' && v.success_score === undefined)
    ctx.addIssue({ code: 'custom', path: ['success_score'], message: 'is required when success is score' });
  if (v.success === 'status' && v.success_score !== undefined)
    ctx.addIssue({ code: 'custom', path: ['success_score'], message: 'is only allowed when success is score' });
}

/** The dashboard's form: the body of the PUT, checked by the same rules. */
export const agentValueBodySchema = z.strictObject(agentValueFields).superRefine(checkAgentValue);
export type AgentValueBody = z.input<typeof agentValueBodySchema>;

/** `PUT /impact/agents/{agent_id}`. */
export const agentValueInputSchema = z
  .strictObject({ agent_id: identifier(), ...agentValueFields })
  .superRefine(checkAgentValue);
export type AgentValueInput = z.output<typeof agentValueInputSchema>;

const instant = z.iso.datetime();
const count = z.number().int().nonnegative();
const money = z.number();

export const agentValueSchema = z.object({
  agent_id: z.string(),
  /** As sent, or minutes_saved / 60 × hourly_rate_usd (rounded to the nano-dollar). */
  value_per_success_usd: money,
  minutes_saved: z.number().nullable(),
  hourly_rate_usd: z.number().nullable(),
  success: z.enum(SUCCESS_KINDS),
  success_score: z.string().nullable(),
  updated_at: instant,
});
export type AgentValue = z.infer<typeof agentValueSchema>;
export const agentValueListSchema = z.object({ data: z.array(agentValueSchema) });

// ---- impact analytics

export const impactTrendInputSchema = z
  .strictObject({ ...windowFields, granularity: granularityField })
  .superRefine(checkWindow);

const impactFigures = {
  /** Calls of the configured agents. */
  tasks: count,
  successes: count,
  /** Calls of agents judged by a score that carry no boolean score of that name (not successes). */
  unscored: count,
  /** successes of tasks, in percent with 2 decimals; null without tasks. */
  success_rate_pct: z.number().nullable(),
  value_usd: money,
  cost_usd: money,
  net_value_usd: money,
  /** value_usd / cost_usd, 2 decimals; null when the cost is 0. */
  roi: z.number().nullable(),
  /** null without successes. */
  cost_per_success_usd: z.number().nullable(),
};
export type ImpactFigures = { [K in keyof typeof impactFigures]: z.infer<(typeof impactFigures)[K]> };

const unconfigured = z.array(z.object({ agent_id: z.string(), calls: count, cost_usd: money }));

export const impactOverviewSchema = z.object({
  from: instant,
  to: instant,
  ...impactFigures,
  /** Agents with settings (under the agent_id filter, when one is given). */
  configured_agents: count,
  /** The same figures for the window of equal length just before `from`. */
  previous: z.object(impactFigures),
  /** Agents with calls in the window and no settings, by cost desc then agent_id, at most 50. */
  unconfigured,
});

export const impactTrendSchema = z.object({
  from: instant,
  to: instant,
  granularity: z.enum(GRANULARITIES),
  data: z.array(
    z.object({ timestamp: instant, successes: count, value_usd: money, cost_usd: money, net_value_usd: money }),
  ),
});

export const impactByAgentSchema = z.object({
  from: instant,
  to: instant,
  /** Every configured agent (under the filters), by net_value_usd desc then agent_id. */
  data: z.array(z.object({ agent_id: z.string(), ...impactFigures })),
  unconfigured,
});
