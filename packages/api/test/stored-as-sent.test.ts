import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';

/** What is stored is exactly what was sent, or the request is refused naming the field (docs/API_SPEC.md §2, §6). */
let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('stored-as-sent');
});
afterAll(async () => {
  await srv?.close();
});

const createWorkspace = (body: string) =>
  fetch(`${srv.url}/api/v1/admin/workspaces`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body });

describe('trace metadata', () => {
  it('a `__proto__` key is stored as sent, next to the others', async () => {
    const body = `{"traces": [${JSON.stringify(makeTrace({ trace_id: 'proto-1', metadata: 'M' })).replace('"M"', '{"__proto__": {"polluted": true}, "a": 1}')}]}`;
    const res = await sendTraces(srv.url, ws.api_key, body);
    expect(res.status).toBe(200);
    const [row] = await srv.database.rows<{ metadata: string }>(
      sql`select metadata::text as metadata from traces where workspace_id = ${ws.workspace_id}::uuid and trace_id = 'proto-1'`,
    );
    expect(row!.metadata).toBe('{"a": 1, "__proto__": {"polluted": true}}');
  });

  it('a number JSON cannot hold as a double (1e400) is rejected naming its path, not stored as null', async () => {
    const body = `{"traces": [${JSON.stringify(makeTrace({ trace_id: 'inf-1', metadata: { ok: 1, deep: { x: 'M' } } })).replace('"M"', '-1e400')}]}`;
    const res = await sendTraces(srv.url, ws.api_key, body);
    expect(res.status).toBe(207);
    expect(res.body.rejected).toEqual([{ index: 0, trace_id: 'inf-1', errors: ['metadata.deep.x: must be a finite number (JSON numbers such as 1e400 are out of range)'] }]);
    const [row] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from traces where trace_id = 'inf-1'`);
    expect(row!.n).toBe(0);
  });
});

describe('text PostgreSQL cannot store', () => {
  it('NUL or a lone surrogate in any text field of a trace rejects that trace naming the field; the rest is stored exactly', async () => {
    const fields = ['trace_id', 'agent_id', 'user_id', 'model', 'error_type', 'error_message'] as const;
    const traces = fields.flatMap((field, i) => [
      makeTrace({ trace_id: `nul-${i}`, status: 'error', [field]: 'a\u0000b' }),
      makeTrace({ trace_id: `sur-${i}`, status: 'error', [field]: 'a\uD800b' }),
    ]);
    const exact = makeTrace({ trace_id: 'exact-😀', agent_id: 'agent-名前-👩‍👩‍👧', user_id: 'u-\u202E', status: 'error', error_type: 'e\u0301', error_message: '\\u0000 is text' });
    const res = await sendTraces(srv.url, ws.api_key, { traces: [...traces, exact, makeTrace({ trace_id: 'meta-nul', metadata: { k: 'a\u0000' } })] });
    expect(res.status).toBe(207);
    expect(res.body.accepted).toBe(1);
    const errors = (res.body.rejected as Array<{ index: number; errors: string[] }>).map((r) => r.errors);
    fields.forEach((field, i) => {
      expect(errors[2 * i]).toEqual([`${field}: must not contain NUL (\\u0000) characters`]);
      expect(errors[2 * i + 1]).toEqual([`${field}: must be valid Unicode text (no unpaired surrogate code unit)`]);
    });
    expect(errors.at(-1)).toEqual(['metadata: must not contain NUL (\\u0000) characters']);
    const [row] = await srv.database.rows<{ trace_id: string; agent_id: string; user_id: string; error_type: string; error_message: string }>(
      sql`select trace_id, agent_id, user_id, error_type, error_message from traces where workspace_id = ${ws.workspace_id}::uuid and trace_id = ${exact.trace_id as string}`,
    );
    expect(row).toEqual({ trace_id: exact.trace_id, agent_id: exact.agent_id, user_id: exact.user_id, error_type: exact.error_type, error_message: exact.error_message });
  });

  it('a workspace name with NUL or a lone surrogate is a 400 naming `name`; any other name is stored and echoed exactly', async () => {
    for (const [name, message] of [
      ['ac\u0000me', 'must not contain NUL (\\u0000) characters'],
      ['acme \uDC00', 'must be valid Unicode text (no unpaired surrogate code unit)'],
    ] as const) {
      const res = await createWorkspace(JSON.stringify({ name }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { issues: unknown }).issues).toEqual([{ path: 'name', message }]);
    }
    const res = await createWorkspace(JSON.stringify({ name: 'acme 👩‍👩‍👧 \u202E' }));
    expect(res.status).toBe(201);
    const created = (await res.json()) as { workspace_id: string; name: string };
    const [row] = await srv.database.rows<{ name: string }>(sql`select name from workspaces where id = ${created.workspace_id}::uuid`);
    expect(row!.name).toBe(created.name);
    expect(created.name).toBe('acme 👩‍👩‍👧 \u202E');
  });
});
