import { schema } from '@pulse/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './harness.js';
import { msOfLastOldAnswer } from './revocation-delay.js';

// Authenticated keys are kept in process for a while (src/auth/key-cache.ts); a revoked or
// changed key must still be refused within a second (docs/API_SPEC.md §1). With REDIS_URL set the
// changes travel through Redis as between replicas (replicas.test.ts runs two processes).

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

const read = (key: string, workspaceId: string) =>
  fetch(`${srv.url}/api/v1/usage/overview?range=24h`, { headers: { authorization: `Bearer ${key}`, 'x-workspace-id': workspaceId } }).then((r) => r.status);
const withKey = (key: string, workspaceId: string, method: string, path: string, body?: unknown) =>
  fetch(`${srv.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'x-workspace-id': workspaceId, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

describe('authenticated keys are cached, and forgotten when they change', () => {
  it('a key revoked through the workspace API is refused on its next request', async () => {
    const ws = await srv.createWorkspace('revoke-self');
    expect(await read(ws.api_key, ws.workspace_id)).toBe(200);
    expect(await read(ws.api_key, ws.workspace_id)).toBe(200);
    expect((await withKey(ws.api_key, ws.workspace_id, 'DELETE', `/keys/${ws.key_id}`)).status).toBe(204);
    expect(await read(ws.api_key, ws.workspace_id)).toBe(401);
  });

  it('a key revoked through the admin API is refused on its next request', async () => {
    const ws = await srv.createWorkspace('revoke-admin');
    expect(await read(ws.api_key, ws.workspace_id)).toBe(200);
    const res = await fetch(`${srv.url}/api/v1/admin/workspaces/${ws.workspace_id}/keys/${ws.key_id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(204);
    expect(await read(ws.api_key, ws.workspace_id)).toBe(401);
  });

  it("rotation: the old secret is refused once revoked, the new one is accepted, other keys are untouched", async () => {
    const ws = await srv.createWorkspace('rotate');
    const other = await srv.createWorkspace('rotate-bystander');
    expect(await read(ws.api_key, ws.workspace_id)).toBe(200);
    expect(await read(other.api_key, other.workspace_id)).toBe(200);
    const created = await withKey(ws.api_key, ws.workspace_id, 'POST', '/keys', { name: 'rotated' });
    expect(created.status).toBe(201);
    const fresh = (await created.json()) as { api_key: string };
    expect(await read(fresh.api_key, ws.workspace_id)).toBe(200);
    expect((await withKey(fresh.api_key, ws.workspace_id, 'DELETE', `/keys/${ws.key_id}`)).status).toBe(204);
    expect(await read(ws.api_key, ws.workspace_id)).toBe(401);
    expect(await read(fresh.api_key, ws.workspace_id)).toBe(200);
    expect(await read(other.api_key, other.workspace_id)).toBe(200);
  });

  it('a scope change announced on the bus takes effect within a second', async () => {
    const ws = await srv.createWorkspace('scopes');
    expect(await read(ws.api_key, ws.workspace_id)).toBe(200);
    await srv.database.db.update(schema.apiKeys).set({ scopes: ['ingest'] }).where(eq(schema.apiKeys.id, ws.key_id));
    srv.live.publishKeyChange(ws.workspace_id);
    expect(await msOfLastOldAnswer(() => read(ws.api_key, ws.workspace_id), 403)).toBeLessThan(1000);
  });

  it('a workspace deletion announced on the bus takes effect within a second', async () => {
    const ws = await srv.createWorkspace('deleted');
    expect(await read(ws.api_key, ws.workspace_id)).toBe(200);
    await srv.database.db.delete(schema.workspaces).where(eq(schema.workspaces.id, ws.workspace_id));
    srv.live.publishKeyChange(ws.workspace_id);
    expect(await msOfLastOldAnswer(() => read(ws.api_key, ws.workspace_id), 401)).toBeLessThan(1000);
  });

  it('an unknown key is refused every time, whatever keys are cached', async () => {
    const ws = await srv.createWorkspace('unknown');
    expect(await read(ws.api_key, ws.workspace_id)).toBe(200);
    const guess = `${ws.api_key.slice(0, -1)}${ws.api_key.endsWith('A') ? 'B' : 'A'}`;
    for (let i = 0; i < 3; i++) expect(await read(guess, ws.workspace_id)).toBe(401);
  });
});
