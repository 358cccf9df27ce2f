import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

/** Inputs the schema could spell but the server cannot store or query: a 400 naming the field (docs/API_SPEC.md §3). */
let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('analytics-inputs');
});
afterAll(async () => {
  await srv?.close();
});

const headers = () => ({ authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id });

async function restIssues(pathAndQuery: string) {
  const res = await fetch(`${srv.url}/api/v1${pathAndQuery}`, { headers: headers() });
  const body = (await res.json()) as { issues?: Array<{ path: string }> };
  return { status: res.status, fields: body.issues?.map((i) => i.path) };
}

it.each([
  ['/performance/overview?range=custom&from=0000-12-31T23:59:59.999Z&to=0001-01-02T00:00:00.000Z', ['from', 'to']],
  ['/usage/overview?range=custom&from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z', ['from', 'to']],
  ['/usage/overview?range=custom&from=0001-01-01T00:00:00%2B14:00&to=0001-01-02T00:00:00Z', ['from', 'to']],
  ['/cost/trend?range=custom&from=9999-12-30T00:00:00Z&to=9999-12-31T00:00:00Z', ['from', 'to']],
  ['/usage/top-users?agent_id=%00', ['agent_id']],
  ['/cost/by-model?model=%00', ['model']],
  ['/cost/by-tag?tag=%00', ['tag']],
  ['/performance/latency?tag=', ['tag']],
  ['/cost/by-tag?tags=x', ['tags']],
  ['/usage/overview?agent_id=', ['agent_id']],
  ['/usage/overview?range=custom&from=&to=2026-01-01T00:00:00Z', ['from']],
  ['/usage/top-users?limit=', ['limit']],
  ['/usage/overview?agnet_id=x', ['agnet_id']],
  ['/usage/overview?workspace_id=00000000-0000-4000-8000-000000000000', ['workspace_id']],
  ['/usage/overview?__proto__=x', ['__proto__']],
  ['/cost/budget?range=7d', ['range']],
])('GET %s is a 400 naming %j', async (pathAndQuery, fields) => {
  expect(await restIssues(pathAndQuery)).toEqual({ status: 400, fields });
});

it('the bounds themselves are accepted, and the previous window may fall before them', async () => {
  expect((await restIssues('/usage/overview?range=custom&from=2000-01-01T00:00:00Z&to=2000-03-01T00:00:00%2B01:00')).status).toBe(200);
  expect((await restIssues('/cost/trend?range=custom&from=2099-12-31T00:00:00Z&to=2100-01-01T00:00:00Z')).status).toBe(200);
});

it('over tRPC: NUL, unknown keys and out-of-range dates are a 400 naming the field', async () => {
  for (const [input, field] of [
    [{ agent_id: '\u0000' }, 'agent_id'],
    [{ model: 'a\u0000' }, 'model'],
    [{ agnet_id: 'x' }, 'agnet_id'],
    [{ range: 'custom', from: '2099-12-01T00:00:00Z', to: '2100-01-01T00:00:00-14:00' }, 'to'],
  ] as const) {
    const res = await fetch(`${srv.url}/trpc/usage.overview?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: headers() });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { data: { issues: Array<{ path: string }> } } };
    expect(error.data.issues.map((i) => i.path)).toEqual([field]);
  }
});

it('an unreadable instant is one issue, its format, not also its range', async () => {
  const res = await fetch(`${srv.url}/api/v1/usage/overview?range=custom&from=yesterday&to=2026-01-01T00:00:00Z`, { headers: headers() });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { issues: Array<{ path: string; message: string }> };
  expect(body.issues).toEqual([{ path: 'from', message: 'must be an ISO-8601 date-time with Z or an offset' }]);
});
