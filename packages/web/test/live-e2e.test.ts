import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { type ScratchPulse, startScratchPulse } from '@pulse/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './chromium.js';

/**
 * Live dashboards in a real Chromium: a call ingested while the page is open appears without a
 * reload and without waiting for the 30 s poll, and again after the server restarted under it,
 * including a call made while the page's socket was away.
 */

/**
 * Well inside the 30 s poll (the page last fetched when it loaded or its subscription started
 * again), with room for a loaded CI machine that runs other suites beside this one.
 */
const LIVE = { timeout: 10_000, interval: 100 };

let database: ScratchDatabase | undefined;
let server: ScratchPulse | undefined;
let browser: Browser;
let port = 0;

const start = (env: Record<string, string> = {}) =>
  startScratchPulse(database!, { env: { DEMO: '1', DEMO_TRACES: '2000', DEMO_TRICKLE_RATE: '0', ...env } });

function credentialsOf(output: string) {
  const m = /Pulse is running: \S+#key=([^&\s]+)&workspace=(\S+)/.exec(output);
  if (!m) throw new Error(`no sign-in URL printed:\n${output}`);
  return { key: decodeURIComponent(m[1]!), workspace: m[2]! };
}

async function ingestOne(key: string, n: number) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      traces: [
        {
          trace_id: `live-${n}-${Date.now()}`,
          timestamp: new Date().toISOString(),
          agent_id: 'live-agent',
          model: 'gpt-4o',
          status: 'success',
          latency_ms: 100,
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  database = await createScratchDatabase(undefined);
  server = await start();
  port = server.port;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe.skipIf(!hasChromium)('live dashboard in Chromium', () => {
  it('shows a call ingested while the page is open, and again after a server restart', async () => {
    await expect.poll(() => /Pulse is running/.test(server!.output()), { timeout: 120_000 }).toBe(true);
    const { key, workspace } = credentialsOf(server!.output());
    // Only this test's calls count (the agent filter): the demo's calls slide out of the 1 h
    // window while the test runs, so a total over them is no fixed figure to wait for.
    await ingestOne(key, 0);
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(
      `http://127.0.0.1:${port}/?range=1h&agent=live-agent#key=${encodeURIComponent(key)}&workspace=${workspace}`,
      {
        waitUntil: 'networkidle',
      },
    );
    // The card's figure is its first number (the change beside it has its own).
    const total = async () =>
      Number(
        /[\d,]+/.exec((await page.textContent('[data-testid="kpi-Total calls"]')) ?? '')?.[0]?.replace(/,/g, '') ?? NaN,
      );
    await page.getByTestId('live-badge').waitFor({ timeout: 20_000 });
    await expect.poll(total, { timeout: 20_000 }).toBe(1);
    await ingestOne(key, 1);
    await expect.poll(total, LIVE).toBe(2);

    // The server goes away and comes back on the same port and data (without the demo, which
    // would issue a new key): the page reconnects by itself, and catches up on the call made
    // while its socket was away.
    await server!.stop();
    server = await start({ PORT: String(port), DEMO: '0' });
    await ingestOne(key, 2);
    await page.getByTestId('live-badge').waitFor({ timeout: 30_000 });
    await expect.poll(total, LIVE).toBe(3);
    await ingestOne(key, 3);
    await expect.poll(total, LIVE).toBe(4);
    await page.close();
  });
});
