import type { AppRouter } from '@pulse/api';
import { LIVE_EVENT_GAP_MS } from '@pulse/shared';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLiveBus } from '../src/live/live-bus.js';
import { makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';

// Live dashboards (docs/API_SPEC.md §6): tRPC subscriptions over the WebSocket at /trpc.

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

type Workspace = { workspace_id: string; api_key: string };

/** A subscriber as the dashboard is one: the real tRPC client over a real WebSocket. */
function subscribe(params: { authorization?: string; workspaceId?: string }) {
  const events: number[] = [];
  const errors: string[] = [];
  const wsClient = createWSClient({ url: srv.url.replace('http', 'ws') + '/trpc', WebSocket: WebSocket as never, connectionParams: () => params });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  let started = false;
  const subscription = client.live.changes.subscribe(undefined, {
    onStarted: () => (started = true),
    onData: () => events.push(Date.now()),
    onError: (err) => errors.push(err.data?.code ?? err.message),
  });
  return {
    events,
    errors,
    started: () => started,
    async close() {
      subscription.unsubscribe();
      await wsClient.close();
    },
  };
}
const as = (w: Workspace) => ({ authorization: `Bearer ${w.api_key}`, workspaceId: w.workspace_id });
const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('live updates over WebSocket', () => {
  it('tells a workspace’s subscribers of a new call within 2 s, and no other workspace', async () => {
    const a = await srv.createWorkspace('live-a');
    const b = await srv.createWorkspace('live-b');
    const subA = subscribe(as(a));
    const subB = subscribe(as(b));
    try {
      expect(await until(() => subA.started() && subB.started())).toBe(true);
      const sentAt = Date.now();
      expect((await sendTraces(srv.url, a.api_key, { traces: [makeTrace()] })).status).toBe(200);
      expect(await until(() => subA.events.length > 0, 2000)).toBe(true);
      expect(subA.events[0]! - sentAt).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 500));
      expect(subB.events).toEqual([]);
    } finally {
      await subA.close();
      await subB.close();
    }
  });

  it('coalesces a burst of writes into at most one event a second, the first at once', async () => {
    const a = await srv.createWorkspace('live-burst');
    const sub = subscribe(as(a));
    try {
      expect(await until(sub.started)).toBe(true);
      const startedAt = Date.now();
      for (let i = 0; i < 30; i++) await sendTraces(srv.url, a.api_key, { traces: [makeTrace()] });
      const burstMs = Date.now() - startedAt;
      // The burst's last writes are told one gap after the event before them.
      await new Promise((r) => setTimeout(r, LIVE_EVENT_GAP_MS + 500));
      expect(sub.events[0]! - startedAt).toBeLessThan(2000);
      expect(sub.events.length).toBeLessThanOrEqual(Math.floor(burstMs / LIVE_EVENT_GAP_MS) + 2);
      // Sent a gap apart; received with the jitter of a busy machine's event loops.
      for (let i = 1; i < sub.events.length; i++) expect(sub.events[i]! - sub.events[i - 1]!).toBeGreaterThanOrEqual(LIVE_EVENT_GAP_MS / 2);
    } finally {
      await sub.close();
    }
  });

  it('authenticates like HTTP: no key 401, another workspace 403, no workspace 400', async () => {
    const a = await srv.createWorkspace('live-auth-a');
    const b = await srv.createWorkspace('live-auth-b');
    const cases = [
      [{ workspaceId: a.workspace_id }, 'UNAUTHORIZED'],
      [{ authorization: `Bearer ${a.api_key}`, workspaceId: b.workspace_id }, 'FORBIDDEN'],
      [{ authorization: `Bearer ${a.api_key}` }, 'BAD_REQUEST'],
    ] as const;
    for (const [params, code] of cases) {
      const sub = subscribe(params);
      try {
        expect(await until(() => sub.errors.length > 0)).toBe(true);
        expect(sub.errors[0]).toBe(code);
        expect(sub.started()).toBe(false);
      } finally {
        await sub.close();
      }
    }
  });
});

describe.skipIf(!process.env.REDIS_URL)('live updates across replicas (Redis pub/sub)', () => {
  it('a change published by one replica reaches the subscribers of another', async () => {
    const logger = pino({ level: 'silent' });
    const [one, two] = [createLiveBus(process.env.REDIS_URL, logger), createLiveBus(process.env.REDIS_URL, logger)];
    try {
      const seen: string[] = [];
      const off = two.subscribe('ws-1', () => seen.push('ws-1'));
      two.subscribe('ws-2', () => seen.push('ws-2'));
      // The subscriber connection needs a moment to subscribe.
      await until(() => {
        one.publish('ws-1');
        return seen.length > 0;
      });
      off();
      expect(seen.every((s) => s === 'ws-1')).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
