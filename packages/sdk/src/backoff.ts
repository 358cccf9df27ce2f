/** When to try a failed batch again. */

/** Retryable: the server is busy (429), failing (5xx) or out of reach (no status). */
export const isRetryable = (status: number | undefined) =>
  status === undefined || status === 429 || status === 408 || status >= 500;

/** Exponential with full jitter: uniform in [0, min(max, initial * 2^attempt)]. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A server asking for a longer pause than this is more likely wrong than right. */
const RETRY_AFTER_CEILING_MS = 120_000;

/** The server's `Retry-After` wins over our own guess. */
export function retryDelayMs(
  attempt: number,
  retryAfter: number | undefined,
  initialMs: number,
  maxMs: number,
): number {
  return retryAfter !== undefined ? Math.min(retryAfter, RETRY_AFTER_CEILING_MS) : backoffMs(attempt, initialMs, maxMs);
}
