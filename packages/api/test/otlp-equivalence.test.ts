import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtobufRequest, root } from '../src/otlp/otlp-protobuf.js';
import { readPlainExportRequest } from '../src/otlp/otlp-protobuf-reader.js';
import { exportTraceRequestSchema } from '../src/otlp/otlp-request.js';
import { startTestServer, type TestServer } from './harness.js';

/**
 * OTLP's two encodings and protobuf's two decoders (docs/API_SPEC.md §7): the same spans sent
 * as OTLP/JSON and as protobuf are stored as the same rows with the same answer, and the fast
 * protobuf reader gives exactly the reflective decoder's checked request, or leaves the request
 * to it.
 */

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

const requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const responseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

type Json = Record<string, unknown>;
const T0 = Date.now() - 10 * 60_000;
const nanos = (ms: number) => `${BigInt(T0 + ms) * 1_000_000n}`;
const str = (key: string, stringValue: string) => ({ key, value: { stringValue } });
const int = (key: string, intValue: string | number) => ({ key, value: { intValue } });
const dbl = (key: string, doubleValue: number) => ({ key, value: { doubleValue } });
const bool = (key: string, boolValue: boolean) => ({ key, value: { boolValue } });

const TRACE = '5b8efff798038103d269b633813fc60c';
const HUGE_TRACE = 'ffffffffffffffffffffffffffffffff';
function span(spanId: string, attributes: Json[], extra: Json = {}): Json {
  return {
    traceId: TRACE,
    spanId,
    name: `chat ${spanId}`,
    kind: 3,
    startTimeUnixNano: nanos(0),
    endTimeUnixNano: nanos(812),
    attributes: [str('gen_ai.request.model', 'gpt-4o'), ...attributes],
    ...extra,
  };
}

/** An OTLP/JSON request as protobuf: hex ids become bytes, the rest is protobufjs's own mapping. */
function toProtobuf(request: Json): Buffer {
  const copy = structuredClone(request) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Json[] }> }> };
  for (const rs of copy.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans)
        for (const field of ['traceId', 'spanId', 'parentSpanId'])
          if (typeof s[field] === 'string') s[field] = Buffer.from(s[field] as string, 'hex');
  return Buffer.from(requestType.encode(requestType.fromObject(copy)).finish());
}

/** Every attribute form, on the span, the resource and events; a parent lending its agent name. */
const everyForm: Json = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          str('service.name', 'checkout'),
          str('enduser.id', 'resource-user'),
          { key: 'resource.list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'equivalence', version: '1.0.0', attributes: [bool('scope.flag', true)] },
          spans: [
            {
              traceId: TRACE,
              spanId: '00000000000000a0',
              name: 'invoke_agent planner',
              startTimeUnixNano: nanos(0),
              endTimeUnixNano: nanos(5000),
              attributes: [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', 'planner')],
            },
            span(
              '00000000000000a1',
              [
                str('gen_ai.operation.name', 'chat'),
                str('gen_ai.provider.name', 'openai'),
                str('gen_ai.response.model', 'gpt-4o-2024-08-06'),
                int('gen_ai.usage.input_tokens', '1200'),
                int('gen_ai.usage.output_tokens', 300),
                dbl('gen_ai.usage.cache_read.input_tokens', 800),
                int('gen_ai.usage.cache_creation.input_tokens', '100'),
                dbl('gen_ai.response.time_to_first_chunk', 0.25),
                dbl('gen_ai.usage.cost', 0.0125),
                str('gen_ai.conversation.id', 'conv-1'),
                bool('gen_ai.is_streaming', true),
                { key: 'gen_ai.request.stop_sequences', value: { arrayValue: { values: [{ stringValue: 'END' }] } } },
                {
                  key: 'gen_ai.request.extra',
                  value: { kvlistValue: { values: [str('nested', 'x'), { key: 'deeper', value: { kvlistValue: { values: [] } } }] } },
                },
                { key: 'no.value' },
                str('user.id', 'first'),
                str('user.id', 'u-1'),
              ],
              {
                parentSpanId: '00000000000000a0',
                events: [
                  { name: 'gen_ai.content.prompt', timeUnixNano: nanos(1), attributes: [str('gen_ai.prompt', 'Hello ü 😀')] },
                  { name: 'gen_ai.content.completion', attributes: [str('gen_ai.completion', 'x'.repeat(40_000))] },
                ],
                status: { code: 1 },
              },
            ),
            span(
              '00000000000000a2',
              [str('gen_ai.system', 'anthropic'), int('gen_ai.usage.prompt_tokens', 1000), str('session.id', 's-9')],
              {
                events: [
                  {
                    name: 'exception',
                    attributes: [str('exception.type', 'RateLimitError'), str('exception.message', '429 Too Many Requests')],
                  },
                ],
                status: { code: 2 },
              },
            ),
            span('00000000000000a3', [str('error.type', 'timeout'), int('ai.response.msToFirstChunk', 40)], {
              traceId: HUGE_TRACE,
              spanId: 'ffffffffffffffff',
              status: { code: 2, message: 'deadline exceeded' },
            }),
            // Rejected spans: a token count of the wrong kind, and one beyond every limit (int64's largest).
            span('00000000000000a4', [str('gen_ai.usage.input_tokens', '12')]),
            span('00000000000000a5', [int('gen_ai.usage.output_tokens', '9223372036854775807')]),
            span('00000000000000a6', [bool('gen_ai.usage.input_tokens', true), dbl('gen_ai.usage.output_tokens', 1.5)]),
            // Not an LLM call: read for context only.
            { ...span('00000000000000a7', []), attributes: [str('http.method', 'GET')] },
          ],
        },
      ],
    },
    { scopeSpans: [{ spans: [span('00000000000000b1', [int('gen_ai.usage.input_tokens', 0)])] }] },
  ],
};

