import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { type ScratchPulse, startScratchPulse } from '@pulse/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './chromium.js';

/**
 * The dashboard in a real Chromium against the real server with demo data: the URL that
 * `npm start` prints signs in, every page draws, range and filters refetch, a budget
 * changes the alert. Screenshots of every page at 1440 and 375 px go to test-artifacts/.
 */
/** Generous: in `npm test` this file runs beside the api suites on two cores. */
const POLL = { timeout: 20_000, interval: 100 };
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const artifacts = path.join(root, 'test-artifacts');

let database: ScratchDatabase | undefined;
let server: ScratchPulse | undefined;
let signInUrl = '';
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // Always PGlite, without Redis: the dashboard is under test here, not the database.
  database = await createScratchDatabase(undefined);
  const pulse = await startScratchPulse(database, {
    env: { DEMO: '1', DEMO_TRACES: '20000', DEMO_TRICKLE_RATE: '0', ALERT_ALLOW_PRIVATE_URLS: '1' },
  });
  server = pulse;
  signInUrl = await new Promise<string>((resolve, reject) => {
    const until = Date.now() + 120_000;
    const poll = () => {
      const m = /Pulse is running: (\S+#key=\S+)/.exec(pulse.output());
      if (m) resolve(m[1]!.replace('localhost:', '127.0.0.1:'));
      else if (Date.now() > until) reject(new Error(`no sign-in URL printed:\n${pulse.output()}`));
      else setTimeout(poll, 100);
    };
    poll();
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

/** The key and workspace of the printed sign-in URL (`…/#key=…&workspace=…`). */
function credentialsOf(url: string) {
  const fragment = new URLSearchParams(new URL(url).hash.slice(1));
  return { key: fragment.get('key')!, workspace: fragment.get('workspace')! };
}

/** Each page's answers of 400 and above and requests that got none, for a failure to report. */
const failedRequests = new WeakMap<Page, string[]>();

async function open(width: number, height: number) {
  const page = await (await browser.newContext({ viewport: { width, height } })).newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const failed: string[] = [];
  failedRequests.set(page, failed);
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText ?? 'failed'} ${r.url()}`));
  return { page, errors };
}

/** How many chart canvases have pixels drawn on them; -1 while some canvas on the page is still blank. */
function drawnCanvases(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvases = [...document.querySelectorAll('canvas')];
    const drawn = canvases.filter((c) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) return false;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
      return false;
    });
    return drawn.length === canvases.length ? drawn.length : -1;
  });
}

/**
 * Waits until at least `atLeast` charts are drawn and none is blank. When they are not, says
 * what the page shows instead: panels still loading, the errors they show, the failed requests
 * and what the server logged last.
 */
async function chartsDrawn(page: Page, atLeast: number): Promise<void> {
  try {
    await expect.poll(() => drawnCanvases(page), POLL).toBeGreaterThanOrEqual(atLeast);
  } catch (error) {
    const state = await page.evaluate(() => ({
      url: location.href,
      loading: document.querySelectorAll('[data-testid=loading]').length,
      alerts: [...document.querySelectorAll('[role=alert]')].map((a) => a.textContent),
      text: document.body.innerText.slice(0, 500),
    }));
    const serverLog = server!.output().trim().split('\n').slice(-30).join('\n');
    throw new Error(
      `fewer than ${atLeast} charts drawn: ${JSON.stringify(state)}\nfailed requests: ${JSON.stringify(failedRequests.get(page) ?? [])}\nthe server's last lines:\n${serverLog}`,
      { cause: error },
    );
  }
}

