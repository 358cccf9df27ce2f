import { MantineProvider } from '@mantine/core';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../src/App.js';
import { saveCredentials } from '../src/credentials.js';
import { WORKSPACE_ID } from './fixtures.js';
import { answer, calls, resetMsw } from './msw.js';

function renderApp(path: string) {
  window.history.replaceState(null, '', path);
  return render(
    <MantineProvider>
      <App />
    </MantineProvider>,
  );
}
const kpi = (label: string) => screen.getByTestId(`kpi-${label}`);
/** The lazily loaded page can take a while on a busy machine. */
const slow = { timeout: 10_000 };
const asked = (procedure: string) => calls.filter((c) => c.procedure === procedure).map((c) => c.input as Record<string, unknown>);

beforeEach(() => {
  resetMsw();
  saveCredentials({ apiKey: 'pk_test', workspaceId: WORKSPACE_ID });
});

describe('quality page', () => {
  it('shows a card per score with its change, and the first score\'s trend and agents', async () => {
    renderApp('/?page=quality&range=7d');
    await waitFor(() => expect(kpi('helpfulness')).toHaveTextContent('0.77'), slow);
    expect(kpi('helpfulness')).toHaveTextContent('↑ 10.0%');
    expect(kpi('resolved')).toHaveTextContent('81.0% true');
    expect(kpi('resolved')).toHaveTextContent('↓ 4.0%');
    expect(kpi('sentiment')).toHaveTextContent('positive 60%');
    expect(kpi('sentiment')).toHaveTextContent('1,000 categorical scores');
    const rows = within(await screen.findByTestId('quality-by-agent')).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('support-bot');
    expect(rows[1]).toHaveTextContent('0.8123');
    expect(asked('quality.trend').at(-1)).toMatchObject({ range: '7d', name: 'helpfulness' });
    expect(screen.getByText('sentiment: values')).toBeInTheDocument();
  });

  it('charts the score picked, and keeps it in the URL with the filters', async () => {
    renderApp('/?page=quality&range=24h&agent=support-bot');
    await waitFor(() => expect(kpi('helpfulness')).toHaveTextContent('0.77'), slow);
    await userEvent.click(screen.getByLabelText('Score', { selector: 'input:not([type=hidden])' }));
    await userEvent.click(await screen.findByRole('option', { name: 'resolved', hidden: true }, slow));
    await waitFor(() => expect(asked('quality.byAgent').at(-1)).toMatchObject({ name: 'resolved', agent_id: 'support-bot' }), slow);
    expect(window.location.search).toContain('score=resolved');
    expect(window.location.search).toContain('agent=support-bot');
  });

  it('reads the score from the URL', async () => {
    renderApp('/?page=quality&score=sentiment');
    await waitFor(() => expect(asked('quality.trend').at(-1)).toMatchObject({ name: 'sentiment' }), slow);
  });

  it('says how to send scores when the window has none', async () => {
    answer('quality.overview', () => ({ from: '2026-11-24T10:00:00.000Z', to: '2026-11-25T10:00:00.000Z', data: [] }));
    renderApp('/?page=quality');
    expect(await screen.findByTestId('quality-empty', {}, slow)).toHaveTextContent('POST /api/v1/scores');
    expect(asked('quality.trend')).toEqual([]);
  });
});
