import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook } from '../src/alerts/send-webhook.js';
import { type HostResolver, isPrivateAddress, resolveWebhook, type ResolvedAddress } from '../src/alerts/ssrf-guard.js';
import { startTestServer, type TestServer } from './harness.js';
import { eventually, startWebhookReceiver } from './webhook-receiver.js';

/**
 * The webhook guard (docs/API_SPEC.md §11): webhook URLs that reach this host or a private
 * network are a 400 naming webhook_url, checked after name resolution (the test's own DNS
 * answers), again at every delivery, and the delivery connects to the address checked.
 */

const PRIVATE = [
  '127.0.0.1',
  '127.1.2.3',
  '10.1.2.3',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '::1',
  '::',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  'fc00::1',
  'fd12:3456::1',
  'fe80::1',
  'febf::1',
  '64:ff9b::7f00:1',
];
const PUBLIC = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8'];

describe('isPrivateAddress', () => {
  it.each(PRIVATE)('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));
  it.each(PUBLIC)('%s is public', (address) => expect(isPrivateAddress(address)).toBe(false));
});

/** Names the tests resolve; the table may change between calls (DNS rebinding). */
const dns = new Map<string, ResolvedAddress[]>();
const resolver: HostResolver = async (host) => {
  const found = dns.get(host);
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};
const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

describe('resolveWebhook', () => {
  const strict = { allowPrivate: false, resolve: resolver };
  it('answers the checked address to connect to', async () => {
    dns.set('hooks.public.test', [v4('93.184.216.34')]);
    expect(await resolveWebhook('https://hooks.public.test/x', strict)).toMatchObject({ address: '93.184.216.34', family: 4 });
  });
  it('refuses a name any of whose addresses is private', async () => {
    dns.set('mixed.test', [v4('93.184.216.34'), v6('::ffff:127.0.0.1')]);
    await expect(resolveWebhook('https://mixed.test/x', strict)).rejects.toThrow(/loopback, private or link-local/);
  });
  it('refuses plain http and credentials unless private targets are allowed', async () => {
    await expect(resolveWebhook('http://hooks.public.test/x', strict)).rejects.toThrow(/https/);
    await expect(resolveWebhook('https://user:pw@hooks.public.test/x', strict)).rejects.toThrow(/credentials/);
    expect(await resolveWebhook('http://127.0.0.1:9/x', { ...strict, allowPrivate: true })).toMatchObject({ address: '127.0.0.1' });
  });
});

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
const put = async (name: string, webhook_url: string) => {
  const res = await fetch(`${srv.url}/api/v1/alerts/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
    body: JSON.stringify({ metric: 'calls', window: '5m', threshold: 0, webhook_url }),
  });
  return { status: res.status, body: (await res.json()) as { message: string; issues?: Array<{ path: string; message: string }> } };
};

describe('PUT /alerts/{name} without ALERT_ALLOW_PRIVATE_URLS', () => {
  beforeAll(async () => {
    srv = await startTestServer({ alertIntervalMs: 100, alertRetryBaseMs: 50, alertAllowPrivateUrls: false }, { resolveHost: resolver });
    ws = await srv.createWorkspace('guard');
    dns.set('localhost.test', [v4('127.0.0.1')]);
    dns.set('metadata.test', [v4('169.254.169.254')]);
    dns.set('v6-local.test', [v6('fe80::1')]);
    dns.set('ula.test', [v6('fd00::1')]);
    dns.set('mapped.test', [v6('::ffff:127.0.0.1')]);
    dns.set('hooks.public.test', [v4('93.184.216.34')]);
  });
  afterAll(async () => {
    await srv?.close();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://127.0.0.1:8443/hook',
    'https://2130706433/hook',
    'https://0x7f.0.0.1/hook',
    'https://0.0.0.0/hook',
    'https://10.0.0.8/hook',
    'https://192.168.0.10/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:7f00:1]/hook',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
    'https://localhost.test/hook',
    'https://metadata.test/hook',
    'https://v6-local.test/hook',
    'https://ula.test/hook',
    'https://mapped.test/hook',
    'http://hooks.public.test/hook',
  ])('%s is a 400 naming webhook_url', async (url) => {
    const res = await put('guarded', url);
    expect(res.status).toBe(400);
    expect(res.body.issues?.map((i) => i.path)).toEqual(['webhook_url']);
    expect(res.body.message).toContain('webhook_url');
  });

  it('accepts a public https webhook, and a name that does not resolve yet (checked at every delivery)', async () => {
    expect((await put('public', 'https://hooks.public.test/hook')).status).toBe(200);
    expect((await put('unresolved', 'https://not-yet.test/hook')).status).toBe(200);
  });

  it('checks the address again at delivery: a name that turned private is not connected to', async () => {
    const hooks = await startWebhookReceiver();
    try {
      dns.set('rebind.test', [v4('93.184.216.34')]);
      expect((await put('rebind', `https://rebind.test:${hooks.port}/hook`)).status).toBe(200);
      dns.set('rebind.test', [v4('127.0.0.1')]);
      const res = await fetch(`${srv.url}/api/v1/alerts/rebind/test`, { method: 'POST', headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
      const attempt = (await res.json()) as { status_code: number | null; error: string };
      expect(attempt.status_code).toBeNull();
      expect(attempt.error).toMatch(/loopback, private or link-local/);
      expect(hooks.received).toHaveLength(0);
    } finally {
      await hooks.close();
    }
  });
});

describe('delivery', () => {
  it('connects to the address it checked, with the name kept in Host', async () => {
    const hooks = await startWebhookReceiver();
    const local = await startTestServer({ alertIntervalMs: 100, alertRetryBaseMs: 50, alertAllowPrivateUrls: true }, { resolveHost: resolver });
    try {
      dns.set('pinned.test', [v4('127.0.0.1')]);
      ws = await local.createWorkspace('pinned');
      srv = local;
      expect((await put('pinned', `http://pinned.test:${hooks.port}/hook`)).status).toBe(200);
      const hook = await eventually(() => hooks.received[0], 10_000, 'the delivery');
      expect(hook.headers.host).toBe(`pinned.test:${hooks.port}`);
    } finally {
      await local.close();
      await hooks.close();
    }
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const target = await startWebhookReceiver();
    const hooks = await startWebhookReceiver();
    hooks.answerNext([{ status: 302, headers: { location: target.url } }]);
    try {
      const outcome = await sendWebhook({ url: new URL(hooks.url), address: '127.0.0.1', family: 4 }, '{}', {}, 2_000);
      expect(outcome).toEqual({ statusCode: 302, error: null });
      await new Promise((r) => setTimeout(r, 200));
      expect(target.received).toHaveLength(0);
    } finally {
      await hooks.close();
      await target.close();
    }
  });

  it('gives up on a webhook that does not answer in time', async () => {
    const hooks = await startWebhookReceiver();
    hooks.answerNext([{ status: 200, delayMs: 2_000 }]);
    try {
      const started = Date.now();
      const outcome = await sendWebhook({ url: new URL(hooks.url), address: '127.0.0.1', family: 4 }, '{}', {}, 300);
      expect(outcome.statusCode).toBeNull();
      expect(outcome.error).toMatch(/no answer within 300 ms/);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await hooks.close();
    }
  });
});
