import { MantineProvider } from '@mantine/core';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../src/App.js';
import { saveCredentials } from '../src/credentials.js';
import { formatChange } from '../src/format.js';
import { WORKSPACE_ID } from './fixtures.js';
import { calls, resetMsw } from './msw.js';

function renderApp(path: string) {
  window.history.replaceState(null, '', path);
  return render(
    <MantineProvider>
      <App />
    </MantineProvider>,
  );
}

beforeEach(() => {
  resetMsw();
  saveCredentials({ apiKey: 'pk_test', workspaceId: WORKSPACE_ID });
});

const lastInput = (procedure: string) => calls.filter((c) => c.procedure === procedure).at(-1)?.input as Record<string, unknown> | undefined;

describe('traces page', () => {
  it('lists the calls with the URL filters, loads the next page, and opens a call in full', async () => {
    renderApp('/?page=traces&range=7d&agent=researcher&status=error&user=u-1&error_type=timeout');
    const table = await screen.findByTestId('traces-table', {}, { timeout: 10_000 });
    expect(within(table).getAllByTestId('trace-row')).toHaveLength(20);
    expect(lastInput('traces.list')).toMatchObject({ range: '7d', agent_id: 'researcher', status: 'error', user_id: 'u-1', error_type: 'timeout', limit: 100 });
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table).getAllByTestId('trace-row')).toHaveLength(40), { timeout: 10_000 });
    expect(lastInput('traces.list')).toMatchObject({ cursor: 'page-2' });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();

    await userEvent.click(within(table).getAllByTestId('trace-row')[0]!);
    const detail = await screen.findByTestId('trace-detail', {}, { timeout: 10_000 });
    expect(detail).toHaveTextContent('Where is my order? Mail me at jane@example.com');
    expect(detail).toHaveTextContent('It ships tomorrow.');
    expect(detail).toHaveTextContent('"region": "eu-west-1"');
    expect(detail).toHaveTextContent('pii.email');
    expect(screen.getByTestId('cost-source')).toHaveTextContent('catalog');
    expect(within(screen.getByTestId('trace-scores')).getByText('helpfulness')).toBeInTheDocument();
  }, 60_000);

  it('puts a changed filter into the URL and the query', async () => {
    renderApp('/?page=traces&range=24h');
    await screen.findByTestId('traces-table', {}, { timeout: 10_000 });
    await userEvent.type(screen.getByLabelText('Session'), 's-42{Enter}');
    await waitFor(() => expect(lastInput('traces.list')).toMatchObject({ session_id: 's-42' }));
    expect(window.location.search).toContain('session=s-42');
  });
});

describe('drill-down', () => {
  it('an error type row opens Traces filtered to that type, errors only, over the answer\'s window', async () => {
    renderApp('/?page=performance&range=24h&agent=support-bot');
    const rows = within(await screen.findByTestId('errors-table')).getAllByRole('row');
    await userEvent.click(rows[1]!);
    await screen.findByTestId('traces-table', {}, { timeout: 10_000 });
    expect(lastInput('traces.list')).toMatchObject({
      range: 'custom',
      from: '2026-11-24T10:00:00.000Z',
      to: '2026-11-25T10:00:00.000Z',
      agent_id: 'support-bot',
      status: 'error',
      error_type: 'rate_limit',
    });
  });

  it('a top-users row opens Traces for that user', async () => {
    renderApp('/?page=usage&range=24h');
    const rows = within(await screen.findByTestId('top-users')).getAllByRole('row');
    const user = within(rows[1]!).getAllByRole('cell')[0]!.textContent;
    await userEvent.click(rows[1]!);
    await screen.findByTestId('traces-table', {}, { timeout: 10_000 });
    expect(lastInput('traces.list')).toMatchObject({ range: 'custom', user_id: user });
  });
});

describe('sessions page', () => {
  it('lists the sessions and opens one as the timeline of its calls', async () => {
    renderApp('/?page=sessions&range=24h');
    const table = await screen.findByTestId('sessions-table');
    await userEvent.click(within(table).getByText('s-1'));
    const timeline = await screen.findByTestId('session-timeline');
    expect(lastInput('traces.list')).toMatchObject({ session_id: 's-1', limit: 200 });
    expect(within(timeline).getAllByText(/gpt-4o/).length).toBe(20);
  });
});

describe('KPI change', () => {
  it('reads "new" when the previous window is nearly empty, a percentage otherwise', () => {
    expect(formatChange(13725, 1)?.text).toBe('new');
    expect(formatChange(5, 0)?.text).toBe('new');
    expect(formatChange(0, 0)).toBeNull();
    expect(formatChange(120, 100)?.text).toBe('↑ 20.0%');
    expect(formatChange(80, 100)?.text).toBe('↓ 20.0%');
  });
});
