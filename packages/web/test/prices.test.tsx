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
  saveCredentials({ apiKey: 'pk_test', workspaceId: WORKSPACE_ID });
  return render(
    <MantineProvider>
      <App />
    </MantineProvider>,
  );
}
const row = (model: string) => screen.getByTestId('prices-table').querySelector(`tr[data-model="${model}"]`) as HTMLElement;

beforeEach(() => resetMsw());

describe('prices', () => {
  it('the cost page shows how many calls are unpriced and links to the prices', async () => {
    renderApp('/?page=cost');
    const badge = await screen.findByTestId('unpriced');
    expect(badge).toHaveTextContent('7 unpriced');
    await waitFor(() => expect(badge).toHaveTextContent('in-house-llm'));
    await userEvent.click(within(badge).getByRole('button', { name: 'Set a price' }));
    expect(await screen.findByTestId('prices-table', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(window.location.search).toContain('page=prices');
  });

  it('lists catalog prices and overrides, edits one in place and deletes an override', async () => {
    renderApp('/?page=prices');
    await screen.findByTestId('prices-table', {}, { timeout: 5000 });
    expect(row('gpt-4o')).toHaveTextContent('yours');
    expect(row('gpt-4o')).toHaveTextContent('2026-11-01T00:00:00.000Z');
    expect(row('claude-3-5-haiku')).toHaveTextContent('catalog');

    answer('prices.set', (input) => ({ ...(input as object), source: 'override', cache_read_per_mtok_usd: 0.9, cache_write_per_mtok_usd: 0.9, effective_from: null }));
    await userEvent.click(within(row('claude-3-5-haiku')).getByRole('button', { name: 'Edit' }));
    const inputPrice = screen.getByLabelText('Input price of claude-3-5-haiku');
    await userEvent.clear(inputPrice);
    await userEvent.type(inputPrice, '0.9');
    await userEvent.click(within(row('claude-3-5-haiku')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.procedure === 'prices.set')).toBe(true));
    expect(calls.find((c) => c.procedure === 'prices.set')!.input).toEqual({
      model: 'claude-3-5-haiku',
      input_per_mtok_usd: 0.9,
      output_per_mtok_usd: 4,
      cache_read_per_mtok_usd: 0.08,
      cache_write_per_mtok_usd: 1,
      effective_from: null,
    });

    answer('prices.remove', () => ({}));
    await userEvent.click(within(row('gpt-4o')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(calls.find((c) => c.procedure === 'prices.remove')?.input).toEqual({ model: 'gpt-4o' }));
  });

  it('sets a price for a model the catalog does not know, and checks the row before sending it', async () => {
    renderApp('/?page=prices');
    await screen.findByTestId('prices-table', {}, { timeout: 5000 });
    await userEvent.type(screen.getByLabelText('Find or add a model'), 'in-house-llm');
    await userEvent.click(screen.getByRole('button', { name: 'Set a price for in-house-llm' }));
    await userEvent.click(within(row('in-house-llm')).getByRole('button', { name: 'Save' }));
    expect(within(row('in-house-llm')).getByRole('alert')).toHaveTextContent('Input and output prices are needed.');
    expect(calls.some((c) => c.procedure === 'prices.set')).toBe(false);
  });
});
