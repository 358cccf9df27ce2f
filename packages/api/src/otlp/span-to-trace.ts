import { INGEST_LIMITS, type traceInputSchema } from '@pulse/shared';
import type { z } from 'zod';
import type { AttributeValue, Attributes } from './otlp-attributes.js';
import type { ExportTraceRequest, OtlpSpan } from './otlp-request.js';

/**
 * A trace as sent to POST /traces, before validation: the OTLP mapping feeds the same checks
 * and storage, so an attribute of the wrong type is rejected there, naming the trace field.
 */
export type UncheckedTrace = { [K in keyof z.input<typeof traceInputSchema>]?: unknown };

/** A span taken as an LLM call, with where it came from (for partialSuccess reasons). */
export interface MappedSpan {
  spanId: string;
  trace: UncheckedTrace;
}

const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
const ERROR_STATUS = 2;

/** Attribute names by trace field, in order of preference (docs/API_SPEC.md §7). */
const AGENT_KEYS = ['gen_ai.agent.name', 'gen_ai.agent.id'];
const INPUT_KEYS = ['gen_ai.input.messages', 'gen_ai.prompt'];
const OUTPUT_KEYS = ['gen_ai.output.messages', 'gen_ai.completion'];
const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system'];
const MODEL_KEYS = ['gen_ai.response.model', 'gen_ai.request.model'];
const USER_KEYS = ['user.id', 'enduser.id'];
const SESSION_KEYS = ['gen_ai.conversation.id', 'session.id'];
const INPUT_TOKEN_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'];
const OUTPUT_TOKEN_KEYS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'];
const CACHE_WRITE_KEYS = ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_write.input_tokens'];

/** What a span without attributes (or an event without one) reads. */
const NO_ATTRIBUTES: Attributes = new Map();

