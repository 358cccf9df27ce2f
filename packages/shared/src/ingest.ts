import { z } from 'zod';
import { jsonDepthExceeds, MAX_METADATA_DEPTH } from './json-depth.js';
import { NO_NUL_MESSAGE, storableText, WELL_FORMED_MESSAGE } from './text.js';

/** Limits of docs/API_SPEC.md §2, shared by the api (validation) and docs. */
export const INGEST_LIMITS = {
  maxTracesPerBatch: 1000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxFutureSkewMs: 5 * 60 * 1000,
  maxLatencyMs: 3_600_000,
  maxIdLength: 128,
  maxErrorMessageLength: 4000,
  maxMetadataBytes: 16 * 1024,
  /** Tokens are stored as 32-bit integers; a bigger count is a client bug, not a trace. */
  maxTokens: 2_000_000_000,
  maxTags: 20,
  maxTagLength: 64,
  /** The prompt (`input`) and the completion (`output`), each. */
  maxTextLength: 32_768,
  /** Traces older than this are refused as absurd rather than silently stored. */
  minTimestamp: '2000-01-01T00:00:00.000Z',
} as const;

/** "is required" when the field is absent, else what type was expected. */
const expected = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

/**
 * Escapes in JSON.stringify output: NUL is `\u0000` and a lone surrogate the only \uD800–\uDFFF
 * escape, each after an odd number of backslashes (an even number is the text "\u…" itself).
 */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;
const ESCAPED_LONE_SURROGATE = /(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

const id = () =>
  storableText(
    z
      .string({ error: expected('a string') })
      .min(1, { error: 'must not be empty' })
      .max(INGEST_LIMITS.maxIdLength, { error: `must be at most ${INGEST_LIMITS.maxIdLength} characters` }),
  );

/** Bounds as min/max checks (not refinements), so the document states them too. */
const boundedNumber = (max: number) =>
  z
    .number({ error: expected('a number') })
    .min(0, { error: 'must be >= 0' })
    .max(max, { error: `must be <= ${max}` });

const tokenCount = z
  .number({ error: expected('an integer') })
  .int({ error: 'must be an integer' })
  .min(0, { error: 'must be >= 0' })
  .max(INGEST_LIMITS.maxTokens, { error: `must be <= ${INGEST_LIMITS.maxTokens}` });

/** Free text of at most `max` characters, storable as PostgreSQL text. */
const text = (max: number) => storableText(z.string({ error: 'must be a string' }).max(max, { error: `must be at most ${max} characters` }));

const tag = storableText(
  z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(INGEST_LIMITS.maxTagLength, { error: `must be at most ${INGEST_LIMITS.maxTagLength} characters` }),
);

/** Repeated tags count once: the limit applies to distinct tags, which are kept in the order sent. */
const tags = z
  .array(tag, { error: 'must be an array of strings' })
  .transform((list) => [...new Set(list)])
  .refine((list) => list.length <= INGEST_LIMITS.maxTags, { error: `must hold at most ${INGEST_LIMITS.maxTags} distinct tags` });

/** Where in a parsed JSON value the first non-finite number is (JSON.parse reads `1e400` as Infinity). */
function nonFiniteNumberPath(value: unknown): PropertyKey[] | undefined {
  const stack: Array<[unknown, PropertyKey[]]> = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) return path;
    if (v !== null && typeof v === 'object') for (const [key, child] of Object.entries(v)) stack.push([child, [...path, Array.isArray(v) ? Number(key) : key]]);
  }
  return undefined;
}

/**
 * Trace metadata: a JSON object stored exactly as sent. It is checked as it is, not copied
 * the way `z.record` copies (by assignment, which drops an own `__proto__` key); checks stop
 * at the first failure, since the later ones serialise the value. What passes is an object:
 * typed so for its users.
 */
const metadataSchema = z
  .unknown()
  .superRefine((m, ctx) => {
    const fail = (message: string, path: PropertyKey[] = []) => ctx.addIssue({ code: 'custom', message, path });
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return fail('must be an object');
    // First: the checks after it walk and serialise the value.
    if (jsonDepthExceeds(m, MAX_METADATA_DEPTH)) return fail(`must nest at most ${MAX_METADATA_DEPTH} levels deep`);
    const infinite = nonFiniteNumberPath(m);
    if (infinite) return fail('must be a finite number (JSON numbers such as 1e400 are out of range)', infinite);
    const json = JSON.stringify(m);
    if (Buffer.byteLength(json, 'utf8') > INGEST_LIMITS.maxMetadataBytes) return fail(`must be at most ${INGEST_LIMITS.maxMetadataBytes} bytes as JSON`);
    if (ESCAPED_NUL.test(json)) return fail(NO_NUL_MESSAGE);
    if (ESCAPED_LONE_SURROGATE.test(json)) return fail(WELL_FORMED_MESSAGE);
  })
  .meta({ type: 'object', description: `A JSON object of at most ${INGEST_LIMITS.maxMetadataBytes} bytes, nested at most ${MAX_METADATA_DEPTH} levels` }) as z.ZodType<Record<string, unknown>, Record<string, unknown>>;

