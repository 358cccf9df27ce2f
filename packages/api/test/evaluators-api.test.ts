import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWorkspace, workspaceCall } from './harness.js';

/** PUT, GET, DELETE /evaluators/{name} and GET /evaluators (docs/API_SPEC.md §13). */

let srv: TestServer;
let ws: TestWorkspace;

const call = (method: string, path: string, body?: unknown) => workspaceCall(srv.url, ws, method, path, body);

const judge = {
  kind: 'llm',
  llm: { provider: 'openai', model: 'gpt-4o-mini', base_url: 'http://localhost:11434/v1', prompt: 'Rate: {{input}} -> {{output}}', api_key: 'sk-api-test-key-000111222' },
  score: { type: 'categorical', labels: ['good', 'bad'] },
  sample_rate: 0.25,
  filters: { agent_id: 'support-bot', tag: 'prod' },
  enabled: false,
};

beforeAll(async () => {
  srv = await startTestServer({ secretKey: 'evaluators-api-test-secret' });
  ws = await srv.createWorkspace('evaluators-api');
});
afterAll(async () => {
  await srv?.close();
});

describe('evaluator CRUD', () => {
  it('creates, reads, lists, replaces and deletes', async () => {
    const created = await call('PUT', '/evaluators/tone', judge);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({
      name: 'tone',
      kind: 'llm',
      llm: { provider: 'openai', model: 'gpt-4o-mini', base_url: 'http://localhost:11434/v1', prompt: 'Rate: {{input}} -> {{output}}', has_api_key: true },
      rule: null,
      score: { name: 'tone', type: 'categorical', labels: ['good', 'bad'] },
      sample_rate: 0.25,
      filters: { agent_id: 'support-bot', model: null, tag: 'prod' },
      enabled: false,
      status: { judged: 0, failed: 0, pending: 0, last_error: null, last_run_at: null },
    });
    expect(JSON.stringify(created.body)).not.toContain('sk-api-test-key');
    expect(created.body.created_at).toMatch(/Z$/);

    const rule = await call('PUT', '/evaluators/is-json', { kind: 'rule', rule: { type: 'json_valid' } });
    expect(rule.status).toBe(200);
    expect(rule.body).toMatchObject({ kind: 'rule', llm: null, rule: { type: 'json_valid', pattern: null }, score: { name: 'is-json', type: 'boolean', labels: null }, sample_rate: 1, enabled: true });

    expect((await call('GET', '/evaluators/tone')).body).toEqual(created.body);
    const list = await call('GET', '/evaluators');
    expect(list.body.data.map((e: { name: string }) => e.name)).toEqual(['is-json', 'tone']);

    // Replaced without api_key: the stored key stays; with null: removed.
    const { api_key: _key, ...llmWithoutKey } = judge.llm;
    const replaced = await call('PUT', '/evaluators/tone', { ...judge, llm: { ...llmWithoutKey, model: 'gpt-4o' }, score: { name: 'tone-v2', type: 'numeric' } });
    expect(replaced.body).toMatchObject({ llm: { model: 'gpt-4o', has_api_key: true }, score: { name: 'tone-v2', type: 'numeric', labels: null }, created_at: created.body.created_at });
    const keyless = await call('PUT', '/evaluators/tone', { ...judge, llm: { ...llmWithoutKey, api_key: null } });
    expect(keyless.body.llm.has_api_key).toBe(false);

    expect((await call('DELETE', '/evaluators/tone')).status).toBe(204);
    const gone = await call('GET', '/evaluators/tone');
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'NOT_FOUND', message: 'No evaluator tone in this workspace' });
    expect((await call('DELETE', '/evaluators/tone')).status).toBe(404);
    expect((await call('GET', '/evaluators')).body.data.map((e: { name: string }) => e.name)).toEqual(['is-json']);
  });
});

