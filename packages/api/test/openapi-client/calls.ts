/**
 * Every operation of the API through a client generated from the served document
 * (openapi-typescript types, openapi-fetch calls), successes and error cases. openapi-client.test.ts
 * copies this file next to the types it generates (`./api-types.js`), type-checks both with
 * tsc and then runs it: a document that types a call wrongly fails to compile here, and each
 * `@ts-expect-error` proves the types refuse what the server refuses.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-types.js';
import type { RecordedAnswer, Target } from './recorded.js';

const UNKNOWN_ID = '0194f1c2-0000-7000-8000-000000000000';

export async function callEveryOperation(target: Target): Promise<RecordedAnswer[]> {
  const answers: RecordedAnswer[] = [];
  const recorder: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      answers.push({
        method: request.method.toLowerCase(),
        path: schemaPath,
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
        text: await response.clone().text(),
      });
    },
  };
  const client = (token: string) => {
    const c = createClient<paths>({ baseUrl: `${target.baseUrl}/api/v1`, headers: { Authorization: `Bearer ${token}` } });
    c.use(recorder);
    return c;
  };

  // Admin: a workspace (201), another key without a body or Content-Type (201), errors.
  const admin = client(target.adminToken);
  const created = await admin.POST('/admin/workspaces', { body: { name: 'typed client' } });
  if (!created.data) throw new Error(`createWorkspace: ${created.response.status}`);
  const { workspace_id, api_key } = created.data;
  const second = await admin.POST('/admin/workspaces/{workspace_id}/keys', { params: { path: { workspace_id } } });
  if (!second.data) throw new Error(`createKey: ${second.response.status}`);
  await admin.POST('/admin/workspaces/{workspace_id}/keys', { params: { path: { workspace_id: UNKNOWN_ID } } });
  await admin.POST('/admin/workspaces/{workspace_id}/keys', { params: { path: { workspace_id: 'not-a-uuid' } } });
  await admin.POST('/admin/workspaces', { body: { name: '' } });
  await client('wrong-admin-token').POST('/admin/workspaces', { body: { name: 'nope' } });
  await admin.DELETE('/admin/workspaces/{workspace_id}/keys/{key_id}', { params: { path: { workspace_id, key_id: second.data.key_id } } });
  await admin.DELETE('/admin/workspaces/{workspace_id}/keys/{key_id}', { params: { path: { workspace_id, key_id: second.data.key_id } } });

  // Ingest: 200, 207, 400, 403, 413, 415.
  const api = client(api_key);
  const now = new Date(Date.now() - 60_000).toISOString();
  const trace = { trace_id: 't-1', timestamp: now, agent_id: 'support-bot', user_id: 'u-1', model: 'gpt-4o', status: 'success' as const, latency_ms: 812, input_tokens: 1000, output_tokens: 200 };
  await api.POST('/traces', { body: { traces: [trace, { ...trace, trace_id: 't-2', status: 'error', error_type: 'timeout' }] } });
  await api.POST('/traces', { body: { traces: [{ ...trace, trace_id: 't-3' }, { ...trace, trace_id: 't-4', latency_ms: -1 }] } });
  // @ts-expect-error a misspelt field and a number for a string do not compile (issue: `{traces:[{trase_id:1}]}`).
  await api.POST('/traces', { body: { traces: [{ trase_id: 1 }] } });
  await api.POST('/traces', { body: { traces: [] } });
  await api.POST('/traces', { params: { header: { 'X-Workspace-ID': UNKNOWN_ID } }, body: { traces: [trace] } });
  await api.POST('/traces', { body: { traces: [trace] }, bodySerializer: () => JSON.stringify({ traces: [{ ...trace, error_message: 'x'.repeat(6 * 1024 * 1024) }] }) });
  await api.POST('/traces', { body: { traces: [trace] }, headers: { 'Content-Type': 'text/plain' } });

  // Scores: 200, 207, 400, 403.
  await api.POST('/scores', { body: { scores: [{ trace_id: 't-1', name: 'helpfulness', value: 0.8, source: 'llm' }, { trace_id: 't-1', name: 'resolved', value: true }] } });
  await api.POST('/scores', { body: { scores: [{ trace_id: 't-2', name: 'sentiment', value: 'negative', source: 'rule' }, { trace_id: 'no-such-call', name: 'helpfulness', value: 1 }] } });
  await api.POST('/scores', { body: { scores: [] } });
  await api.POST('/scores', { params: { header: { 'X-Workspace-ID': UNKNOWN_ID } }, body: { scores: [{ trace_id: 't-1', name: 'helpfulness', value: 1 }] } });

  // Every analytics GET and the budget, with the header and the document's parameters.
  const header = { 'X-Workspace-ID': workspace_id };
  const window = { range: '7d', agent_id: 'support-bot' } as const;
  await api.GET('/usage/overview', { params: { header, query: window } });
  await api.GET('/usage/calls-over-time', { params: { header, query: { ...window, granularity: 'hour' } } });
  await api.GET('/usage/agent-distribution', { params: { header, query: { range: '24h' } } });
  await api.GET('/usage/top-users', { params: { header, query: { ...window, limit: 5 } } });
  await api.GET('/cost/overview', { params: { header, query: { range: 'custom', from: '2026-01-01T00:00:00Z', to: '2026-01-08T00:00:00Z' } } });
  await api.GET('/cost/trend', { params: { header, query: { range: '30d', granularity: 'day', model: 'gpt-4o' } } });
  await api.GET('/cost/by-model', { params: { header, query: { range: '1h' } } });
  await api.GET('/cost/by-tag', { params: { header, query: { ...window, tag: 'checkout' } } });
  await api.GET('/cost/budget', { params: { header } });
  await api.PUT('/cost/budget', { params: { header }, body: { monthly_limit_usd: 200, alert_threshold_pct: 80 } });
  await api.PUT('/cost/budget', { params: { header }, body: { monthly_limit_usd: null } });
  await api.GET('/performance/overview', { params: { header, query: window } });
  await api.GET('/performance/latency', { params: { header, query: { range: '24h', granularity: 'minute' } } });
  await api.GET('/performance/throughput', { params: { header, query: window } });
  await api.GET('/performance/errors', { params: { header, query: { ...window, limit: 3 } } });
  // Prices: a name with a slash travels URL-encoded in the path; the second DELETE is a 404.
  const priced = { header, path: { model: 'openai/gpt-4o' } };
  await api.PUT('/prices/{model}', { params: priced, body: { input_per_mtok_usd: 2, output_per_mtok_usd: 8, effective_from: '2026-01-01T00:00:00Z' } });
  await api.GET('/prices', { params: { header } });
  await api.DELETE('/prices/{model}', { params: priced });
  await api.DELETE('/prices/{model}', { params: priced });

  await api.GET('/quality/overview', { params: { header, query: window } });
  await api.GET('/quality/trend', { params: { header, query: { range: '24h', granularity: 'hour', name: 'helpfulness' } } });
  await api.GET('/quality/by-agent', { params: { header, query: { range: '7d', name: 'helpfulness' } } });
  await api.GET('/quality/trend', { params: { header, query: { range: '24h', name: 'bad name' } } });
  // Alert rules (a webhook that resolves nowhere: the test send fails fast) and the workspace's keys.
  const rule = { path: { name: 'budget-80' }, header };
  await api.PUT('/alerts/{name}', { params: rule, body: { metric: 'budget_used_pct', threshold: 80, webhook_url: 'https://hooks.invalid/pulse' } });
  await api.GET('/alerts', { params: { header } });
  await api.GET('/alerts/{name}/deliveries', { params: rule });
  await api.POST('/alerts/{name}/test', { params: rule });
  await api.DELETE('/alerts/{name}', { params: rule });
  await api.DELETE('/alerts/{name}', { params: rule });
  await api.PUT('/alerts/{name}', { params: rule, body: { metric: 'calls', threshold: 1, webhook_url: 'https://127.0.0.1/hook' } });
  const made = await api.POST('/keys', { params: { header }, body: { name: 'read-only', scopes: ['read'] } });
  await api.GET('/keys', { params: { header } });
  if (made.data) await api.DELETE('/keys/{key_id}', { params: { header, path: { key_id: made.data.key_id } } });
  await api.GET('/safety/overview', { params: { header, query: window } });
  await api.GET('/safety/trend', { params: { header, query: { ...window, granularity: 'hour' } } });
  await api.GET('/safety/by-agent', { params: { header, query: window } });
  await api.GET('/safety/latest', { params: { header, query: { ...window, limit: 5 } } });
  const valued = { header, path: { agent_id: 'support-bot' } };
  await api.PUT('/impact/agents/{agent_id}', { params: valued, body: { value_per_success_usd: 1.5 } });
  await api.PUT('/impact/agents/{agent_id}', { params: valued, body: { minutes_saved: 6, hourly_rate_usd: 60, success: 'score', success_score: 'resolved' } });
  // Both forms of a value at once: the types allow it, the server refuses it (400 naming the field).
  await api.PUT('/impact/agents/{agent_id}', { params: valued, body: { value_per_success_usd: 1, minutes_saved: 6 } });
  // @ts-expect-error a value in dollars is a number, not text.
  await api.PUT('/impact/agents/{agent_id}', { params: valued, body: { value_per_success_usd: 'a lot' } });
  await api.GET('/impact/agents', { params: { header } });
  await api.GET('/impact/agents/{agent_id}', { params: valued });
  await api.GET('/impact/overview', { params: { header, query: window } });
  await api.GET('/impact/trend', { params: { header, query: { ...window, granularity: 'hour' } } });
  await api.GET('/impact/by-agent', { params: { header, query: window } });
  await api.DELETE('/impact/agents/{agent_id}', { params: valued });
  await api.DELETE('/impact/agents/{agent_id}', { params: valued });
  await api.GET('/settings', { params: { header } });
  await api.PUT('/settings', { params: { header }, body: { redact_pii: true } });
  await api.PUT('/settings', { params: { header }, body: { retention_days: 0 } });

  // The trace list, one call's detail (and an id of none: 404), the sessions, the export in both formats.
  const listed = await api.GET('/traces', { params: { header, query: { range: '1h', limit: 1, status: 'success' } } });
  const first = listed.data?.data[0];
  if (!first) throw new Error(`traces: ${listed.response.status}`);
  await api.GET('/traces/{id}', { params: { header, path: { id: first.id } } });
  await api.GET('/traces/{id}', { params: { header, path: { id: UNKNOWN_ID } } });
  await api.GET('/sessions', { params: { header, query: { range: '24h', limit: 10 } } });
  await api.GET('/traces/export', { params: { header, query: { range: '1h', format: 'csv' } }, parseAs: 'text' });
  await api.GET('/traces/export', { params: { header, query: { range: '1h', format: 'jsonl', agent_id: 'support-bot' } }, parseAs: 'text' });
  // @ts-expect-error the export's format is csv or jsonl.
  await api.GET('/traces/export', { params: { header, query: { format: 'xml' } } });

  // Their errors: 400 (bad value, missing header, bucket count), 401, 403, 431.
  // @ts-expect-error the range is an enum.
  await api.GET('/usage/overview', { params: { header, query: { range: '2d' } } });
  // @ts-expect-error X-Workspace-ID is required.
  await api.GET('/usage/overview', { params: { query: window } });
  await api.GET('/usage/calls-over-time', { params: { header, query: { range: '30d', granularity: 'minute' } } });
  await api.PUT('/cost/budget', { params: { header }, body: { monthly_limit_usd: -5 } });
  await client('pk_unknown').GET('/cost/budget', { params: { header } });
  await api.GET('/cost/budget', { params: { header: { 'X-Workspace-ID': UNKNOWN_ID } } });
  await api.GET('/performance/overview', { params: { header, query: window }, headers: { 'X-Padding': 'x'.repeat(20 * 1024) } });

  // Evaluators: create (a rule and an LLM judge), read, list, delete; 400 and 404.
  const judge = { kind: 'llm' as const, llm: { provider: 'gemini' as const, model: 'gemini-2.0-flash', prompt: 'Rate {{output}}', api_key: 'AIza-typed-client' }, score: { type: 'numeric' as const } };
  await api.PUT('/evaluators/{name}', { params: { header, path: { name: 'helpfulness' } }, body: judge });
  await api.PUT('/evaluators/{name}', { params: { header, path: { name: 'is-json' } }, body: { kind: 'rule', rule: { type: 'json_valid' }, sample_rate: 0.5 } });
  await api.GET('/evaluators', { params: { header } });
  await api.GET('/evaluators/{name}', { params: { header, path: { name: 'helpfulness' } } });
  await api.DELETE('/evaluators/{name}', { params: { header, path: { name: 'is-json' } } });
  await api.DELETE('/evaluators/{name}', { params: { header, path: { name: 'is-json' } } });
  await api.GET('/evaluators/{name}', { params: { header, path: { name: 'is-json' } } });
  // @ts-expect-error a provider outside the enum does not compile.
  await api.PUT('/evaluators/{name}', { params: { header, path: { name: 'bad' } }, body: { ...judge, llm: { ...judge.llm, provider: 'anthropic' } } });

  // Last, as it spends the key's query budget: 429 with Retry-After.
  for (let i = 0; i <= target.queryLimit; i++) {
    const { response } = await api.GET('/cost/budget', { params: { header } });
    if (response.status === 429) break;
  }
  return answers;
}
