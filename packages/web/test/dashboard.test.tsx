import { MantineProvider } from '@mantine/core';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/App.js';
import { saveCredentials } from '../src/credentials.js';
import { budgetNone, emptyUsageOverview, WORKSPACE_ID } from './fixtures.js';
import { answer, calls, fail, pushLiveChange, refuseLiveSockets, resetMsw } from './msw.js';

function renderApp(path = '/') {
  window.history.replaceState(null, '', path);
  return render(
    <MantineProvider>
      <App />
    </MantineProvider>,
  );
}
const signIn = () => saveCredentials({ apiKey: 'pk_test', workspaceId: WORKSPACE_ID });
const kpi = (label: string) => screen.getByTestId(`kpi-${label}`);

beforeEach(() => resetMsw());

describe('sign-in', () => {
  it('asks for credentials and shows the API refusal', async () => {
    fail('workspace.info', 'Unknown or revoked API key', 401, 'UNAUTHORIZED');
    renderApp();
    await userEvent.type(screen.getByLabelText('Workspace id'), WORKSPACE_ID);
    await userEvent.type(screen.getByLabelText('API key'), 'pk_wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Unknown or revoked API key');
    expect(localStorage.length).toBe(0);
  });

  it('keeps valid credentials and opens the dashboard', async () => {
    renderApp();
    await userEvent.type(screen.getByLabelText('Workspace id'), WORKSPACE_ID);
    await userEvent.type(screen.getByLabelText('API key'), 'pk_good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByTestId('workspace-name')).toHaveTextContent('acme-prod');
    expect(localStorage.getItem('pulse.credentials')).toContain('pk_good');
  });

  it('signs in from the printed link and removes the key from the address bar', async () => {
    renderApp(`/#key=pk_link&workspace=${WORKSPACE_ID}`);
    await waitFor(() => expect(screen.getByTestId('workspace-name')).toHaveTextContent('acme-prod'));
    expect(window.location.href).not.toContain('pk_link');
  });

  it('signs out', async () => {
    signIn();
    renderApp();
    await userEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(localStorage.getItem('pulse.credentials')).toBeNull();
  });
});

describe('shell', () => {
  it('refreshes every 30 s, says how long ago, and stops when paused', async () => {
    // Polling is what a dashboard without its live socket does.
    refuseLiveSockets();
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      signIn();
      renderApp();
      await waitFor(() => expect(kpi('Total calls')).toHaveTextContent('1,200'));
      const asked = () => calls.filter((c) => c.procedure === 'usage.overview').length;
      const before = asked();
      await act(async () => {
        vi.advanceTimersByTime(12_000);
      });
      expect(screen.getByTestId('updated-ago')).toHaveTextContent(/updated 1[2-3] s ago/);
      await act(async () => {
        vi.advanceTimersByTime(20_000);
      });
      await waitFor(() => expect(asked()).toBeGreaterThan(before));
      await userEvent.click(screen.getByLabelText('Auto-refresh (30 s)'));
      const paused = asked();
      await act(async () => {
        vi.advanceTimersByTime(65_000);
      });
      expect(asked()).toBe(paused);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refetches as soon as the live socket tells of a new call, without polling', async () => {
    signIn();
    renderApp();
    await waitFor(() => expect(kpi('Total calls')).toHaveTextContent('1,200'));
    expect(await screen.findByTestId('live-badge')).toHaveTextContent('Live');
    answer('usage.overview', () => ({ ...emptyUsageOverview, total_calls: 1201 }));
    pushLiveChange();
    await waitFor(() => expect(kpi('Total calls')).toHaveTextContent('1,201'), { timeout: 3000 });
    // Paused: the socket closes and nothing refetches.
    await userEvent.click(screen.getByLabelText('Live updates'));
    await waitFor(() => expect(screen.queryByTestId('live-badge')).toBeNull());
  });

  it('switches between light and dark', async () => {
    signIn();
    renderApp();
    const toggle = await screen.findByRole('button', { name: 'Toggle light/dark theme' });
    expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'light');
    await userEvent.click(toggle);
    expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await userEvent.click(toggle);
    expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'light');
  });
});

