/**
 * The server's limits the SDK fits traces into before sending (docs/API_SPEC.md §2): text
 * beyond them is cut rather than letting the server reject the whole trace. A test checks them
 * against the server's own INGEST_LIMITS, so they cannot drift.
 */
export const WIRE_LIMITS = {
  maxTracesPerBatch: 1000,
  maxTextLength: 32_768,
  maxErrorMessageLength: 4000,
  maxIdLength: 128,
} as const;

/** Below the server's 5 MiB body limit, with room for the envelope. */
export const MAX_BATCH_BYTES = 4_500_000;

/** `text` cut to `max` UTF-16 units, never through a surrogate pair (half a pair is refused). */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return text.slice(0, end);
}