describe.skipIf(!hasChromium)('dashboard in Chromium', () => {
  it('signs in with the printed URL, removes the key from the address bar, and draws every page', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl, { waitUntil: 'networkidle' });
    // The app takes the key from the fragment as its script starts, which a loaded machine may
    // run after the network has gone quiet: poll, as for every other state of the page.
    await expect.poll(() => page.url(), POLL).not.toContain('key=');
    await expect.poll(() => page.textContent('[data-testid=workspace-name]'), POLL).toBe('demo');
    // First load of the dashboard: every script, style and the page itself, as sent (gzip).
    const firstLoad = await page.evaluate(() =>
      [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
        .filter((e) => !e.name.includes('/trpc'))
        .reduce((n, e) => n + (e as PerformanceResourceTiming).encodedBodySize, 0),
    );
    writeFileSync(path.join(artifacts, 'first-load.txt'), `first load, gzip: ${(firstLoad / 1024).toFixed(1)} KiB\n`);
    expect(firstLoad).toBeGreaterThan(50 * 1024);
    expect(firstLoad).toBeLessThanOrEqual(350 * 1024);
    for (const [name, charts] of [
      ['Usage', 2],
      ['Cost', 2],
      ['Performance', 2],
      ['Safety', 2],
      ['Impact', 1],
      ['Quality', 2],
    ] as const) {
      await page
        .getByRole('link', { name, exact: true })
        .or(page.getByText(name, { exact: true }).first())
        .first()
        .click();
      await page.waitForLoadState('networkidle');
      await chartsDrawn(page, charts);
      expect(page.url()).toContain(`page=${name.toLowerCase()}`);
      await page.screenshot({ path: path.join(artifacts, `${name.toLowerCase()}-1440.png`), fullPage: true });
    }
    // The Quality page, last: the demo's scores, a card for each of its three score names, with an average or a top value.
    for (const name of ['helpfulness', 'resolved', 'sentiment']) {
      await expect.poll(() => page.textContent(`[data-testid=kpi-${name}]`), POLL).toMatch(/\d/);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows what the detectors flagged in the demo data: a rate, bars by type and agent, the latest calls', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl.replace('/#', '/?page=safety&range=7d#'), { waitUntil: 'networkidle' });
    await expect.poll(() => page.textContent('[data-testid="kpi-Flagged rate"]'), POLL).toMatch(/[1-9][\d.]*%/);
    await chartsDrawn(page, 2);
    // The by-agent chart is drawn only when some agent has flagged calls (else a sentence says none).
    await page.locator('canvas[data-testid=safety-by-agent]').waitFor();
    const rows = page.locator('[data-testid=flagged-calls] tbody tr');
    await expect.poll(() => rows.count(), POLL).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toMatch(/Email|Phone|Card number|IBAN|API key|Prompt injection/);
    await page.screenshot({ path: path.join(artifacts, 'safety-1440.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows what the demo agents are worth: value against cost, agents by net value, a value set through the form', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl.replace('/#', '/?page=impact&range=7d#'), { waitUntil: 'networkidle' });
    await expect.poll(() => page.textContent('[data-testid="kpi-Value"]'), POLL).toMatch(/\$[1-9]/);
    await expect.poll(() => page.textContent('[data-testid="kpi-ROI"]'), POLL).toMatch(/\d×/);
    await chartsDrawn(page, 1);
    // Six demo agents have a value; the data analyst has none and is offered the form.
    await expect.poll(() => page.locator('[data-testid=impact-agents] tbody tr').count(), POLL).toBe(6);
    const unconfigured = page.locator('[data-testid=impact-unconfigured] tr[data-agent=data-analyst]');
    await unconfigured.waitFor();
    await page.screenshot({ path: path.join(artifacts, 'impact-1440.png'), fullPage: true });
    await page.getByRole('button', { name: 'Set value of data-analyst' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.textContent(), POLL).toContain('Value per successful task is required');
    await dialog.getByLabel('Value per successful task (USD)').fill('3');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('[data-testid=impact-agents] tbody tr').count(), POLL).toBe(7);
    await expect.poll(() => unconfigured.count(), POLL).toBe(0);
    // Removed again through the same form: the other tests see the demo as seeded.
    await page.getByRole('button', { name: 'Edit the value of data-analyst' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => unconfigured.count(), POLL).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the Impact page at 375 px, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await (await browser.newContext({ viewport: { width: 375, height: 800 }, colorScheme })).newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(signInUrl.replace('/#', '/?page=impact&range=7d#'), { waitUntil: 'networkidle' });
      await chartsDrawn(page, 1);
      await page.locator('[data-testid=impact-agents]').waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.mantineColorScheme)).toBe(colorScheme);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await page.screenshot({ path: path.join(artifacts, `impact-375-${colorScheme}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('changes range and filter, and a link reproduces the view', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl, { waitUntil: 'networkidle' });
    const total = () => page.textContent('[data-testid="kpi-Total calls"]');
    const overviewAnswer = () => page.waitForResponse((r) => r.url().includes('usage.overview') && r.status() === 200);
    await expect.poll(total, POLL).toMatch(/\d/);
    const day = await total();
    // Each change refetches: wait for the new answer and for the figure to change on screen.
    await Promise.all([overviewAnswer(), page.getByText('7d', { exact: true }).click()]);
    await expect.poll(total, POLL).not.toBe(day);
    expect(page.url()).toContain('range=7d');
    const seven = await total();
    await page.locator('input[aria-label="Agent"]').click();
    await Promise.all([overviewAnswer(), page.getByRole('option', { name: 'support-bot' }).click()]);
    await expect.poll(total, POLL).not.toBe(seven);
    expect(page.url()).toContain('agent=support-bot');
    const filtered = await total();
    // The same URL in a fresh tab shows the same view.
    const again = await page.context().newPage();
    await again.goto(page.url(), { waitUntil: 'networkidle' });
    await expect.poll(() => again.textContent('[data-testid="kpi-Total calls"]'), POLL).toBe(filtered);
    await again.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters by a tag: the figures narrow, the tag stays in the URL, and the Cost page charts spend per tag', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl, { waitUntil: 'networkidle' });
    const total = () => page.textContent('[data-testid="kpi-Total calls"]');
    await expect.poll(total, POLL).toMatch(/\d/);
    const all = await total();
    await page.locator('input[aria-label="Tag"]').click();
    await Promise.all([
      page.waitForResponse(
        (r) => r.url().includes('usage.overview') && r.url().includes('checkout') && r.status() === 200,
      ),
      page.getByRole('option', { name: 'checkout' }).click(),
    ]);
    await expect.poll(total, POLL).not.toBe(all);
    // The card's figure is its first number (the change beside it has its own).
    const count = (text: string | null) => Number(/[\d,]+/.exec(text ?? '')?.[0]?.replace(/,/g, '') ?? NaN);
    expect(count(await total())).toBeGreaterThan(0);
    expect(count(await total())).toBeLessThan(count(all));
    expect(page.url()).toContain('tag=checkout');
    // The Cost page keeps the filter; every call counted carries checkout, so it has the whole spend.
    const costLink = page
      .getByRole('link', { name: 'Cost', exact: true })
      .or(page.getByText('Cost', { exact: true }).first())
      .first();
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('cost.byTag') && r.status() === 200),
      costLink.click(),
    ]);
    const byTag = page.getByRole('img', { name: /^Cost by tag:/ });
    await expect
      .poll(async () => (await byTag.getAttribute('aria-label')) ?? '', POLL)
      .toMatch(/^Cost by tag: checkout \$[\d.,]+ \(100\.00%\)/);
    expect(page.url()).toContain('tag=checkout');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the demo budget alert, sets a budget, and removes it', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl.replace('/#', '/?page=cost#'), { waitUntil: 'networkidle' });
    await page.waitForSelector('[data-testid=budget-panel]');
    const { key, workspace } = credentialsOf(signInUrl);
    const budget = (await (
      await fetch(`${server!.url}/api/v1/cost/budget`, { headers: { authorization: `Bearer ${key}`, 'x-workspace-id': workspace } })
    ).json()) as { status: string; month_to_date_usd: number };
    // The demo starts with a budget 85 % used by the month to date: past its 80 % alert threshold.
    // Minutes into a month the month to date may be under a cent, and the budget (one cent at
    // least) not yet past it: the panel shows what the API says.
    if (budget.month_to_date_usd >= 0.1) expect(budget.status).toBe('warning');
    expect(await page.textContent('[data-testid=budget-status]')).toBe(budget.status.replace('_', ' '));
    if (budget.month_to_date_usd >= 0.01) {
      await page.getByLabel('Monthly limit (USD)').fill('0.01');
      await page.getByRole('button', { name: 'Save budget' }).click();
      await expect.poll(() => page.textContent('[data-testid=budget-status]'), POLL).toBe('exceeded');
      expect(await page.textContent('[data-testid=budget-alert]')).toContain('Budget exceeded');
    }
    await page.getByLabel('Monthly limit (USD)').fill('-5');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByRole('alert').filter({ hasText: 'Monthly limit must be > 0' }).waitFor();
    await page.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.textContent('[data-testid=budget-status]'), POLL).toBe('no budget');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('settings: refuses bad forms, creates a key and an alert rule (each secret shown once), sends a test', async () => {
    const received: string[] = [];
    const hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    const { page, errors } = await open(1440, 1000);
    try {
      await page.goto(signInUrl.replace('/#', '/?page=settings#'), { waitUntil: 'networkidle' });
      await page.waitForSelector('[data-testid=key-row]');
      expect(await page.textContent('[data-testid=settings-workspace-name]')).toBe('demo');

      // A key without scopes is refused in the form; with one scope it is made and shown once.
      for (const scope of ['ingest', 'read', 'admin']) await page.getByRole('checkbox', { name: scope }).uncheck();
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('alert').filter({ hasText: 'Scopes must name at least one scope' }).waitFor();
      await page.getByRole('checkbox', { name: 'read' }).check();
      await page.getByLabel('New key name').fill('e2e-read');
      await page.getByRole('button', { name: 'Create key' }).click();
      await expect.poll(() => page.textContent('[data-testid=new-key]'), POLL).toMatch(/pk_/);
      await expect.poll(() => page.locator('[data-testid=key-row]', { hasText: 'e2e-read' }).count(), POLL).toBe(1);

      // A rule without a threshold and with a bad URL is refused; a good one is created.
      await page.getByLabel('Rule name').fill('e2e-rule');
      await page.getByLabel('Webhook URL').fill('not a url');
      await page.getByRole('button', { name: 'Create rule' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'Threshold must be a number' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('Webhook URL must be an http(s) URL');
      await page.getByLabel('Threshold').fill('1000000');
      await page.getByLabel('Webhook URL').fill(`http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`);
      await page.getByRole('button', { name: 'Create rule' }).click();
      await expect.poll(() => page.textContent('[data-testid=new-secret]'), POLL).toMatch(/whsec_/);
      const row = page.locator('[data-testid=alert-row]', { hasText: 'e2e-rule' });
      await row.waitFor();
      await row.getByRole('button', { name: 'Send a test' }).click();
      await expect.poll(() => page.textContent('[data-testid=test-result]'), POLL).toContain('HTTP 200');
      expect(JSON.parse(received[0]!)).toMatchObject({ alert: 'e2e-rule', state: 'test' });
      await row.getByRole('button', { name: 'Delete' }).click();
      await expect.poll(() => row.count(), POLL).toBe(0);
      // Captured text and retention: a retention of 0 days is refused in the form; 30 days and
      // redaction are saved and read back; then the defaults again (other tests ingest).
      const data = page.getByTestId('data-settings-panel');
      await data.getByLabel('Retention (days)').fill('0');
      await data.getByRole('button', { name: 'Save' }).click();
      await data
        .getByRole('alert')
        .filter({ hasText: /^Retention/ })
        .waitFor();
      await data.getByLabel('Retention (days)').fill('30');
      await data.getByRole('switch', { name: /Redact PII/ }).check();
      await data.getByRole('button', { name: 'Save' }).click();
      await data.getByTestId('data-settings-saved').waitFor();
      const { key, workspace } = credentialsOf(signInUrl);
      const stored = async () =>
        (
          await fetch(`${server!.url}/api/v1/settings`, {
            headers: { authorization: `Bearer ${key}`, 'x-workspace-id': workspace },
          })
        ).json();
      expect(await stored()).toEqual({ redact_pii: true, retention_days: 30 });
      await data.getByLabel('Retention (days)').fill('');
      await data.getByRole('switch', { name: /Redact PII/ }).uncheck();
      await data.getByRole('button', { name: 'Save' }).click();
      await expect.poll(stored, POLL).toEqual({ redact_pii: false, retention_days: null });
      await page.screenshot({ path: path.join(artifacts, 'settings-1440.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      hooks.closeAllConnections();
      await new Promise<void>((resolve) => hooks.close(() => resolve()));
    }
  });

  it('opens the prices from the cost page, sets a price in place and deletes it', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl.replace('/#', '/?page=cost#'), { waitUntil: 'networkidle' });
    await page.getByRole('button', { name: 'Prices per model' }).click();
    const row = page.locator('[data-testid=prices-table] tr[data-model="gpt-4o"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('catalog');
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Input price of gpt-4o').fill('3.5');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.textContent(), POLL).toContain('yours');
    expect(await row.textContent()).toContain('3.5');
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.textContent(), POLL).toContain('catalog');
    await page.screenshot({ path: path.join(artifacts, 'prices-1440.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is usable at 375 px: cards stack, charts draw, tables scroll', async () => {
    const { page, errors } = await open(375, 800);
    await page.goto(signInUrl, { waitUntil: 'networkidle' });
    for (const p of ['usage', 'cost', 'performance', 'safety']) {
      await page.goto(`${server!.url}/?page=${p}&range=24h`, { waitUntil: 'networkidle' });
      await chartsDrawn(page, 1);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await page.screenshot({ path: path.join(artifacts, `${p}-375.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('drills down from each chart into Traces filtered to exactly that bucket or dimension', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl.replace('/#', '/?page=usage&range=24h#'), { waitUntil: 'networkidle' });
    const { key, workspace } = credentialsOf(signInUrl);
    // Each chart: click its middle, land on Traces with the clicked bucket (or slice) as the view.
    const charts: Array<[string, number, (q: URLSearchParams) => void]> = [
      ['usage', 0, (q) => expect(Date.parse(q.get('to')!) - Date.parse(q.get('from')!)).toBeLessThanOrEqual(3_600_000)],
      ['usage', 1, (q) => expect(q.get('agent')).toBeTruthy()],
      ['cost', 0, (q) => expect(Date.parse(q.get('to')!) - Date.parse(q.get('from')!)).toBeLessThanOrEqual(3_600_000)],
      ['cost', 1, (q) => expect(q.get('model')).toBeTruthy()],
      [
        'performance',
        0,
        (q) => expect(Date.parse(q.get('to')!) - Date.parse(q.get('from')!)).toBeLessThanOrEqual(3_600_000),
      ],
      ['performance', 1, (q) => expect(q.get('status')).toMatch(/^(success|error)$/)],
    ];
    for (const [name, index, check] of charts) {
      await page.goto(`${server!.url}/?page=${name}&range=24h`, { waitUntil: 'networkidle' });
      await chartsDrawn(page, 2);
      const canvas = page.locator('canvas').nth(index);
      const box = (await canvas.boundingBox())!;
      await canvas.click({ position: { x: box.width / 2, y: box.height * 0.6 } });
      await expect.poll(() => new URL(page.url()).searchParams.get('page'), POLL).toBe('traces');
      const q = new URL(page.url()).searchParams;
      expect(q.get('range')).toBe('custom');
      check(q);
      // The list shows exactly the calls the API lists for that view (its first page).
      const api = new URLSearchParams({ range: 'custom', from: q.get('from')!, to: q.get('to')!, limit: '100' });
      const fields: Array<[string, string]> = [
        ['agent', 'agent_id'],
        ['model', 'model'],
        ['status', 'status'],
      ];
      for (const [param, field] of fields) if (q.get(param)) api.set(field, q.get(param)!);
      const expected = (await (
        await fetch(`${server!.url}/api/v1/traces?${api}`, {
          headers: { authorization: `Bearer ${key}`, 'x-workspace-id': workspace },
        })
      ).json()) as { data: unknown[] };
      await expect.poll(() => page.locator('[data-testid=trace-row]').count(), POLL).toBe(expected.data.length);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the filtered calls as the API lists them', async () => {
    const { page, errors } = await open(1440, 1000);
    await page.goto(signInUrl.replace('/#', '/?page=traces&range=24h&status=error#'), { waitUntil: 'networkidle' });
    await page.waitForSelector('[data-testid=traces-table]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSONL' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('traces.jsonl');
    const file = path.join(artifacts, 'traces-export.jsonl');
    await download.saveAs(file);
    const exported = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string });
    const { key, workspace } = credentialsOf(signInUrl);
    const listed = (await (
      await fetch(`${server!.url}/api/v1/traces?range=24h&status=error&limit=200`, {
        headers: { authorization: `Bearer ${key}`, 'x-workspace-id': workspace },
      })
    ).json()) as { data: Array<{ id: string }>; next_cursor: string | null };
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.every((t) => t.status === 'error')).toBe(true);
    // The export is taken a moment after the list (the window moved on): it holds every call the list's first page held but the oldest.
    const ids = new Set(exported.map((t) => (t as unknown as { id: string }).id));
    expect(listed.data.slice(0, -5).filter((t) => !ids.has(t.id))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows Traces and Sessions at 375 px without sideways scrolling, and opens a call and a session', async () => {
    const { page, errors } = await open(375, 800);
    await page.goto(signInUrl, { waitUntil: 'networkidle' });
    await page.goto(`${server!.url}/?page=traces&range=24h`, { waitUntil: 'networkidle' });
    await page.locator('[data-testid=trace-row]').first().click();
    await page.waitForSelector('[data-testid=trace-detail]');
    await page.screenshot({ path: path.join(artifacts, 'traces-375.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
    await page.goto(`${server!.url}/?page=sessions&range=24h`, { waitUntil: 'networkidle' });
    await page.locator('[data-testid=sessions-table] tbody tr').first().click();
    await page.waitForSelector('[data-testid=session-timeline]');
    await page.screenshot({ path: path.join(artifacts, 'sessions-375.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves the interactive API reference at /api/docs, without a CDN', async () => {
    const { page, errors } = await open(1440, 900);
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server!.url) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(`${server!.url}/api/docs`, { waitUntil: 'networkidle' });
    await page.getByText('Pulse API').first().waitFor();
    await page.getByText('/usage/overview').first().waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(artifacts, 'api-docs-1440.png') });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