describe('usage page', () => {
  it('shows skeletons while loading, then the KPIs with their change', async () => {
    signIn();
    renderApp();
    expect(screen.getAllByTestId('loading').length).toBeGreaterThan(0);
    await waitFor(() => expect(kpi('Total calls')).toHaveTextContent('1,200'));
    expect(kpi('Total calls')).toHaveTextContent('↑ 20.0%');
    expect(kpi('Unique users')).toHaveTextContent('40');
    expect(kpi('Avg calls per user')).toHaveTextContent('30.00');
    expect(kpi('Avg calls per user')).toHaveTextContent('↑ 20.0%');
  });

  it('lists the top users with units', async () => {
    signIn();
    renderApp();
    const table = await screen.findByTestId('top-users');
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('u-ada');
    expect(rows[1]).toHaveTextContent('$1.23');
    expect(rows[1]).toHaveTextContent('45,000');
  });

  it('shows how to send a first trace when the window is empty', async () => {
    answer('usage.overview', () => emptyUsageOverview);
    signIn();
    renderApp();
    const empty = await screen.findByTestId('empty-state');
    expect(empty).toHaveTextContent('No traces in this window yet');
    expect(empty).toHaveTextContent(`X-Workspace-ID: ${WORKSPACE_ID}`);
    expect(empty).toHaveTextContent('/api/v1/traces');
  });

  it('shows an error with the message and retries', async () => {
    // The client retries once by itself; both tries fail, then the user's retry succeeds.
    let failures = 2;
    answer('usage.callsOverTime', () =>
      failures-- > 0 ? { __error: { status: 500, message: 'Database unavailable', code: 'INTERNAL_SERVER_ERROR' } } : undefined,
    );
    signIn();
    renderApp();
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    expect(alert).toHaveTextContent('Database unavailable');
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByText('Database unavailable')).not.toBeInTheDocument());
  });

  it('refetches with the new range and keeps it in the URL', async () => {
    signIn();
    renderApp();
    await waitFor(() => expect(kpi('Total calls')).toHaveTextContent('1,200'));
    await userEvent.click(screen.getByRole('radio', { name: '7d' }));
    await waitFor(() => expect(calls.some((c) => c.procedure === 'usage.overview' && (c.input as { range: string }).range === '7d')).toBe(true));
    expect(window.location.search).toContain('range=7d');
  });

  it('reads page, range and filters from the URL', async () => {
    signIn();
    renderApp('/?page=usage&range=30d&agent=researcher');
    const asked = (range: string, agent: string) =>
      calls.some((c) => c.procedure === 'usage.overview' && JSON.stringify(c.input) === JSON.stringify({ range, agent_id: agent }));
    await waitFor(() => expect(asked('30d', 'researcher')).toBe(true));
    expect(screen.getByRole('radio', { name: '30d' })).toBeChecked();
  });
});

describe('tag filter', () => {
  it("offers the workspace's tags, narrows every query and keeps the tag in the URL", async () => {
    signIn();
    renderApp('/?page=usage&range=7d');
    await waitFor(() => expect(kpi('Total calls')).toHaveTextContent('1,200'));
    await waitFor(() => expect(screen.getByTestId('workspace-name')).toHaveTextContent('acme-prod'));
    await userEvent.click(screen.getByRole('combobox', { name: 'Tag' }));
    // Without layout, jsdom does not count the dropdown's options as visible: they are found with hidden.
    await userEvent.click(await screen.findByRole('option', { name: 'checkout', hidden: true }));
    const tagged = (procedure: string) => calls.some((c) => c.procedure === procedure && JSON.stringify(c.input) === JSON.stringify({ range: '7d', tag: 'checkout' }));
    await waitFor(() => expect(tagged('usage.overview')).toBe(true));
    await waitFor(() => expect(calls.some((c) => c.procedure === 'usage.topUsers' && (c.input as { tag?: string }).tag === 'checkout')).toBe(true));
    expect(new URLSearchParams(window.location.search).get('tag')).toBe('checkout');
  });

  it('reads the tag from the URL and applies it to the cost page, by-tag chart included', async () => {
    signIn();
    renderApp('/?page=cost&range=24h&tag=eval');
    const asked = (procedure: string) => calls.some((c) => c.procedure === procedure && (c.input as { tag?: string }).tag === 'eval');
    await waitFor(() => expect(asked('cost.overview') && asked('cost.byTag') && asked('cost.trend')).toBe(true));
    expect(screen.getByRole('combobox', { name: 'Tag' })).toHaveValue('eval');
  });
});