/** The first of `keys` present, from the first map that has one. */
function first(keys: readonly string[], ...maps: Array<Attributes>): AttributeValue | undefined {
  for (const map of maps) {
    for (const key of keys) {
      const v = map.get(key);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** A text attribute; a non-text value is passed on so §2's validation names the field. */
const asText = (v: AttributeValue | undefined) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);

function isLlmCall(attrs: Attributes): boolean {
  const operation = attrs.get('gen_ai.operation.name');
  if (operation !== undefined) return LLM_OPERATIONS.has(String(operation));
  return attrs.has('gen_ai.request.model') || attrs.has('gen_ai.response.model');
}

interface SpanContext {
  span: OtlpSpan;
  attrs: Attributes;
  resource: Attributes;
}

/** gen_ai.agent.name, else gen_ai.agent.id, of the span or its nearest ancestor sent in the same request. */
function agentOf(ctx: SpanContext, bySpanKey: Map<string, SpanContext>): string | undefined {
  // At most every span of the request and the start: past that, the parents go round a cycle.
  for (let at: SpanContext | undefined = ctx, steps = 0; at && steps <= bySpanKey.size; steps++) {
    const agent = first(AGENT_KEYS, at.attrs);
    if (agent !== undefined) return String(agent);
    const parent: string | undefined = at.span.parentSpanId;
    at = parent ? bySpanKey.get(`${at.span.traceId}-${parent}`) : undefined;
  }
  return undefined;
}

/**
 * The prompt or completion of a call: the GenAI conventions' message attribute
 * (`gen_ai.input.messages` / `gen_ai.output.messages`, JSON text), else the older
 * `gen_ai.prompt` / `gen_ai.completion`, on the span or on its `gen_ai.content.prompt` /
 * `gen_ai.content.completion` event. Cut to the stored length (docs/API_SPEC.md §7): a long
 * conversation keeps its call rather than losing it to the text limit.
 */
function textOf(span: OtlpSpan, attrs: Attributes, keys: readonly string[], eventName: string): string | undefined {
  const event = span.events?.find((e) => e.name === eventName);
  const value = first(keys, attrs, event?.attributes ?? NO_ATTRIBUTES);
  if (typeof value !== 'string') return undefined;
  const max = INGEST_LIMITS.maxTextLength;
  if (value.length <= max) return value;
  // Not between the two halves of a surrogate pair: that would leave an unstorable half.
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * Time to first token in milliseconds: the GenAI conventions' seconds, else the Vercel AI SDK's
 * own `ai.response.msToFirstChunk` (milliseconds), which its streaming spans carry instead.
 * A non-number is passed on so §2's validation names `ttft_ms`.
 */
function timeToFirstTokenMs(attrs: Attributes): AttributeValue | undefined {
  const seconds = attrs.get('gen_ai.response.time_to_first_chunk');
  if (seconds !== undefined) return typeof seconds === 'number' ? seconds * 1000 : seconds;
  return attrs.get('ai.response.msToFirstChunk');
}

/** The instant of a nanosecond time, truncated to the millisecond. */
const isoOfNanos = (nanos: bigint) => new Date(Number(nanos / 1_000_000n)).toISOString();

function toTrace(ctx: SpanContext, bySpanKey: Map<string, SpanContext>): UncheckedTrace {
  const { span, attrs, resource } = ctx;
  const exception = span.events?.find((e) => e.name === 'exception');
  const exceptionAttrs = exception?.attributes ?? NO_ATTRIBUTES;
  const errorType = attrs.get('error.type');
  const statusCode = span.status?.code;
  const isError = statusCode === ERROR_STATUS || statusCode === 'STATUS_CODE_ERROR' || errorType !== undefined;
  const serviceName = asText(resource.get('service.name'));
  const ttftMs = timeToFirstTokenMs(attrs);
  const cost = attrs.get('gen_ai.usage.cost');
  const provider = first(PROVIDER_KEYS, attrs);
  const operation = attrs.get('gen_ai.operation.name');

  const input = textOf(span, attrs, INPUT_KEYS, 'gen_ai.content.prompt');
  const output = textOf(span, attrs, OUTPUT_KEYS, 'gen_ai.content.completion');

  const metadata: Record<string, string> = {};
  if (provider !== undefined) metadata.provider = String(provider);
  if (operation !== undefined) metadata.operation = String(operation);
  if (serviceName !== undefined) metadata.service_name = serviceName;
  if (span.name) metadata.span_name = span.name;

  return {
    trace_id: `${span.traceId}-${span.spanId}`,
    timestamp: isoOfNanos(span.startTimeUnixNano),
    latency_ms: Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6,
    model: asText(first(MODEL_KEYS, attrs)),
    agent_id: agentOf(ctx, bySpanKey) ?? serviceName ?? 'unknown_service',
    user_id: asText(first(USER_KEYS, attrs) ?? first(USER_KEYS, resource)) ?? null,
    session_id: asText(first(SESSION_KEYS, attrs)) ?? null,
    input_tokens: first(INPUT_TOKEN_KEYS, attrs) ?? 0,
    output_tokens: first(OUTPUT_TOKEN_KEYS, attrs) ?? 0,
    cache_read_tokens: attrs.get('gen_ai.usage.cache_read.input_tokens') ?? 0,
    cache_write_tokens:
      first(CACHE_WRITE_KEYS, attrs) ?? 0,
    ...(ttftMs !== undefined ? { ttft_ms: ttftMs } : {}),
    ...(cost !== undefined ? { cost_usd: cost } : {}),
    status: isError ? 'error' : 'success',
    error_type: isError ? (asText(errorType) ?? asText(exceptionAttrs.get('exception.type')) ?? 'unknown') : null,
    error_message: isError ? span.status?.message || asText(exceptionAttrs.get('exception.message')) || null : null,
    metadata,
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
  };
}

/**
 * The LLM calls of a request, each as a Pulse trace (docs/API_SPEC.md §7). Other spans
 * (agents, tools, HTTP) are only read: they lend their agent name to the calls below them.
 */
export function spansToTraces(request: ExportTraceRequest): MappedSpan[] {
  const contexts: SpanContext[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const resource = resourceSpans.resource?.attributes ?? NO_ATTRIBUTES;
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? [])
        contexts.push({ span, attrs: span.attributes ?? NO_ATTRIBUTES, resource });
    }
  }
  const bySpanKey = new Map(contexts.map((c) => [`${c.span.traceId}-${c.span.spanId}`, c]));
  return contexts
    .filter((c) => isLlmCall(c.attrs))
    .map((c) => ({ spanId: c.span.spanId, trace: toTrace(c, bySpanKey) }));
}
