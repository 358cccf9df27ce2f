/**
 * Request logs a person can read (docs/API_SPEC.md §6): at info, one compact line per request
 * with method, route, status, duration, request id and, once the key named it, the
 * workspace; headers only at debug, with credentials redacted. The log stream of the real app
 * on a real port is captured line by line.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '@pulse/db';
import { openTestDatabase } from '@pulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { MemoryCache } from '../src/cache/memory-cache.js';
import { loadConfig } from '../src/config.js';
import { createHttpServer } from '../src/http/http-server.js';
import { createLogger } from '../src/logger.js';
import { ADMIN_TOKEN, makeTrace } from './harness.js';

type LogLine = Record<string, unknown>;

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** The app with a logger at `level` whose every line lands in `lines`. */
async function serveWithLog(level: 'info' | 'debug') {
  const raw: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void raw.push(line) });
  const config = { ...loadConfig({ DEMO: '0' }), adminToken: ADMIN_TOKEN };
  const { app } = createApp({ database, cache: new MemoryCache(), config, logger });
  const server: Server = await new Promise((resolve) => {
    const s = createHttpServer(app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    raw,
    /** The lines about request `id`, once its line was written (after the answer's last byte). */
    async linesOf(id: string): Promise<LogLine[]> {
      for (let i = 0; i < 100 && !raw.some((l) => l.includes(id)); i++) await new Promise((r) => setTimeout(r, 10));
      return raw.filter((l) => l.includes(id)).map((l) => JSON.parse(l) as LogLine);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function workspace(url: string) {
  const res = await fetch(`${url}/api/v1/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'x-request-id': 'req-admin' },
    body: JSON.stringify({ name: 'logs' }),
  });
  return (await res.json()) as { workspace_id: string; api_key: string };
}

describe('request logs', () => {
  it('info: one compact line per request, the workspace once known, no headers, no credentials', async () => {
    const srv = await serveWithLog('info');
    try {
      const ws = await workspace(srv.url);
      const ingest = await fetch(`${srv.url}/api/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.api_key}`, 'content-type': 'application/json', 'x-request-id': 'req-ingest' },
        body: JSON.stringify({ traces: [makeTrace()] }),
      });
      expect(ingest.status).toBe(200);
      const [line, ...more] = await srv.linesOf('req-ingest');
      expect(more).toEqual([]);
      expect(line).toMatchObject({
        level: 30,
        method: 'POST',
        route: '/api/v1/traces',
        status: 200,
        request_id: 'req-ingest',
        workspace_id: ws.workspace_id,
        msg: expect.stringMatching(/^POST \/api\/v1\/traces 200 \d+(\.\d)? ms$/),
      });
      expect(line!.duration_ms).toEqual(expect.any(Number));
      expect(Object.keys(line!)).not.toContain('req');
      expect(Object.keys(line!)).not.toContain('res');
      expect(JSON.stringify(line).length).toBeLessThan(400);

      // A query string may carry user ids: the route is the path alone. A generated id is logged as answered.
      const read = await fetch(`${srv.url}/api/v1/usage/top-users?range=24h&limit=5`, {
        headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id },
      });
      const generatedId = read.headers.get('x-request-id')!;
      expect(await srv.linesOf(generatedId)).toEqual([
        expect.objectContaining({ method: 'GET', route: '/api/v1/usage/top-users', status: 200, workspace_id: ws.workspace_id }),
      ]);

      // An unknown key: no workspace to name.
      await fetch(`${srv.url}/api/v1/traces`, {
        method: 'POST',
        headers: { authorization: 'Bearer pulse_wrong', 'content-type': 'application/json', 'x-request-id': 'req-401' },
        body: JSON.stringify({ traces: [makeTrace()] }),
      });
      const [unauthorized] = await srv.linesOf('req-401');
      expect(unauthorized).toMatchObject({ status: 401, route: '/api/v1/traces' });
      expect(unauthorized).not.toHaveProperty('workspace_id');

      // Health probes are not logged.
      await fetch(`${srv.url}/api/health`, { headers: { 'x-request-id': 'req-health' } });
      expect(await srv.linesOf('req-health')).toEqual([]);

      const all = srv.raw.join('');
      expect(all).not.toContain(ws.api_key);
      expect(all).not.toContain(ADMIN_TOKEN);
      expect(all).not.toContain('content-security-policy');
    } finally {
      await srv.close();
    }
  });

  it('debug: the headers of request and answer on a line of their own, credentials redacted', async () => {
    const srv = await serveWithLog('debug');
    try {
      const ws = await workspace(srv.url);
      const lines = await srv.linesOf('req-admin');
      expect(lines).toHaveLength(2);
      const [summary, headers] = [lines.find((l) => l.level === 30), lines.find((l) => l.level === 20)];
      expect(summary).toMatchObject({ method: 'POST', route: '/api/v1/admin/workspaces', status: 201 });
      expect(headers).toMatchObject({
        msg: 'request headers',
        req: { headers: { authorization: '[redacted]', 'x-request-id': 'req-admin' } },
        res: { headers: { 'x-request-id': 'req-admin', 'content-security-policy': expect.any(String) } },
      });
      const all = srv.raw.join('');
      expect(all).not.toContain(ADMIN_TOKEN);
      expect(all).not.toContain(ws.api_key);
    } finally {
      await srv.close();
    }
  });
});
