import { MantineProvider } from '@mantine/core';
import type { EvaluatorView } from '@pulse/shared';
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { EvaluatorsPanel } from '../src/pages/EvaluatorsPanel.js';
import { createClient, createQueryClient, TRPCProvider } from '../src/trpc.js';
import { WORKSPACE_ID } from './fixtures.js';
import { answer, calls, fail, resetMsw } from './msw.js';

const judge: EvaluatorView = {
  name: 'helpfulness',
  kind: 'llm',
  llm: { provider: 'gemini', model: 'gemini-2.0-flash', base_url: null, prompt: 'Rate {{output}} for {{input}}', has_api_key: true },
  rule: null,
  score: { name: 'helpfulness', type: 'numeric', labels: null },
  sample_rate: 0.1,
  filters: { agent_id: null, model: null, tag: null },
  enabled: true,
  status: { judged: 1204, failed: 3, pending: 12, last_error: 'gemini answered 503: overloaded', last_run_at: '2026-11-25T09:59:50.120Z' },
  created_at: '2026-11-18T08:00:00.000Z',
  updated_at: '2026-11-20T14:30:00.000Z',
};

function renderPanel() {
  const query = createQueryClient();
  const trpc = createClient({ apiKey: 'pk_test', workspaceId: WORKSPACE_ID });
  return render(
    <MantineProvider>
      <QueryClientProvider client={query}>
        <TRPCProvider trpcClient={trpc} queryClient={query}>
          <EvaluatorsPanel />
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

beforeEach(() => {
  resetMsw();
  answer('evaluators.list', () => ({ data: [judge] }));
});

describe('the evaluators panel', () => {
  it('lists each evaluator with its judge and status', async () => {
    renderPanel();
    const row = await screen.findByTestId('evaluator-helpfulness');
    for (const text of ['gemini · gemini-2.0-flash', 'helpfulness (numeric)', '10%', '1204', '12', 'gemini answered 503: overloaded']) {
      expect(row).toHaveTextContent(text);
    }
  });

  it('creates a rule evaluator with the input the server expects', async () => {
    answer('evaluators.put', (input) => ({ ...judge, ...(input as object) }));
    renderPanel();
    await userEvent.click(await screen.findByRole('button', { name: 'New evaluator' }));
    const form = screen.getByTestId('evaluator-form');
    await userEvent.type(within(form).getByLabelText('Name'), 'short-answers');
    await userEvent.selectOptions(within(form).getByLabelText('Kind'), 'rule');
    await userEvent.selectOptions(within(form).getByLabelText('Rule'), 'output_length');
    await userEvent.type(within(form).getByLabelText('Max characters'), '280');
    await userEvent.clear(within(form).getByLabelText('Sample rate (0–1)'));
    await userEvent.type(within(form).getByLabelText('Sample rate (0–1)'), '0.5');
    await userEvent.click(within(form).getByRole('button', { name: 'Save evaluator' }));
    await waitFor(() => expect(calls.some((c) => c.procedure === 'evaluators.put')).toBe(true));
    expect(calls.find((c) => c.procedure === 'evaluators.put')!.input).toEqual({
      name: 'short-answers',
      kind: 'rule',
      rule: { type: 'output_length', max_length: 280 },
      score: { type: 'boolean' },
      sample_rate: 0.5,
      filters: {},
      enabled: true,
    });
  });

  it('edits without sending the stored key, and checks the form with the shared schema first', async () => {
    answer('evaluators.put', () => judge);
    renderPanel();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const form = screen.getByTestId('evaluator-form');
    expect(within(form).getByLabelText('API key')).toHaveValue('');
    await userEvent.clear(within(form).getByLabelText(/Judge prompt/));
    await userEvent.type(within(form).getByLabelText(/Judge prompt/), 'no placeholder');
    await userEvent.click(within(form).getByRole('button', { name: 'Save evaluator' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('llm.prompt: must contain {{output}}');
    expect(calls.some((c) => c.procedure === 'evaluators.put')).toBe(false);

    await userEvent.clear(within(form).getByLabelText(/Judge prompt/));
    await userEvent.type(within(form).getByLabelText(/Judge prompt/), 'Judge {{{{output}}');
    await userEvent.click(within(form).getByRole('button', { name: 'Save evaluator' }));
    await waitFor(() => expect(calls.some((c) => c.procedure === 'evaluators.put')).toBe(true));
    const sent = calls.find((c) => c.procedure === 'evaluators.put')!.input as { llm: Record<string, unknown> };
    expect(sent.llm).toEqual({ provider: 'gemini', model: 'gemini-2.0-flash', base_url: null, prompt: 'Judge {{output}}' });
  });

  it('shows the server refusal', async () => {
    fail('evaluators.delete', 'No evaluator helpfulness in this workspace', 404, 'NOT_FOUND');
    renderPanel();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('No evaluator helpfulness in this workspace');
  });
});
