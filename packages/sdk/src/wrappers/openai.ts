/**
 * `wrapOpenAI(client, …)`: chat.completions.create and responses.create, plain and streamed,
 * reported to Pulse. Usage: `prompt_tokens` (which includes cached tokens, as Pulse's
 * input_tokens does) and `prompt_tokens_details.cached_tokens` as cache reads.
 */
import { defaultPulse } from '../default-client.js';
import { streamErrorType } from './error-type.js';
import { instrument } from './instrument.js';
import { intercept } from './intercept.js';
import { contentText, conversationText } from './text.js';
import type { CallResult, ProviderApi, StreamReader, Usage, WrapOptions } from './types.js';

interface ChatParams {
  model?: string;
  messages?: unknown;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
}
interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}
interface ChatCompletion {
  model?: string;
  choices?: Array<{ message?: { content?: unknown } | null }>;
  usage?: ChatUsage | null;
}
interface ChatChunk {
  model?: string;
  choices?: Array<{ delta?: { content?: string | null } | null }>;
  usage?: ChatUsage | null;
}

const chatUsage = (u: ChatUsage): Usage => ({
  input_tokens: u.prompt_tokens ?? 0,
  output_tokens: u.completion_tokens ?? 0,
  cache_read_tokens: u.prompt_tokens_details?.cached_tokens ?? 0,
  cache_write_tokens: 0,
});

export const chatCompletions: ProviderApi<ChatParams, ChatCompletion, ChatChunk> = {
  provider: 'openai',
  api: 'chat.completions',
  prepare(params) {
    // Usage comes in a stream only when asked for; when the wrapper asks, the caller never sees its chunk.
    const asked = params.stream_options?.include_usage === true;
    const request = asked ? params : { ...params, stream_options: { ...params.stream_options, include_usage: true } };
    return { params: request, reader: () => chatStreamReader(asked) };
  },
  prompt: (params) => conversationText(params.messages),
  result: (answer) => ({
    model: answer?.model,
    usage: answer?.usage ? chatUsage(answer.usage) : undefined,
    output: contentText(answer?.choices?.[0]?.message?.content) || undefined,
  }),
};

function chatStreamReader(callerAskedUsage: boolean): StreamReader<ChatChunk> {
  let model: string | undefined;
  let usage: Usage | undefined;
  let output = '';
  return {
    read(chunk) {
      model ??= chunk?.model;
      if (chunk?.usage) usage = chatUsage(chunk.usage);
      const text = chunk?.choices?.[0]?.delta?.content;
      if (typeof text !== 'string' || text === '') return false;
      const first = output === '';
      output += text;
      return first;
    },
    show: (chunk) => callerAskedUsage || !(chunk?.usage && (chunk.choices?.length ?? 0) === 0),
    result: (): CallResult => ({ model, usage, output: output || undefined }),
  };
}

interface ResponsesParams {
  model?: string;
  input?: unknown;
  instructions?: unknown;
  stream?: boolean;
}
interface ResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number } | null;
}
interface ResponseObject {
  model?: string;
  output_text?: string;
  output?: Array<{ content?: unknown }>;
  usage?: ResponsesUsage | null;
  error?: { code?: string; message?: string } | null;
}
interface ResponsesEvent {
  type?: string;
  delta?: unknown;
  response?: ResponseObject;
  message?: string;
  code?: string | null;
}

const responsesUsage = (u: ResponsesUsage): Usage => ({
  input_tokens: u.input_tokens ?? 0,
  output_tokens: u.output_tokens ?? 0,
  cache_read_tokens: u.input_tokens_details?.cached_tokens ?? 0,
  cache_write_tokens: 0,
});

/** `output_text` is a convenience of the SDK's parsed answers; the wire has only `output`. */
const responseText = (r: ResponseObject): string | undefined =>
  r.output_text || (r.output ?? []).map((item) => contentText(item?.content)).join('') || undefined;

const responseResult = (r: ResponseObject | undefined): CallResult => ({
  model: r?.model,
  usage: r?.usage ? responsesUsage(r.usage) : undefined,
  output: r ? responseText(r) : undefined,
});

export const responses: ProviderApi<ResponsesParams, ResponseObject, ResponsesEvent> = {
  provider: 'openai',
  api: 'responses',
  prepare: (params) => ({ params, reader: responsesStreamReader }),
  prompt: (params) => conversationText(params.input, params.instructions),
  result: responseResult,
};

function responsesStreamReader(): StreamReader<ResponsesEvent> {
  let output = '';
  let final: ResponseObject | undefined;
  let error: CallResult['error'];
  return {
    read(event) {
      if (event?.type === 'response.output_text.delta' && typeof event.delta === 'string' && event.delta !== '') {
        const first = output === '';
        output += event.delta;
        return first;
      }
      if (event?.type === 'response.completed' || event?.type === 'response.incomplete') final = event.response;
      if (event?.type === 'response.failed') {
        final = event.response;
        error = { type: streamErrorType(final?.error?.code), message: final?.error?.message ?? 'response failed' };
      }
      if (event?.type === 'error')
        error = { type: streamErrorType(event.code), message: event.message ?? 'stream error' };
      return false;
    },
    show: () => true,
    result: () => ({ ...responseResult(final), output: output || (final && responseText(final)) || undefined, error }),
  };
}

/** `client` with its chat completions and responses reported to Pulse; the client itself is unchanged. */
export function wrapOpenAI<T extends object>(client: T, options: WrapOptions): T {
  const { pulse = defaultPulse(), ...attribution } = options;
  return intercept(client, {
    'chat.completions.create': instrument(pulse, attribution, chatCompletions),
    'responses.create': instrument(pulse, attribution, responses),
  });
}
