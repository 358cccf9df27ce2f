import { MantineProvider } from '@mantine/core';
import type { AppRouter } from '@pulse/api';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { inferRouterOutputs } from '@trpc/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../src/App.js';
import { saveCredentials } from '../src/credentials.js';
import { WORKSPACE_ID } from './fixtures.js';
import { answer, calls, resetMsw } from './msw.js';

type Out = inferRouterOutputs<AppRouter>;

const key: Out['keys']['list']['data'][number] = {
  key_id: '0194f1c2-7b40-7d15-8e21-5f3a1c9d0e42',
  name: 'default',
  prefix: 'pk_3xQ9v1b',
  scopes: ['ingest', 'read', 'admin'],
  created_at: '2026-11-01T09:00:00.000Z',
  last_used_at: '2026-11-25T09:59:58.000Z',
  revoked: false,
};
const rule: Out['alerts']['list']['data'][number] = {
  name: 'errors-5pct',
  metric: 'error_rate_pct',
  window: '1h',
  threshold: 5,
  agent_id: null,
  model: null,
  webhook_url: 'https://hooks.example.com/pulse',
  format: 'json',
  cooldown_minutes: 60,
  state: 'firing',
  last_fired_at: '2026-11-25T09:12:00.000Z',
  last_value: 7.5,
  last_evaluated_at: '2026-11-25T10:00:00.000Z',
  created_at: '2026-11-20T08:30:00.000Z',
  updated_at: '2026-11-20T08:30:00.000Z',
};

function renderSettings() {
  saveCredentials({ apiKey: 'pk_test', workspaceId: WORKSPACE_ID });
  window.history.replaceState(null, '', '/?page=settings');
  return render(
    <MantineProvider>
      <App />
    </MantineProvider>,
  );
}
/** Replaces a field's text at once: typing long URLs key by key is slow on a busy machine. */
async function fill(label: string, text: string) {
  const field = screen.getByLabelText(label);
  await userEvent.clear(field);
  await userEvent.click(field);
  await userEvent.paste(text);
}
const sent = (procedure: string) => calls.filter((c) => c.procedure === procedure).map((c) => c.input);

beforeEach(() => {
  resetMsw();
  answer('keys.list', () => ({ data: [key] }));
  answer('alerts.list', () => ({ data: [rule] }));
});

describe('settings page', () => {
  it('shows the workspace, its keys with scopes, the budget and the rules, without range controls', async () => {
    renderSettings();
    expect(await screen.findByTestId('settings-workspace-name')).toHaveTextContent('acme-prod');
    const row = await screen.findByTestId('key-row');
    expect(row).toHaveTextContent('default');
    expect(row).toHaveTextContent('pk_3xQ9v1b…');
    for (const scope of ['ingest', 'read', 'admin']) expect(within(row).getByText(scope)).toBeInTheDocument();
    expect(await screen.findByTestId('budget-panel')).toBeInTheDocument();
    const ruleRow = await screen.findByTestId('alert-row');
    expect(ruleRow).toHaveTextContent('error_rate_pct ≥ 5 over 1h');
    expect(ruleRow).toHaveTextContent('firing');
    expect(screen.queryByRole('radiogroup', { name: 'Time range' })).toBeNull();
  });
});

describe('API keys', () => {
  it('refuses a key without scopes before sending anything', async () => {
    renderSettings();
    await screen.findByTestId('key-row');
    for (const scope of ['ingest', 'read', 'admin']) await userEvent.click(screen.getByRole('checkbox', { name: scope }));
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Scopes must name at least one scope');
    expect(sent('keys.create')).toEqual([]);
  });

  it('creates a key with the chosen scopes and shows it once', async () => {
    answer('keys.create', (input) => ({ ...key, key_id: '0194f1c2-7b40-7d15-8e21-5f3a1c9d0e43', name: 'ci', prefix: 'pk_NEWKEY1', scopes: (input as { scopes: string[] }).scopes, last_used_at: null, api_key: 'pk_NEWKEY1-secret-part' }));
    renderSettings();
    await screen.findByTestId('key-row');
    await fill('New key name', 'ci');
    await userEvent.click(screen.getByRole('checkbox', { name: 'admin' }));
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByTestId('new-key')).toHaveTextContent('pk_NEWKEY1-secret-part');
    expect(sent('keys.create')).toEqual([{ name: 'ci', scopes: ['ingest', 'read'] }]);
  });

  it('revokes a key', async () => {
    renderSettings();
    await screen.findByTestId('key-row');
    await userEvent.click(screen.getByRole('button', { name: 'Revoke default' }));
    await waitFor(() => expect(sent('keys.revoke')).toEqual([{ key_id: key.key_id }]));
  });
});

