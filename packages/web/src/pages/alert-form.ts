import type { AppRouter } from '@pulse/api';
import { type AlertFormat, type AlertMetric, type AlertWindow, alertRuleInputSchema } from '@pulse/shared';
import type { inferRouterOutputs } from '@trpc/server';
import { checkForm } from './form-issues.js';

export type AlertRule = inferRouterOutputs<AppRouter>['alerts']['list']['data'][number];

/** What the rule form holds: Mantine gives '' for an empty number input. */
export interface AlertFormValues {
  name: string;
  metric: AlertMetric;
  window: AlertWindow;
  threshold: number | string;
  agent_id: string;
  model: string;
  webhook_url: string;
  format: AlertFormat;
  cooldown_minutes: number | string;
}

export const EMPTY_ALERT_FORM: AlertFormValues = {
  name: '',
  metric: 'error_rate_pct',
  window: '1h',
  threshold: '',
  agent_id: '',
  model: '',
  webhook_url: '',
  format: 'json',
  cooldown_minutes: 60,
};

export const ALERT_FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  metric: 'Metric',
  window: 'Window',
  threshold: 'Threshold',
  agent_id: 'Agent',
  model: 'Model',
  webhook_url: 'Webhook URL',
  format: 'Format',
  cooldown_minutes: 'Cooldown',
};

/** The form filled from a rule's settings (not its state: the PUT body is strict). */
export function alertFormValues(r: AlertRule): AlertFormValues {
  return {
    name: r.name,
    metric: r.metric,
    window: r.window,
    threshold: r.threshold,
    agent_id: r.agent_id ?? '',
    model: r.model ?? '',
    webhook_url: r.webhook_url,
    format: r.format,
    cooldown_minutes: r.cooldown_minutes,
  };
}

/** The PUT the form stands for, checked by the API's own schema (the address check is the server's). */
export function parseAlertForm(v: AlertFormValues) {
  const number = (x: number | string) => (x === '' ? undefined : Number(x));
  return checkForm(
    alertRuleInputSchema,
    {
      ...v,
      name: v.name.trim(),
      threshold: number(v.threshold),
      cooldown_minutes: number(v.cooldown_minutes),
      agent_id: v.agent_id.trim() || null,
      model: v.model.trim() || null,
      webhook_url: v.webhook_url.trim(),
    },
    ALERT_FIELD_LABELS,
  );
}
