import { WIRE_LIMITS } from './limits.js';

/** What a Pulse client is configured with, and the defaults that make it safe to leave alone. */
export interface PulseOptions {
  /** A workspace API key (`Authorization: Bearer <key>`). */
  apiKey: string;
  /** Where Pulse runs, e.g. `https://pulse.example.com` (no `/api/v1`). */
  baseUrl?: string;
  /** Send as soon as this many traces wait (at most 1000, the size of one ingest batch). */
  flushAt?: number;
  /** Send what waits at the latest this long after the first of it was traced. */
  flushIntervalMs?: number;
  /** Traces waiting beyond this many drop the oldest (counted in `stats().dropped`). */
  maxQueue?: number;
  /** Send prompt and completion text (`input`, `output`); false keeps it on the caller's side. */
  captureText?: boolean;
  /** Retries of a batch on 429, 5xx or a network error, before it is given up (counted as dropped). */
  maxRetries?: number;
  /** First retry pause; each next one doubles, with full jitter, up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** One ingest request's time limit. */
  requestTimeoutMs?: number;
  /** How long `shutdown()` may take to send what waits. */
  shutdownTimeoutMs?: number;
  /** Told of every problem the SDK swallows (a refused batch, rejected traces, a dropped batch). */
  onError?: (error: Error) => void;
  /** Flush on the process's `beforeExit` (Node only). */
  flushOnExit?: boolean;
  /** Another fetch (a proxy agent, a test double of the network). */
  fetch?: typeof fetch;
}

export type ResolvedOptions = Required<Omit<PulseOptions, 'onError' | 'fetch'>> &
  Pick<PulseOptions, 'onError'> & { fetch: typeof fetch };

const positive = (name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`Pulse: ${name} must be a number >= 0`);
  return Math.min(value, max);
};

export function resolveOptions(options: PulseOptions): ResolvedOptions {
  if (!options || typeof options.apiKey !== 'string' || options.apiKey === '')
    throw new TypeError('Pulse: apiKey is required');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('Pulse: no fetch on this platform; pass options.fetch');
  return {
    apiKey: options.apiKey,
    baseUrl: (options.baseUrl ?? 'http://localhost:3000').replace(/\/+$/, ''),
    flushAt: Math.max(1, positive('flushAt', options.flushAt, 100, WIRE_LIMITS.maxTracesPerBatch)),
    flushIntervalMs: positive('flushIntervalMs', options.flushIntervalMs, 1000),
    maxQueue: Math.max(1, positive('maxQueue', options.maxQueue, 10_000)),
    captureText: options.captureText ?? true,
    maxRetries: positive('maxRetries', options.maxRetries, 10),
    initialBackoffMs: positive('initialBackoffMs', options.initialBackoffMs, 500),
    maxBackoffMs: positive('maxBackoffMs', options.maxBackoffMs, 30_000),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, 10_000),
    shutdownTimeoutMs: positive('shutdownTimeoutMs', options.shutdownTimeoutMs, 5_000),
    onError: options.onError,
    flushOnExit: options.flushOnExit ?? true,
    fetch: fetchImpl.bind(globalThis),
  };
}
