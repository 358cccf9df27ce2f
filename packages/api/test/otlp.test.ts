import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { context, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { sql } from 'drizzle-orm';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

// OTLP/HTTP ingest (docs/API_SPEC.md §7) fed by OpenTelemetry's own SDK and exporters.

let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

const protoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../proto');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(protoRoot, target);
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
const requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const responseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

const T0 = Date.now() - 10 * 60_000;
/** [seconds, nanoseconds] of T0 + ms: OpenTelemetry's HrTime. */
const at = (ms: number): [number, number] => [Math.floor((T0 + ms) / 1000), ((T0 + ms) % 1000) * 1e6];

/**
 * One agent run as an instrumented application records it: an agent span, a tool span, a chat
 * call with the current semantic-convention names, one with the pre-1.37 names and a failed one.
 */
function recordAgentRun(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout-service', 'enduser.id': 'resource-user' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('pulse-test');
  const span = (name: string, attributes: Attributes, startMs: number, endMs: number, parent = context.active()) => {
    const s = tracer.startSpan(name, { attributes, startTime: at(startMs) }, parent);
    return { s, end: () => s.end(at(endMs)), ctx: trace.setSpan(parent, s) };
  };
  const agent = span(
    'invoke_agent planner',
    { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    0,
    5000,
  );
  const tool = span(
    'execute_tool search',
    { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
    100,
    200,
    agent.ctx,
  );
  tool.end();
  const current = span(
    'chat gpt-4o',
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.cache_read.input_tokens': 800,
      'gen_ai.usage.cache_creation.input_tokens': 100,
      'gen_ai.response.time_to_first_chunk': 0.25,
      'gen_ai.usage.cost': 0.0125,
      'gen_ai.conversation.id': 'conv-1',
      'user.id': 'u-1',
    },
    1000,
    1812.5,
    tool.ctx,
  );
  current.end();
  const legacy = span(
    'chat claude',
    {
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-3-5-haiku',
      'gen_ai.usage.prompt_tokens': 1000,
      'gen_ai.usage.completion_tokens': 200,
      'session.id': 'sess-9',
    },
    2000,
    2400,
    agent.ctx,
  );
  legacy.end();
  const failed = span(
    'chat gpt-4o-mini',
    { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' },
    3000,
    3095,
  );
  failed.s.recordException({ name: 'RateLimitError', message: '429 Too Many Requests' });
  failed.s.setStatus({ code: SpanStatusCode.ERROR });
  failed.end();
  agent.end();
  return memory.getFinishedSpans();
}

type Exporter = JsonExporter | ProtoExporter;
function exportSpans(exporter: Exporter, spans: ReadableSpan[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

async function rowsOf(workspaceId: string) {
  return srv.database.rows<Record<string, unknown>>(
    sql`select agent_id, user_id, session_id, model, is_error, latency_ms, ttft_ms, input_tokens, output_tokens,
               cache_read_tokens, cache_write_tokens, cost_nanos::text as cost, error_type, error_message, metadata
        from traces where workspace_id = ${workspaceId}::uuid order by timestamp`,
  );
}

async function analytics(w: { workspace_id: string; api_key: string }, p: string) {
  const res = await fetch(`${srv.url}/api/v1${p}?range=1h`, {
    headers: { authorization: `Bearer ${w.api_key}`, 'x-workspace-id': w.workspace_id },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

const clients = [
  [
    'JSON',
    (url: string, key: string, compression: CompressionAlgorithm) =>
      new JsonExporter({ url, headers: { Authorization: `Bearer ${key}` }, compression }),
  ],
  [
    'protobuf',
    (url: string, key: string, compression: CompressionAlgorithm) =>
      new ProtoExporter({ url, headers: { Authorization: `Bearer ${key}` }, compression }),
  ],
] as const;

describe('OTLP/HTTP from the OpenTelemetry SDK', () => {
  describe.each(clients)('%s exporter', (_name, makeExporter) => {
    it.each([CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP])(
      'stores each LLM call as the spans said (compression %s), re-exports are duplicates',
      async (compression) => {
        const w = await srv.createWorkspace('otlp');
        const spans = recordAgentRun();
        const exporter = makeExporter(`${srv.url}/api/v1/otlp/v1/traces`, w.api_key, compression);
        expect(await exportSpans(exporter, spans)).toEqual({ code: 0 });
        expect(await rowsOf(w.workspace_id)).toEqual([
          {
            agent_id: 'planner',
            user_id: 'u-1',
            session_id: 'conv-1',
            model: 'gpt-4o-2024-08-06',
            is_error: 0,
            latency_ms: 812.5,
            ttft_ms: 250,
            input_tokens: 1200,
            output_tokens: 300,
            cache_read_tokens: 800,
            cache_write_tokens: 100,
            cost: '12500000',
            error_type: null,
            error_message: null,
            metadata: {
              provider: 'openai',
              operation: 'chat',
              service_name: 'checkout-service',
              span_name: 'chat gpt-4o',
            },
          },
          {
            agent_id: 'planner',
            user_id: 'resource-user',
            session_id: 'sess-9',
            model: 'claude-3-5-haiku',
            is_error: 0,
            latency_ms: 400,
            ttft_ms: null,
            input_tokens: 1000,
            output_tokens: 200,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            // Priced from the catalog: 1000 × $0.8 + 200 × $4 per million tokens.
            cost: '1600000',
            error_type: null,
            error_message: null,
            metadata: { provider: 'anthropic', service_name: 'checkout-service', span_name: 'chat claude' },
          },
          {
            agent_id: 'checkout-service',
            user_id: 'resource-user',
            session_id: null,
            model: 'gpt-4o-mini',
            is_error: 1,
            latency_ms: 95,
            ttft_ms: null,
            input_tokens: 0,
            output_tokens: 0,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            cost: '0',
            error_type: 'RateLimitError',
            error_message: '429 Too Many Requests',
            metadata: { operation: 'chat', service_name: 'checkout-service', span_name: 'chat gpt-4o-mini' },
          },
        ]);

        // The same spans again, as an exporter's retry would send them: nothing new.
        expect(await exportSpans(exporter, spans)).toEqual({ code: 0 });
        expect((await rowsOf(w.workspace_id)).length).toBe(3);
        await exporter.shutdown();

        const overview = await analytics(w, '/usage/overview');
        expect([overview.total_calls, overview.unique_users, overview.active_agents]).toEqual([3, 2, 2]);
        const cost = await analytics(w, '/cost/by-model');
        expect(cost.total_cost_usd).toBe(0.0141);
        expect(
          cost.data.map((m: { model: string; calls: number; input_tokens: number }) => [
            m.model,
            m.calls,
            m.input_tokens,
          ]),
        ).toEqual([
          ['gpt-4o-2024-08-06', 1, 1200],
          ['claude-3-5-haiku', 1, 1000],
          ['gpt-4o-mini', 1, 0],
        ]);
        const performance = await analytics(w, '/performance/overview');
        expect([performance.total_calls, performance.error_count, performance.p50_ms]).toEqual([3, 1, 400]);
        const errors = await analytics(w, '/performance/errors');
        expect(errors.data[0]).toMatchObject({
          error_type: 'RateLimitError',
          count: 1,
          agents: ['checkout-service'],
          sample_message: '429 Too Many Requests',
        });
        const agents = await analytics(w, '/usage/agent-distribution');
        expect(agents.data.map((a: { agent_id: string; calls: number }) => [a.agent_id, a.calls])).toEqual([
          ['planner', 2],
          ['checkout-service', 1],
        ]);
      },
    );
  });

  it('takes the same export at /v1/traces', async () => {
    const w = await srv.createWorkspace('otlp-root');
    const exporter = new ProtoExporter({
      url: `${srv.url}/v1/traces`,
      headers: { Authorization: `Bearer ${w.api_key}` },
    });
    expect(await exportSpans(exporter, recordAgentRun())).toEqual({ code: 0 });
    await exporter.shutdown();
    expect((await rowsOf(w.workspace_id)).length).toBe(3);
  });
});

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const nanos = (ms: number) => `${BigInt(T0 + ms) * 1_000_000n}`;
function chatSpan(
  spanId: string,
  attributes: Array<{ key: string; value: Record<string, unknown> }> = [],
  extra: Record<string, unknown> = {},
) {
  return {
    traceId: TRACE_ID,
    spanId,
    name: 'chat',
    startTimeUnixNano: nanos(0),
    endTimeUnixNano: nanos(500),
    attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } }, ...attributes],
    ...extra,
  };
}
const requestOf = (...spans: unknown[]) => ({
  resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }],
});

async function post(key: string, body: Buffer | string, headers: Record<string, string>) {
  const res = await fetch(`${srv.url}/api/v1/otlp/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, ...headers },
    body,
  });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}
const json = { 'content-type': 'application/json' };
const proto = { 'content-type': 'application/x-protobuf' };
const protobufOf = (request: Record<string, unknown>) =>
  Buffer.from(requestType.encode(requestType.fromObject(request)).finish());

describe('OTLP/HTTP input', () => {
  it('reports one bad span in partialSuccess, naming the field, and stores the good ones (JSON and protobuf)', async () => {
    const w = await srv.createWorkspace('otlp-partial');
    const request = requestOf(
      chatSpan('0000000000000001', [{ key: 'gen_ai.usage.input_tokens', value: { intValue: 10 } }]),
      chatSpan('0000000000000002', [{ key: 'gen_ai.usage.input_tokens', value: { intValue: '-5' } }]),
    );
    const res = await post(w.api_key, JSON.stringify(request), json);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(JSON.parse(res.body.toString())).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: 'span 0000000000000002: input_tokens: must be >= 0' },
    });
    expect((await rowsOf(w.workspace_id)).map((r) => r.input_tokens)).toEqual([10]);

    const protobufRequest = requestOf(
      {
        ...chatSpan('0000000000000003'),
        traceId: Buffer.from(TRACE_ID, 'hex'),
        spanId: Buffer.from('0000000000000003', 'hex'),
      },
      {
        ...chatSpan('0000000000000004', [], { endTimeUnixNano: nanos(4_000_000) }),
        traceId: Buffer.from(TRACE_ID, 'hex'),
        spanId: Buffer.from('0000000000000004', 'hex'),
      },
    );
    const protoRes = await post(w.api_key, protobufOf(protobufRequest), proto);
    expect(protoRes.status).toBe(200);
    expect(protoRes.type).toMatch(/^application\/x-protobuf/);
    expect(responseType.toObject(responseType.decode(protoRes.body), { longs: Number })).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: 'span 0000000000000004: latency_ms: must be <= 3600000' },
    });
    expect((await rowsOf(w.workspace_id)).length).toBe(2);
  });

  it('answers an export without LLM calls with an empty response', async () => {
    const w = await srv.createWorkspace('otlp-empty');
    const res = await post(
      w.api_key,
      JSON.stringify(requestOf({ ...chatSpan('0000000000000001'), attributes: [] })),
      json,
    );
    expect([res.status, res.body.toString()]).toEqual([200, '{}']);
    const protoRes = await post(w.api_key, protobufOf({ resourceSpans: [] }), proto);
    expect([protoRes.status, protoRes.body.length]).toEqual([200, 0]);
  });

  const valid = protobufOf(
    requestOf({
      ...chatSpan('0000000000000001'),
      traceId: Buffer.from(TRACE_ID, 'hex'),
      spanId: Buffer.from('0000000000000001', 'hex'),
    }),
  );
  it.each([
    ['a truncated protobuf', valid.subarray(0, valid.length - 7), proto, 400],
    ['JSON that is not OTLP', JSON.stringify({ traces: [{ trace_id: 't-1' }] }), json, 400],
    ['JSON that does not parse', '{"resourceSpans": [', json, 400],
    [
      'a trace id of the wrong length',
      JSON.stringify(requestOf({ ...chatSpan('0000000000000001'), traceId: 'abc' })),
      json,
      400,
    ],
    ['a span id that is not hex', JSON.stringify(requestOf(chatSpan('zzzzzzzzzzzzzzzz'))), json, 400],
    [
      'an all-zero trace id',
      JSON.stringify(requestOf({ ...chatSpan('0000000000000001'), traceId: '0'.repeat(32) })),
      json,
      400,
    ],
    [
      'an end before the start',
      JSON.stringify(requestOf(chatSpan('0000000000000001', [], { endTimeUnixNano: nanos(-1) }))),
      json,
      400,
    ],
    [
      'a time that is no integer',
      JSON.stringify(requestOf(chatSpan('0000000000000001', [], { startTimeUnixNano: 'soon' }))),
      json,
      400,
    ],
    ['6 MiB', Buffer.alloc(6 * 1024 * 1024), proto, 413],
    ['a gzip bomb', gzipSync(Buffer.alloc(64 * 1024 * 1024)), { ...json, 'content-encoding': 'gzip' }, 413],
    ['a body that is not gzip', 'plain', { ...json, 'content-encoding': 'gzip' }, 400],
    ['text/plain', 'hello', { 'content-type': 'text/plain' }, 415],
    ['an unknown Content-Encoding', 'x', { ...json, 'content-encoding': 'br' }, 415],
  ])('refuses %s, storing nothing', async (_what, body, headers, status) => {
    const w = await srv.createWorkspace('otlp-bad');
    const res = await post(w.api_key, body, headers);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body.toString())).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect((await rowsOf(w.workspace_id)).length).toBe(0);
  });

  it('takes the workspace from the key: a missing key is 401, a disagreeing X-Workspace-ID 403', async () => {
    const w = await srv.createWorkspace('otlp-auth');
    const other = await srv.createWorkspace('otlp-other');
    expect((await post('nope', valid, proto)).status).toBe(401);
    expect((await post(w.api_key, valid, { ...proto, 'x-workspace-id': other.workspace_id })).status).toBe(403);
    expect((await rowsOf(w.workspace_id)).length).toBe(0);
  });
});
