import type { AnyProcedure } from '@trpc/server';
import { KEY_SCOPES, type KeyScope } from '@pulse/shared';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/routers/app-router.js';
import type { PulseMeta } from '../src/trpc/meta.js';
import { ADMIN_TOKEN, makeTrace, startTestServer, type TestServer } from './harness.js';

/**
 * API key scopes (docs/API_SPEC.md §1), generated from the router: every procedure a key calls
 * declares the scope it needs, and a key without it is a 403 naming it, over tRPC and REST. A
 * new procedure without a declared scope fails the first test.
 */

const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
const metaOf = (name: string) => procedures[name]!._def.meta as OpenApiMeta<PulseMeta> | undefined;
const keyProcedures = Object.keys(procedures)
  .filter((n) => metaOf(n)?.auth === 'key' || metaOf(n)?.auth === 'workspace')
  .sort();

let srv: TestServer;
let ws: { workspace_id: string; api_key: string; key_id: string };
/** A key of the workspace with exactly these scopes. */
const keys = new Map<string, string>();

async function adminKey(scopes: readonly KeyScope[]) {
  const res = await fetch(`${srv.url}/api/v1/admin/workspaces/${ws.workspace_id}/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scopes }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { api_key: string; scopes: string[] };
  expect(body.scopes).toEqual(KEY_SCOPES.filter((s) => scopes.includes(s)));
  return body.api_key;
}

const headersFor = (key: string) => ({ authorization: `Bearer ${key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' });

async function callTrpc(name: string, key: string) {
  const type = procedures[name]!._def.type;
  const res =
    type === 'query'
      ? await fetch(`${srv.url}/trpc/${name}?input=${encodeURIComponent('{}')}`, { headers: headersFor(key) })
      : await fetch(`${srv.url}/trpc/${name}`, { method: 'POST', headers: headersFor(key), body: '{}' });
  return { status: res.status, text: await res.text() };
}

async function callRest(name: string, key: string) {
  const { method, path } = metaOf(name)!.openapi!;
  const filled = path.replace(/\{(\w+)\}/g, (_m, p: string) => (p.endsWith('id') ? '0194f1c2-7b40-7d15-8e21-5f3a1c9d0e42' : 'some-name'));
  const res = await fetch(`${srv.url}/api/v1${filled}`, { method, headers: headersFor(key), ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }) });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('scopes');
  for (const scope of KEY_SCOPES) {
    keys.set(`only:${scope}`, await adminKey([scope]));
    keys.set(`all-but:${scope}`, await adminKey(KEY_SCOPES.filter((s) => s !== scope)));
  }
});
afterAll(async () => {
  await srv?.close();
});

describe('every procedure a key calls declares its scope', () => {
  it('has a scope in its meta', () => {
    expect(keyProcedures.length).toBeGreaterThan(10);
    const undeclared = keyProcedures.filter((n) => !metaOf(n)?.scope);
    expect(undeclared, 'procedures without meta.scope').toEqual([]);
  });
  it('reads need read, data writes ingest, and every other change admin', () => {
    for (const name of keyProcedures) {
      const meta = metaOf(name)!;
      if (meta.auth === 'key') expect(meta.scope, name).toBe('ingest');
      else if (name === 'keys.list') expect(meta.scope).toBe('admin');
      else if (procedures[name]!._def.type !== 'mutation') expect(meta.scope, name).toBe('read');
      else expect(meta.scope, name).toBe('admin');
    }
  });
});

// A subscription is served over the WebSocket only, where it is authorised as a read (live.test.ts).
describe.each(keyProcedures.filter((n) => procedures[n]!._def.type !== 'subscription'))('%s', (name) => {
  const transports = metaOf(name)?.openapi ? (['trpc', 'rest'] as const) : (['trpc'] as const);
  it.each(transports)('over %s, a key without its scope is a 403 naming it; a key with only it is let through', async (transport) => {
    const scope = metaOf(name)!.scope!;
    const call = transport === 'trpc' ? callTrpc : callRest;
    const refused = await call(name, keys.get(`all-but:${scope}`)!);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.text).toContain(`'${scope}' scope`);
    const allowed = await call(name, keys.get(`only:${scope}`)!);
    // Past the scope check: an answer, or the input's own 400 / 404, never the scope's 403.
    expect(allowed.status, allowed.text).not.toBe(403);
    expect(allowed.status).not.toBe(401);
  });
});

