import type { AnyProcedure } from '@trpc/server';
import { sql } from 'drizzle-orm';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi/document.js';
import { appRouter } from '../src/routers/app-router.js';
import { makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';

/**
 * Tenancy, generated from the router: every tRPC procedure, and every REST operation of the
 * OpenAPI document, is called with workspace A's key against workspace B (spoofed
 * X-Workspace-ID, B's ids in bodies and paths, A's key as admin token). A procedure this table
 * does not know how to call fails the test, so a new procedure cannot go unchecked.
 */

interface Workspace {
  workspace_id: string;
  api_key: string;
  key_id: string;
}
interface Env {
  a: Workspace;
  b: Workspace;
  /** Keys made for a case to revoke, one per workspace. */
  spare?: { a: string; b: string };
  /** The `traces.id` of a call of each workspace (the trace detail's path parameter). */
  traceOf: { a: string; b: string };
}

/** How a procedure is authorised: by a key for its workspace, by a key alone (ingest), or by the admin token. */
type Access = 'workspace' | 'ingest' | 'admin';
interface Case {
  access: Access;
  /** An input that is valid, and that names workspace B wherever the input can name one. */
  input: (env: Env) => Record<string, unknown> | undefined;
  /** For a write by key alone: the table one call adds one row of the key's workspace to (traces by default). */
  writes?: 'traces' | 'scores';
  /** Makes what the calls act on, in both workspaces (after B's state is taken). */
  prepare?: (env: Env) => Promise<void>;
  /** B's own call, when it must name B's things rather than A's (B's own key to revoke). */
  ownerInput?: (env: Env) => Record<string, unknown>;
  /** Puts B back as it was after B's own call. */
  restore?: (env: Env) => Promise<void>;
  /** An input naming something of B's: A's key, in A's own workspace, is answered 404. */
  foreignInput?: (env: Env) => Record<string, unknown>;
}

/** B's workspace id rides along in every input: unknown fields must be ignored, never obeyed. */
// Analytics inputs are strict: B's id smuggled into one is a 400 (analytics-inputs.test.ts), so
// these carry none; the header is what names the workspace.
const window30d = (_env: Env) => ({ range: '30d' });
/** A trace_id both workspaces hold: a score sent with A's key must land on A's call. */
const SHARED_TRACE_ID = 'call-in-both';
let scoreCalls = 0;
const JSON_RULE = { kind: 'rule', rule: { type: 'json_valid' } };
const AGENT_VALUE = { value_per_success_usd: 2.5 };
const VALUE_OF_B_ONLY = 'valued-in-b-only';

/** A REST call with a workspace's own key and header. */
function asOwner(ws: Workspace, method: string, path: string, body?: unknown) {
  return fetch(`${srv.url}/api/v1${path}`, {
    method,
    headers: { ...bearer(ws.api_key), 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
/** A rule never crossed whose webhook resolves nowhere: test sends fail fast, nothing is reached. */
const ISO_RULE = { metric: 'calls', window: '5m', threshold: 1e9, webhook_url: 'https://hooks.invalid/iso' };
const withRule = async ({ a, b }: Env) => {
  for (const ws of [a, b]) expect((await asOwner(ws, 'PUT', '/alerts/iso-rule', ISO_RULE)).status).toBe(200);
};
const spareKey = async (ws: Workspace) => ((await (await asOwner(ws, 'POST', '/keys', { name: 'iso-spare' })).json()) as { key_id: string }).key_id;
const dropKeysNamed = (ws: Workspace, name: string) => srv.database.rows(sql`delete from api_keys where workspace_id = ${ws.workspace_id}::uuid and name = ${name}`);
const CASES: Record<string, Case> = {
  'ingest.traces': {
    access: 'ingest',
    input: ({ b }) => ({ workspace_id: b.workspace_id, traces: [makeTrace({ agent_id: 'sent-by-a', workspace_id: b.workspace_id })] }),
  },
  'usage.overview': { access: 'workspace', input: window30d },
  'usage.callsOverTime': { access: 'workspace', input: (env) => ({ ...window30d(env), granularity: 'day' }) },
  'usage.agentDistribution': { access: 'workspace', input: window30d },
  'usage.topUsers': { access: 'workspace', input: (env) => ({ ...window30d(env), limit: 100 }) },
  'cost.overview': { access: 'workspace', input: window30d },
  'cost.trend': { access: 'workspace', input: (env) => ({ ...window30d(env), granularity: 'day' }) },
  'cost.byModel': { access: 'workspace', input: window30d },
  'cost.byTag': { access: 'workspace', input: window30d },
  'cost.budget': { access: 'workspace', input: () => ({}) },
  'cost.setBudget': { access: 'workspace', input: ({ b }) => ({ monthly_limit_usd: 111, alert_threshold_pct: 50, workspace_id: b.workspace_id }) },
  'performance.overview': { access: 'workspace', input: window30d },
  'performance.latency': { access: 'workspace', input: (env) => ({ ...window30d(env), granularity: 'day' }) },
  'performance.throughput': { access: 'workspace', input: (env) => ({ ...window30d(env), granularity: 'day' }) },
  'performance.errors': { access: 'workspace', input: (env) => ({ ...window30d(env), limit: 100 }) },
  'workspace.info': { access: 'workspace', input: () => undefined },
  // A subscription is served over the WebSocket only; its isolation is tested there (live.test.ts).
  'live.changes': { access: 'workspace', input: () => undefined },
  'scores.write': {
    access: 'ingest',
    writes: 'scores',
    // A new name each call: each adds a score, never replaces one.
    input: ({ b }) => ({ workspace_id: b.workspace_id, scores: [{ trace_id: SHARED_TRACE_ID, name: `sent-by-a-${++scoreCalls}`, value: 1, workspace_id: b.workspace_id }] }),
  },
  'quality.overview': { access: 'workspace', input: window30d },
  'quality.trend': { access: 'workspace', input: (env) => ({ ...window30d(env), granularity: 'day', name: 'helpfulness' }) },
  'quality.byAgent': { access: 'workspace', input: (env) => ({ ...window30d(env), name: 'helpfulness' }) },
  'safety.overview': { access: 'workspace', input: window30d },
  'safety.trend': { access: 'workspace', input: (env) => ({ ...window30d(env), granularity: 'day' }) },
  'safety.byAgent': { access: 'workspace', input: window30d },
  'safety.latest': { access: 'workspace', input: (env) => ({ ...window30d(env), limit: 100 }) },
  // Settings inputs are strict too: B's id in one would be a 400, not a test of the header.
  'settings.get': { access: 'workspace', input: () => ({}) },
  'settings.update': { access: 'workspace', input: () => ({ redact_pii: true, retention_days: 7 }) },
  'impact.overview': { access: 'workspace', input: window30d },
  'impact.trend': { access: 'workspace', input: (env) => ({ ...window30d(env), granularity: 'day' }) },
  'impact.byAgent': { access: 'workspace', input: window30d },
  // Both workspaces hold settings for these agents (beforeAll); only B for VALUE_OF_B_ONLY.
  'impact.listAgents': { access: 'workspace', input: () => ({}) },
  'impact.getAgent': { access: 'workspace', input: () => ({ agent_id: 'valued-in-both' }), foreignInput: () => ({ agent_id: VALUE_OF_B_ONLY }) },
  'impact.putAgent': { access: 'workspace', input: () => ({ agent_id: 'valued-in-both', ...AGENT_VALUE }) },
  'impact.deleteAgent': { access: 'workspace', input: () => ({ agent_id: 'value-deleted-by-both' }) },
  'traces.list': { access: 'workspace', input: (env) => ({ ...window30d(env), limit: 200 }) },
  'traces.get': {
    access: 'workspace',
    input: ({ traceOf }) => ({ id: traceOf.a }),
    ownerInput: ({ traceOf }) => ({ id: traceOf.b }),
    foreignInput: ({ traceOf }) => ({ id: traceOf.b }),
  },
  'sessions.list': { access: 'workspace', input: (env) => ({ ...window30d(env), limit: 200 }) },
  'admin.createWorkspace': { access: 'admin', input: () => ({ name: 'made-with-a-workspace-key' }) },
  'admin.createKey': { access: 'admin', input: ({ b }) => ({ workspace_id: b.workspace_id }) },
  'admin.revokeKey': { access: 'admin', input: ({ b }) => ({ workspace_id: b.workspace_id, key_id: b.key_id }) },
  // Both workspaces hold evaluators of these names (beforeAll): B's name what only B holds.
  'evaluators.list': { access: 'workspace', input: () => ({}) },
  'evaluators.get': { access: 'workspace', input: () => ({ name: 'judge-of-both' }) },
  'evaluators.put': { access: 'workspace', input: () => ({ name: 'put-by-both', ...JSON_RULE }) },
  'evaluators.delete': { access: 'workspace', input: () => ({ name: 'deleted-by-both' }) },
  'alerts.list': { access: 'workspace', input: () => ({}) },
  'alerts.put': { access: 'workspace', input: () => ({ name: 'iso-rule', ...ISO_RULE }) },
  'alerts.delete': { access: 'workspace', input: () => ({ name: 'iso-rule' }), prepare: withRule },
  'alerts.deliveries': { access: 'workspace', input: () => ({ name: 'iso-rule' }), prepare: withRule },
  'alerts.test': { access: 'workspace', input: () => ({ name: 'iso-rule' }), prepare: withRule },
  'keys.list': { access: 'workspace', input: () => ({}) },
  'keys.create': { access: 'workspace', input: () => ({ name: 'iso-made', scopes: ['read'] }), restore: ({ b }) => dropKeysNamed(b, 'iso-made').then(() => undefined) },
  'keys.revoke': {
    access: 'workspace',
    prepare: async (e) => {
      e.spare = { a: await spareKey(e.a), b: await spareKey(e.b) };
    },
    input: (e) => ({ key_id: e.spare!.a }),
    ownerInput: (e) => ({ key_id: e.spare!.b }),
    restore: ({ b }) => dropKeysNamed(b, 'iso-spare').then(() => undefined),
  },
  // Both workspaces price SHARED_MODEL; B alone also prices model-of-b-unused (prices.test.ts covers the rest).
  'prices.list': { access: 'workspace', input: () => ({}) },
  'prices.set': { access: 'workspace', input: () => ({ model: SHARED_MODEL, ...SHARED_PRICE }) },
  'prices.remove': { access: 'workspace', input: () => ({ model: SHARED_MODEL }) },
};

const SHARED_MODEL = 'shared/model';
const SHARED_PRICE = { input_per_mtok_usd: 1, output_per_mtok_usd: 2 };

/** Sets a workspace's price of `model` over REST (the path carries the name URL-encoded). */
async function putPrice(ws: Workspace, model: string) {
  const res = await fetch(`${srv.url}/api/v1/prices/${encodeURIComponent(model)}`, {
    method: 'PUT',
    headers: { ...bearer(ws.api_key), 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
    body: JSON.stringify(SHARED_PRICE),
  });
  expect(res.status, await res.text()).toBe(200);
}

// At run time a flat record keyed by the dotted path ("usage.overview").
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
const procedureNames = Object.keys(procedures).sort();
const metaOf = (name: string) => (procedures[name]!._def.meta as OpenApiMeta | undefined)?.openapi;
const typeOf = (name: string) => procedures[name]!._def.type as 'query' | 'mutation' | 'subscription';

/** What only workspace B holds: none of it may appear in anything workspace A's key reads. */
const B_MARKERS = ['agent-of-b', 'model-of-b', 'user-of-b', 'error-of-b', 'message-of-b', 'tag-of-b', 'session-of-b', '777.77'];

let srv: TestServer;
let env: Env;

interface Answer {
  status: number;
  text: string;
}

async function answer(res: Response): Promise<Answer> {
  return { status: res.status, text: await res.text() };
}

/** Calls a procedure over tRPC (GET for a query, POST for a mutation). */
async function callTrpc(name: string, input: unknown, headers: Record<string, string>): Promise<Answer> {
  if (typeOf(name) === 'query') {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return answer(await fetch(`${srv.url}/trpc/${name}${qs}`, { headers }));
  }
  return answer(
    await fetch(`${srv.url}/trpc/${name}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    }),
  );
}

/** Calls a procedure's REST operation, filling path parameters from the input. */
async function callRest(name: string, input: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<Answer> {
  const meta = metaOf(name)!;
  const rest = { ...(input ?? {}) };
  const path = meta.path.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = String(rest[key]);
    delete rest[key];
    return encodeURIComponent(value);
  });
  if (meta.method === 'GET' || meta.method === 'DELETE') {
    const qs = new URLSearchParams(Object.entries(rest).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return answer(await fetch(`${srv.url}/api/v1${path}${qs ? `?${qs}` : ''}`, { method: meta.method, headers }));
  }
  return answer(
    await fetch(`${srv.url}/api/v1${path}`, {
      method: meta.method,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(rest),
    }),
  );
}

type Transport = 'trpc' | 'rest';
function call(transport: Transport, name: string, input: Record<string, unknown> | undefined, headers: Record<string, string>) {
  return transport === 'trpc' ? callTrpc(name, input, headers) : callRest(name, input, headers);
}
const transportsOf = (name: string): Transport[] => {
  if (typeOf(name) === 'subscription') return [];
  return metaOf(name) ? ['trpc', 'rest'] : ['trpc'];
};

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Workspace B's state, which no call with A's key may change. */
async function stateOfB() {
  const ws = env.b.workspace_id;
  const [traces] = await srv.database.rows<{ n: number; agents: string }>(
    sql`select count(*)::int as n, string_agg(distinct agent_id, ',' order by agent_id) as agents from traces where workspace_id = ${ws}::uuid`,
  );
  const keys = await srv.database.rows<{ id: string; revoked: boolean }>(
    sql`select id::text as id, revoked_at is not null as revoked from api_keys where workspace_id = ${ws}::uuid order by id`,
  );
  const budget = await (await fetch(`${srv.url}/api/v1/cost/budget`, { headers: { ...bearer(env.b.api_key), 'x-workspace-id': ws } })).json();
  const [workspaces] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from workspaces`);
  const scores = await srv.database.rows(sql`select name, agent_id, numeric_value from scores where workspace_id = ${ws}::uuid order by name`);
  const evaluators = await srv.database.rows<{ name: string; settings: unknown }>(
    sql`select name, settings from evaluators where workspace_id = ${ws}::uuid order by name`,
  );
  const prices = await srv.database.rows(sql`select model, input_per_mtok_usd::text as price from price_overrides where workspace_id = ${ws}::uuid order by model`);
  const settings = await (await fetch(`${srv.url}/api/v1/settings`, { headers: { ...bearer(env.b.api_key), 'x-workspace-id': ws } })).json();
  const agentValues = await srv.database.rows(
    sql`select agent_id, value_per_success_usd::text as value, success from agent_values where workspace_id = ${ws}::uuid order by agent_id`,
  );
  return { traces, keys, budget, workspaces: workspaces!.n, scores, evaluators, prices, settings, agentValues };
}

beforeAll(async () => {
  srv = await startTestServer();
  const a = await srv.createWorkspace('tenant-a');
  const b = await srv.createWorkspace('tenant-b');
  const seed = (ws: Workspace, tag: 'a' | 'b') =>
    sendTraces(srv.url, ws.api_key, {
      traces: [
        makeTrace({ trace_id: SHARED_TRACE_ID, agent_id: `agent-of-${tag}`, model: `model-of-${tag}`, user_id: `user-of-${tag}`, tags: [`tag-of-${tag}`], session_id: `session-of-${tag}` }),
        makeTrace({ agent_id: `agent-of-${tag}`, model: `model-of-${tag}`, user_id: `user-of-${tag}`, status: 'error', error_type: `error-of-${tag}`, error_message: `message-of-${tag}` }),
      ],
    });
  expect((await seed(a, 'a')).status).toBe(200);
  expect((await seed(b, 'b')).status).toBe(200);
  const traceOf = async (ws: Workspace) =>
    (await srv.database.rows<{ id: string }>(sql`select id::text as id from traces where workspace_id = ${ws.workspace_id}::uuid limit 1`))[0]!.id;
  env = { a, b, traceOf: { a: await traceOf(a), b: await traceOf(b) } };
  const budgetB = await fetch(`${srv.url}/api/v1/cost/budget`, {
    method: 'PUT',
    headers: { ...bearer(b.api_key), 'x-workspace-id': b.workspace_id, 'content-type': 'application/json' },
    body: JSON.stringify({ monthly_limit_usd: 777.77, alert_threshold_pct: 77 }),
  });
  expect(budgetB.status).toBe(200);
  await putEvaluators(a, 'a');
  await putEvaluators(b, 'b');
  await putAgentValues(a, ['valued-in-both', 'value-deleted-by-both']);
  await putAgentValues(b, ['valued-in-both', 'value-deleted-by-both', VALUE_OF_B_ONLY]);
  await putPrice(b, SHARED_MODEL);
  // No trace of B has this model: B's spend (and its budget projection) stays 0.
  await putPrice(b, 'model-of-b-unused');
});

/** The evaluators the evaluators.* cases read, replace and delete, in a workspace. */
async function putEvaluators(ws: Workspace, tag: 'a' | 'b') {
  const bodies = {
    'judge-of-both': { kind: 'rule', rule: { type: 'regex_match', pattern: `agent-of-${tag}` }, filters: { model: `model-of-${tag}` } },
    'put-by-both': JSON_RULE,
    'deleted-by-both': JSON_RULE,
  };
  for (const [name, body] of Object.entries(bodies)) {
    const res = await fetch(`${srv.url}/api/v1/evaluators/${name}`, {
      method: 'PUT',
      headers: { ...bearer(ws.api_key), 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.text()).toBe(200);
  }
}
/** Value settings of these agents in a workspace, for the impact.* cases. */
async function putAgentValues(ws: Workspace, agents: string[]) {
  for (const agent of agents) {
    const res = await asOwner(ws, 'PUT', `/impact/agents/${agent}`, AGENT_VALUE);
    expect(res.status, await res.text()).toBe(200);
  }
}
afterAll(async () => {
  await srv?.close();
});

describe('the isolation table covers the whole API', () => {
  it('knows every tRPC procedure of the router', () => {
    expect(procedureNames.length).toBeGreaterThan(0);
    const unknown = procedureNames.filter((n) => !CASES[n]);
    expect(unknown, `procedures without an isolation case: add them to CASES in ${import.meta.url}`).toEqual([]);
    // And no stale entries: the table describes the router as it is.
    expect(Object.keys(CASES).sort()).toEqual(procedureNames);
  });

  it('maps every operation of the OpenAPI document to a procedure of the table', () => {
    const doc = buildOpenApiDocument();
    const operations = Object.entries(doc.paths ?? {}).flatMap(([p, methods]) => Object.keys(methods ?? {}).map((m) => `${m.toUpperCase()} ${p}`));
    const fromTable = [
      ...procedureNames.filter((n) => metaOf(n)).map((n) => `${metaOf(n)!.method} ${metaOf(n)!.path.replace(/\{(\w+)\}/g, '{$1}')}`),
      ...Object.keys(PLAIN_ROUTES),
    ];
    expect(operations.length).toBe(fromTable.length);
    for (const op of operations) expect(fromTable, `OpenAPI operation ${op} has no procedure in the table`).toContain(op);
  });
});

describe.each(procedureNames)('%s', (name) => {
  const c = CASES[name];
  it('has an isolation case (a new procedure must be added to CASES)', () => {
    expect(c, `no isolation case for ${name}`).toBeDefined();
  });
  if (!c) return;

  if (transportsOf(name).length === 0) return;
  it.each(transportsOf(name))('over %s, a key of workspace A cannot read or write workspace B', async (transport) => {
    const before = await stateOfB();
    await c.prepare?.(env);
    const input = c.input(env);
    const { a, b } = env;

    if (c.access === 'workspace') {
      for (const claimed of [b.workspace_id, b.workspace_id.toUpperCase(), ` ${b.workspace_id} `]) {
        const res = await call(transport, name, input, { ...bearer(a.api_key), 'x-workspace-id': claimed });
        expect(res.status, `${name} with X-Workspace-ID ${claimed}: ${res.text}`).toBe(403);
        expect(res.text).not.toMatch(/agent-of-b|model-of-b|user-of-b|777\.77/);
      }
      // Two workspace ids in one header (a proxy appending one): refused, never B's data.
      const both = await call(transport, name, input, { ...bearer(a.api_key), 'x-workspace-id': `${a.workspace_id}, ${b.workspace_id}` });
      expect([400, 403]).toContain(both.status);
      // Without the header it is a 400 naming it.
      const bare = await call(transport, name, input, bearer(a.api_key));
      expect(bare.status).toBe(400);
      expect(bare.text).toContain('X-Workspace-ID');
      // Its own workspace: served, and nothing of B's in it (B's ids in the input are ignored).
      if (name === 'prices.remove') await putPrice(a, SHARED_MODEL);
      const own = await call(transport, name, input, { ...bearer(a.api_key), 'x-workspace-id': a.workspace_id });
      expect(own.status, own.text).toBeLessThan(300);
      for (const marker of B_MARKERS) expect(own.text, `${name} answered A with B's ${marker}`).not.toContain(marker);
      expect(own.text).not.toContain(b.workspace_id);
      // What B holds, named in A's own request, is no more found than what does not exist.
      if (c.foreignInput) {
        const foreign = await call(transport, name, c.foreignInput(env), { ...bearer(a.api_key), 'x-workspace-id': a.workspace_id });
        expect(foreign.status, foreign.text).toBe(404);
        for (const marker of B_MARKERS) expect(foreign.text).not.toContain(marker);
      }
      // B's own key is served for B: the 403s above are about ownership, not a broken procedure.
      const owner = await call(transport, name, c.ownerInput?.(env) ?? input, { ...bearer(b.api_key), 'x-workspace-id': b.workspace_id });
      expect(owner.status, owner.text).toBeLessThan(300);
      await c.restore?.(env);
      if (name === 'cost.setBudget') {
        // Put B's budget back as it was: only A's writes are under test.
        await call('rest', name, { monthly_limit_usd: 777.77, alert_threshold_pct: 77 }, { ...bearer(b.api_key), 'x-workspace-id': b.workspace_id });
      }
      if (name === 'evaluators.delete') {
        // Both deleted their own: put them back for the next transport.
        await putEvaluators(a, 'a');
        await putEvaluators(b, 'b');
      }
      if (name === 'impact.deleteAgent') {
        await putAgentValues(a, ['value-deleted-by-both']);
        await putAgentValues(b, ['value-deleted-by-both']);
      }
      // B's price of SHARED_MODEL back as it was.
      if (name === 'prices.remove') await putPrice(b, SHARED_MODEL);
      if (name === 'settings.update') {
        await call('rest', name, { redact_pii: false, retention_days: null }, { ...bearer(b.api_key), 'x-workspace-id': b.workspace_id });
      }
    } else if (c.access === 'ingest') {
      for (const claimed of [b.workspace_id, b.workspace_id.toUpperCase()]) {
        const res = await call(transport, name, input, { ...bearer(a.api_key), 'x-workspace-id': claimed });
        expect(res.status, res.text).toBe(403);
      }
      // B's workspace id in the body is ignored: the rows are A's, the key's workspace.
      const table = sql.identifier(c.writes ?? 'traces');
      const countOfA = async () =>
        (await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from ${table} where workspace_id = ${a.workspace_id}::uuid`))[0]!.n;
      const rowsBefore = await countOfA();
      const own = await call(transport, name, c.input(env), bearer(a.api_key));
      expect(own.status, own.text).toBe(200);
      expect(await countOfA()).toBe(rowsBefore + 1);
    } else {
      // A workspace key is not an admin token, whatever workspace it names.
      for (const key of [a.api_key, b.api_key]) {
        const res = await call(transport, name, input, { ...bearer(key), 'x-workspace-id': b.workspace_id });
        expect(res.status, res.text).toBe(401);
        expect(res.text).not.toContain('pk_');
      }
    }

    expect(await stateOfB()).toEqual(before);
  });
});

/** The documented routes that are not procedures (streamed answers), with the query each is called with. */
const PLAIN_ROUTES: Record<string, Record<string, string>> = {
  'GET /traces/export': { range: '30d', format: 'jsonl' },
};

describe.each(Object.entries(PLAIN_ROUTES))('%s', (route, query) => {
  it('a key of workspace A cannot read workspace B', async () => {
    const path = route.split(' ')[1]!;
    const get = (headers: Record<string, string>) => fetch(`${srv.url}/api/v1${path}?${new URLSearchParams(query)}`, { headers }).then(answer);
    const { a, b } = env;
    for (const claimed of [b.workspace_id, b.workspace_id.toUpperCase(), ` ${b.workspace_id} `]) {
      const res = await get({ ...bearer(a.api_key), 'x-workspace-id': claimed });
      expect(res.status, res.text).toBe(403);
    }
    expect([400, 403]).toContain((await get({ ...bearer(a.api_key), 'x-workspace-id': `${a.workspace_id}, ${b.workspace_id}` })).status);
    const bare = await get(bearer(a.api_key));
    expect(bare.status).toBe(400);
    expect(bare.text).toContain('X-Workspace-ID');
    const own = await get({ ...bearer(a.api_key), 'x-workspace-id': a.workspace_id });
    expect(own.status, own.text).toBe(200);
    expect(own.text).toContain('agent-of-a');
    for (const marker of B_MARKERS) expect(own.text).not.toContain(marker);
    expect((await get({ ...bearer(b.api_key), 'x-workspace-id': b.workspace_id })).text).toContain('agent-of-b');
  });
});

describe('tRPC batches', () => {
  it('a batch with a spoofed X-Workspace-ID is refused for every procedure in it', async () => {
    const names = procedureNames.filter((n) => CASES[n]!.access === 'workspace' && typeOf(n) === 'query');
    const inputs = Object.fromEntries(names.map((n, i) => [String(i), CASES[n]!.input(env) ?? {}]));
    const res = await fetch(`${srv.url}/trpc/${names.join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`, {
      headers: { ...bearer(env.a.api_key), 'x-workspace-id': env.b.workspace_id },
    });
    const body = (await res.json()) as Array<{ error?: { data?: { httpStatus?: number } }; result?: unknown }>;
    expect(body).toHaveLength(names.length);
    for (const item of body) {
      expect(item.result).toBeUndefined();
      expect(item.error?.data?.httpStatus).toBe(403);
    }
  });
});