describe('validation: a 400 naming the field, nothing stored', () => {
  const llm = { provider: 'gemini', model: 'gemini-2.0-flash', prompt: 'Judge {{output}}' };
  const cases: Array<[string, string, unknown]> = [
    ['no kind', 'kind', { llm }],
    ['an unknown kind', 'kind', { kind: 'human', llm }],
    ['kind llm without llm', 'llm', { kind: 'llm' }],
    ['kind llm with a rule', 'rule', { kind: 'llm', llm, rule: { type: 'json_valid' } }],
    ['kind rule without rule', 'rule', { kind: 'rule' }],
    ['an unknown provider', 'llm.provider', { kind: 'llm', llm: { ...llm, provider: 'anthropic' } }],
    ['an empty model', 'llm.model', { kind: 'llm', llm: { ...llm, model: '' } }],
    ['a prompt without {{output}}', 'llm.prompt', { kind: 'llm', llm: { ...llm, prompt: 'Judge {{input}}' } }],
    ['a base_url that is not http(s)', 'llm.base_url', { kind: 'llm', llm: { ...llm, base_url: 'ftp://example.com' } }],
    ['an api_key that is not a string', 'llm.api_key', { kind: 'llm', llm: { ...llm, api_key: 42 } }],
    ['an unknown field in llm', 'llm', { kind: 'llm', llm: { ...llm, temperature: 0 } }],
    ['an unknown rule', 'rule.type', { kind: 'rule', rule: { type: 'is_polite' } }],
    ['regex_match without pattern', 'rule.pattern', { kind: 'rule', rule: { type: 'regex_match' } }],
    ['an invalid pattern', 'rule.pattern', { kind: 'rule', rule: { type: 'regex_match', pattern: '(unclosed' } }],
    ['output_length without bounds', 'rule.min_length', { kind: 'rule', rule: { type: 'output_length' } }],
    ['min_length above max_length', 'rule.max_length', { kind: 'rule', rule: { type: 'output_length', min_length: 10, max_length: 5 } }],
    ['a negative min_length', 'rule.min_length', { kind: 'rule', rule: { type: 'output_length', min_length: -1 } }],
    ['a numeric rule score', 'score.type', { kind: 'rule', rule: { type: 'json_valid' }, score: { type: 'numeric' } }],
    ['categorical without labels', 'score.labels', { kind: 'llm', llm, score: { type: 'categorical' } }],
    ['labels on a numeric score', 'score.labels', { kind: 'llm', llm, score: { type: 'numeric', labels: ['a'] } }],
    ['a bad score name', 'score.name', { kind: 'llm', llm, score: { type: 'numeric', name: 'has space' } }],
    ['sample_rate above 1', 'sample_rate', { kind: 'llm', llm, sample_rate: 1.5 }],
    ['sample_rate as a string', 'sample_rate', { kind: 'llm', llm, sample_rate: '0.5' }],
    ['an unknown filter', 'filters', { kind: 'llm', llm, filters: { user_id: 'u-1' } }],
    ['enabled as a string', 'enabled', { kind: 'llm', llm, enabled: 'yes' }],
    ['an unknown field', 'workspace_id', { kind: 'llm', llm, workspace_id: '0194f1c2-7a1e-7c3b-9f00-2d5e8a9b1c01' }],
  ];
  it.each(cases)('%s', async (_what, field, body) => {
    const res = await call('PUT', '/evaluators/invalid-one', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).join(' ') + res.body.message).toContain(field);
    expect((await call('GET', '/evaluators/invalid-one')).status).toBe(404);
  });

  it('a name outside [A-Za-z0-9_.-]{1,64} in the path', async () => {
    for (const name of ['has%20space', 'x'.repeat(65), 'caf%C3%A9']) {
      const put = await call('PUT', `/evaluators/${name}`, { kind: 'rule', rule: { type: 'json_valid' } });
      expect(put.status).toBe(400);
      expect(JSON.stringify(put.body.issues)).toContain('name');
      expect((await call('GET', `/evaluators/${name}`)).status).toBe(400);
      expect((await call('DELETE', `/evaluators/${name}`)).status).toBe(400);
    }
  });

  it('an unknown query parameter on the list', async () => {
    const res = await call('GET', '/evaluators?kind=llm');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('kind');
  });
});