describe('alert rules', () => {
  it('checks the rule with the shared schema before sending anything', async () => {
    renderSettings();
    await screen.findByTestId('alert-row');
    await fill('Rule name', 'bad name');
    await fill('Webhook URL', 'not a url');
    await userEvent.click(screen.getByRole('button', { name: 'Create rule' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Name must be letters, digits, _, . or -');
    expect(alert).toHaveTextContent('Threshold must be a number');
    expect(alert).toHaveTextContent('Webhook URL must be an http(s) URL');
    expect(sent('alerts.put')).toEqual([]);
  });

  it('creates a rule, shows its secret once, and shows the server refusing a private webhook', async () => {
    let refused = true;
    answer('alerts.put', (input) =>
      refused
        ? { __error: { status: 400, code: 'BAD_REQUEST', message: 'Invalid request: webhook_url: must not point to a loopback, private or link-local address' } }
        : { ...rule, ...(input as object), state: 'ok', last_fired_at: null, secret: 'whsec_shown-once' },
    );
    renderSettings();
    await screen.findByTestId('alert-row');
    await fill('Rule name', 'budget-80');
    await fill('Threshold', '80');
    await fill('Webhook URL', 'https://10.0.0.1/hook');
    await userEvent.click(screen.getByRole('button', { name: 'Create rule' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('webhook_url: must not point to a loopback, private or link-local address');
    refused = false;
    await fill('Webhook URL', 'https://hooks.example.com/pulse');
    await userEvent.click(screen.getByRole('button', { name: 'Create rule' }));
    expect(await screen.findByTestId('new-secret')).toHaveTextContent('whsec_shown-once');
    expect(sent('alerts.put').at(-1)).toEqual({
      name: 'budget-80',
      metric: 'error_rate_pct',
      window: '1h',
      threshold: 80,
      agent_id: null,
      model: null,
      webhook_url: 'https://hooks.example.com/pulse',
      format: 'json',
      cooldown_minutes: 60,
    });
  });

  it('edits a rule in the form, sends a test and deletes it', async () => {
    answer('alerts.put', (input) => ({ ...rule, ...(input as object) }));
    answer('alerts.test', () => ({ at: '2026-11-25T10:00:00.000Z', state: 'test', status_code: 204, attempt: 1, error: null }));
    renderSettings();
    await screen.findByTestId('alert-row');
    await userEvent.click(screen.getByRole('button', { name: 'Edit' }));
    expect(screen.getByLabelText('Rule name')).toHaveValue('errors-5pct');
    await fill('Threshold', '10');
    await userEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(sent('alerts.put')).toMatchObject([{ name: 'errors-5pct', threshold: 10 }]));
    expect(sent('alerts.put')[0]).not.toHaveProperty('secret');
    await userEvent.click(screen.getByRole('button', { name: 'Send a test' }));
    expect(await screen.findByTestId('test-result')).toHaveTextContent('Test sent to errors-5pct: HTTP 204');
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(sent('alerts.delete')).toEqual([{ name: 'errors-5pct' }]));
  });
});

describe('captured text and retention', () => {
  it('refuses a retention that is not a whole number of days, then saves redaction and 30 days', async () => {
    answer('settings.update', (input) => ({ redact_pii: false, retention_days: null, ...(input as object) }));
    renderSettings();
    const panel = await screen.findByTestId('data-settings-panel');
    await userEvent.type(within(panel).getByLabelText(/Retention/), '0');
    await userEvent.click(within(panel).getByRole('button', { name: 'Save' }));
    expect(await within(panel).findByRole('alert')).toHaveTextContent(/^Retention/);
    expect(sent('settings.update')).toEqual([]);
    await userEvent.clear(within(panel).getByLabelText(/Retention/));
    await userEvent.type(within(panel).getByLabelText(/Retention/), '30');
    await userEvent.click(within(panel).getByRole('switch', { name: /Redact PII/ }));
    await userEvent.click(within(panel).getByRole('button', { name: 'Save' }));
    expect(await within(panel).findByTestId('data-settings-saved')).toBeInTheDocument();
    expect(sent('settings.update')).toEqual([{ redact_pii: true, retention_days: 30 }]);
  });
});