describe('cost page', () => {
  it('shows the cost of every tag and of the untagged calls', async () => {
    signIn();
    renderApp('/?page=cost');
    expect(await screen.findByRole('img', { name: /^Cost by tag:/ })).toHaveAccessibleName(
      'Cost by tag: prod $11.20 (89.60%), checkout $9.10 (72.80%), (untagged) $0.50 (4.00%)',
    );
  });

  it('offers the cost by tag as CSV: every tag, then the untagged calls', async () => {
    const saved: Blob[] = [];
    const created = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (saved.push(blob as Blob), 'blob:cost-by-tag'));
    const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    try {
      signIn();
      renderApp('/?page=cost');
      await userEvent.click(await screen.findByRole('button', { name: 'Cost by tag: download CSV' }));
      expect(saved).toHaveLength(1);
      expect(await saved[0]!.text()).toBe('tag,calls,cost_usd,percentage\r\nprod,1100,11.2,89.6\r\ncheckout,300,9.1,72.8\r\n(untagged),40,0.5,4\r\n');
    } finally {
      created.mockRestore();
      revoked.mockRestore();
    }
  });

  it('shows the KPIs and that no budget is set', async () => {
    signIn();
    renderApp('/?page=cost');
    await waitFor(() => expect(kpi('Total cost')).toHaveTextContent('$12.50'));
    expect(kpi('Avg cost per call')).toHaveTextContent('$0.0104');
    expect(kpi('Budget remaining')).toHaveTextContent('No budget');
    expect(kpi('Projected month')).toHaveTextContent('$50.25');
    expect(await screen.findByTestId('budget-status')).toHaveTextContent('no budget');
  });

  it('validates the budget form before sending anything', async () => {
    signIn();
    renderApp('/?page=cost');
    await screen.findByTestId('budget-panel');
    await userEvent.type(screen.getByLabelText('Monthly limit (USD)'), '0');
    await userEvent.click(screen.getByRole('button', { name: 'Save budget' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Monthly limit must be > 0');
    expect(calls.some((c) => c.procedure === 'cost.setBudget')).toBe(false);
  });

  it('shows every message of the shared budget schema, one per field', async () => {
    signIn();
    renderApp('/?page=cost');
    await screen.findByTestId('budget-panel');
    await userEvent.clear(screen.getByLabelText('Alert at (% used)'));
    await userEvent.type(screen.getByLabelText('Alert at (% used)'), '2.5');
    await userEvent.type(screen.getByLabelText('Monthly limit (USD)'), '0');
    await userEvent.click(screen.getByRole('button', { name: 'Save budget' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Monthly limit must be > 0 Alert threshold must be an integer');
    expect(calls.some((c) => c.procedure === 'cost.setBudget')).toBe(false);
  });

  it('keeps a half-typed limit through an auto-refresh, and Reset brings back the saved one', async () => {
    refuseLiveSockets();
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      // Spend grows between refreshes, so every refetch brings a budget that differs from the last.
      let spent = 40;
      answer('cost.budget', () => ({ ...budgetNone, monthly_limit_usd: 100, month_to_date_usd: (spent += 1), used_pct: spent, remaining_usd: 100 - spent, status: 'ok' }));
      signIn();
      renderApp('/?page=cost');
      const limit = await screen.findByLabelText('Monthly limit (USD)');
      expect(limit).toHaveValue('$100');
      await userEvent.clear(limit);
      await userEvent.type(limit, '12');
      const asked = () => calls.filter((c) => c.procedure === 'cost.budget').length;
      const before = asked();
      await act(async () => {
        vi.advanceTimersByTime(31_000);
      });
      await waitFor(() => expect(asked()).toBeGreaterThan(before));
      await waitFor(() => expect(screen.getByText(/\$42\.00 spent this month/)).toBeInTheDocument());
      expect(screen.getByLabelText('Monthly limit (USD)')).toHaveValue('$12');
      await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
      expect(screen.getByLabelText('Monthly limit (USD)')).toHaveValue('$100');
    } finally {
      vi.useRealTimers();
    }
  });

  it('saves a budget and shows the warning that follows', async () => {
    let saved = budgetNone;
    answer('cost.budget', () => saved);
    answer('cost.setBudget', (input) => {
      const { monthly_limit_usd, alert_threshold_pct } = input as { monthly_limit_usd: number; alert_threshold_pct: number };
      saved = { ...budgetNone, monthly_limit_usd, alert_threshold_pct, used_pct: 80.4, remaining_usd: 9.8, status: 'warning' };
      return saved;
    });
    signIn();
    renderApp('/?page=cost');
    await screen.findByTestId('budget-panel');
    await userEvent.type(screen.getByLabelText('Monthly limit (USD)'), '50');
    await userEvent.click(screen.getByRole('button', { name: 'Save budget' }));
    expect(await screen.findByTestId('budget-alert')).toHaveTextContent('80.40% of the monthly budget is used');
    expect(calls.find((c) => c.procedure === 'cost.setBudget')?.input).toEqual({ monthly_limit_usd: 50, alert_threshold_pct: 80 });
    expect(screen.getByTestId('budget-status')).toHaveTextContent('warning');
  });
});

describe('performance page', () => {
  it('shows percentiles in ms and s, the error rate and the errors table', async () => {
    signIn();
    renderApp('/?page=performance');
    await waitFor(() => expect(kpi('P50 latency')).toHaveTextContent('700 ms'));
    expect(kpi('P95 latency')).toHaveTextContent('2.90 s');
    expect(kpi('Error rate')).toHaveTextContent('3.00%');
    const rows = within(await screen.findByTestId('errors-table')).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('rate_limit');
    expect(rows[1]).toHaveTextContent('55.56');
    expect(rows[1]).toHaveTextContent('429 Too Many Requests');
    expect(rows[2]).toHaveTextContent('—');
  });

  it('says so when there are no errors', async () => {
    answer('performance.errors', () => ({ from: '2026-11-24T10:00:00.000Z', to: '2026-11-25T10:00:00.000Z', total_errors: 0, data: [] }));
    signIn();
    renderApp('/?page=performance');
    expect(await screen.findByText('No errors in this window.')).toBeInTheDocument();
  });
});
