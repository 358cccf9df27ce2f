import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

function admin(path: string, init: { method: string; body?: unknown; token?: string | null }) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? ADMIN_TOKEN}`;
  return fetch(`${srv.url}/api/v1/admin${path}`, {
    method: init.method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

describe('ingest authentication', () => {
  it('401 without a key, with a malformed header and with an unknown key', async () => {
    const body = JSON.stringify({ traces: [makeTrace()] });
    for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer pk_unknown']) {
      const res = await fetch(`${srv.url}/api/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body,
      });
      expect(res.status).toBe(401);
      const json = (await res.json()) as { code: string; message: string };
      expect(json.code).toBe('UNAUTHORIZED');
      expect(json.message).toMatch(/key/i);
    }
  });

  it("403 when X-Workspace-ID names another workspace than the key's", async () => {
    const a = await srv.createWorkspace('a');
    const b = await srv.createWorkspace('b');
    const res = await sendTraces(srv.url, a.api_key, { traces: [makeTrace()] }, { 'x-workspace-id': b.workspace_id });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    const ok = await sendTraces(srv.url, a.api_key, { traces: [makeTrace()] }, { 'x-workspace-id': a.workspace_id });
    expect(ok.status).toBe(200);
  });

  it('a revoked key gets 401 on its next request; other keys keep working', async () => {
    const w = await srv.createWorkspace('revoke');
    const second = (await (await admin(`/workspaces/${w.workspace_id}/keys`, { method: 'POST' })).json()) as {
      key_id: string;
      api_key: string;
    };
    expect((await sendTraces(srv.url, second.api_key, { traces: [makeTrace()] })).status).toBe(200);
    const del = await admin(`/workspaces/${w.workspace_id}/keys/${second.key_id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect((await sendTraces(srv.url, second.api_key, { traces: [makeTrace()] })).status).toBe(401);
    expect((await sendTraces(srv.url, w.api_key, { traces: [makeTrace()] })).status).toBe(200);
  });
});

describe('admin API', () => {
  it('creates a workspace with a key shown once (201), and stores only its hash', async () => {
    const res = await admin('/workspaces', { method: 'POST', body: { name: 'acme' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { workspace_id: string; name: string; api_key: string };
    expect(body.name).toBe('acme');
    expect(body.workspace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.api_key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
    const { sql } = await import('drizzle-orm');
    const rows = await srv.database.rows<{ key_hash: string; prefix: string }>(
      sql`select key_hash, prefix from api_keys where workspace_id = ${body.workspace_id}::uuid`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.key_hash).not.toContain(body.api_key);
    expect(body.api_key.startsWith(rows[0]!.prefix)).toBe(true);
  });

  it('401 with a wrong or missing admin token', async () => {
    expect((await admin('/workspaces', { method: 'POST', body: { name: 'x' }, token: 'wrong' })).status).toBe(401);
    expect((await admin('/workspaces', { method: 'POST', body: { name: 'x' }, token: null })).status).toBe(401);
  });

  it('400 naming the field for a bad body or path', async () => {
    const res = await admin('/workspaces', { method: 'POST', body: { name: '' } });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { message: string; issues: Array<{ path: string }> };
    expect(json.issues[0]!.path).toBe('name');
    expect(json.message).toContain('name');
    expect((await admin('/workspaces/not-a-uuid/keys', { method: 'POST' })).status).toBe(400);
  });

  it('404 for keys of an unknown workspace or an unknown key', async () => {
    const ghost = '00000000-0000-7000-8000-000000000000';
    expect((await admin(`/workspaces/${ghost}/keys`, { method: 'POST' })).status).toBe(404);
    const w = await srv.createWorkspace('k');
    expect((await admin(`/workspaces/${w.workspace_id}/keys/${ghost}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers 403 to everyone when ADMIN_TOKEN is not configured', async () => {
    const bare = await startTestServer({ adminToken: undefined });
    try {
      for (const token of [ADMIN_TOKEN, 'anything']) {
        const res = await fetch(`${bare.url}/api/v1/admin/workspaces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'x' }),
        });
        expect(res.status).toBe(403);
        expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
      }
    } finally {
      await bare.close();
    }
  });
});

describe('service endpoints', () => {
  it('health and ready answer without auth', async () => {
    expect(await (await fetch(`${srv.url}/api/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${srv.url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', database: { state: 'ok' }, cache: { state: 'ok' } });
  });

  it('unknown API paths are JSON 404s and every response has a request id', async () => {
    const res = await fetch(`${srv.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});
