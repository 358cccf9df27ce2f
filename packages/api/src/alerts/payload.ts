import { createHmac, randomBytes } from 'node:crypto';
import type { AlertFormat, AlertPayload } from '@pulse/shared';

/** A new rule's signing secret: 256 bits, shown once when the rule is created. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `X-Pulse-Signature`: HMAC-SHA256 of the exact body bytes with the rule's secret (docs/API_SPEC.md §11). */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

function slackText(p: AlertPayload): string {
  const where = p.metric === 'budget_used_pct' ? 'month to date' : `over the last ${p.window}`;
  const value = p.value === null ? 'no data' : String(p.value);
  const head = p.state === 'firing' ? ':rotating_light: Pulse alert' : p.state === 'resolved' ? ':white_check_mark: Pulse alert resolved' : ':test_tube: Pulse test alert';
  return `${head} *${p.alert}*: ${p.metric} is ${value} ${where} (threshold ${p.threshold}) in workspace ${p.workspace_id} at ${p.at}`;
}

/** The body a webhook receives: the payload itself (json) or a Slack message ({ text }). */
export function webhookBody(format: AlertFormat, payload: AlertPayload): string {
  return JSON.stringify(format === 'slack' ? { text: slackText(payload) } : payload);
}
