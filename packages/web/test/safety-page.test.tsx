import { MantineProvider } from '@mantine/core';
import { render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../src/App.js';
import { saveCredentials } from '../src/credentials.js';
import { WORKSPACE_ID } from './fixtures.js';
import { answer, calls, resetMsw } from './msw.js';

// The Safety page (docs/API_SPEC.md §12) against msw answers of the safety procedures.

function renderSafety(query = 'page=safety&range=24h') {
  saveCredentials({ apiKey: 'pk_test', workspaceId: WORKSPACE_ID });
  window.history.replaceState(null, '', `/?${query}`);
  return render(
    <MantineProvider>
      <App />
    </MantineProvider>,
  );
}
const kpi = (label: string) => screen.getByTestId(`kpi-${label}`);

beforeEach(() => resetMsw());

describe('Safety page', () => {
  it('shows the flagged rate with its change, the most found type and injections', async () => {
    renderSafety();
    await waitFor(() => expect(kpi('Flagged rate')).toHaveTextContent('5.00%'));
    expect(kpi('Flagged rate')).toHaveTextContent('↑ 25.0%');
    expect(kpi('Flagged calls')).toHaveTextContent('60');
    expect(kpi('Flagged calls')).toHaveTextContent('of 1,200 calls');
    expect(kpi('Most found')).toHaveTextContent('Email');
    expect(kpi('Prompt injections')).toHaveTextContent('12');
  });

  it('lists the latest flagged calls with what was found', async () => {
    renderSafety();
    const table = await screen.findByTestId('flagged-calls');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('support-bot');
    expect(rows[1]).toHaveTextContent('Email');
    expect(rows[1]).toHaveTextContent('Prompt injection');
    expect(rows[2]).toHaveTextContent('API key');
    expect(rows[2]).toHaveTextContent('—');
  });

  it('asks every safety procedure with the view’s window and filters', async () => {
    renderSafety('page=safety&range=7d&agent=support-bot');
    await screen.findByTestId('flagged-calls');
    const asked = (procedure: string) => calls.filter((c) => c.procedure === procedure).map((c) => c.input);
    for (const procedure of ['safety.overview', 'safety.trend', 'safety.byAgent']) expect(asked(procedure)).toContainEqual({ range: '7d', agent_id: 'support-bot' });
    expect(asked('safety.latest')).toContainEqual({ range: '7d', agent_id: 'support-bot', limit: 20 });
  });

  it('says so when nothing was flagged', async () => {
    answer('safety.latest', () => ({ from: '2026-11-24T10:00:00.000Z', to: '2026-11-25T10:00:00.000Z', data: [] }));
    answer('safety.byAgent', () => ({ from: '2026-11-24T10:00:00.000Z', to: '2026-11-25T10:00:00.000Z', data: [] }));
    renderSafety();
    await waitFor(() => expect(screen.getAllByText('No flagged calls in this window.')).toHaveLength(2));
  });
});
