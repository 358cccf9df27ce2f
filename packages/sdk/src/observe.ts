/**
 * `observe(fn, meta)`: any call (another provider, a local model, a tool) as a trace. The
 * function's answer or error is the caller's, unchanged; what it used is read by `meta.usage`.
 */
import type { Pulse } from './client.js';
import { defaultPulse } from './default-client.js';
import { errorMessage, errorType } from './wrappers/error-type.js';
import type { CallAttribution, Usage } from './wrappers/types.js';

export interface ObserveMeta<R> extends CallAttribution {
  pulse?: Pulse;
  model: string;
  /** Tokens out of the answer, awaited when it is a promise (input_tokens includes cached tokens). */
  usage?: (result: Awaited<R>) => Partial<Usage> | undefined;
  /** Prompt text (sent unless the client has `captureText: false`). */
  input?: string;
  /** Completion text out of the answer. */
  output?: (result: Awaited<R>) => string | undefined;
}

export function observe<R>(fn: () => R, meta: ObserveMeta<R>): R {
  const pulse = meta.pulse ?? defaultPulse();
  const started = performance.now();
  const record = (fields: { result?: Awaited<R>; error?: unknown; failed: boolean }) => {
    try {
      const text = pulse.capturesText;
      const done = !fields.failed ? fields.result : undefined;
      pulse.trace({
        agent_id: meta.agentId,
        user_id: meta.userId ?? null,
        session_id: meta.sessionId ?? null,
        ...(meta.tags?.length ? { tags: meta.tags } : {}),
        model: meta.model,
        status: fields.failed ? 'error' : 'success',
        latency_ms: performance.now() - started,
        ...(done !== undefined ? meta.usage?.(done) : {}),
        ...(fields.failed ? { error_type: errorType(fields.error), error_message: errorMessage(fields.error) } : {}),
        ...(text
          ? { input: meta.input ?? null, output: (done !== undefined ? meta.output?.(done) : undefined) ?? null }
          : {}),
        ...(meta.metadata ? { metadata: meta.metadata } : {}),
      });
    } catch {
      // A usage or output reader that throws costs the trace, never the caller's answer.
    }
  };
  let result: R;
  try {
    result = fn();
  } catch (error) {
    record({ error, failed: true });
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: Awaited<R>) => {
        record({ result: value, failed: false });
        return value;
      },
      (error: unknown) => {
        record({ error, failed: true });
        throw error;
      },
    ) as R;
  }
  record({ result: result as Awaited<R>, failed: false });
  return result;
}