async function post(key: string, body: Buffer | string, contentType: string) {
  const res = await fetch(`${srv.url}/api/v1/otlp/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
    body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const answer =
    res.status !== 200
      ? JSON.parse(bytes.toString())
      : contentType === 'application/json'
        ? JSON.parse(bytes.toString())
        : responseType.toObject(responseType.decode(bytes), { longs: Number });
  return { status: res.status, answer };
}

/** Every stored column but the row id (random) and received_at (the database's clock). */
async function storedRows(workspaceId: string) {
  return srv.database.rows<Json>(
    sql`select trace_id, timestamp, agent_id, user_id, model, is_error, latency_ms, input_tokens, output_tokens,
               cost_nanos::text as cost, cost_source, safety_flags, error_type, error_message, metadata, session_id,
               tags, cache_read_tokens, cache_write_tokens, ttft_ms, input, output
        from traces where workspace_id = ${workspaceId}::uuid order by trace_id`,
  );
}

/** Posts `request` both ways to two fresh workspaces: the answers and rows, per encoding. */
async function bothWays(request: Json, protobufBody = toProtobuf(request)) {
  const jsonWorkspace = await srv.createWorkspace('otlp-json');
  const protoWorkspace = await srv.createWorkspace('otlp-proto');
  const json = await post(jsonWorkspace.api_key, JSON.stringify(request), 'application/json');
  const proto = await post(protoWorkspace.api_key, protobufBody, 'application/x-protobuf');
  return {
    json: { ...json, rows: await storedRows(jsonWorkspace.workspace_id) },
    proto: { ...proto, rows: await storedRows(protoWorkspace.workspace_id) },
  };
}

describe('OTLP/JSON and protobuf', () => {
  it('store the same rows and give the same answer, for every attribute form', async () => {
    const { json, proto } = await bothWays(everyForm);
    expect(json.status).toBe(200);
    expect(proto).toEqual(json);
    expect(json.rows.map((r) => r.trace_id)).toEqual([
      `${TRACE}-00000000000000a1`,
      `${TRACE}-00000000000000a2`,
      `${TRACE}-00000000000000b1`,
      `${HUGE_TRACE}-ffffffffffffffff`,
    ]);
    expect(json.rows[0]).toMatchObject({
      agent_id: 'planner',
      user_id: 'u-1',
      input_tokens: 1200,
      output_tokens: 300,
      cache_read_tokens: 800,
      cache_write_tokens: 100,
      ttft_ms: 250,
      cost: '12500000',
      input: 'Hello ü 😀',
    });
    expect((json.rows[0]!.output as string).length).toBe(32_768);
    expect(json.rows[1]).toMatchObject({ agent_id: 'checkout', user_id: 'resource-user', error_type: 'RateLimitError' });
    expect(json.answer.partialSuccess.rejectedSpans).toBe(3);
    expect(json.answer.partialSuccess.errorMessage).toBe(
      [
        'span 00000000000000a4: input_tokens: must be an integer',
        'span 00000000000000a5: output_tokens: must be an integer; output_tokens: must be <= 2000000000',
        'span 00000000000000a6: input_tokens: must be an integer; output_tokens: must be an integer',
      ].join(' | '),
    );
  });

  it.each([
    ['a trace id of 17 bytes', { traceId: `${TRACE}ff` }],
    ['an all-zero span id', { spanId: '0000000000000000' }],
    ['a parent span id of 4 bytes', { parentSpanId: '00000001' }],
    ['an end before the start', { endTimeUnixNano: nanos(-1) }],
    ['no start time', { startTimeUnixNano: '0' }],
  ])('refuse %s alike, storing nothing', async (_what, fields) => {
    const { json, proto } = await bothWays({ resourceSpans: [{ scopeSpans: [{ spans: [span('0000000000000001', [], fields)] }] }] });
    expect(json.status).toBe(400);
    expect(proto.status).toBe(400);
    expect(proto.answer.issues.map((i: { path: string }) => i.path)).toEqual(
      json.answer.issues.map((i: { path: string }) => i.path),
    );
    expect([json.rows, proto.rows]).toEqual([[], []]);
  });

  it('refuse text that is not UTF-8 in protobuf (a 400, as protobufjs decides); JSON reads it as U+FFFD', async () => {
    const request = { resourceSpans: [{ scopeSpans: [{ spans: [span('0000000000000001', [str('gen_ai.conversation.id', 'BAD~')])] }] }] };
    const valid = toProtobuf(request);
    const at = valid.indexOf('BAD~');
    const invalid = Buffer.concat([valid.subarray(0, at), Buffer.from([0x42, 0xc3, 0x28, 0x7e]), valid.subarray(at + 4)]);
    const { proto } = await bothWays(request, invalid);
    expect(proto.status).toBe(400);
    expect(proto.answer.message).toMatch(/not a valid protobuf/);
    expect(proto.rows).toEqual([]);
    const w = await srv.createWorkspace('otlp-json-bad-utf8');
    const json = Buffer.from(JSON.stringify(request));
    const jsonAt = json.indexOf('BAD~');
    const body = Buffer.concat([json.subarray(0, jsonAt), Buffer.from([0x42, 0xc3, 0x28, 0x7e]), json.subarray(jsonAt + 4)]);
    expect((await post(w.api_key, body, 'application/json')).status).toBe(200);
    expect((await storedRows(w.workspace_id)).map((r) => r.session_id)).toEqual(['B\uFFFD(~']);
  });
});

/** The reflective path's result: the decoded object through the schema, or undefined for a 400. */
function reflective(body: Buffer) {
  try {
    const parsed = exportTraceRequestSchema.safeParse(decodeProtobufRequest(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

describe('the fast protobuf reader', () => {
  it('gives the reflective decoder’s checked request for every attribute form', () => {
    const body = toProtobuf(everyForm);
    expect(readPlainExportRequest(body)).toBeDefined();
    expect(readPlainExportRequest(body)).toEqual(reflective(body));
  });

  it('gives the same request as the reflective path, or leaves it to it, for damaged bytes', () => {
    const body = toProtobuf(everyForm);
    let answered = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(body.length - 1), fc.nat(255)), { minLength: 1, maxLength: 3 }),
        fc.nat(body.length),
        (flips, cut) => {
          const damaged = Buffer.from(body.subarray(0, Math.max(cut, body.length - 64)));
          for (const [at, byte] of flips) if (at < damaged.length) damaged[at] = byte;
          const fast = readPlainExportRequest(damaged);
          if (fast === undefined) return;
          answered++;
          expect(fast).toEqual(reflective(damaged));
        },
      ),
      { seed: 20_261_130, numRuns: 1_500 },
    );
    expect(answered).toBeGreaterThan(0);
  });

  it('leaves what protobufjs merges or decides itself (repeated singular messages, groups, NaN) to it', () => {
    const writer = protobuf.Writer.create();
    const base = toProtobuf({ resourceSpans: [{ scopeSpans: [{ spans: [span('0000000000000001', [dbl('x', Number.NaN)])] }] }] });
    expect(readPlainExportRequest(base)).toBeUndefined();
    expect(reflective(base)).toBeUndefined();
    // A group (wire type 3) of field 9 at the request's top level, then its end.
    const grouped = Buffer.concat([writer.uint32((9 << 3) | 3).uint32((9 << 3) | 4).finish(), toProtobuf(everyForm)]);
    expect(readPlainExportRequest(grouped)).toBeUndefined();
    expect(reflective(grouped)).toEqual(reflective(toProtobuf(everyForm)));
  });
});
