import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Database } from '@pulse/db';
import { openTestDatabase } from '@pulse/db/testing';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import type { HostResolver } from '../src/alerts/ssrf-guard.js';
import { startAlertWorker } from '../src/alerts/worker.js';
import { startRepricer } from '../src/prices/repricer.js';
import { startFolder } from '../src/rollups/fold.js';
import type { Cache } from '../src/cache/cache.js';
import type { KeyedSemaphore } from '../src/concurrency/keyed-semaphore.js';
import { createCache } from '../src/cache/create-cache.js';
import { type Config, loadConfig } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import { createHttpServer } from '../src/http/http-server.js';
import { createLiveBus, type LiveBus } from '../src/live/live-bus.js';
import { attachLiveSockets } from '../src/live/live-sockets.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * A custom window around now (a week back, an hour ahead) as query parameters, for tests that
 * expect a repeated request to HIT: a preset window's cache key carries the minute, so two
 * requests straddling a minute would be two keys and the second a MISS whatever the cache did.
 */
export const STEADY_WINDOW = {
  range: 'custom',
  from: new Date(Date.now() - 7 * 86_400_000).toISOString(),
  to: new Date(Date.now() + 3_600_000).toISOString(),
};
export const STEADY_QUERY = new URLSearchParams(STEADY_WINDOW).toString();

export interface TestServer {
  url: string;
  database: Database;
  cache: Cache;
  config: Config;
  /** The server's bus: what it publishes, and where a test announces changes made behind its back (SQL). */
  live: LiveBus;
  /** The turns each API key's calls take (DB_CONCURRENCY_PER_KEY): a test may hold a key's turns itself. */
  keyGate: KeyedSemaphore;
  /** A new workspace with its first key, through the admin API. */
  createWorkspace(name?: string): Promise<{ workspace_id: string; api_key: string; key_id: string }>;
  close(): Promise<void>;
}

/**
 * The real app on a real HTTP port, over a fresh database (PGlite, or PostgreSQL when
 * DATABASE_URL is set) and the configured cache (Redis when REDIS_URL is set).
 */
export async function startTestServer(overrides: Partial<Config> = {}, options: { resolveHost?: HostResolver; logger?: Logger } = {}): Promise<TestServer> {
  const database = await openTestDatabase();
  const config: Config = { ...loadConfig({ ...process.env, DEMO: '0' }), adminToken: ADMIN_TOKEN, ...overrides };
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const cache = await createCache(config, logger);
  const live = createLiveBus(config.redisUrl, logger);
  const { app, services } = createApp({ database, cache, config, logger, live, resolveHost: options.resolveHost });
  // Folding runs as in production, but often: tests see answers with traces folded and not yet folded.
  const folder = startFolder(database, logger, { intervalMs: overrides.foldIntervalMs ?? 30 });
  // Re-pricing too: answers are read while a price change's calls are rewritten, and after.
  const repricer = startRepricer(database, logger, { intervalMs: overrides.repriceIntervalMs ?? 30 });
  const alerts = startAlertWorker(database, logger, { intervalMs: config.alertIntervalMs, delivery: services.alertDelivery });
  const server: Server = await new Promise((resolve) => {
    const s = createHttpServer(app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const sockets = attachLiveSockets(server, services);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    database,
    cache,
    config,
    live,
    keyGate: services.keyGate,
    async createWorkspace(name = 'test') {
      const res = await fetch(`${url}/api/v1/admin/workspaces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      if (res.status !== 201) throw new Error(`createWorkspace: ${res.status} ${await res.text()}`);
      return (await res.json()) as { workspace_id: string; api_key: string; key_id: string };
    },
    async close() {
      await sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await repricer.stop();
      await folder.stop();
      await live.close();
      await alerts.stop();
      await cache.close();
      await database.close();
    },
  };
}

/** POST a JSON body (or raw text) to an /api/v1 path with a key; returns status and parsed body. */
async function postWithKey(url: string, path: string, key: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

/** POST /api/v1/traces with a key; returns status and parsed body. */
export function sendTraces(url: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  return postWithKey(url, '/traces', key, body, headers);
}

/**
 * Posts `traces` in batches of `size` (1,000, the most one request takes), in order, and returns
 * each batch's answer; a batch answered with anything but 200 throws with its body.
 */
export async function sendInBatches(url: string, key: string, traces: readonly unknown[], size = 1000) {
  const bodies = [];
  for (let i = 0; i < traces.length; i += size) {
    const res = await sendTraces(url, key, { traces: traces.slice(i, i + size) });
    if (res.status !== 200) throw new Error(`batch at ${i} answered ${res.status}: ${JSON.stringify(res.body)}`);
    bodies.push(res.body);
  }
  return bodies;
}

/**
 * Queues a row for the folder that no fold can take: an infinite latency has no histogram bin
 * (integer out of range). Written straight into the queue, as ingest itself refuses such values.
 */
export async function queueUnfoldableRow(srv: Pick<TestServer, 'database'>, workspaceId: string, at: number): Promise<void> {
  await srv.database.rows(sql`insert into rollup_pending
    (workspace_id, "timestamp", agent_id, user_id, model, is_error, latency_ms, input_tokens, output_tokens, cost_nanos)
    values (${workspaceId}::uuid, ${new Date(at).toISOString()}::timestamptz, 'poisoned', 'u', 'm', 0, 'Infinity', 1, 1, 1)`);
}

/** POST /api/v1/scores with a key; returns status and parsed body. */
export function sendScores(url: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  return postWithKey(url, '/scores', key, body, headers);
}

/** A workspace as the tests hold it: its id and a key. */
export type TestWorkspace = { workspace_id: string; api_key: string };

/**
 * Any method and path under /api/v1 as a workspace's key (a JSON body when one is given): the
 * status and the parsed body, undefined when the answer has none (204).
 */
export async function workspaceCall(
  url: string,
  ws: TestWorkspace,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ws.api_key}`,
      'x-workspace-id': ws.workspace_id,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * GET an analytics path with a workspace's key and header (and `headers`, e.g. the cache-bypass
 * token for an answer computed afresh); the JSON body, or a throw naming the status.
 */
export async function getAnalytics(
  url: string,
  ws: { workspace_id: string; api_key: string },
  path: string,
  params: Record<string, string | number | undefined>,
  headers: Record<string, string> = {},
): Promise<any> {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined) as Array<[string, string]>);
  const res = await fetch(`${url}/api/v1${path}?${qs}`, {
    headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, ...headers },
  });
  const body = (await res.json()) as any;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

let counter = 0;
/** A valid trace; fields can be overridden. Timestamps default to a minute ago. */
export function makeTrace(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    trace_id: `t-${Date.now()}-${counter}`,
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    agent_id: 'support-bot',
    user_id: 'u-1',
    model: 'gpt-4o',
    status: 'success',
    latency_ms: 812.5,
    input_tokens: 1000,
    output_tokens: 500,
    ...overrides,
  };
}
