import { MantineProvider } from '@mantine/core';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../src/App.js';
import { saveCredentials } from '../src/credentials.js';
import { WORKSPACE_ID } from './fixtures.js';
import { answer, calls, fail, resetMsw } from './msw.js';

// The Impact page (docs/API_SPEC.md §14) against msw answers of the impact procedures.

function renderImpact(query = 'page=impact&range=24h') {
  saveCredentials({ apiKey: 'pk_test', workspaceId: WORKSPACE_ID });
  window.history.replaceState(null, '', `/?${query}`);
  return render(
    <MantineProvider>
      <App />
    </MantineProvider>,
  );
}
const kpi = (label: string) => screen.getByTestId(`kpi-${label}`);
const asked = (procedure: string) => calls.filter((c) => c.procedure === procedure).map((c) => c.input);

beforeEach(() => resetMsw());

describe('Impact page', () => {
  it('shows value, cost, net value, ROI, cost per success and success rate, each with its change', async () => {
    renderImpact();
    await waitFor(() => expect(kpi('Value')).toHaveTextContent('$2,125.00'), { timeout: 5000 });
    expect(kpi('Value')).toHaveTextContent('↑ 32.8%');
    expect(kpi('Value')).toHaveTextContent('850 successful tasks');
    expect(kpi('LLM cost')).toHaveTextContent('$25.00');
    expect(kpi('LLM cost')).toHaveTextContent('↑ 25.0%');
    expect(kpi('Net value')).toHaveTextContent('$2,100.00');
    expect(kpi('ROI')).toHaveTextContent('85.00×');
    expect(kpi('ROI')).toHaveTextContent('↑ 6.3%');
    expect(kpi('Cost per successful task')).toHaveTextContent('$0.0294');
    expect(kpi('Cost per successful task')).toHaveTextContent('↓ 5.9%');
    expect(kpi('Success rate')).toHaveTextContent('85.00%');
    expect(kpi('Success rate')).toHaveTextContent('20 calls without their score');
  });

  it('asks every impact procedure with the view’s window and filters', async () => {
    renderImpact('page=impact&range=7d&agent=support-bot');
    await screen.findByTestId('impact-agents');
    for (const procedure of ['impact.overview', 'impact.trend', 'impact.byAgent'])
      expect(asked(procedure)).toContainEqual({ range: '7d', agent_id: 'support-bot' });
  });

  it('lists the agents by net value with their settings, and the agents without a value', async () => {
    renderImpact();
    const rows = within(await screen.findByTestId('impact-agents')).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('support-bot');
    expect(rows[1]).toHaveTextContent('$1,560.00');
    await waitFor(() => expect(rows[1]).toHaveTextContent('2.5 min at $60.00/h, when successful'));
    expect(rows[2]).toHaveTextContent('$2.50 a task, when resolved is true');
    expect(within(screen.getByTestId('impact-unconfigured')).getByRole('row')).toHaveTextContent(
      'data-analyst200 calls$4.50',
    );
  });

  it('"Set value" opens a form checked with the API schema: errors per field, then a PUT', async () => {
    const user = userEvent.setup();
    renderImpact();
    await user.click(await screen.findByRole('button', { name: 'Set value of data-analyst' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText(/Value per successful task is required/)).toBeInTheDocument();
    await user.click(within(dialog).getByText('Time saved'));
    await user.type(within(dialog).getByLabelText('Minutes saved per task'), '6');
    await user.type(within(dialog).getByLabelText('Hourly rate (USD)'), '20000');
    await user.click(within(dialog).getByText('a score is true'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('Hourly rate must be <= 10000')).toBeInTheDocument();
    expect(within(dialog).getByText('Score name is required when success is score')).toBeInTheDocument();
    expect(asked('impact.putAgent')).toEqual([]);
    const rate = within(dialog).getByLabelText('Hourly rate (USD)');
    await user.clear(rate);
    await user.type(rate, '60');
    await user.type(within(dialog).getByLabelText('Boolean score name'), 'resolved');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(asked('impact.putAgent')).toEqual([
        {
          agent_id: 'data-analyst',
          minutes_saved: 6,
          hourly_rate_usd: 60,
          success: 'score',
          success_score: 'resolved',
        },
      ]),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('edits an agent from its stored settings and removes them', async () => {
    const user = userEvent.setup();
    renderImpact();
    await screen.findByTestId('impact-agents');
    await waitFor(() => expect(asked('impact.listAgents').length).toBeGreaterThan(0));
    await user.click(await screen.findByRole('button', { name: 'Edit the value of researcher' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Value per successful task (USD)')).toHaveValue('$2.5');
    expect(within(dialog).getByLabelText('Boolean score name')).toHaveValue('resolved');
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(asked('impact.deleteAgent')).toEqual([{ agent_id: 'researcher' }]));
  });

  it('asks for values when no agent has one', async () => {
    answer('impact.overview', () => ({
      from: '2026-11-24T10:00:00.000Z',
      to: '2026-11-25T10:00:00.000Z',
      tasks: 0,
      successes: 0,
      unscored: 0,
      success_rate_pct: null,
      value_usd: 0,
      cost_usd: 0,
      net_value_usd: 0,
      roi: null,
      cost_per_success_usd: null,
      configured_agents: 0,
      previous: {
        tasks: 0,
        successes: 0,
        unscored: 0,
        success_rate_pct: null,
        value_usd: 0,
        cost_usd: 0,
        net_value_usd: 0,
        roi: null,
        cost_per_success_usd: null,
      },
      unconfigured: [{ agent_id: 'data-analyst', calls: 200, cost_usd: 4.5 }],
    }));
    answer('impact.byAgent', () => ({
      from: '2026-11-24T10:00:00.000Z',
      to: '2026-11-25T10:00:00.000Z',
      data: [],
      unconfigured: [{ agent_id: 'data-analyst', calls: 200, cost_usd: 4.5 }],
    }));
    renderImpact();
    expect(await screen.findByTestId('impact-prompt')).toHaveTextContent('What is a successful task worth?');
    expect(screen.getByText('No agent has a value yet.')).toBeInTheDocument();
    expect(kpi('ROI')).toHaveTextContent('—');
  });

  it('shows an error with a retry when the trend fails', async () => {
    fail('impact.trend', 'database is busy', 503, 'SERVICE_UNAVAILABLE');
    renderImpact();
    // One retry (the dashboard's query default), then the panel's error with its retry button.
    expect(await screen.findByText('database is busy', undefined, { timeout: 8000 })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
