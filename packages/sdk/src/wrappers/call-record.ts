/** One provider call as one trace: timed from the request, recorded once, whatever way it ends. */
import type { Pulse } from '../client.js';
import { errorMessage, errorType } from './error-type.js';
import type { CallAttribution, CallOverrides, CallResult } from './types.js';

export interface CallContext {
  pulse: Pulse;
  options: CallAttribution;
  overrides: CallOverrides | undefined;
  provider: string;
  api: string;
  /** The model asked for (the answer may name a more exact one). */
  model: string | undefined;
  prompt: () => string | undefined;
}

export class CallRecord {
  private readonly started = performance.now();
  private firstTokenAt: number | undefined;
  private recorded = false;

  constructor(private readonly context: CallContext) {}

  firstToken(): void {
    this.firstTokenAt ??= performance.now();
  }

  succeed(result: CallResult): void {
    this.record(result, result.error);
  }

  fail(error: unknown): void {
    this.record({}, { type: errorType(error), message: errorMessage(error) });
  }

  private record(result: CallResult, error: CallResult['error']): void {
    if (this.recorded) return;
    this.recorded = true;
    const { pulse, options, overrides, provider, api, model, prompt } = this.context;
    const latency = performance.now() - this.started;
    const tags = [...new Set([...(options.tags ?? []), ...(overrides?.tags ?? [])])];
    pulse.trace({
      agent_id: overrides?.agentId ?? options.agentId,
      user_id: overrides?.userId ?? options.userId ?? null,
      session_id: overrides?.sessionId ?? options.sessionId ?? null,
      ...(tags.length > 0 ? { tags } : {}),
      model: result.model || model || 'unknown',
      status: error ? 'error' : 'success',
      latency_ms: latency,
      ...(this.firstTokenAt !== undefined ? { ttft_ms: Math.min(this.firstTokenAt - this.started, latency) } : {}),
      ...result.usage,
      ...(error ? { error_type: error.type, error_message: error.message } : {}),
      // Text is read only when it is sent.
      ...(pulse.capturesText ? { input: prompt() ?? null, output: result.output ?? null } : {}),
      metadata: { provider, api, ...options.metadata, ...overrides?.metadata },
    });
  }
}