/**
 * One trace as sent on the wire (docs/API_SPEC.md §2). `timestamp` stays a string here; it is
 * checked as an ISO-8601 instant with any UTC offset and against the clock at parse time.
 * Rules that relate two fields (cache tokens within input_tokens, ttft_ms within latency_ms)
 * run once every field is valid on its own, and name the field that breaks them.
 */
export const traceInputSchema = z.object({
  trace_id: id(),
  timestamp: z
    .string({ error: expected('an ISO-8601 string') })
    // abort: an unreadable timestamp is reported as such, not also as out of range.
    .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with Z or an offset', abort: true }))
    .refine((s) => Date.parse(s) >= Date.parse(INGEST_LIMITS.minTimestamp), {
      error: `must not be before ${INGEST_LIMITS.minTimestamp}`,
    })
    .refine((s) => Date.parse(s) <= Date.now() + INGEST_LIMITS.maxFutureSkewMs, {
      error: 'must not be more than 5 minutes in the future',
    })
    // The document states the format; the pipe above checks it.
    .meta({ format: 'date-time' }),
  agent_id: id(),
  user_id: storableText(
    z.string({ error: 'must be a string or null' }).max(INGEST_LIMITS.maxIdLength, { error: `must be at most ${INGEST_LIMITS.maxIdLength} characters` }),
  ).nullish(),
  model: id(),
  status: z.enum(['success', 'error'], { error: expected('"success" or "error"') }),
  latency_ms: boundedNumber(INGEST_LIMITS.maxLatencyMs),
  input_tokens: tokenCount.optional(),
  output_tokens: tokenCount.optional(),
  cost_usd: boundedNumber(1_000_000).optional(),
  error_type: storableText(
    z.string({ error: 'must be a string' }).max(INGEST_LIMITS.maxIdLength, { error: `must be at most ${INGEST_LIMITS.maxIdLength} characters` }),
  ).nullish(),
  error_message: storableText(
    z.string({ error: 'must be a string' }).max(INGEST_LIMITS.maxErrorMessageLength, {
      error: `must be at most ${INGEST_LIMITS.maxErrorMessageLength} characters`,
    }),
  ).nullish(),
  metadata: metadataSchema.nullish(),
  session_id: id().nullish(),
  tags: tags.optional(),
  cache_read_tokens: tokenCount.optional(),
  cache_write_tokens: tokenCount.optional(),
  ttft_ms: boundedNumber(INGEST_LIMITS.maxLatencyMs).optional(),
  input: text(INGEST_LIMITS.maxTextLength).nullish(),
  output: text(INGEST_LIMITS.maxTextLength).nullish(),
}).check((ctx) => {
  // Only over fields valid on their own: a bad input_tokens is reported once, as itself.
  if (ctx.issues.length > 0) return;
  const t = ctx.value;
  const inputTokens = t.input_tokens ?? 0;
  const cacheRead = t.cache_read_tokens ?? 0;
  const cacheWrite = t.cache_write_tokens ?? 0;
  if (cacheRead + cacheWrite > inputTokens) {
    ctx.issues.push({
      code: 'custom',
      input: t,
      path: [cacheRead > inputTokens ? 'cache_read_tokens' : 'cache_write_tokens'],
      message: `cache_read_tokens + cache_write_tokens must not exceed input_tokens (${inputTokens})`,
    });
  }
  if (t.ttft_ms !== undefined && t.ttft_ms > t.latency_ms) {
    ctx.issues.push({ code: 'custom', input: t, path: ['ttft_ms'], message: `must be <= latency_ms (${t.latency_ms})` });
  }
});

/** One trace as a client writes it (before defaults and transforms): what the SDKs send. */
export type TraceInput = z.input<typeof traceInputSchema>;

/** The envelope is checked first: a bad envelope stores nothing (400). Items are checked one by one. */
export const ingestEnvelopeSchema = z.object({
  traces: z
    // Items are parsed one by one in the handler (a bad one is rejected, not the batch), yet
    // documented in the OpenAPI document as the trace they must be.
    .array(z.unknown().meta({ ...z.toJSONSchema(traceInputSchema, { io: 'input', unrepresentable: 'any' }) }), {
      error: 'traces must be an array',
    })
    .min(1, { error: 'traces must hold at least 1 trace' })
    .max(INGEST_LIMITS.maxTracesPerBatch, {
      error: `traces must hold at most ${INGEST_LIMITS.maxTracesPerBatch} traces`,
    }),
});

const count = z.number().int().nonnegative();

/** An item of a batch that was not stored, with why (ingest and scores alike). */
export const rejectedItemSchema = z.object({
  index: count,
  trace_id: z.string().nullable(),
  errors: z.array(z.string()),
});

export const ingestResponseSchema = z.object({
  accepted: count,
  duplicates: count,
  rejected: z.array(rejectedItemSchema),
  /** Models priced at $0 because the catalog does not know them and no cost_usd was sent. */
  unknown_models: z.array(z.string()),
});
export type IngestResponse = z.infer<typeof ingestResponseSchema>;

/** For the other wire schemas (scores, docs/API_SPEC.md §10): the identifier rule and the type messages of traces. */
export { expected as expectedMessage, id as identifier };
