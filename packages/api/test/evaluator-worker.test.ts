import { callCostNanos, catalogPrices, EVALUATOR_AGENT_ID } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDraw } from '../src/evaluators/sampling.js';
import { drainEvaluators, evaluatorRunDeps } from '../src/evaluators/worker.js';
import type { EvaluatorRunDeps } from '../src/evaluators/run-evaluator.js';
import { createLogger } from '../src/logger.js';
import { type FakeJudge, startFakeJudge } from './fake-judge.js';
import { makeTrace, sendInBatches, startTestServer, type TestServer } from './harness.js';

/**
 * The evaluator worker (docs/API_SPEC.md §13) against a real database and a local HTTP server
 * speaking the Gemini and OpenAI wire formats: judgments, retries, failures, sampling, and the
 * provider key kept out of every answer and every log line.
 */

const OPENAI_KEY = 'sk-test-evaluator-key-0123456789abcdef';
const GEMINI_ENV_KEY = 'AIza-test-env-key-fedcba9876543210';
const logLines: string[] = [];
let srv: TestServer;
let judge: FakeJudge;
let deps: EvaluatorRunDeps;

interface Ws {
  workspace_id: string;
  api_key: string;
}

async function putEvaluator(ws: Ws, name: string, body: Record<string, unknown>) {
  const res = await fetch(`${srv.url}/api/v1/evaluators/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

async function getEvaluator(ws: Ws, name: string) {
  const res = await fetch(`${srv.url}/api/v1/evaluators/${name}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

async function ingest(ws: Ws, traces: Array<Record<string, unknown>>) {
  await sendInBatches(srv.url, ws.api_key, traces);
}

const withText = (overrides: Record<string, unknown> = {}) => makeTrace({ input: 'How do I reset my password?', output: 'Open Settings, then Security, then Reset.', ...overrides });

async function scoresOf(ws: Ws, name: string) {
  return srv.database.rows<{ trace_id: string; source: string; type: string; numeric_value: number | null; categorical_value: string | null; comment: string | null }>(
    sql`select trace_id, source, type, numeric_value, categorical_value, comment from scores where workspace_id = ${ws.workspace_id}::uuid and name = ${name} order by trace_id`,
  );
}

async function judgeTraces(ws: Ws) {
  return srv.database.rows<{ model: string; status: number; input_tokens: number; output_tokens: number; cost: string; error_type: string | null; metadata: any }>(
    sql`select model, is_error as status, input_tokens, output_tokens, cost_nanos::text as cost, error_type, metadata from traces
        where workspace_id = ${ws.workspace_id}::uuid and agent_id = ${EVALUATOR_AGENT_ID} order by id`,
  );
}

const openaiJudge = (extra: Record<string, unknown> = {}) => ({
  kind: 'llm',
  llm: { provider: 'openai', model: 'gpt-4o-mini', base_url: judge.url, prompt: 'Q: {{input}}\nA: {{output}}\nIs the answer helpful?', api_key: OPENAI_KEY },
  ...extra,
});
const geminiJudge = (extra: Record<string, unknown> = {}) => ({
  kind: 'llm',
  llm: { provider: 'gemini', model: 'gemini-2.0-flash', prompt: 'Judge this answer: {{output}} to {{input}}' },
  ...extra,
});

beforeAll(async () => {
  judge = await startFakeJudge();
  const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
  srv = await startTestServer(
    {
      secretKey: 'evaluator-test-secret',
      evaluatorSettleMs: 0,
      evaluatorRequestsPerMin: 0,
      judges: { gemini: { apiKey: GEMINI_ENV_KEY, baseUrl: judge.url }, openai: { apiKey: undefined, baseUrl: 'http://127.0.0.1:9' } },
    },
    { logger },
  );
  deps = evaluatorRunDeps({
    database: srv.database,
    config: srv.config,
    logger,
    onWorkspaceWrite: (ws) => srv.cache.bumpVersion(ws),
    retry: { attempts: 4, backoffMs: 50, maxDelayMs: 5_000, timeoutMs: 5_000 },
  });
});
afterAll(async () => {
  await srv?.close();
  await judge?.close();
});

describe('LLM judges', () => {
  it('OpenAI wire: judges each new call once, scores it, and records the judge call as a priced trace', async () => {
    const ws = await srv.createWorkspace('openai');
    await putEvaluator(ws, 'helpfulness', openaiJudge());
    const before = judge.requests.length;
    await ingest(ws, [withText(), withText(), withText({ input: null })]);
    expect((await getEvaluator(ws, 'helpfulness')).status.pending).toBe(2);
    await drainEvaluators(deps);

    const seen = judge.requests.slice(before);
    expect(seen).toHaveLength(2);
    for (const r of seen) {
      expect(r.path).toBe('/chat/completions');
      expect(r.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
      expect(r.body.model).toBe('gpt-4o-mini');
      expect(r.body.response_format).toEqual({ type: 'json_object' });
      expect(r.body.messages[0].role).toBe('user');
      expect(r.body.messages[0].content).toContain('Q: How do I reset my password?\nA: Open Settings, then Security, then Reset.');
      expect(r.body.messages[0].content).toContain('"score"');
    }
    const scores = await scoresOf(ws, 'helpfulness');
    expect(scores).toHaveLength(2);
    for (const s of scores) expect(s).toMatchObject({ source: 'llm', type: 'numeric', numeric_value: 0.8, categorical_value: null, comment: 'clear and correct' });

    const calls = await judgeTraces(ws);
    expect(calls).toHaveLength(2);
    const prices = catalogPrices('gpt-4o-mini');
    expect(prices).toBeDefined();
    const price = { costNanos: callCostNanos(prices!, { inputTokens: 120, outputTokens: 30, cacheReadTokens: 0, cacheWriteTokens: 0 }) };
    for (const c of calls) {
      expect(c).toMatchObject({ model: 'gpt-4o-mini', status: 0, input_tokens: 120, output_tokens: 30, error_type: null });
      expect(c.metadata.evaluator).toBe('helpfulness');
      expect(BigInt(c.cost)).toBe(price.costNanos);
    }
    const status = (await getEvaluator(ws, 'helpfulness')).status;
    expect(status).toMatchObject({ judged: 2, failed: 0, pending: 0, last_error: null });

    // Nothing is judged twice.
    await drainEvaluators(deps);
    expect(judge.requests.length).toBe(before + 2);
  });

  it('Gemini wire: the key from GEMINI_API_KEY in x-goog-api-key, JSON mode, usageMetadata tokens', async () => {
    const ws = await srv.createWorkspace('gemini');
    await putEvaluator(ws, 'correct', geminiJudge({ score: { type: 'boolean' } }));
    judge.verdict = '{"score": true, "reason": "accurate"}';
    const before = judge.requests.length;
    await ingest(ws, [withText()]);
    await drainEvaluators(deps);
    judge.verdict = '{"score": 0.8, "reason": "clear and correct"}';
    const [r] = judge.requests.slice(before);
    expect(r!.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(r!.headers['x-goog-api-key']).toBe(GEMINI_ENV_KEY);
    expect(r!.body.generationConfig).toEqual({ responseMimeType: 'application/json' });
    expect(r!.body.contents[0].role).toBe('user');
    expect(r!.body.contents[0].parts[0].text).toContain('Judge this answer: Open Settings, then Security, then Reset. to How do I reset my password?');
    expect(await scoresOf(ws, 'correct')).toMatchObject([{ source: 'llm', type: 'boolean', numeric_value: 1, comment: 'accurate' }]);
    expect(await judgeTraces(ws)).toMatchObject([{ model: 'gemini-2.0-flash', input_tokens: 120, output_tokens: 30, status: 0 }]);
  });

  it('a 429 is retried after Retry-After (OpenAI) or RetryInfo retryDelay (Gemini), then succeeds', async () => {
    const ws = await srv.createWorkspace('rate-limited');
    await putEvaluator(ws, 'oa', openaiJudge({ filters: { agent_id: 'oa-agent' } }));
    await putEvaluator(ws, 'gm', geminiJudge({ filters: { agent_id: 'gm-agent' } }));
    await ingest(ws, [withText({ agent_id: 'oa-agent' })]);
    let before = judge.requests.length;
    judge.script.push({ status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"message":"Rate limit reached","type":"requests"}}' });
    await drainEvaluators(deps);
    let seen = judge.requests.slice(before);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(await scoresOf(ws, 'oa')).toHaveLength(1);

    await ingest(ws, [withText({ agent_id: 'gm-agent' })]);
    before = judge.requests.length;
    judge.script.push({
      status: 429,
      body: JSON.stringify({
        error: {
          code: 429,
          message: 'Resource has been exhausted',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.4s' }],
        },
      }),
    });
    await drainEvaluators(deps);
    seen = judge.requests.slice(before);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(400);
    expect(await scoresOf(ws, 'gm')).toHaveLength(1);
    expect((await getEvaluator(ws, 'gm')).status).toMatchObject({ judged: 1, failed: 0 });
  });

  it('a 500 is retried with backoff, then succeeds', async () => {
    const ws = await srv.createWorkspace('server-error');
    await putEvaluator(ws, 'helpfulness', openaiJudge());
    await ingest(ws, [withText()]);
    const before = judge.requests.length;
    judge.script.push({ status: 500, body: '{"error":{"message":"The server had an error"}}' }, { status: 503, body: 'upstream down' });
    await drainEvaluators(deps);
    expect(judge.requests.length - before).toBe(3);
    expect(await scoresOf(ws, 'helpfulness')).toHaveLength(1);
    expect((await judgeTraces(ws)).map((c) => c.status)).toEqual([0]);
  });

  it('an answer that is not a verdict is a recorded failure, not a crash', async () => {
    const ws = await srv.createWorkspace('malformed');
    await putEvaluator(ws, 'helpfulness', openaiJudge());
    await ingest(ws, [withText(), withText(), withText()]);
    judge.script.push(
      { status: 200, body: () => ({ choices: [{ message: { content: 'The answer is good.' } }], usage: { prompt_tokens: 50, completion_tokens: 5 } }) },
      { status: 200, body: () => ({ choices: [{ message: { content: '{"score": 7, "reason": "out of range"}' } }], usage: { prompt_tokens: 50, completion_tokens: 9 } }) },
      { status: 200, body: '{"choices": [' },
    );
    await drainEvaluators(deps);
    const status = (await getEvaluator(ws, 'helpfulness')).status;
    expect(status).toMatchObject({ judged: 0, failed: 3, pending: 0 });
    expect(status.last_error).toMatch(/openai answered without a judgment/);
    expect(await scoresOf(ws, 'helpfulness')).toHaveLength(0);
    const calls = await judgeTraces(ws);
    expect(calls.map((c) => [c.status, c.error_type])).toEqual([
      [1, 'unparseable_verdict'],
      [1, 'unparseable_verdict'],
      [1, 'bad_answer'],
    ]);
    expect(calls[0]).toMatchObject({ input_tokens: 50, output_tokens: 5 });
  });

  it('stopping mid-batch keeps the cursor right after the last judgment: the rest is judged later, once', async () => {
    const ws = await srv.createWorkspace('stopping');
    await putEvaluator(ws, 'helpfulness', openaiJudge());
    await ingest(ws, [withText(), withText(), withText()]);
    const stop = new AbortController();
    const before = judge.requests.length;
    // The first judgment stops the worker, as a shutdown would while it waits for the provider.
    judge.script.push({ status: 200, body: () => (stop.abort(), { choices: [{ message: { content: '{"score": 1}' } }], usage: { prompt_tokens: 1, completion_tokens: 1 } }) });
    await drainEvaluators({ ...deps, stopping: stop.signal });
    expect(judge.requests.length - before).toBe(1);
    expect((await getEvaluator(ws, 'helpfulness')).status).toMatchObject({ judged: 1, pending: 2 });
    await drainEvaluators(deps);
    expect(judge.requests.length - before).toBe(3);
    expect(await scoresOf(ws, 'helpfulness')).toHaveLength(3);
  });

  it('a categorical judge takes only its labels', async () => {
    const ws = await srv.createWorkspace('categorical');
    await putEvaluator(ws, 'tone', openaiJudge({ score: { type: 'categorical', labels: ['friendly', 'neutral', 'rude'] } }));
    await ingest(ws, [withText()]);
    judge.verdict = '{"score": "friendly", "reason": "warm"}';
    await drainEvaluators(deps);
    judge.verdict = '{"score": 0.8, "reason": "clear and correct"}';
    expect(await scoresOf(ws, 'tone')).toMatchObject([{ type: 'categorical', categorical_value: 'friendly', numeric_value: null }]);
  });
});

describe('sampling', () => {
  it('selects exactly the calls whose draw is below the rate, within statistical bounds over 10,000 calls', async () => {
    const ws = await srv.createWorkspace('sampling');
    await putEvaluator(ws, 'json-ok', { kind: 'rule', rule: { type: 'json_valid' }, sample_rate: 0.3 });
    const traces = Array.from({ length: 10_000 }, (_, i) => withText({ trace_id: `s-${i}`, output: i % 2 === 0 ? '{"ok":true}' : 'plain text' }));
    await ingest(ws, traces);
    const expected = traces.map((t) => String(t.trace_id)).filter((id) => sampleDraw('json-ok', id) < 0.3).sort();
    expect((await getEvaluator(ws, 'json-ok')).status.pending).toBe(expected.length);
    await drainEvaluators(deps);
    const scored = (await scoresOf(ws, 'json-ok')).map((s) => s.trace_id);
    expect(scored).toEqual(expected);
    // Binomial(10000, 0.3): mean 3000, sd ≈ 45.8; 5 sd either side.
    expect(scored.length).toBeGreaterThan(3000 - 230);
    expect(scored.length).toBeLessThan(3000 + 230);
    // Deterministic: the same draw every time, on any replica.
    expect(sampleDraw('json-ok', 's-1')).toBe(sampleDraw('json-ok', 's-1'));
    expect((await getEvaluator(ws, 'json-ok')).status).toMatchObject({ judged: expected.length, pending: 0 });
  });

  it('filters by agent, model and tag; judges only calls stored after the evaluator was created', async () => {
    const ws = await srv.createWorkspace('filters');
    await ingest(ws, [withText({ agent_id: 'a', model: 'gpt-4o', tags: ['t'] })]);
    await putEvaluator(ws, 'short', { kind: 'rule', rule: { type: 'output_length', max_length: 10 }, filters: { agent_id: 'a', model: 'gpt-4o', tag: 't' } });
    await ingest(ws, [
      withText({ trace_id: 'match', agent_id: 'a', model: 'gpt-4o', tags: ['t', 'u'] }),
      // Received now with an old timestamp: judged all the same (the cursor follows reception).
      withText({ trace_id: 'match-late', timestamp: new Date(Date.now() - 3 * 86_400_000).toISOString(), agent_id: 'a', model: 'gpt-4o', tags: ['t'], output: 'short' }),
      withText({ agent_id: 'b', model: 'gpt-4o', tags: ['t'] }),
      withText({ agent_id: 'a', model: 'gpt-4o-mini', tags: ['t'] }),
      withText({ agent_id: 'a', model: 'gpt-4o', tags: ['u'] }),
    ]);
    await drainEvaluators(deps);
    expect(await scoresOf(ws, 'short')).toMatchObject([
      { trace_id: 'match', source: 'rule', type: 'boolean', numeric_value: 0 },
      { trace_id: 'match-late', source: 'rule', type: 'boolean', numeric_value: 1 },
    ]);
  });
});

describe('the provider key', () => {
  it('is in no API answer and in no log line, even when the provider echoes it', async () => {
    const ws = await srv.createWorkspace('secret');
    const answers: string[] = [];
    const put = await putEvaluator(ws, 'helpfulness', openaiJudge());
    answers.push(JSON.stringify(put));
    expect(put.llm.has_api_key).toBe(true);
    expect(put.llm).not.toHaveProperty('api_key');
    // Replaced without a key: the stored one is kept.
    const { api_key: _omitted, ...withoutKey } = openaiJudge().llm;
    answers.push(JSON.stringify(await putEvaluator(ws, 'helpfulness', { kind: 'llm', llm: withoutKey })));
    await ingest(ws, [withText()]);
    judge.script.push({ status: 401, body: (wire) => ({ error: { message: `Incorrect API key provided: ${wire === 'openai' ? OPENAI_KEY : ''}` } }) });
    await drainEvaluators(deps);
    const evaluator = await getEvaluator(ws, 'helpfulness');
    answers.push(JSON.stringify(evaluator));
    expect(evaluator.llm.has_api_key).toBe(true);
    expect(evaluator.status.failed).toBe(1);
    expect(evaluator.status.last_error).toContain('[redacted]');
    for (const path of ['/api/v1/evaluators', '/trpc/evaluators.list', '/api/v1/evaluators/helpfulness']) {
      const res = await fetch(`${srv.url}${path}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
      answers.push(await res.text());
    }
    const [row] = await srv.database.rows<{ sealed: string }>(sql`select api_key_sealed as sealed from evaluators where workspace_id = ${ws.workspace_id}::uuid`);
    expect(row!.sealed).toMatch(/^v1\./);
    expect(logLines.join('\n')).toContain('evaluator judgments failed');
    for (const text of [...answers, ...logLines, row!.sealed]) expect(text).not.toContain(OPENAI_KEY);
    expect(logLines.join('\n')).not.toContain(GEMINI_ENV_KEY);

    // api_key null removes it: the env key (none for OpenAI here) is used, and the judgment fails naming it.
    const removed = await putEvaluator(ws, 'helpfulness', { kind: 'llm', llm: { ...withoutKey, api_key: null } });
    expect(removed.llm.has_api_key).toBe(false);
    await ingest(ws, [withText()]);
    await drainEvaluators(deps);
    expect((await getEvaluator(ws, 'helpfulness')).status.last_error).toBe('no openai API key: set llm.api_key or OPENAI_API_KEY');
  });
});
