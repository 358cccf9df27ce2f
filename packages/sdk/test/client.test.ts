import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observe, Pulse } from '../src/index.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { type SdkTestPulse, startPulse } from './pulse-server.js';

let pulse: SdkTestPulse;
let proxy: FaultProxy;

beforeAll(async () => {
  pulse = await startPulse();
  proxy = await startFaultProxy(pulse.url);
});
afterAll(async () => {
  await proxy?.close();
  await pulse?.close();
});

const base = { agent_id: 'support-bot', model: 'gpt-4o-mini', latency_ms: 120, input_tokens: 100, output_tokens: 20 };
const ids = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
/** Short timings: what takes seconds in production takes milliseconds here. */
const fast = { initialBackoffMs: 10, maxBackoffMs: 80, onError: () => {} };

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Pulse client against a real Pulse', () => {
  it('sends full batches of flushAt as they fill, and the rest after flushIntervalMs', async () => {
    const w = await pulse.workspace();
    const client = new Pulse({ apiKey: w.apiKey, baseUrl: pulse.url, flushAt: 10, flushIntervalMs: 50, ...fast });
    for (const trace_id of ids(25, 'b')) client.trace({ ...base, trace_id });
    await until(() => client.stats().accepted === 25);
    expect(client.stats()).toMatchObject({
      queued: 0,
      accepted: 25,
      duplicates: 0,
      rejected: 0,
      dropped: 0,
      requests: 3,
      retries: 0,
    });
    const stored = await pulse.stored(w.workspaceId);
    expect(stored.map((t) => t.trace_id)).toEqual(ids(25, 'b'));
    expect(stored[0]).toMatchObject({
      agent_id: 'support-bot',
      model: 'gpt-4o-mini',
      is_error: 0,
      input_tokens: 100,
      output_tokens: 20,
    });
    await client.shutdown();
  });

  it('rides out a burst of 503s with Retry-After: nothing lost, nothing stored twice', async () => {
    const w = await pulse.workspace();
    const client = new Pulse({ apiKey: w.apiKey, baseUrl: proxy.url, flushAt: 20, flushIntervalMs: 20, ...fast });
    proxy.mode = { kind: 'status', status: 503, retryAfter: '0.2' };
    const seen = { ...proxy.seen };
    const firstArrival = proxy.arrivals.length;
    for (const trace_id of ids(100, 'r')) client.trace({ ...base, trace_id });
    await until(() => proxy.seen.refused - seen.refused >= 3);
    proxy.mode = { kind: 'pass' };
    await client.flush();
    const stats = client.stats();
    expect(stats).toMatchObject({ queued: 0, accepted: 100, duplicates: 0, rejected: 0, dropped: 0 });
    expect(stats.retries).toBeGreaterThanOrEqual(3);
    // Retry-After (0.2 s) is honoured rather than the 10–80 ms backoff.
    const gaps = proxy.arrivals
      .slice(firstArrival, firstArrival + 3)
      .map((t, i, a) => (i === 0 ? Infinity : t - a[i - 1]!));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(190);
    expect((await pulse.stored(w.workspaceId)).map((t) => t.trace_id)).toEqual(ids(100, 'r'));
    await client.shutdown();
  });

  it('keeps at most maxQueue traces while Pulse is down, counts the dropped, and delivers the rest', async () => {
    const w = await pulse.workspace();
    const client = new Pulse({
      apiKey: w.apiKey,
      baseUrl: proxy.url,
      flushAt: 10,
      flushIntervalMs: 10,
      maxQueue: 50,
      maxRetries: 1000,
      ...fast,
    });
    proxy.mode = { kind: 'down' };
    const sent = ids(300, 'd');
    // An outage that outlasts many retries: traces keep coming while the first batch is retried.
    for (const [i, trace_id] of sent.entries()) {
      client.trace({ ...base, trace_id });
      if (i % 30 === 0) await new Promise((r) => setTimeout(r, 50));
      expect(client.stats().queued).toBeLessThanOrEqual(50);
    }
    await until(() => client.stats().retries >= 10);
    const during = client.stats();
    expect(during.queued).toBe(50);
    expect(during.accepted).toBe(0);
    proxy.mode = { kind: 'pass' };
    await client.shutdown();
    const after = client.stats();
    const stored = (await pulse.stored(w.workspaceId)).map((t) => t.trace_id);
    // The batch that was being retried, then the 50 newest; every other trace is counted as dropped.
    const retried = stored.length - 50;
    expect(retried).toBeGreaterThan(0);
    expect(stored).toEqual([...sent.slice(0, retried), ...sent.slice(-50)]);
    expect(after).toMatchObject({ accepted: stored.length, dropped: 300 - stored.length, queued: 0 });
  });

  it('shutdown() sends what waits, at once, and takes no more traces', async () => {
    const w = await pulse.workspace();
    const client = new Pulse({ apiKey: w.apiKey, baseUrl: pulse.url, flushAt: 100, flushIntervalMs: 60_000, ...fast });
    for (const trace_id of ids(7, 's')) client.trace({ ...base, trace_id });
    expect(client.stats().queued).toBe(7);
    await client.shutdown();
    expect(client.stats()).toMatchObject({ queued: 0, accepted: 7, requests: 1 });
    expect(client.trace({ ...base })).toBeUndefined();
    expect(client.stats().dropped).toBe(1);
    expect(await pulse.stored(w.workspaceId)).toHaveLength(7);
  });

  it('never throws into the caller: bad fields, a bad key, an onError that throws', async () => {
    const w = await pulse.workspace();
    const errors: string[] = [];
    const client = new Pulse({
      apiKey: w.apiKey,
      baseUrl: pulse.url,
      flushAt: 3,
      ...fast,
      onError: (e) => errors.push(e.message),
    });
    expect(() => client.trace({ ...base, latency_ms: -1 })).not.toThrow();
    expect(() => client.trace(null as never)).not.toThrow();
    client.trace({ ...base, trace_id: 'ok' });
    client.trace({ ...base, trace_id: 'bigint', metadata: { n: 1n } });
    await client.flush();
    // A null is sent as a trace of defaults only, which Pulse rejects naming the missing fields.
    expect(client.stats()).toMatchObject({ accepted: 1, rejected: 2, dropped: 1 });
    expect(errors.join()).toContain('latency_ms');
    const refused = new Pulse({
      apiKey: 'pulse_wrong',
      baseUrl: pulse.url,
      ...fast,
      onError: () => {
        throw new Error('boom');
      },
    });
    refused.trace({ ...base });
    await expect(refused.shutdown()).resolves.toBeUndefined();
    expect(refused.stats()).toMatchObject({ rejected: 1, accepted: 0 });
  });

  it('leaves prompt text out with captureText: false, and cuts text beyond the server limit', async () => {
    const w = await pulse.workspace();
    const off = new Pulse({ apiKey: w.apiKey, baseUrl: pulse.url, captureText: false, ...fast });
    off.trace({ ...base, trace_id: 'no-text', input: 'secret prompt', output: 'secret answer' });
    await off.shutdown();
    const on = new Pulse({ apiKey: w.apiKey, baseUrl: pulse.url, ...fast });
    on.trace({ ...base, trace_id: 'long-text', input: `${'x'.repeat(32_767)}😀`, output: 'answer' });
    await on.shutdown();
    const [long, none] = await pulse.stored(w.workspaceId);
    expect(none).toMatchObject({ trace_id: 'no-text', input: null, output: null });
    expect(long).toMatchObject({ trace_id: 'long-text', input: 'x'.repeat(32_767), output: 'answer' });
  });

  it('observe() traces any call, sync or async, success or error, and hands back its answer or error', async () => {
    const w = await pulse.workspace();
    const client = new Pulse({ apiKey: w.apiKey, baseUrl: pulse.url, ...fast });
    const meta = { pulse: client, agentId: 'calc', model: 'local-llm', input: '6*7?' };
    const sync = observe(() => ({ text: '42', n: [10, 2] as const }), {
      ...meta,
      output: (r) => r.text,
      usage: (r) => ({ input_tokens: r.n[0], output_tokens: r.n[1] }),
    });
    expect(sync.text).toBe('42');
    const late = await observe(async () => ({ text: 'later' }), { ...meta, output: (r) => r.text });
    expect(late.text).toBe('later');
    const timeout = Object.assign(new Error('took too long'), { name: 'APIConnectionTimeoutError' });
    await expect(observe(() => Promise.reject(timeout), meta)).rejects.toBe(timeout);
    expect(() =>
      observe(() => {
        throw Object.assign(new Error('slow down'), { status: 429 });
      }, meta),
    ).toThrow('slow down');
    await client.shutdown();
    const stored = (await pulse.stored(w.workspaceId)).map((t) => [
      t.model,
      t.is_error,
      t.error_type,
      t.input_tokens,
      t.output,
    ]);
    expect(stored.sort()).toEqual([
      ['local-llm', 0, null, 0, 'later'],
      ['local-llm', 0, null, 10, '42'],
      ['local-llm', 1, 'rate_limit', 0, null],
      ['local-llm', 1, 'timeout', 0, null],
    ]);
  });
});
