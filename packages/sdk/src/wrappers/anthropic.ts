/**
 * `wrapAnthropic(client, …)`: messages.create, plain and streamed, reported to Pulse.
 * Anthropic's `input_tokens` leaves out the cached prompt; Pulse's input_tokens includes it, so
 * input = input_tokens + cache_read_input_tokens + cache_creation_input_tokens.
 */
import { defaultPulse } from '../default-client.js';
import { streamErrorType } from './error-type.js';
import { instrument } from './instrument.js';
import { intercept } from './intercept.js';
import { contentText, conversationText } from './text.js';
import type { CallResult, ProviderApi, StreamReader, Usage, WrapOptions } from './types.js';

interface MessagesParams {
  model?: string;
  system?: unknown;
  messages?: unknown;
  stream?: boolean;
}
interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}
interface Message {
  model?: string;
  content?: unknown;
  usage?: AnthropicUsage | null;
}
interface MessageEvent {
  type?: string;
  message?: Message;
  delta?: { type?: string; text?: string } | null;
  usage?: AnthropicUsage | null;
  error?: { type?: string; message?: string } | null;
}

const toUsage = (u: AnthropicUsage): Usage => {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  return {
    input_tokens: (u.input_tokens ?? 0) + cacheRead + cacheWrite,
    output_tokens: u.output_tokens ?? 0,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
  };
};

export const messages: ProviderApi<MessagesParams, Message, MessageEvent> = {
  provider: 'anthropic',
  api: 'messages',
  prepare: (params) => ({ params, reader: messagesStreamReader }),
  prompt: (params) => conversationText(params.messages, params.system),
  result: (answer) => ({
    model: answer?.model,
    usage: answer?.usage ? toUsage(answer.usage) : undefined,
    output: contentText(answer?.content) || undefined,
  }),
};

/** message_start holds the input usage, message_delta the running output count (and, lately, input too). */
function messagesStreamReader(): StreamReader<MessageEvent> {
  let model: string | undefined;
  let usage: AnthropicUsage = {};
  let output = '';
  let error: CallResult['error'];
  const merge = (next: AnthropicUsage | null | undefined) => {
    if (!next) return;
    for (const [key, value] of Object.entries(next)) if (typeof value === 'number') usage = { ...usage, [key]: value };
  };
  return {
    read(event) {
      if (event?.type === 'message_start') {
        model = event.message?.model;
        merge(event.message?.usage);
      } else if (event?.type === 'message_delta') merge(event.usage);
      else if (event?.type === 'error')
        error = { type: streamErrorType(event.error?.type), message: event.error?.message ?? 'stream error' };
      else if (event?.type === 'content_block_delta' && event.delta?.type === 'text_delta' && event.delta.text) {
        const first = output === '';
        output += event.delta.text;
        return first;
      }
      return false;
    },
    show: () => true,
    result: () => ({
      model,
      usage: Object.keys(usage).length > 0 ? toUsage(usage) : undefined,
      output: output || undefined,
      error,
    }),
  };
}

/** `client` with its messages reported to Pulse; the client itself is unchanged. */
export function wrapAnthropic<T extends object>(client: T, options: WrapOptions): T {
  const { pulse = defaultPulse(), ...attribution } = options;
  return intercept(client, { 'messages.create': instrument(pulse, attribution, messages) });
}
