import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { usdFromNanos } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemResolver } from '../src/alerts/ssrf-guard.js';
import { startAlertWorker } from '../src/alerts/worker.js';
import { serverSecretBox } from '../src/secrets/secret-box.js';
import { makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';
import { eventually, startWebhookReceiver } from './webhook-receiver.js';

/**
 * Alert rules end to end (docs/API_SPEC.md §11): a real server evaluating every 100 ms, a real
 * local webhook receiver, retries 50 ms apart. Private targets are allowed here (the receiver is
 * on 127.0.0.1); the guard itself is tested in webhook-guard.test.ts.
 */

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
const logLines: string[] = [];

const headers = () => ({ authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' });
async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${srv.url}/api/v1${path}`, { method, headers: headers(), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}
const putRule = (name: string, body: Record<string, unknown>) => api('PUT', `/alerts/${name}`, { metric: 'calls', window: '5m', webhook_url: hooks.url, ...body });
const deliveries = async (name: string) => (await api('GET', `/alerts/${name}/deliveries`)).json.data as Array<{ state: string; status_code: number | null; attempt: number; at: string }>;
const hooksFor = (name: string) => hooks.received.filter((h) => h.body.includes(`"${name}"`) || h.body.includes(`*${name}*`));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  srv = await startTestServer({ alertIntervalMs: 100, alertRetryBaseMs: 50, alertAllowPrivateUrls: true }, { logger: pino({ level: 'trace' }, sink) });
  ws = await srv.createWorkspace('alerts');
  // Three calls in the last 5 minutes, one of them an error.
  const traces = [makeTrace(), makeTrace(), makeTrace({ status: 'error', error_type: 'timeout' })];
  expect((await sendTraces(srv.url, ws.api_key, { traces })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
  await hooks?.close();
});

describe('PUT, GET and DELETE /alerts', () => {
  it('answers a created rule with its secret once, and never again', async () => {
    const created = await putRule('once', { threshold: 1_000_000 });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ name: 'once', metric: 'calls', window: '5m', threshold: 1_000_000, format: 'json', cooldown_minutes: 60, state: 'ok', last_fired_at: null, agent_id: null, model: null });
    const secret = created.json.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const changed = await putRule('once', { threshold: 2_000_000, format: 'slack' });
    expect(changed.status).toBe(200);
    expect(changed.json.secret).toBeUndefined();
    expect(changed.json).toMatchObject({ threshold: 2_000_000, format: 'slack' });
    const listed = await api('GET', '/alerts');
    expect(listed.status).toBe(200);
    expect(listed.json.data.map((r: { name: string }) => r.name)).toContain('once');
    // At rest it is sealed: the plain secret is in no column.
    const [row] = await srv.database.rows<{ sealed: string }>(sql`select secret_sealed as sealed from alert_rules where name = 'once'`);
    expect(row!.sealed).not.toContain(secret);
    for (const text of [changed.text, listed.text, (await api('GET', '/alerts/once/deliveries')).text]) expect(text).not.toContain(secret);
    expect(logLines.join('')).not.toContain(secret);
    expect((await api('DELETE', '/alerts/once')).status).toBe(204);
    expect((await api('DELETE', '/alerts/once')).status).toBe(404);
    expect((await api('GET', '/alerts/once/deliveries')).status).toBe(404);
  });

  it('refuses bad rules with a 400 naming the field, and stores nothing', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ metric: 'latency', threshold: 1 }, 'metric'],
      [{ window: '7d', threshold: 1 }, 'window'],
      [{ threshold: '5' }, 'threshold'],
      [{}, 'threshold'],
      [{ threshold: 1, webhook_url: 'ftp://x.example.com/' }, 'webhook_url'],
      [{ threshold: 1, format: 'xml' }, 'format'],
      [{ threshold: 1, cooldown_minutes: -1 }, 'cooldown_minutes'],
      [{ threshold: 1, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of bad) {
      const res = await putRule('bad', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    expect((await api('PUT', '/alerts/not%20a%20name', { metric: 'calls', threshold: 1, webhook_url: hooks.url })).status).toBe(400);
    expect((await api('GET', '/alerts')).json.data.map((r: { name: string }) => r.name)).not.toContain('bad');
  });
});

describe('evaluation and delivery', () => {
  it('fires once when the value reaches the threshold, signed; resolves once when back under; no second firing within the cooldown', async () => {
    const created = await putRule('calls-3', { threshold: 3 });
    const secret = created.json.secret as string;
    const fired = await eventually(() => hooksFor('calls-3')[0], 10_000, 'the firing webhook');
    const payload = JSON.parse(fired.body);
    expect(payload).toEqual({ alert: 'calls-3', workspace_id: ws.workspace_id, metric: 'calls', value: 3, threshold: 3, window: '5m', state: 'firing', at: expect.stringMatching(/Z$/) });
    const expected = `sha256=${createHmac('sha256', secret).update(fired.body).digest('hex')}`;
    expect(fired.headers['x-pulse-signature']).toBe(expected);
    const rule = (await api('GET', '/alerts')).json.data.find((r: { name: string }) => r.name === 'calls-3');
    expect(rule).toMatchObject({ state: 'firing', last_value: 3 });
    expect(rule.last_fired_at).toMatch(/Z$/);

    // Still over on later evaluations: no second POST.
    await sleep(500);
    expect(hooksFor('calls-3')).toHaveLength(1);

    // Back under: one `resolved`.
    await putRule('calls-3', { threshold: 4 });
    const resolved = await eventually(() => hooksFor('calls-3')[1], 10_000, 'the resolved webhook');
    expect(JSON.parse(resolved.body)).toMatchObject({ state: 'resolved', value: 3, threshold: 4 });
    await sleep(300);
    expect(hooksFor('calls-3')).toHaveLength(2);

    // Over again within the 60-minute cooldown: stays ok, nothing sent.
    await putRule('calls-3', { threshold: 2 });
    await sleep(600);
    expect(hooksFor('calls-3')).toHaveLength(2);
    expect((await api('GET', '/alerts')).json.data.find((r: { name: string }) => r.name === 'calls-3').state).toBe('ok');

    // Without a cooldown it fires again.
    await putRule('calls-3', { threshold: 2, cooldown_minutes: 0 });
    const again = await eventually(() => hooksFor('calls-3')[2], 10_000, 'the second firing');
    expect(JSON.parse(again.body)).toMatchObject({ state: 'firing' });
    // The webhook answers before the attempt is recorded: wait for the record.
    const attempts = await eventually(async () => {
      const made = await deliveries('calls-3');
      return made.length === 3 ? made : undefined;
    }, 10_000, 'three recorded attempts');
    expect(attempts.map((d) => [d.state, d.status_code, d.attempt])).toEqual([
      ['firing', 200, 1],
      ['resolved', 200, 1],
      ['firing', 200, 1],
    ]);
    await api('DELETE', '/alerts/calls-3');
  });

  it('computes each metric as the analytics endpoints do, with the rule\'s filters', async () => {
    await putRule('errors', { metric: 'error_rate_pct', threshold: 33.33, cooldown_minutes: 0 });
    await putRule('other-agent', { metric: 'calls', threshold: 1, agent_id: 'nobody' });
    const fired = JSON.parse((await eventually(() => hooksFor('errors')[0], 10_000, 'error rate firing')).body);
    const perf = (await api('GET', '/performance/overview?range=1h')).json;
    expect(fired.value).toBe(perf.error_rate_pct);
    await sleep(300);
    expect(hooksFor('other-agent')).toHaveLength(0);
    const quiet = (await api('GET', '/alerts')).json.data.find((r: { name: string }) => r.name === 'other-agent');
    expect(quiet).toMatchObject({ state: 'ok', last_value: 0 });
    // cost_usd against plain SQL over the raw rows (every trace of the workspace is a minute old: inside 5m).
    await putRule('spend', { metric: 'cost_usd', threshold: 0, model: 'gpt-4o' });
    const spend = JSON.parse((await eventually(() => hooksFor('spend')[0], 10_000, 'cost firing')).body);
    const [raw] = await srv.database.rows<{ cost: string }>(
      sql`select sum(cost_nanos)::text as cost from traces where workspace_id = ${ws.workspace_id}::uuid and model = 'gpt-4o'`,
    );
    expect(spend.value).toBe(usdFromNanos(BigInt(raw!.cost)));
    expect(spend.value).toBeGreaterThan(0);
    for (const name of ['errors', 'other-agent', 'spend']) await api('DELETE', `/alerts/${name}`);
  });

  it('delivers the budget threshold as a budget_used_pct rule (month to date)', async () => {
    await api('PUT', '/cost/budget', { monthly_limit_usd: 0.000001, alert_threshold_pct: 80 });
    const budget = (await api('GET', '/cost/budget')).json;
    await putRule('budget', { metric: 'budget_used_pct', window: '24h', threshold: budget.alert_threshold_pct });
    const fired = JSON.parse((await eventually(() => hooksFor('budget')[0], 10_000, 'budget firing')).body);
    expect(fired).toMatchObject({ metric: 'budget_used_pct', value: budget.used_pct, state: 'firing' });
    await api('PUT', '/cost/budget', { monthly_limit_usd: null });
    await api('DELETE', '/alerts/budget');
  });

  it('sends Slack messages as { text }', async () => {
    await putRule('slacky', { threshold: 1, format: 'slack' });
    const fired = await eventually(() => hooksFor('slacky')[0], 10_000, 'slack firing');
    const body = JSON.parse(fired.body);
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain('slacky');
    expect(fired.headers['x-pulse-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    await api('DELETE', '/alerts/slacky');
  });

  it('retries a failed delivery with backoff until it succeeds, the same body each time', async () => {
    hooks.answerNext([{ status: 500 }, { status: 503 }]);
    await putRule('flaky', { threshold: 1 });
    await eventually(async () => ((await deliveries('flaky')).length >= 3 ? true : undefined), 10_000, 'three attempts');
    const attempts = (await deliveries('flaky')).reverse();
    expect(attempts.map((d) => [d.status_code, d.attempt])).toEqual([
      [500, 1],
      [503, 2],
      [200, 3],
    ]);
    const bodies = hooksFor('flaky').map((h) => h.body);
    expect(new Set(bodies).size).toBe(1);
    // Backoff: the waits grow (50 ms, then 100 ms at least).
    const gaps = attempts.slice(1).map((d, i) => Date.parse(d.at) - Date.parse(attempts[i]!.at));
    expect(gaps[0]).toBeGreaterThanOrEqual(40);
    expect(gaps[1]).toBeGreaterThanOrEqual(90);
    await api('DELETE', '/alerts/flaky');
  });

  it('gives up after 5 attempts', async () => {
    hooks.answerNext(Array.from({ length: 10 }, () => ({ status: 500 })));
    await putRule('down', { threshold: 1 });
    await eventually(async () => ((await deliveries('down')).length >= 5 ? true : undefined), 10_000, 'five attempts');
    await sleep(1000);
    const attempts = await deliveries('down');
    expect(attempts.map((d) => d.attempt).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(hooksFor('down')).toHaveLength(5);
    hooks.answerNext([]);
    await api('DELETE', '/alerts/down');
  });

  it('sends a test delivery on request, recorded with the others', async () => {
    await putRule('manual', { threshold: 1_000_000 });
    const res = await api('POST', '/alerts/manual/test');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ state: 'test', status_code: 200, attempt: 1, error: null });
    expect(JSON.parse(hooksFor('manual')[0]!.body)).toMatchObject({ alert: 'manual', state: 'test' });
    expect((await deliveries('manual'))[0]).toMatchObject({ state: 'test', status_code: 200 });
    expect((await api('POST', '/alerts/nothing/test')).status).toBe(404);
    await api('DELETE', '/alerts/manual');
  });

  it('announces a crossing once however many workers evaluate it (a second replica\'s worker)', async () => {
    const second = startAlertWorker(srv.database, pino({ level: 'silent' }), {
      intervalMs: 50,
      delivery: { box: serverSecretBox(srv.config), allowPrivate: true, resolve: systemResolver, retryBaseMs: 50, timeoutMs: 2_000 },
    });
    try {
      await putRule('replicas', { threshold: 1 });
      await eventually(() => hooksFor('replicas')[0], 10_000, 'the firing');
      await sleep(600);
      expect(hooksFor('replicas')).toHaveLength(1);
      expect((await deliveries('replicas')).map((d) => [d.state, d.attempt])).toEqual([['firing', 1]]);
    } finally {
      await second.stop();
      await api('DELETE', '/alerts/replicas');
    }
  });

  it('keeps the last 50 attempts of a rule, newest first', async () => {
    await putRule('chatty', { threshold: 1_000_000 });
    for (let i = 0; i < 53; i++) expect((await api('POST', '/alerts/chatty/test')).status).toBe(200);
    const shown = await deliveries('chatty');
    expect(shown).toHaveLength(50);
    expect(shown.map((d) => d.at)).toEqual([...shown.map((d) => d.at)].sort().reverse());
    const [kept] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from alert_deliveries where rule_name = 'chatty'`);
    expect(kept!.n).toBe(50);
    await api('DELETE', '/alerts/chatty');
  });

  it('never logs a webhook secret (every request was logged, at trace level)', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.join('')).not.toMatch(/whsec_/);
  });
});
