import type { z } from 'zod';
import { INGEST_LIMITS, traceInputSchema } from './ingest.js';
import { isStorableText } from './text.js';

/**
 * A quick acceptance test for one trace of docs/API_SPEC.md §2, ahead of traceInputSchema: it
 * returns what the schema would return for a trace every rule plainly accepts, and undefined
 * for anything else, which the schema then checks and reports. It never refuses, so the schema
 * stays the one source of the rules' wording; it only answers "valid" sooner for the common
 * trace (plain values, flat text metadata). Its answers are tested against the schema's in
 * trace-input-quick.test.ts.
 */

type ParsedTrace = z.output<typeof traceInputSchema>;

/** The fields the schema keeps; it drops any other key. */
const FIELDS = Object.keys(traceInputSchema.shape) as Array<keyof ParsedTrace>;
const MIN_TIMESTAMP_MS = Date.parse(INGEST_LIMITS.minTimestamp);
/** The form Date#toISOString writes, which the schema's ISO-8601 pattern takes. */
const CANONICAL_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** An object made by JSON.parse or a literal (no class with getters, no array). */
const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const isId = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= INGEST_LIMITS.maxIdLength && isStorableText(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max && isStorableText(v);
const isNullishText = (v: unknown, max: number) => v == null || isText(v, max);
/** A finite number in [0, max]: NaN and the infinities fail both comparisons or the bound. */
const isBounded = (v: unknown, max: number): v is number => typeof v === 'number' && v >= 0 && v <= max;
const isOptionalBounded = (v: unknown, max: number) => v === undefined || isBounded(v, max);
const isOptionalTokens = (v: unknown) =>
  v === undefined || (Number.isInteger(v) && isBounded(v, INGEST_LIMITS.maxTokens));

/** An instant the schema takes: canonical, a real date (it reads back the same), in bounds. */
function isAcceptedTimestamp(v: unknown): v is string {
  if (typeof v !== 'string' || !CANONICAL_INSTANT.test(v)) return false;
  const ms = Date.parse(v);
  return (
    !Number.isNaN(ms) &&
    new Date(ms).toISOString() === v &&
    ms >= MIN_TIMESTAMP_MS &&
    ms <= Date.now() + INGEST_LIMITS.maxFutureSkewMs
  );
}

/** Metadata as a flat object of text values, within the limits; other metadata goes to the schema. */
function isPlainTextMetadata(v: unknown): boolean {
  if (v == null) return true;
  if (!isPlainObject(v)) return false;
  // Its JSON takes at most 6 bytes per code unit (an escape such as \u001f) and 6 per entry
  // (quotes, colon, comma) within the braces: only a large object needs the exact count.
  let maxBytes = 2;
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string' || !isStorableText(key) || !isStorableText(value)) return false;
    maxBytes += 6 * (key.length + value.length) + 6;
  }
  return (
    maxBytes <= INGEST_LIMITS.maxMetadataBytes ||
    Buffer.byteLength(JSON.stringify(v), 'utf8') <= INGEST_LIMITS.maxMetadataBytes
  );
}

/** Tags as the schema returns them (distinct, in the order first sent), or undefined when not plainly valid. */
function plainTags(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const tag of v as unknown[]) {
    if (typeof tag !== 'string' || tag.length < 1 || tag.length > INGEST_LIMITS.maxTagLength || !isStorableText(tag))
      return undefined;
  }
  const distinct = [...new Set(v as string[])];
  return distinct.length <= INGEST_LIMITS.maxTags ? distinct : undefined;
}

/** The schema's result for a plainly valid trace; undefined when the schema must look. */
export function quickParseTrace(item: unknown): ParsedTrace | undefined {
  if (!isPlainObject(item)) return undefined;
  const t = item as Record<keyof ParsedTrace, unknown>;
  const tags = t.tags === undefined ? undefined : plainTags(t.tags);
  if (
    !isId(t.trace_id) ||
    !isAcceptedTimestamp(t.timestamp) ||
    !isId(t.agent_id) ||
    !isNullishText(t.user_id, INGEST_LIMITS.maxIdLength) ||
    !isId(t.model) ||
    (t.status !== 'success' && t.status !== 'error') ||
    !isBounded(t.latency_ms, INGEST_LIMITS.maxLatencyMs) ||
    !isOptionalTokens(t.input_tokens) ||
    !isOptionalTokens(t.output_tokens) ||
    !isOptionalBounded(t.cost_usd, 1_000_000) ||
    !isNullishText(t.error_type, INGEST_LIMITS.maxIdLength) ||
    !isNullishText(t.error_message, INGEST_LIMITS.maxErrorMessageLength) ||
    !isPlainTextMetadata(t.metadata) ||
    !(t.session_id == null || isId(t.session_id)) ||
    (t.tags !== undefined && tags === undefined) ||
    !isOptionalTokens(t.cache_read_tokens) ||
    !isOptionalTokens(t.cache_write_tokens) ||
    !isOptionalBounded(t.ttft_ms, INGEST_LIMITS.maxLatencyMs) ||
    !isNullishText(t.input, INGEST_LIMITS.maxTextLength) ||
    !isNullishText(t.output, INGEST_LIMITS.maxTextLength)
  )
    return undefined;
  // The rules relating two fields.
  const inputTokens = (t.input_tokens as number | undefined) ?? 0;
  if (((t.cache_read_tokens as number | undefined) ?? 0) + ((t.cache_write_tokens as number | undefined) ?? 0) > inputTokens)
    return undefined;
  if (t.ttft_ms !== undefined && (t.ttft_ms as number) > (t.latency_ms as number)) return undefined;
  const parsed: Record<string, unknown> = {};
  for (const field of FIELDS) if (field in t) parsed[field] = t[field];
  if (tags) parsed.tags = tags;
  return parsed as ParsedTrace;
}
