import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INGEST_LIMITS, traceInputSchema } from './ingest.js';
import { quickParseTrace } from './trace-input-quick.js';

/**
 * quickParseTrace against the schema it stands in for: whatever it accepts, the schema accepts
 * with the same result; what it leaves, the schema decides. Values near every limit of
 * docs/API_SPEC.md §2, fixed seed.
 */

const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const edgeText = (max: number) =>
  fc.constantFrom(
    '',
    'a',
    'x'.repeat(max),
    'x'.repeat(max + 1),
    'nul\u0000',
    'lone \uD800 half',
    '\uDC00',
    'pair 😀',
    'ünïcødé',
    '__proto__',
  );
const nullish = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.constant(null), fc.constant(undefined));
const numberEdges = (max: number) =>
  fc.constantFrom(0, -0, 1, 1.5, -1, max, max + 1, max - 0.5, Number.NaN, Infinity, -Infinity, 2 ** 53, '5', null, true);
const tokens = fc.constantFrom(0, 1, 10, 1.5, -1, INGEST_LIMITS.maxTokens, INGEST_LIMITS.maxTokens + 1, Number.NaN, '3', undefined);
const timestamps = fc.constantFrom(
  iso(now - 60_000),
  iso(now + 4 * 60_000),
  iso(now + 6 * 60_000),
  '2000-01-01T00:00:00.000Z',
  '1999-12-31T23:59:59.999Z',
  '2024-02-29T12:00:00.000Z',
  '2023-02-29T12:00:00.000Z',
  '2024-13-01T00:00:00.000Z',
  '2024-01-01T24:00:00.000Z',
  '2024-01-01T00:00:00Z',
  '2024-01-01T00:00:00.000+02:00',
  '2024-01-01 00:00:00.000Z',
  '+010000-01-01T00:00:00.000Z',
  'yesterday',
  1_700_000_000_000,
);
const metadata = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 4 }),
  fc.constantFrom(
    { provider: 'openai', operation: 'chat', span_name: 'chat' },
    { big: 'x'.repeat(INGEST_LIMITS.maxMetadataBytes) },
    { nul: 'a\u0000' },
    { 'lone\uD800': 'key' },
    JSON.parse('{"__proto__": "kept"}') as object,
    { nested: { a: 1 } },
    { n: Number.POSITIVE_INFINITY },
    [],
    'text',
    Object.create(null) as object,
  ),
);
const tags = fc.oneof(
  fc.constant(undefined),
  fc.array(fc.constantFrom('a', 'b', 'prod', '', 'x'.repeat(65), 'nul\u0000', 5 as unknown as string), { maxLength: 4 }),
  fc.constant(Array.from({ length: 21 }, (_, i) => `t${i}`)),
  fc.constant([...Array.from({ length: 20 }, (_, i) => `t${i}`), 't0']),
  fc.constant('a,b'),
);

/** A valid trace as OTLP and the SDKs send it, with each field at a valid value. */
const plainValid = fc.record({
  trace_id: fc.constantFrom('t-1', 'x'.repeat(128), '5b8efff798038103d269b633813fc60c-0000000000000001'),
  timestamp: fc.integer({ min: Date.parse('2000-01-01'), max: now }).map(iso),
  agent_id: fc.constantFrom('planner', 'ü'),
  user_id: fc.constantFrom('u-1', null, ''),
  model: fc.constantFrom('gpt-4o', 'claude-3-5-haiku'),
  status: fc.constantFrom('success', 'error'),
  latency_ms: fc.double({ min: 0, max: INGEST_LIMITS.maxLatencyMs, noNaN: true }),
  input_tokens: fc.integer({ min: 100, max: INGEST_LIMITS.maxTokens }),
  output_tokens: fc.integer({ min: 0, max: INGEST_LIMITS.maxTokens }),
  cache_read_tokens: fc.integer({ min: 0, max: 50 }),
  cache_write_tokens: fc.integer({ min: 0, max: 50 }),
  error_type: fc.constantFrom(null, 'RateLimitError'),
  error_message: fc.constantFrom(null, '429'),
  metadata: fc.constantFrom({ provider: 'openai', operation: 'chat', service_name: 's', span_name: 'chat' }, null),
  session_id: fc.constantFrom('conv-1', null),
  tags: fc.constantFrom(['a', 'b', 'a'], []),
  input: fc.constantFrom('hello', 'x'.repeat(INGEST_LIMITS.maxTextLength)),
});

/** Each field's edge values; a missing key (undefined) is one of them. */
const EDGES = {
  trace_id: edgeText(INGEST_LIMITS.maxIdLength),
  timestamp: timestamps,
  agent_id: edgeText(INGEST_LIMITS.maxIdLength),
  user_id: nullish(edgeText(INGEST_LIMITS.maxIdLength)),
  model: edgeText(INGEST_LIMITS.maxIdLength),
  status: fc.constantFrom('success', 'error', 'ok', undefined),
  latency_ms: numberEdges(INGEST_LIMITS.maxLatencyMs),
  input_tokens: tokens,
  output_tokens: tokens,
  cost_usd: fc.oneof(fc.constant(undefined), numberEdges(1_000_000)),
  error_type: nullish(edgeText(INGEST_LIMITS.maxIdLength)),
  error_message: nullish(edgeText(INGEST_LIMITS.maxErrorMessageLength)),
  metadata,
  session_id: nullish(edgeText(INGEST_LIMITS.maxIdLength)),
  tags,
  cache_read_tokens: tokens,
  cache_write_tokens: tokens,
  ttft_ms: fc.oneof(fc.constant(undefined), numberEdges(INGEST_LIMITS.maxLatencyMs)),
  input: nullish(edgeText(INGEST_LIMITS.maxTextLength)),
  output: nullish(edgeText(INGEST_LIMITS.maxTextLength)),
  extra: fc.constantFrom(undefined, 'ignored'),
};
const KEEP = Symbol('keep');

/** A valid trace with a few fields (often none) set to an edge value. */
const nearValid = fc
  .tuple(
    plainValid,
    fc.record(
      Object.fromEntries(
        Object.entries(EDGES).map(([key, edge]) => [
          key,
          fc.oneof({ arbitrary: fc.constant(KEEP), weight: 8 }, { arbitrary: edge as fc.Arbitrary<unknown>, weight: 1 }),
        ]),
      ),
    ),
  )
  .map(([valid, edits]) => {
    const t: Record<string, unknown> = { ...valid };
    for (const [key, value] of Object.entries(edits)) if (value !== KEEP) t[key] = value;
    return t;
  });

describe('quickParseTrace', () => {
  it('accepts only what the schema accepts, with the schema’s result', { timeout: 60_000 }, () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearValid, (t) => {
        const quick = quickParseTrace(t);
        if (quick === undefined) return;
        accepted++;
        const parsed = traceInputSchema.safeParse(t);
        expect(parsed.success).toBe(true);
        expect(quick).toEqual(parsed.data);
      }),
      { seed: 20_261_130, numRuns: 3_000 },
    );
    // The property is not empty: random traces do pass both.
    expect(accepted).toBeGreaterThan(100);
  });

  it('answers for the plainly valid trace, as the schema does', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(plainValid, (t) => {
        const quick = quickParseTrace(t);
        expect(quick).toBeDefined();
        expect(quick).toEqual(traceInputSchema.parse(t));
      }),
      { seed: 20_261_130, numRuns: 500 },
    );
  });

  it('leaves everything that is not a plain object to the schema', () => {
    for (const item of [null, undefined, 'trace', 5, [], new Date(), new Map()]) {
      expect(quickParseTrace(item)).toBeUndefined();
    }
  });
});
