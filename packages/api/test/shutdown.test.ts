/**
 * Graceful shutdown: SIGTERM while requests are running. Every request that had reached
 * the server gets its complete answer, new connections are refused, the process exits 0,
 * and everything acknowledged is there after a restart.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import type { ScratchPulse } from '@pulse/testing';
import { adminWorkspace, startChildPulse } from './child-pulse.js';
import { makeTrace, sendTraces } from './harness.js';

const HOUR = 3_600_000;

/** The same tag gives the same traces (ids and times): re-sent, they are duplicates. */
const BASE = Date.now() - HOUR;
function traces(tag: string, n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeTrace({ trace_id: `${tag}-${i}`, timestamp: new Date(BASE + i * 1000).toISOString(), latency_ms: 100 + (i % 500) }),
  );
}

/**
 * A request on its own connection. `sent` resolves once the connection is established and
 * the request (or, with `holdBack`, the first half of its body) is handed to it: from then
 * on it is the server's to answer. With `holdBack` it ends only when `finish()` sends the rest.
 */
function call(url: string, path: string, opts: { headers: Record<string, string>; body?: string; holdBack?: boolean }) {
  const body = opts.body ?? '';
  const half = opts.holdBack ? Math.floor(body.length / 2) : body.length;
  let finish = () => {};
  let connected!: () => void;
  const sent = new Promise<void>((resolve) => (connected = resolve));
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: opts.body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: { ...opts.headers, ...(opts.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('socket', (socket) => socket.once('connect', () => connected()));
    req.write(body.slice(0, half));
    if (opts.holdBack) finish = () => req.end(body.slice(half));
    else req.end();
  });
  return { sent, answer, finish: () => finish() };
}

/** Resolves with the error code of a fresh connection to the server ('' if it was served). */
function probe(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${url}/api/health`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(''));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end();
  });
}

describe('SIGTERM', () => {
  let store: ScratchDatabase | undefined;
  let child: ScratchPulse | undefined;
  afterAll(async () => {
    await child?.kill();
    await store?.drop();
  });

  it('finishes every in-flight request, refuses new connections, exits 0, and keeps what it acknowledged', async () => {
    store = await createScratchDatabase(process.env.DATABASE_URL);
    // A deadline far beyond what the requests need: the test must not depend on speed.
    child = await startChildPulse(store, { SHUTDOWN_TIMEOUT_MS: '300000' });
    const { url } = child;
    const ws = await adminWorkspace(url, 'shutdown');
    const headers = { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id };

    // Pulse is stopped (SIGSTOP) while the requests connect, so they wait in its listen
    // backlog, and SIGTERM is pending when it resumes: the hardest moment to shut down in.
    child.proc.kill('SIGSTOP');
    const ingest = (tag: string, holdBack = false) =>
      call(url, '/api/v1/traces', { headers: { authorization: `Bearer ${ws.api_key}` }, body: JSON.stringify({ traces: traces(tag, 1000) }), holdBack });
    const slow = [0, 1, 2].map((i) => ingest(`slow${i}`, true));
    const ingests = Array.from({ length: 8 }, (_, i) => ingest(`batch${i}`));
    const reads = ['usage/overview', 'usage/top-users', 'cost/by-model', 'performance/overview', 'performance/latency', 'performance/errors', 'usage/calls-over-time', 'cost/trend'].map(
      (path) => call(url, `/api/v1/${path}?range=24h`, { headers }),
    );
    await Promise.all([...slow, ...ingests, ...reads].map((r) => r.sent));
    child.proc.kill('SIGTERM');
    child.proc.kill('SIGCONT');

    // New connections are refused while the slow requests are still open.
    // (A connection made in the instant before the listener closes may be reset instead.)
    let refused = '';
    for (let i = 0; i < 600 && refused !== 'ECONNREFUSED'; i++) {
      refused = await probe(url);
      if (refused !== 'ECONNREFUSED') await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toBe('ECONNREFUSED');
    expect(child.proc.exitCode).toBeNull();

    for (const s of slow) s.finish();
    const slowAnswers = await Promise.all(slow.map((s) => s.answer));
    for (const a of slowAnswers) expect(a).toMatchObject({ status: 200, body: { accepted: 1000, duplicates: 0 } });
    for (const a of await Promise.all(ingests.map((r) => r.answer))) expect(a).toMatchObject({ status: 200, body: { accepted: 1000, duplicates: 0 } });
    for (const r of await Promise.all(reads.map((r) => r.answer))) {
      // On failure the message carries the body and the server's last words: a 5xx here is a bug to find.
      expect(r.status, `${JSON.stringify(r.body)}\n${child.output().slice(-4000)}`).toBe(200);
      expect(r.body.from).toEqual(expect.any(String));
    }
    expect(await child.exited).toBe(0);

    // Restarted on the same data, every acknowledged trace is there.
    child = await startChildPulse(store);
    const overview = await fetch(`${child.url}/api/v1/usage/overview?range=24h`, { headers });
    expect(((await overview.json()) as { total_calls: number }).total_calls).toBe(11_000);
    const again = await sendTraces(child.url, ws.api_key, { traces: traces('slow1', 1000) });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1000 });
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });

  it('stops the demo trickle before closing the database', async () => {
    const demoStore = await createScratchDatabase(process.env.DATABASE_URL);
    try {
      const demo = await startChildPulse(demoStore, { DEMO: '1', DEMO_TRACES: '300', DEMO_TRICKLE_RATE: '40', LOG_LEVEL: 'info' });
      // Let the trickle write a few batches.
      const until = Date.now() + 60_000;
      while (!/Pulse is running/.test(demo.output()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 2500));
      demo.proc.kill('SIGTERM');
      expect(await demo.exited).toBe(0);
      expect(demo.output()).toContain('shut down cleanly');
      expect(demo.output()).not.toContain('demo trickle batch failed');
      expect(demo.output()).not.toMatch(/"level":(50|60)/);
    } finally {
      await demoStore.drop();
    }
  });
});
