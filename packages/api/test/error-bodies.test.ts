import { errorBodySchema } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('error-bodies');
});
afterAll(async () => {
  await srv?.close();
});

async function rest(path: string, init: RequestInit = {}) {
  const res = await fetch(`${srv.url}${path}`, init);
  const body = (await res.json()) as { code: string; message: string; issues?: Array<{ path: string; message: string }> };
  expect(errorBodySchema.parse(body)).toEqual(body);
  return { status: res.status, body };
}

const auth = () => ({ authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id });

describe('400 bodies', () => {
  it('more than 1,500 buckets names granularity in issues, over REST and tRPC, with the message unchanged', async () => {
    const { status, body } = await rest('/api/v1/usage/calls-over-time?range=7d&granularity=minute', { headers: auth() });
    expect(status).toBe(400);
    expect(body.message).toBe('granularity: minute over this window gives more than 1500 buckets; choose a coarser granularity or a shorter window');
    expect(body.issues).toEqual([{ path: 'granularity', message: 'minute over this window gives more than 1500 buckets; choose a coarser granularity or a shorter window' }]);

    const input = encodeURIComponent(JSON.stringify({ range: '7d', granularity: 'minute' }));
    const res = await fetch(`${srv.url}/trpc/usage.callsOverTime?input=${input}`, { headers: auth() });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; data: { issues: unknown } } };
    expect(error.message).toBe(body.message);
    expect(error.data.issues).toEqual(body.issues);
  });

  it('a schema failure names each field, in issues and in the message', async () => {
    const { status, body } = await rest('/api/v1/usage/top-users?limit=0&range=2d', { headers: auth() });
    expect(status).toBe(400);
    expect(body.issues!.map((i) => i.path).sort()).toEqual(['limit', 'range']);
    expect(body.message).toMatch(/^Invalid request: /);
  });

  it('a missing or malformed X-Workspace-ID, a body that is not JSON or one nested too deep: issues name the header or the body', async () => {
    const missing = await rest('/api/v1/usage/overview', { headers: { authorization: `Bearer ${ws.api_key}` } });
    expect(missing).toEqual({
      status: 400,
      body: { code: 'BAD_REQUEST', message: 'Missing X-Workspace-ID header', issues: [{ path: 'X-Workspace-ID', message: 'is required' }] },
    });
    const malformed = await rest('/api/v1/usage/overview', { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': 'nope' } });
    expect(malformed.body.issues).toEqual([{ path: 'X-Workspace-ID', message: 'must be a UUID' }]);
    const overTrpc = await fetch(`${srv.url}/trpc/usage.overview?input=${encodeURIComponent('{}')}`, { headers: { authorization: `Bearer ${ws.api_key}` } });
    expect(((await overTrpc.json()) as { error: { data: { issues: unknown } } }).error.data.issues).toEqual([{ path: 'X-Workspace-ID', message: 'is required' }]);

    const headers = { authorization: `Bearer ${ws.api_key}`, 'content-type': 'application/json' };
    const notJson = await rest('/api/v1/traces', { method: 'POST', headers, body: '{"traces": [' });
    expect(notJson).toEqual({
      status: 400,
      body: { code: 'PARSE_ERROR', message: 'Request body is not valid JSON', issues: [{ path: 'body', message: 'is not valid JSON' }] },
    });
    const deep = await rest('/api/v1/traces', { method: 'POST', headers, body: `{"traces": ${'['.repeat(200)}${']'.repeat(200)}}` });
    expect(deep).toEqual({
      status: 400,
      body: { code: 'BAD_REQUEST', message: 'Request body is nested more than 72 levels deep', issues: [{ path: 'body', message: 'must nest at most 72 levels deep' }] },
    });
  });
});

it('other errors: code and message', async () => {
  expect(await rest('/api/nowhere')).toEqual({ status: 404, body: { code: 'NOT_FOUND', message: 'No such API path' } });
  const unauthorized = await rest('/api/v1/usage/overview', { headers: { 'x-workspace-id': ws.workspace_id } });
  expect(unauthorized.status).toBe(401);
  expect(unauthorized.body.issues).toBeUndefined();
});
