/**
 * A provider error as Pulse's `error_type`. Duck-typed over the openai and @anthropic-ai/sdk
 * error classes (`status`, `code`, `name`), so no provider package is needed at run time.
 */
interface ProviderError {
  status?: unknown;
  code?: unknown;
  name?: unknown;
  message?: unknown;
}

const CONTEXT_TOO_LONG = /context length|context window|maximum context|prompt is too long|too many tokens/i;

export function errorType(error: unknown): string {
  const e = (error ?? {}) as ProviderError;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (/timeout/i.test(name) || status === 408 || code === 'ETIMEDOUT') return 'timeout';
  if (/abort/i.test(name)) return 'cancelled';
  if (code === 'context_length_exceeded' || CONTEXT_TOO_LONG.test(message)) return 'context_length_exceeded';
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'authentication';
  if (status !== undefined && status >= 500) return 'server_error';
  if (status === 404) return 'not_found';
  if (status === 400 || status === 422) return 'invalid_request';
  if (/connection/i.test(name) || code === 'ECONNREFUSED' || code === 'ECONNRESET') return 'network';
  return 'unknown';
}

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';

/** An error event inside a stream (`rate_limit_error`, `overloaded_error`, …) as an `error_type`. */
export function streamErrorType(providerType: string | null | undefined): string {
  const t = providerType ?? '';
  if (/rate_limit/.test(t)) return 'rate_limit';
  if (/context_length/.test(t)) return 'context_length_exceeded';
  if (/authentication|permission/.test(t)) return 'authentication';
  if (/invalid_request/.test(t)) return 'invalid_request';
  return 'server_error';
}
