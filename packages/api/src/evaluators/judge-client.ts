import type { JudgeProvider } from '@pulse/shared';
import { type JudgeAnswer, WIRES } from './provider-wire.js';
import type { TokenBucket } from './token-bucket.js';

export interface JudgeRequest {
  provider: JudgeProvider;
  baseUrl: string;
  apiKey: string;
  model: string;
  prompt: string;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first backoff after a 5xx or a network error without a delay of its own; doubled each time. */
  backoffMs: number;
  /** A provider asking to wait longer than this (a daily quota) fails the judgment instead. */
  maxDelayMs: number;
  /** One request's time limit. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, backoffMs: 500, maxDelayMs: 60_000, timeoutMs: 60_000 };

/** A judgment the provider did not give: its message never carries the key. */
export class JudgeCallError extends Error {
  override readonly name = 'JudgeCallError';
  constructor(
    message: string,
    /** The error type recorded on the judge call's trace (`http_429`, `network`, `bad_answer`). */
    readonly errorType: string,
  ) {
    super(message);
  }
}

/** Retry-After as seconds or an HTTP date (ms from now). */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const retryable = (status: number) => status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The provider's words about a failure, one line, short, with the key (should it echo it) removed. */
function excerpt(text: string, apiKey: string): string {
  return text.replaceAll(apiKey, '[redacted]').replace(/\s+/g, ' ').slice(0, 300);
}

/**
 * One judgment from a provider (docs/API_SPEC.md §13): rate-limited by the provider's bucket,
 * retried on 429, 5xx and network errors after the delay the provider names (Retry-After,
 * Gemini's RetryInfo) or an exponential backoff.
 */
export async function callJudge(request: JudgeRequest, bucket: TokenBucket, policy: RetryPolicy = DEFAULT_RETRY): Promise<JudgeAnswer> {
  const wire = WIRES[request.provider];
  let failure = new JudgeCallError('no attempt made', 'network');
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    await bucket.take();
    let delayMs = policy.backoffMs * 2 ** (attempt - 1);
    try {
      const res = await fetch(wire.url(request.baseUrl, request.model), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...wire.headers(request.apiKey) },
        body: JSON.stringify(wire.body(request.model, request.prompt)),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (res.ok) {
        const answer = wire.read(body);
        if (answer) return answer;
        throw new JudgeCallError(`${request.provider} answered without a judgment: ${excerpt(text, request.apiKey)}`, 'bad_answer');
      }
      failure = new JudgeCallError(`${request.provider} answered ${res.status}: ${excerpt(text, request.apiKey)}`, `http_${res.status}`);
      if (!retryable(res.status)) throw failure;
      delayMs = retryAfterMs(res.headers.get('retry-after')) ?? wire.retryDelayMs(body) ?? delayMs;
    } catch (error) {
      if (error instanceof JudgeCallError) throw error;
      failure = new JudgeCallError(`${request.provider} unreachable: ${excerpt((error as Error).message, request.apiKey)}`, 'network');
    }
    if (attempt === policy.attempts) break;
    if (delayMs > policy.maxDelayMs) throw new JudgeCallError(`${failure.message} (asked to wait ${Math.round(delayMs / 1000)} s: too long)`, failure.errorType);
    await sleep(delayMs);
  }
  throw failure;
}
