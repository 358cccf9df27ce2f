import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pulse, withPulse, wrapAnthropic, wrapOpenAI } from '../src/index.js';
import { FIRST_TOKEN_DELAY_MS, type ProviderServer, startProviderServer } from './provider-server.js';
import { type SdkTestPulse, startPulse, type StoredTrace } from './pulse-server.js';

let pulse: SdkTestPulse;
let provider: ProviderServer;

beforeAll(async () => {
  [pulse, provider] = await Promise.all([startPulse(), startProviderServer()]);
});
afterAll(async () => {
  await provider?.close();
  await pulse?.close();
});

/** A workspace, a Pulse client for it, and the real provider SDKs pointed at the local server. */
async function setup(captureText = true) {
  const w = await pulse.workspace();
  const client = new Pulse({
    apiKey: w.apiKey,
    baseUrl: pulse.url,
    flushIntervalMs: 10,
    captureText,
    onError: (e) => console.error(e),
  });
  const attribution = { pulse: client, agentId: 'support-bot', userId: 'u-1', sessionId: 's-1', tags: ['prod'] };
  const openai = wrapOpenAI(
    new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.url}/v1`, maxRetries: 0 }),
    attribution,
  );
  const anthropic = wrapAnthropic(
    new Anthropic({ apiKey: 'sk-ant-test', baseURL: provider.url, maxRetries: 0 }),
    attribution,
  );
  /** What Pulse stored, once the client has sent it. */
  const stored = async (): Promise<StoredTrace[]> => {
    await new Promise((r) => setTimeout(r, 5));
    await client.flush();
    return pulse.stored(w.workspaceId);
  };
  return { client, openai, anthropic, stored };
}

const ask = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Say hello' },
];

describe('wrapOpenAI with the real openai package', () => {
  it('chat.completions.create: model, tokens with cached tokens, text, attribution; the answer untouched', async () => {
    const { openai, stored } = await setup();
    const answer = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: ask });
    expect(answer.choices[0]!.message.content).toBe('Hello there!');
    const [trace] = await stored();
    expect(trace).toMatchObject({
      agent_id: 'support-bot',
      user_id: 'u-1',
      session_id: 's-1',
      tags: ['prod'],
      model: 'gpt-4o-mini-2024-07-18',
      is_error: 0,
      input_tokens: 120,
      output_tokens: 8,
      cache_read_tokens: 64,
      cache_write_tokens: 0,
      ttft_ms: null,
      input: 'system: Be brief.\n\nuser: Say hello',
      output: 'Hello there!',
      metadata: { provider: 'openai', api: 'chat.completions' },
    });
    expect(trace!.latency_ms).toBeGreaterThan(0);
  });

  it('chat.completions.create streamed: usage asked for and its chunk hidden, time to first token, per-call overrides stripped', async () => {
    const { openai, stored } = await setup();
    const stream = await openai.chat.completions.create(
      withPulse(
        { model: 'gpt-4o-mini', messages: ask, stream: true },
        { userId: 'u-2', sessionId: 's-9', tags: ['beta'] },
      ),
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    // The caller sees the stream it asked for: no usage-only chunk it did not request.
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe('Hello there!');
    const request = provider.requests.at(-1)!.body;
    expect(request).not.toHaveProperty('pulse');
    expect(request.stream_options).toEqual({ include_usage: true });
    const [trace] = await stored();
    expect(trace).toMatchObject({
      user_id: 'u-2',
      session_id: 's-9',
      tags: ['prod', 'beta'],
      input_tokens: 120,
      output_tokens: 8,
      cache_read_tokens: 64,
      output: 'Hello there!',
    });
    expect(trace!.ttft_ms).toBeGreaterThanOrEqual(FIRST_TOKEN_DELAY_MS - 5);
    expect(trace!.ttft_ms).toBeLessThanOrEqual(trace!.latency_ms);
  });

  it('responses.create, plain and streamed', async () => {
    const { openai, stored } = await setup();
    const plain = await openai.responses.create({ model: 'gpt-4.1', input: 'Hi', instructions: 'Be kind' });
    expect(plain.output_text).toBe('Hi from responses');
    const stream = await openai.responses.create({
      model: 'gpt-4.1',
      input: [{ role: 'user', content: 'Hi again' }],
      stream: true,
    });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe('Hi from responses');
    const traces = await stored();
    expect(traces).toHaveLength(2);
    for (const trace of traces) {
      expect(trace).toMatchObject({
        model: 'gpt-4.1-2025-04-14',
        input_tokens: 50,
        output_tokens: 5,
        cache_read_tokens: 10,
        output: 'Hi from responses',
        metadata: { provider: 'openai', api: 'responses' },
      });
    }
    expect(traces.map((t) => t.input).sort()).toEqual(['system: Be kind\n\nuser: Hi', 'user: Hi again']);
    expect(traces.filter((t) => t.ttft_ms !== null)).toHaveLength(1);
  });

  it('errors are traced with their type and still reach the caller; withResponse() still works', async () => {
    const { openai, stored } = await setup();
    await expect(openai.chat.completions.create({ model: 'gpt-4o-rate-limited', messages: ask })).rejects.toMatchObject(
      { status: 429 },
    );
    await expect(openai.responses.create({ model: 'gpt-4o-too-long', input: 'x' })).rejects.toMatchObject({
      status: 400,
    });
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: ask })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.usage?.prompt_tokens).toBe(120);
    const traces = await stored();
    expect(traces.map((t) => [t.model, t.is_error, t.error_type])).toEqual(
      expect.arrayContaining([
        ['gpt-4o-rate-limited', 1, 'rate_limit'],
        ['gpt-4o-too-long', 1, 'context_length_exceeded'],
        ['gpt-4o-mini-2024-07-18', 0, null],
      ]),
    );
  });
});

describe('wrapAnthropic with the real @anthropic-ai/sdk package', () => {
  it('messages.create: cache tokens counted into input_tokens', async () => {
    const { anthropic, stored } = await setup();
    const answer = await anthropic.messages.create({
      model: 'claude-house',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(answer.content[0]).toMatchObject({ type: 'text', text: 'Bonjour!' });
    const [trace] = await stored();
    expect(trace).toMatchObject({
      model: 'claude-house-20250929',
      input_tokens: 150,
      output_tokens: 7,
      cache_read_tokens: 100,
      cache_write_tokens: 30,
      input: 'system: Be brief.\n\nuser: Say hello',
      output: 'Bonjour!',
      metadata: { provider: 'anthropic', api: 'messages' },
    });
  });

  it('messages.create streamed: usage from message_start and message_delta, time to first token', async () => {
    const { anthropic, stored } = await setup();
    const stream = await anthropic.messages.create({
      model: 'claude-house',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
    });
    let text = '';
    for await (const event of stream)
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    expect(text).toBe('Bonjour!');
    const [trace] = await stored();
    expect(trace).toMatchObject({
      input_tokens: 150,
      output_tokens: 7,
      cache_read_tokens: 100,
      cache_write_tokens: 30,
      output: 'Bonjour!',
    });
    expect(trace!.ttft_ms).toBeGreaterThanOrEqual(FIRST_TOKEN_DELAY_MS - 5);
  });

  it('errors by type; a stream left early is traced with what was read', async () => {
    const { anthropic, stored } = await setup();
    for (const model of ['claude-rate-limited', 'claude-too-long', 'claude-overloaded']) {
      await expect(
        anthropic.messages.create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toBeTruthy();
    }
    const stream = await anthropic.messages.create({
      model: 'claude-haiku',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const event of stream) if (event.type === 'content_block_delta') break;
    const traces = await stored();
    expect(traces.map((t) => [t.model, t.error_type])).toEqual(
      expect.arrayContaining([
        ['claude-rate-limited', 'rate_limit'],
        ['claude-too-long', 'context_length_exceeded'],
        ['claude-overloaded', 'server_error'],
        ['claude-haiku-20250929', null],
      ]),
    );
    expect(traces.find((t) => t.model === 'claude-haiku-20250929')).toMatchObject({ input_tokens: 150, output: 'Bon' });
  });

  it('captureText: false sends no prompt or completion text', async () => {
    const { anthropic, openai, stored } = await setup(false);
    await anthropic.messages.create({
      model: 'claude-house',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'my secret' }],
    });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: ask });
    const traces = await stored();
    expect(traces).toHaveLength(2);
    for (const trace of traces) expect(trace).toMatchObject({ input: null, output: null });
  });
});
