/** One POST /api/v1/traces (docs/API_SPEC.md §2) and what its answer means for the batch. */
import { isRetryable, retryAfterMs } from './backoff.js';

export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; trace_id: string | null; errors: string[] }>;
}

export type SendOutcome =
  | { kind: 'sent'; answer: IngestAnswer }
  /** 429, 5xx, a timeout or no connection: the same batch may be sent again. */
  | { kind: 'retry'; reason: string; retryAfterMs: number | undefined }
  /** Any other answer (a bad key, a refused envelope): sending it again would change nothing. */
  | { kind: 'refused'; reason: string };

export interface Endpoint {
  url: string;
  apiKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Never throws: every failure is an outcome. `body` is the serialised `{ "traces": [...] }`. */
export async function postBatch(endpoint: Endpoint, body: string): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await endpoint.fetch(endpoint.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.apiKey}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (error) {
    return { kind: 'retry', reason: `network: ${(error as Error)?.message ?? String(error)}`, retryAfterMs: undefined };
  }
  const text = await response.text().catch(() => '');
  if (response.ok) {
    try {
      return { kind: 'sent', answer: JSON.parse(text) as IngestAnswer };
    } catch {
      return { kind: 'sent', answer: { accepted: 0, duplicates: 0, rejected: [] } };
    }
  }
  const reason = `HTTP ${response.status}: ${text.slice(0, 300)}`;
  if (isRetryable(response.status))
    return { kind: 'retry', reason, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  return { kind: 'refused', reason };
}
