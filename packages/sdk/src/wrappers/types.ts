/** What the provider wrappers share: who a call is for, and what it used. */
import type { Pulse } from '../client.js';

/** Who the calls of a wrapped client are for. */
export interface CallAttribution {
  agentId: string;
  userId?: string | null;
  sessionId?: string | null;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

/** Set once per wrapped client; `pulse` defaults to one made from PULSE_API_KEY and PULSE_BASE_URL. */
export interface WrapOptions extends CallAttribution {
  pulse?: Pulse;
}

/** Per call, under the `pulse` key of the request (stripped before the provider sees it). */
export type CallOverrides = Partial<CallAttribution>;

/** Pulse's token counts: `input_tokens` includes the cached ones (docs/API_SPEC.md §2). */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}

/** What one finished call tells: the model that answered, its usage and its text. */
export interface CallResult {
  model?: string;
  usage?: Usage;
  output?: string;
  /** An answer that failed inside a stream (an `error` event): the call ends as an error. */
  error?: { type: string; message: string };
}

/** Reads one provider's stream: each event in, the call's result out. */
export interface StreamReader<Event> {
  /** Takes an event; true when it carries the first generated token. */
  read(event: Event): boolean;
  /** False for an event the caller never asked for (a usage-only chunk the wrapper requested). */
  show(event: Event): boolean;
  result(): CallResult;
}

/** How the wrappers read one provider API: its request, its answer, its stream. */
export interface ProviderApi<Params, Result, Event> {
  provider: string;
  api: string;
  /** The request as sent to the provider (e.g. with usage asked for in the stream). */
  prepare(params: Params): { params: Params; reader: () => StreamReader<Event> };
  prompt(params: Params): string | undefined;
  result(answer: Result): CallResult;
}
