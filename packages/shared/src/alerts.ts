import { z } from 'zod';
import { jsonNumber } from './analytics.js';
import { storableText } from './text.js';

/** What an alert rule watches (docs/API_SPEC.md §11). */
export const ALERT_METRICS = ['budget_used_pct', 'cost_usd', 'error_rate_pct', 'p95_latency_ms', 'calls'] as const;
/** The rolling window a metric is computed over; budget_used_pct is month to date whatever it says. */
export const ALERT_WINDOWS = ['5m', '1h', '24h'] as const;
export const ALERT_WINDOW_MS: Record<AlertWindow, number> = { '5m': 300_000, '1h': 3_600_000, '24h': 86_400_000 };
export const ALERT_FORMATS = ['json', 'slack'] as const;
export const ALERT_STATES = ['ok', 'firing'] as const;
/** What a delivery announces: a crossing, its end, or a test sent from the Settings page. */
export const DELIVERY_STATES = ['firing', 'resolved', 'test'] as const;

export type AlertMetric = (typeof ALERT_METRICS)[number];
export type AlertWindow = (typeof ALERT_WINDOWS)[number];
export type AlertFormat = (typeof ALERT_FORMATS)[number];
export type AlertState = (typeof ALERT_STATES)[number];
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A rule's name: its id in paths, 1–64 characters of `[A-Za-z0-9_.-]`. */
export const alertNameSchema = z
  .string({ error: 'is required' })
  .min(1, { error: 'must not be empty' })
  .max(64, { error: 'must be at most 64 characters' })
  .regex(/^[A-Za-z0-9_.-]+$/, { error: 'must be letters, digits, _, . or -' });
export const alertPathSchema = z.strictObject({ name: alertNameSchema });

const optionalName = storableText(z.string().min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' })).nullish();

export const alertRuleInputSchema = z.strictObject({
  name: alertNameSchema,
  metric: z.enum(ALERT_METRICS, { error: `must be one of ${ALERT_METRICS.join(', ')}` }),
  window: z.enum(ALERT_WINDOWS, { error: `must be one of ${ALERT_WINDOWS.join(', ')}` }).default('1h'),
  threshold: jsonNumber(z.number({ error: 'must be a number' }).min(0, { error: 'must be >= 0' }).max(1e15, { error: 'must be <= 1e15' })),
  agent_id: optionalName,
  model: optionalName,
  /** https (http only with ALERT_ALLOW_PRIVATE_URLS=1); the address it resolves to is checked by the server. */
  webhook_url: z
    .string({ error: 'is required' })
    .max(2048, { error: 'must be at most 2048 characters' })
    .refine((s) => URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol), { error: 'must be an http(s) URL' }),
  format: z.enum(ALERT_FORMATS, { error: 'must be json or slack' }).default('json'),
  cooldown_minutes: jsonNumber(
    z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(0, { error: 'must be >= 0' }).max(10_080, { error: 'must be <= 10080 (a week)' }),
  ).default(60),
});
export type AlertRuleInput = z.infer<typeof alertRuleInputSchema>;

const instant = z.iso.datetime();

export const alertRuleSchema = z.object({
  name: z.string(),
  metric: z.enum(ALERT_METRICS),
  window: z.enum(ALERT_WINDOWS),
  threshold: z.number(),
  agent_id: z.string().nullable(),
  model: z.string().nullable(),
  webhook_url: z.string(),
  format: z.enum(ALERT_FORMATS),
  cooldown_minutes: z.number().int().nonnegative(),
  state: z.enum(ALERT_STATES),
  last_fired_at: instant.nullable(),
  /** The metric at the last evaluation (null before the first, or without data). */
  last_value: z.number().nullable(),
  last_evaluated_at: instant.nullable(),
  created_at: instant,
  updated_at: instant,
});
/** PUT's answer: a created rule also carries its signing secret, this once. */
export const alertRuleWithSecretSchema = alertRuleSchema.extend({
  secret: z.string().optional().meta({ description: 'The HMAC signing secret: only in the answer of the PUT that created the rule' }),
});
export const alertListSchema = z.object({ data: z.array(alertRuleSchema) });
export const alertListInputSchema = z.strictObject({});

export const alertDeliverySchema = z.object({
  at: instant,
  state: z.enum(DELIVERY_STATES),
  /** The webhook's HTTP status; null when no answer came (refused, timed out, blocked address). */
  status_code: z.number().int().nullable(),
  /** 1 to 5: which try of the same notification this was. */
  attempt: z.number().int().min(1),
  error: z.string().nullable(),
});
export const alertDeliveriesSchema = z.object({ data: z.array(alertDeliverySchema) });
export const alertTestResultSchema = alertDeliverySchema;

/** The JSON payload a webhook receives (format json), signed with X-Pulse-Signature. */
export interface AlertPayload {
  alert: string;
  workspace_id: string;
  metric: AlertMetric;
  value: number | null;
  threshold: number;
  window: AlertWindow;
  state: DeliveryState;
  at: string;
}
