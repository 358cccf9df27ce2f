import type {
  alertDeliveriesSchema,
  alertListSchema,
  alertRuleInputSchema,
  alertRuleSchema,
  alertRuleWithSecretSchema,
  alertTestResultSchema,
  createdKeySchema,
  createWorkspaceKeyInputSchema,
  keyListSchema,
} from '@pulse/shared';
import type { z } from 'zod';

/** Examples of the alert rules and workspace keys operations (docs/API_SPEC.md §11, §1), typed by their schemas. */
const KEY_ID = '0194f1c2-7b40-7d15-8e21-5f3a1c9d0e42';

const rule: z.input<typeof alertRuleSchema> = {
  name: 'budget-80',
  metric: 'budget_used_pct',
  window: '24h',
  threshold: 80,
  agent_id: null,
  model: null,
  webhook_url: 'https://hooks.example.com/pulse',
  format: 'json',
  cooldown_minutes: 60,
  state: 'ok',
  last_fired_at: null,
  last_value: 67.08,
  last_evaluated_at: '2026-11-25T10:00:00.000Z',
  created_at: '2026-11-20T08:30:00.000Z',
  updated_at: '2026-11-20T08:30:00.000Z',
};

const attempt = { at: '2026-11-25T10:00:01.120Z', state: 'firing', status_code: 200, attempt: 2, error: null } as const;

export const ALERT_PARAMETER_EXAMPLES: Record<string, string> = { name: 'budget-80' };

interface Example<Req, Res> {
  request?: Req;
  response?: Res;
}

export const ALERT_AND_KEY_EXAMPLES: Record<string, Example<unknown, unknown>> = {
  'alerts-list': { response: { data: [rule, { ...rule, name: 'errors-5pct', metric: 'error_rate_pct', window: '1h', threshold: 5, state: 'firing', last_fired_at: '2026-11-25T09:12:00.000Z', last_value: 7.5, format: 'slack', webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' }] } } satisfies Example<undefined, z.input<typeof alertListSchema>>,
  'alerts-put': {
    request: { metric: 'budget_used_pct', window: '24h', threshold: 80, webhook_url: 'https://hooks.example.com/pulse', format: 'json', cooldown_minutes: 60 },
    response: { ...rule, last_value: null, last_evaluated_at: null, secret: 'whsec_Zk3x9Qp1Lm0Vb7Nc2Wr5Ty8Ua4Sd6Fg1Hj3Kl5Zx7Cv' },
  } satisfies Example<Omit<z.input<typeof alertRuleInputSchema>, 'name'>, z.input<typeof alertRuleWithSecretSchema>>,
  'alerts-delete': {},
  'alerts-deliveries': {
    response: { data: [attempt, { ...attempt, at: '2026-11-25T10:00:00.010Z', status_code: 503, attempt: 1 }] },
  } satisfies Example<undefined, z.input<typeof alertDeliveriesSchema>>,
  'alerts-test': { response: { ...attempt, state: 'test', attempt: 1 } } satisfies Example<undefined, z.input<typeof alertTestResultSchema>>,
  'keys-list': {
    response: {
      data: [
        { key_id: KEY_ID, name: 'default', prefix: 'pk_3xQ9v1b', scopes: ['ingest', 'read', 'admin'], created_at: '2026-11-01T09:00:00.000Z', last_used_at: '2026-11-25T09:59:58.000Z', revoked: false },
      ],
    },
  } satisfies Example<undefined, z.input<typeof keyListSchema>>,
  'keys-create': {
    request: { name: 'dashboard-readonly', scopes: ['read'] },
    response: { key_id: KEY_ID, name: 'dashboard-readonly', prefix: 'pk_7Hc2Wq5', scopes: ['read'], created_at: '2026-11-25T10:00:00.000Z', last_used_at: null, revoked: false, api_key: 'pk_7Hc2Wq5Zr1Jm9Xb4Nt6Ve8Ks0Ly3Pf2Ga' },
  } satisfies Example<z.input<typeof createWorkspaceKeyInputSchema>, z.input<typeof createdKeySchema>>,
  'keys-revoke': {},
};