describe('OTLP ingest', () => {
  it('needs the ingest scope', async () => {
    const body = JSON.stringify({ resourceSpans: [] });
    const send = (key: string) => fetch(`${srv.url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    const refused = await send(keys.get('all-but:ingest')!);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("'ingest' scope");
    expect((await send(keys.get('only:ingest')!)).status).toBe(200);
  });
});

describe('the workspace keys', () => {
  it('keys made before scopes existed, and keys made without scopes, have all three', async () => {
    const res = await fetch(`${srv.url}/api/v1/keys`, { headers: headersFor(ws.api_key) });
    const list = (await res.json()) as { data: Array<{ key_id: string; scopes: string[] }> };
    expect(list.data.find((k) => k.key_id === ws.key_id)!.scopes).toEqual(['ingest', 'read', 'admin']);
  });

  it('creates a key shown once, lists it without the key, and revokes it', async () => {
    const created = await fetch(`${srv.url}/api/v1/keys`, { method: 'POST', headers: headersFor(ws.api_key), body: JSON.stringify({ name: 'dashboard', scopes: ['read'] }) });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { key_id: string; api_key: string; prefix: string; scopes: string[]; name: string; revoked: boolean; last_used_at: null };
    expect(key).toMatchObject({ name: 'dashboard', scopes: ['read'], revoked: false, last_used_at: null });
    expect(key.api_key.startsWith(key.prefix)).toBe(true);

    const read = await fetch(`${srv.url}/api/v1/usage/overview`, { headers: headersFor(key.api_key) });
    expect(read.status).toBe(200);
    const write = await fetch(`${srv.url}/api/v1/traces`, { method: 'POST', headers: headersFor(key.api_key), body: JSON.stringify({ traces: [makeTrace()] }) });
    expect(write.status).toBe(403);

    const listed = await (await fetch(`${srv.url}/api/v1/keys`, { headers: headersFor(ws.api_key) })).text();
    expect(listed).toContain(key.key_id);
    expect(listed).not.toContain(key.api_key);
    expect(listed).not.toMatch(/key_hash|keyHash/);

    expect((await fetch(`${srv.url}/api/v1/keys/${key.key_id}`, { method: 'DELETE', headers: headersFor(ws.api_key) })).status).toBe(204);
    expect((await fetch(`${srv.url}/api/v1/keys/${key.key_id}`, { method: 'DELETE', headers: headersFor(ws.api_key) })).status).toBe(404);
    expect((await fetch(`${srv.url}/api/v1/usage/overview`, { headers: headersFor(key.api_key) })).status).toBe(401);
    const after = (await (await fetch(`${srv.url}/api/v1/keys`, { headers: headersFor(ws.api_key) })).json()) as { data: Array<{ key_id: string; revoked: boolean }> };
    expect(after.data.find((k) => k.key_id === key.key_id)!.revoked).toBe(true);
  });

  it('refuses bad scopes with a 400 naming scopes', async () => {
    for (const scopes of [[], ['write'], ['read', 'read'], 'read']) {
      const res = await fetch(`${srv.url}/api/v1/keys`, { method: 'POST', headers: headersFor(ws.api_key), body: JSON.stringify({ scopes }) });
      expect(res.status, JSON.stringify(scopes)).toBe(400);
      expect(((await res.json()) as { issues: Array<{ path: string }> }).issues[0]!.path).toMatch(/^scopes/);
    }
  });

  it('a key with no body makes an all-scope key (POST /keys and the admin API)', async () => {
    const own = await fetch(`${srv.url}/api/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
    expect(own.status).toBe(201);
    expect(((await own.json()) as { scopes: string[] }).scopes).toEqual(['ingest', 'read', 'admin']);
    const admin = await fetch(`${srv.url}/api/v1/admin/workspaces/${ws.workspace_id}/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(admin.status).toBe(201);
    expect(((await admin.json()) as { scopes: string[] }).scopes).toEqual(['ingest', 'read', 'admin']);
  });
});
