/**
 * A local server speaking the OpenAI (chat completions, responses) and Anthropic (messages)
 * wire formats, plain JSON and server-sent events, for the real provider SDKs to talk to. The
 * model asked for picks an answer: `*-rate-limited` a 429, `*-too-long` a context-length error.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Before the first token of a stream: long enough for time to first token to be measurable. */
export const FIRST_TOKEN_DELAY_MS = 40;

export interface ProviderServer {
  url: string;
  /** The request bodies received, by path. */
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sse(res: ServerResponse, events: Array<{ event?: string; data: unknown }>, done = false) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [i, e] of events.entries()) {
    if (i === 1) await sleep(FIRST_TOKEN_DELAY_MS);
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  }
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const openaiError = (res: ServerResponse, model: string) => {
  if (model.endsWith('-rate-limited'))
    json(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } });
  else if (model.endsWith('-too-long'))
    json(res, 400, {
      error: {
        message: "This model's maximum context length is 128000 tokens.",
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
      },
    });
  else return false;
  return true;
};

const chatUsage = {
  prompt_tokens: 120,
  completion_tokens: 8,
  total_tokens: 128,
  prompt_tokens_details: { cached_tokens: 64 },
};

function chat(res: ServerResponse, body: Record<string, unknown>) {
  const model = String(body.model);
  if (openaiError(res, model)) return;
  const answered = `${model}-2024-07-18`;
  const base = { id: 'chatcmpl-1', created: 1_764_000_000, model: answered };
  if (body.stream !== true) {
    return json(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there!', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: chatUsage,
    });
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    data: {
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    },
  });
  const events: Array<{ data: unknown }> = [
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'Hello' }),
    chunk({ content: ' there!' }),
    chunk({}, 'stop'),
  ];
  if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage)
    events.push({ data: { ...base, object: 'chat.completion.chunk', choices: [], usage: chatUsage } });
  return sse(res, events, true);
}

function responses(res: ServerResponse, body: Record<string, unknown>) {
  const model = String(body.model);
  if (openaiError(res, model)) return;
  const response = {
    id: 'resp_1',
    object: 'response',
    created_at: 1_764_000_000,
    model: `${model}-2025-04-14`,
    status: 'completed',
    output: [
      {
        type: 'message',
        id: 'msg_1',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hi from responses', annotations: [] }],
      },
    ],
    usage: {
      input_tokens: 50,
      output_tokens: 5,
      total_tokens: 55,
      input_tokens_details: { cached_tokens: 10 },
      output_tokens_details: { reasoning_tokens: 0 },
    },
  };
  if (body.stream !== true) return json(res, 200, response);
  const delta = (text: string, n: number) => ({
    event: 'response.output_text.delta',
    data: {
      type: 'response.output_text.delta',
      sequence_number: n,
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: text,
    },
  });
  return sse(res, [
    {
      event: 'response.created',
      data: {
        type: 'response.created',
        sequence_number: 0,
        response: { ...response, status: 'in_progress', output: [], usage: null },
      },
    },
    delta('Hi from', 1),
    delta(' responses', 2),
    { event: 'response.completed', data: { type: 'response.completed', sequence_number: 3, response } },
  ]);
}

function messages(res: ServerResponse, body: Record<string, unknown>) {
  const model = String(body.model);
  const error = (status: number, type: string, message: string) =>
    json(res, status, { type: 'error', error: { type, message } });
  if (model.endsWith('-rate-limited'))
    return error(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit');
  if (model.endsWith('-too-long'))
    return error(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum');
  if (model.endsWith('-overloaded')) return error(529, 'overloaded_error', 'Overloaded');
  const usage = { input_tokens: 20, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 30 };
  const message = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: `${model}-20250929`,
    content: [{ type: 'text', text: 'Bonjour!' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  };
  if (body.stream !== true) return json(res, 200, message);
  const event = (data: { type: string } & Record<string, unknown>) => ({ event: data.type, data });
  return sse(res, [
    event({
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
    }),
    event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Bon' } }),
    event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'jour!' } }),
    event({ type: 'content_block_stop', index: 0 }),
    event({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 7 },
    }),
    event({ type: 'message_stop' }),
  ]);
}

const ROUTES: Record<string, (res: ServerResponse, body: Record<string, unknown>) => unknown> = {
  '/v1/chat/completions': chat,
  '/v1/responses': responses,
  '/v1/messages': messages,
};

export async function startProviderServer(): Promise<ProviderServer> {
  const requests: ProviderServer['requests'] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      requests.push({ path, body });
      const route = ROUTES[path];
      if (!route) return json(res, 404, { error: { message: `no route ${path}` } });
      void route(res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
