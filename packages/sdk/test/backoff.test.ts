import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryable, retryAfterMs, retryDelayMs } from '../src/backoff.js';

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-30T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.25', now)).toBe(250);
    expect(retryAfterMs('Mon, 30 Nov 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Mon, 29 Nov 2026 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped, and lets Retry-After win', () => {
    expect(backoffMs(0, 500, 30_000, () => 1)).toBe(500);
    expect(backoffMs(3, 500, 30_000, () => 1)).toBe(4000);
    expect(backoffMs(20, 500, 30_000, () => 1)).toBe(30_000);
    expect(backoffMs(3, 500, 30_000, () => 0)).toBe(0);
    expect(retryDelayMs(0, 7000, 500, 1000)).toBe(7000);
    expect(retryDelayMs(0, 3_600_000, 500, 1000)).toBe(120_000);
  });

  it('retries 429, 408, 5xx and network failures only', () => {
    expect([undefined, 408, 429, 500, 502, 503, 529].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 413, 415].some(isRetryable)).toBe(false);
  });
});
