import { sql } from 'drizzle-orm';
import { ANALYTICS_PATHS, errorBodySchema, QUALITY_PATHS, TAG_ANALYTICS_PATHS } from '@pulse/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi/document.js';
import { makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';
import { reference, usd } from './reference.js';

/**
 * Hostile input: random bodies and query parameters (wrong types, huge and unicode strings,
 * NaN/Infinity, nested junk, SQL-looking text, absurd dates). Always a 4xx naming the field
 * or a success, never a 5xx; afterwards the workspace's figures are exactly those of the
 * valid traces sent. Fixed seeds and bounded runs: reproducible and quick.
 */
const RUNS = { seed: 20_261_125, numRuns: 120, endOnFailure: true } as const;

/** Text that a naive query builder would turn into SQL. All valid ids: stored and returned verbatim. */
export const SQL_LOOKING = [
  "x'); drop table traces;--",
  "' OR '1'='1",
  "'; delete from api_keys; --",
  '"; drop table workspaces; --',
  "Robert'); DROP TABLE students;--",
  '1; select pg_sleep(10)',
  "' union select key_hash, null from api_keys --",
  '$1',
  '%',
  '_',
  '%%',
  '\\',
  "\\'",
  '/* comment */ x',
  '::uuid',
  "E'\\x00'",
  '\u202Eevil',
  'агент-1',
  '名前',
  '👩‍👩‍👧‍👦',
  'a\u0301',
  ' ',
  '\t\n',
  'null',
  'undefined',
  '__proto__',
  'constructor',
];

const validText = fc
  .oneof(
    fc.constantFrom(...SQL_LOOKING),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 128, maxLength: 128 }),
  )
  .filter((s) => s.length >= 1 && s.length <= 128 && !s.includes('\u0000'));

/** Values that are never a valid string id. */
const notAnId = fc.oneof(
  fc.constantFrom(null, 0, 42, -1, true, false, [], ['a'], {}, { $ne: null }, '', 'a\u0000b', '\u0000', 'a\uD800b', '\uDC00', 'x\uD83D'),
  fc.string({ minLength: 129, maxLength: 3000 }),
  fc.double(),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
);
const notANumber = fc.oneof(
  fc.constantFrom(null, '100', '', 'NaN', 'Infinity', true, [], [1], {}, { value: 1 }),
  fc.string({ maxLength: 20 }),
);
const absurdDates = fc.oneof(
  fc.constantFrom(
    '',
    'now',
    'yesterday',
    'NaN',
    'Infinity',
    '1e10',
    '2026-13-45T99:99:99Z',
    '2026-02-30T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '1970-01-01T00:00:00Z',
    '1999-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59Z',
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    '2026-11-25',
    '2026-11-25T10:00:00',
    '2026-11-25T10:00:00+25:00',
    "2026-11-25T10:00:00Z'; drop table traces;--",
    null,
    0,
    1_700_000_000_000,
    {},
    [],
  ),
  fc.string({ maxLength: 40 }),
  // A little too far in the future (more than 5 minutes).
  fc.integer({ min: 6, max: 10_000_000 }).map((minutes) => new Date(Date.now() + minutes * 60_000).toISOString()),
);
function nestedArrays(depth: number): unknown {
  return JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
}

/** Valid JSON-able metadata of every shape, well under 16 KB; nesting included. */
const validMetadata = fc.oneof(
  fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }).filter(
    (m) => Buffer.byteLength(JSON.stringify(m)) <= 16 * 1024 && !JSON.stringify(m).includes('\\u0000'),
  ),
  // Up to the 64 levels a metadata object may nest.
  fc.integer({ min: 1, max: 63 }).map((depth) => ({ deep: nestedArrays(depth) })),
  fc.integer({ min: 1, max: 63 }).map((depth) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as Record<string, unknown>),
  fc.constant({ __proto__: { polluted: true }, constructor: { prototype: 1 } }),
  // Text that merely looks like an escape is text.
  fc.constant({ note: '\\uD800 and \\u0000 are just text here', 'k\\uDC00': 1 }),
);

/** One way to make a trace invalid, and the field its error must name. */
interface Breakage {
  field: string;
  value: unknown;
}
const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.record({ field: fc.constantFrom('trace_id', 'agent_id', 'model'), value: notAnId }),
  fc.record({ field: fc.constant('timestamp'), value: absurdDates }),
  fc.record({ field: fc.constant('status'), value: fc.constantFrom('ok', 'SUCCESS', 'Error', '', 0, null, ['success'], { status: 'success' }) }),
  fc.record({
    field: fc.constant('latency_ms'),
    value: fc.oneof(notANumber, fc.constantFrom(-1, -0.001, 3_600_000.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER)),
  }),
  fc.record({
    field: fc.constantFrom('input_tokens', 'output_tokens'),
    value: fc.oneof(notANumber, fc.constantFrom(-1, 1.5, 2_000_000_001, 1e20, 2 ** 53)),
  }),
  fc.record({ field: fc.constant('cost_usd'), value: fc.oneof(notANumber, fc.constantFrom(-0.01, 1_000_000.01, 1e300)) }),
  fc.record({ field: fc.constantFrom('user_id', 'error_type'), value: fc.oneof(fc.constantFrom(5, true, [], {}, 'a\u0000', 'a\uDFFF'), fc.string({ minLength: 129, maxLength: 500 })) }),
  fc.record({ field: fc.constant('error_message'), value: fc.oneof(fc.constantFrom(5, [], {}, '\u0000', 'oops \uD800'), fc.string({ minLength: 4001, maxLength: 5000 })) }),
  fc.record({
    field: fc.constant('metadata'),
    value: fc.oneof(
      fc.constantFrom('{}', 5, true, [1, 2], [], { nul: 'a\u0000' }, { lone: 'a\uD800' }, { ['\uDC00']: 1 }),
      fc.integer({ min: 17, max: 40 }).map((kb) => ({ pad: 'x'.repeat(kb * 1024) })),
      // Deeper than 64 levels (and still shallow enough for the whole body's limit).
      fc.integer({ min: 64, max: 68 }).map((depth) => ({ deep: nestedArrays(depth) })),
    ),
  }),
);

/** A trace as sent: a valid one with hostile-but-valid values, a broken one, or not an object at all. */
type Item = { kind: 'valid'; agent_id: string; user_id: string | null | undefined; extra: Record<string, unknown> } | { kind: 'broken'; breakage: Breakage } | { kind: 'junk'; value: unknown };
const item: fc.Arbitrary<Item> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      agent_id: validText,
      user_id: fc.oneof(validText, fc.constant(null), fc.constant(undefined)),
      extra: fc.oneof(
        fc.constant({}),
        validMetadata.map((metadata) => ({ metadata })),
        // Fields the spec does not know are ignored, a workspace id above all.
        fc.constant({ workspace_id: '00000000-0000-4000-8000-000000000000', id: 1, is_error: 1, cost_nanos: '1' }),
        fc.record({ error_message: fc.string({ unit: 'grapheme', maxLength: 50 }), error_type: validText }).map((e) => ({ status: 'error', ...e })),
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('broken' as const), breakage }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('junk' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)), fc.constant(null)) }) },
);

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
let control: { workspace_id: string; api_key: string };
const headersOf = (w: { workspace_id: string; api_key: string }) => ({ authorization: `Bearer ${w.api_key}`, 'x-workspace-id': w.workspace_id });

/** What the fuzzed workspace should hold: every valid trace the properties sent, by agent. */
const sentAgents = new Map<string, number>();
let sentTotal = 0;
let runCounter = 0;

async function getJson(path: string, w = ws) {
  const res = await fetch(`${srv.url}${path}`, { headers: headersOf(w) });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}

/** Every 4xx body (docs/API_SPEC.md §1): the shared error body. */
function expectErrorBody(body: any, context: string) {
  expect(typeof body, context).toBe('object');
  expect(errorBodySchema.safeParse(body).success, context).toBe(true);
  expect(typeof body.code, context).toBe('string');
  expect(typeof body.message, context).toBe('string');
  expect(body.message, context).not.toMatch(/\bat [\w.<>]+ \(|node_modules|select |insert into/i);
}

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('fuzz');
  control = await srv.createWorkspace('control');
  const seeded = await sendTraces(srv.url, control.api_key, { traces: [makeTrace({ agent_id: 'control-agent' }), makeTrace({ agent_id: 'control-agent' })] });
  expect(seeded.status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

describe('hostile ingest bodies', () => {
  it('every trace is stored or rejected naming its field; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 8 }), async (items) => {
        const run = ++runCounter;
        const traces = items.map((it, i) => {
          const base = makeTrace({ trace_id: `fuzz-${run}-${i}` });
          if (it.kind === 'junk') return it.value;
          if (it.kind === 'broken') return { ...base, [it.breakage.field]: it.breakage.value };
          const t: Record<string, unknown> = { ...base, ...it.extra, agent_id: it.agent_id };
          if (it.user_id === undefined) delete t.user_id;
          else t.user_id = it.user_id;
          return t;
        });
        const res = await sendTraces(srv.url, ws.api_key, { traces });
        const context = JSON.stringify({ status: res.status, body: res.body }).slice(0, 2000);
        expect(res.status, context).toBeLessThan(500);
        const valid = items.filter((it) => it.kind === 'valid').length;
        expect(res.status, context).toBe(valid === items.length ? 200 : 207);
        expect(res.body.accepted, context).toBe(valid);
        expect(res.body.duplicates, context).toBe(0);
        const rejected = res.body.rejected as Array<{ index: number; errors: string[] }>;
        expect(rejected.map((r) => r.index), context).toEqual(items.flatMap((it, i) => (it.kind === 'valid' ? [] : [i])));
        for (const r of rejected) {
          const it = items[r.index]!;
          const field = it.kind === 'broken' ? it.breakage.field : 'trace';
          expect(r.errors.some((e) => e.startsWith(`${field}: `) || e.startsWith(`${field}.`)), `${field} in ${JSON.stringify(r.errors)}`).toBe(true);
        }
        for (const it of items) {
          if (it.kind !== 'valid') continue;
          sentAgents.set(it.agent_id, (sentAgents.get(it.agent_id) ?? 0) + 1);
          sentTotal++;
        }
      }),
      RUNS,
    );
  });

  it('bad envelopes are a 400 (or 413/415) naming the problem, and store nothing', async () => {
    const before = sentTotal;
    const envelope = fc.oneof(
      // Any JSON that is not an object with `traces`.
      fc.jsonValue({ maxDepth: 3 }).filter((v) => !(v && typeof v === 'object' && !Array.isArray(v) && 'traces' in v)).map((v) => JSON.stringify(v)),
      // `traces` that is not an array of 1–1000.
      fc.oneof(fc.jsonValue({ maxDepth: 2 }).filter((v) => !Array.isArray(v)), fc.constant([])).map((traces) => JSON.stringify({ traces })),
      fc.constant(JSON.stringify({ traces: Array.from({ length: 1001 }, () => ({})) })),
      // Not JSON at all: NaN and Infinity literals, truncation, comments, byte junk.
      fc.constantFrom('', 'NaN', '{"traces": NaN}', '{"traces": [NaN]}', '{"traces": [{"latency_ms": Infinity}]}', "{'traces': []}", '{"traces": [', '{"traces": []} // c', '\u0000', '{"traces":[]}}'),
      fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
      // Deeply nested arrays (built in the property, so a failure prints the depth, not the body).
      fc.integer({ min: 80, max: 100_000 }),
    );
    await fc.assert(
      fc.asyncProperty(envelope, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (envelopeOrDepth, contentType) => {
        const body = typeof envelopeOrDepth === 'number' ? `{"traces": ${'['.repeat(envelopeOrDepth)}${']'.repeat(envelopeOrDepth)}}` : envelopeOrDepth;
        const res = await sendTraces(srv.url, ws.api_key, body, { 'content-type': contentType });
        const context = `${contentType} ${body.slice(0, 200)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`;
        expect([400, 413, 415], context).toContain(res.status);
        expectErrorBody(res.body, context);
        expect(res.body.message, context).toMatch(/traces|JSON|body|content-type|nested/i);
      }),
      RUNS,
    );
    const [row] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from traces where workspace_id = ${ws.workspace_id}::uuid`);
    expect(row!.n).toBe(before);
  });
});

describe('hostile ingest over tRPC', () => {
  it('metadata nested thousands of levels deep is one rejected trace, not a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 64, max: 8000 }), async (depth) => {
        const run = ++runCounter;
        const valid = makeTrace({ trace_id: `deep-${run}-ok`, agent_id: 'deep-ok' });
        const res = await fetch(`${srv.url}/trpc/ingest.traces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ws.api_key}`, 'content-type': 'application/json' },
          // Spliced as text: JSON.stringify itself overflows a few thousand levels down.
          body: JSON.stringify({ traces: [valid, makeTrace({ trace_id: `deep-${run}`, metadata: { deep: 'DEEP' } })] }).replace('"DEEP"', '['.repeat(depth) + ']'.repeat(depth)),
        });
        const text = await res.text();
        expect(res.status, text.slice(0, 500)).toBe(200);
        const data = JSON.parse(text).result.data as { accepted: number; rejected: Array<{ index: number; errors: string[] }> };
        expect(data.accepted).toBe(1);
        expect(data.rejected).toEqual([{ index: 1, trace_id: `deep-${run}`, errors: ['metadata: must nest at most 64 levels deep'] }]);
        sentAgents.set('deep-ok', (sentAgents.get('deep-ok') ?? 0) + 1);
        sentTotal++;
      }),
      { ...RUNS, numRuns: 20 },
    );
  });
});

/** Every analytics GET of the OpenAPI document (§4's paths: not the settings-like GETs such as alert rules), with the parameters it declares. */
const doc = buildOpenApiDocument();
const analyticsGets = Object.entries(doc.paths ?? {})
  .filter(([p, ops]) => ops?.get && ([...ANALYTICS_PATHS, ...TAG_ANALYTICS_PATHS, ...QUALITY_PATHS] as readonly string[]).includes(p))
  .map(([p, ops]) => ({ path: p, params: ((ops!.get!.parameters ?? []) as Array<{ name: string; in: string }>).filter((x) => x.in === 'query').map((x) => x.name) }));

/** Any instant an ISO-8601 string with an offset can spell, year 0000 to 9999, edges included. */
const anyIsoDate = fc.oneof(
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '0000-12-31T23:59:59.999Z',
    '0001-01-01T00:00:00.000Z',
    '0001-01-01T00:00:00+14:00',
    '0001-01-02T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '1999-12-31T23:59:59.999Z',
    '2000-01-01T00:00:00Z',
    '2100-01-01T00:00:00Z',
    '2100-01-01T00:00:00.001Z',
    '9999-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59-14:00',
  ),
  fc
    .record({
      date: fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
      offsetMinutes: fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
    })
    .map(({ date, offsetMinutes }) => {
      const sign = offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(offsetMinutes);
      const offset = offsetMinutes === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      return date.toISOString().replace('Z', offset);
    }),
);

const paramValue = fc.oneof(
  fc.constantFrom('1h', '24h', '7d', '30d', 'custom', 'minute', 'hour', 'day', '10', '1', '100'),
  fc.constantFrom('', ' ', '0', '-1', '101', '1.5', '1e3', '0x10', 'NaN', 'Infinity', '-Infinity', 'null', 'true', '[]', '{}', '24H', '1d', 'custom ', 'hourly'),
  fc.constantFrom(...SQL_LOOKING),
  absurdDates.filter((d): d is string => typeof d === 'string'),
  fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  anyIsoDate,
  fc.constantFrom('\u0000', 'a\u0000b', '\uD800', 'x\uDFFF'),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ minLength: 129, maxLength: 2000 }),
  // Longer than a tag (64) but not than an agent or a model (128).
  fc.string({ minLength: 65, maxLength: 128 }),
);
const queryArb = fc.record({
  op: fc.integer({ min: 0, max: analyticsGets.length - 1 }),
  params: fc.array(
    fc.tuple(fc.oneof(fc.constantFrom('range', 'from', 'to', 'agent_id', 'model', 'tag', 'granularity', 'limit', 'name'), fc.constantFrom('foo', 'workspace_id', '__proto__', 'constructor', 'range[]', 'agent_id[x]', 'input')), paramValue),
    { maxLength: 6 },
  ),
});

describe('hostile analytics parameters', () => {
  it('REST: every parameter combination is a 200 or a 400 naming a parameter; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async ({ op, params }) => {
        const { path } = analyticsGets[op]!;
        const qs = new URLSearchParams(params).toString();
        const res = await getJson(`/api/v1${path}${qs ? `?${qs}` : ''}`);
        const context = `${path}?${qs.slice(0, 300)} -> ${res.status} ${res.text.slice(0, 500)}`;
        expect([200, 400], context).toContain(res.status);
        // An unknown or empty parameter is never taken as absent.
        if (params.some(([name, value]) => !analyticsGets[op]!.params.includes(name) || value === '')) expect(res.status, context).toBe(400);
        if (res.status === 400) {
          expectErrorBody(res.body, context);
          // Every invalid parameter is named in issues (the bucket count's granularity too), and
          // only parameters: a known one or one that was sent.
          const fields: string[] = res.body.issues.map((i: { path: string }) => i.path);
          expect(fields.length, context).toBeGreaterThan(0);
          const sent = params.map(([name]) => name);
          for (const f of fields) expect(['range', 'from', 'to', 'agent_id', 'model', 'tag', 'granularity', 'limit', 'name', ...sent], context).toContain(f);
          for (const f of fields) expect(res.body.message, context).toContain(f);
        } else if (path !== '/cost/budget') {
          expect(Date.parse(res.body.from), context).toBeLessThan(Date.parse(res.body.to));
        }
      }),
      RUNS,
    );
  });

  it('tRPC: any JSON as input is a 200 or a 400 naming a field; never a 5xx', async () => {
    const names = ['usage.overview', 'usage.callsOverTime', 'usage.agentDistribution', 'usage.topUsers', 'cost.overview', 'cost.trend', 'cost.byModel', 'cost.byTag', 'cost.budget', 'performance.overview', 'performance.latency', 'performance.throughput', 'performance.errors', 'quality.overview', 'quality.trend', 'quality.byAgent'];
    const field = fc.oneof(
      paramValue,
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(Number.MAX_VALUE, -0, 1e-320, 2 ** 53 + 1, 'a\uD800', '\uDC00'),
      // Arrays as deep as a URL under the 16 KiB header limit allows (spliced in as text below).
      fc.integer({ min: 100, max: 2000 }).map((depth) => `DEEP:${depth}`),
    );
    const input = fc.oneof(
      fc.dictionary(fc.constantFrom('range', 'from', 'to', 'agent_id', 'model', 'tag', 'granularity', 'limit', 'name', 'foo', '__proto__'), field, { maxKeys: 5 }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), input, async (name, value) => {
        const json = JSON.stringify(value).replace(/"DEEP:(\d+)"/g, (_m, d: string) => '['.repeat(Number(d)) + ']'.repeat(Number(d)));
        const url = `/trpc/${name}?input=${encodeURIComponent(json)}`;
        const res = await getJson(url);
        const context = `${name} ${JSON.stringify(value).slice(0, 300)} -> ${res.status} ${res.text.slice(0, 500)}`;
        // A URL longer than the 16 KiB header limit is node's 431, before any of our code (near
        // the limit the other headers decide).
        expect(url.length > 16 * 1024 ? [431] : url.length > 15 * 1024 ? [200, 400, 431] : [200, 400], context).toContain(res.status);
        if (res.status === 400) {
          expect(res.body.error.message, context).toMatch(/range|from|to|agent_id|model|tag|granularity|limit|name|input|expected|is not a known parameter/);
          expect(res.body.error.data.issues.length, context).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('custom windows anywhere from year 0000 to 9999, any offset: a 200 or a 400 naming from or to; never a 5xx', async () => {
    const operations = [
      ['usage.overview', '/usage/overview'],
      ['usage.callsOverTime', '/usage/calls-over-time'],
      ['usage.agentDistribution', '/usage/agent-distribution'],
      ['usage.topUsers', '/usage/top-users'],
      ['cost.overview', '/cost/overview'],
      ['cost.trend', '/cost/trend'],
      ['cost.byModel', '/cost/by-model'],
      ['cost.byTag', '/cost/by-tag'],
      ['performance.overview', '/performance/overview'],
      ['performance.latency', '/performance/latency'],
      ['performance.throughput', '/performance/throughput'],
      ['performance.errors', '/performance/errors'],
    ] as const;
    const windowArb = fc.oneof(
      fc.record({ from: anyIsoDate, to: anyIsoDate }),
      // Short windows near the edges, so that many are in order and small enough for a series.
      fc.record({ from: anyIsoDate, spanMinutes: fc.integer({ min: 1, max: 24 * 60 }) }).map(({ from, spanMinutes }) => ({
        from,
        to: new Date(Date.parse(from) + spanMinutes * 60_000).toISOString(),
      })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), windowArb, fc.boolean(), async ([name, path], { from, to }, viaTrpc) => {
        const series = ['/usage/calls-over-time', '/cost/trend', '/performance/latency', '/performance/throughput'].includes(path);
        const url = viaTrpc
          ? `/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ range: 'custom', from, to }))}`
          : `/api/v1${path}?${new URLSearchParams({ range: 'custom', from, to, ...(series ? { granularity: 'day' } : {}) })}`;
        const res = await getJson(url);
        const context = `${url} -> ${res.status} ${res.text.slice(0, 500)}`;
        expect([200, 400], context).toContain(res.status);
        if (res.status === 400) {
          const issues: Array<{ path: string }> = viaTrpc ? res.body.error.data.issues : res.body.issues;
          for (const i of issues) expect(['from', 'to', 'granularity'], context).toContain(i.path);
        }
      }),
      RUNS,
    );
  });

  it('a tag filter that no trace can carry is a 400 naming tag on every path that takes it; any storable tag is a 200', async () => {
    // A query string cannot carry a lone surrogate (URLSearchParams sends U+FFFD): those go over tRPC, as JSON escapes.
    const refused = ['', 'x'.repeat(65), '\u0000', 'a\u0000b'];
    const refusedJson = [...refused, '\uD800', 'x\uDFFF'];
    const accepted = ['x'.repeat(64), 'café', '名前', '👩‍👩‍👧‍👦', ' ', "' OR '1'='1"];
    const filtered = analyticsGets.filter((g) => g.params.includes('tag'));
    expect(filtered.map((g) => g.path)).toContain('/cost/by-tag');
    for (const { path, params } of filtered) {
      // The quality paths also need the score's name: a valid one, so only the tag is at fault.
      const rest: Record<string, string> = params.includes('name') ? { name: 'helpfulness' } : {};
      for (const tag of refused) {
        const res = await getJson(`/api/v1${path}?${new URLSearchParams({ ...rest, tag })}`);
        const context = `${path} tag=${JSON.stringify(tag)} -> ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, context).toBe(400);
        expectErrorBody(res.body, context);
        expect(res.body.issues.map((i: { path: string }) => i.path), context).toEqual(['tag']);
        expect(res.body.message, context).toContain('tag');
      }
      for (const tag of accepted) expect((await getJson(`/api/v1${path}?${new URLSearchParams({ ...rest, tag })}`)).status, `${path} ${tag}`).toBe(200);
    }
    for (const name of ['usage.overview', 'cost.byTag', 'performance.errors']) {
      for (const tag of refusedJson) {
        const res = await getJson(`/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ tag }))}`);
        const context = `${name} tag=${JSON.stringify(tag)} -> ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, context).toBe(400);
        expect(res.body.error.data.issues.map((i: { path: string }) => i.path), context).toEqual(['tag']);
      }
    }
  });

  it('a URL too long for the header limit is a 431, not a 5xx', async () => {
    const res = await fetch(`${srv.url}/api/v1/usage/overview?agent_id=${'x'.repeat(20_000)}`, { headers: headersOf(ws) });
    expect(res.status).toBe(431);
  });
});

/** The spec's rule for PUT /cost/budget (docs/API_SPEC.md §4), written out independently of the schema. */
function isValidBudget(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !('monthly_limit_usd' in v)) return false;
  // What arrives is what JSON carries: -0 is sent as 0.
  const { monthly_limit_usd: m, alert_threshold_pct: p } = JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  const limitOk = m === null || (typeof m === 'number' && m >= 0.000001 && m <= 1_000_000_000);
  const pctOk = p === undefined || (typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 100);
  return limitOk && pctOk;
}

describe('hostile budget bodies', () => {
  it('PUT /cost/budget takes valid budgets and refuses the rest naming the field', async () => {
    let expected: { monthly_limit_usd: number | null; alert_threshold_pct: number } = { monthly_limit_usd: null, alert_threshold_pct: 80 };
    const limit = fc.oneof(
      fc.constant(null),
      fc.double({ min: 0.000001, max: 1_000_000_000, noNaN: true }),
      // Positive but below a micro-dollar: it would be stored as a budget of 0.
      fc.double({ min: Number.MIN_VALUE, max: 0.00000099, noNaN: true }),
      notANumber,
      fc.constantFrom(0, -0, -5, 1_000_000_001, 1e308),
    );
    const pct = fc.oneof(fc.integer({ min: 1, max: 100 }), notANumber, fc.constantFrom(0, 101, 50.5, -1));
    const body = fc.oneof(
      fc.record({ monthly_limit_usd: limit, alert_threshold_pct: pct }, { requiredKeys: ['monthly_limit_usd'] }),
      fc.record({ monthly_limit_usd: limit, alert_threshold_pct: pct, workspace_id: fc.constant(control.workspace_id) }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (value, viaTrpc) => {
        const res = await fetch(viaTrpc ? `${srv.url}/trpc/cost.setBudget` : `${srv.url}/api/v1/cost/budget`, {
          method: viaTrpc ? 'POST' : 'PUT',
          headers: { ...headersOf(ws), 'content-type': 'application/json' },
          body: JSON.stringify(value),
        });
        const text = await res.text();
        const context = `${JSON.stringify(value).slice(0, 300)} -> ${res.status} ${text.slice(0, 500)}`;
        expect(res.status, context).toBe(isValidBudget(value) ? 200 : 400);
        const parsed = JSON.parse(text);
        if (res.status === 400) {
          const message: string = viaTrpc ? parsed.error.message : parsed.message;
          expect(message, context).toMatch(/monthly_limit_usd|alert_threshold_pct|input|body/);
          return;
        }
        const v = value as { monthly_limit_usd: number | null; alert_threshold_pct?: number };
        // Without a budget the threshold is back at its default.
        expected = { monthly_limit_usd: v.monthly_limit_usd, alert_threshold_pct: v.monthly_limit_usd === null ? 80 : (v.alert_threshold_pct ?? 80) };
        const answer = viaTrpc ? parsed.result.data : parsed;
        // Stored in nano-dollars: exact to the nano-dollar.
        if (expected.monthly_limit_usd === null) expect(answer.monthly_limit_usd, context).toBeNull();
        else expect(Math.abs(answer.monthly_limit_usd - expected.monthly_limit_usd), context).toBeLessThanOrEqual(5e-10 + expected.monthly_limit_usd * 1e-15);
        expect(answer.alert_threshold_pct, context).toBe(expected.alert_threshold_pct);
      }),
      RUNS,
    );
    const now = await getJson('/api/v1/cost/budget');
    if (expected.monthly_limit_usd === null) expect(now.body.monthly_limit_usd).toBeNull();
    else expect(Math.abs(now.body.monthly_limit_usd - expected.monthly_limit_usd)).toBeLessThanOrEqual(5e-10 + expected.monthly_limit_usd * 1e-15);
    expect(now.body.alert_threshold_pct).toBe(expected.alert_threshold_pct);
    const ctl = await getJson('/api/v1/cost/budget', control);
    expect(ctl.body.monthly_limit_usd).toBeNull();
  });
});

describe('after the fuzzing', () => {
  it("the workspace's figures are exactly those of the valid traces sent; the other workspace is untouched", async () => {
    expect(sentTotal).toBeGreaterThan(50);
    const ref = reference(srv.database, ws.workspace_id);
    const window = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const [all] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from traces where workspace_id = ${ws.workspace_id}::uuid`);
    expect(all!.n).toBe(sentTotal);

    const dist = await getJson('/api/v1/usage/agent-distribution?range=24h');
    expect(dist.status).toBe(200);
    expect(dist.body.total_calls).toBe(sentTotal);
    // Every agent id verbatim, SQL-looking and unicode ones included, with its exact count.
    expect(new Map((dist.body.data as Array<{ agent_id: string; calls: number }>).map((d) => [d.agent_id, d.calls]))).toEqual(sentAgents);
    expect((await ref.agents(window)).map((r) => [r.agent_id, r.calls])).toEqual(
      (dist.body.data as Array<{ agent_id: string; calls: number }>).map((d) => [d.agent_id, d.calls]),
    );
    const overview = await getJson('/api/v1/usage/overview');
    expect(overview.body.total_calls).toBe(sentTotal);
    expect(overview.body.total_calls).toBe((await ref.overview(window)).calls);
    const perf = await getJson('/api/v1/performance/overview');
    expect(perf.body.total_calls).toBe(sentTotal);
    expect(perf.body.error_count).toBe((await ref.performance(window)).errors);
    const byModel = await getJson('/api/v1/cost/by-model');
    expect(byModel.body.data.map((m: { model: string; calls: number; cost_usd: number }) => [m.model, m.calls, m.cost_usd])).toEqual(
      (await ref.models(window)).map((r) => [r.model, r.calls, usd(r.cost)]),
    );
    const users = await getJson('/api/v1/usage/top-users?limit=100');
    expect(users.body.data.map((u: { user_id: string; calls: number; total_tokens: number }) => [u.user_id, u.calls, u.total_tokens])).toEqual(
      (await ref.users(window, 100)).map((r) => [r.user_id, r.calls, r.tokens]),
    );

    const ctl = await getJson('/api/v1/usage/agent-distribution', control);
    expect(ctl.body.data).toEqual([{ agent_id: 'control-agent', calls: 2, percentage: 100 }]);
  });
});

describe('SQL-looking ids', () => {
  it('are stored and returned verbatim, and filter exactly, over REST and tRPC', async () => {
    const w = await srv.createWorkspace('sql-looking');
    const traces = SQL_LOOKING.map((agent, i) => makeTrace({ agent_id: agent, user_id: agent, model: agent, tags: [agent], trace_id: `sql-${i}` }));
    traces.push(makeTrace({ agent_id: 'plain', trace_id: 'plain-1' }), makeTrace({ agent_id: 'plain', trace_id: 'plain-2' }));
    const res = await sendTraces(srv.url, w.api_key, { traces });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(traces.length);

    const dist = await getJson('/api/v1/usage/agent-distribution', w);
    expect(dist.body.total_calls).toBe(traces.length);
    const got = new Map((dist.body.data as Array<{ agent_id: string; calls: number }>).map((d) => [d.agent_id, d.calls]));
    expect(got).toEqual(new Map([...SQL_LOOKING.map((a) => [a, 1] as const), ['plain', 2] as const]));
    const users = await getJson('/api/v1/usage/top-users?limit=100', w);
    expect((users.body.data as Array<{ user_id: string }>).map((u) => u.user_id).sort()).toEqual([...SQL_LOOKING, 'u-1'].sort());

    for (const agent of SQL_LOOKING) {
      const q = new URLSearchParams({ agent_id: agent }).toString();
      const one = await getJson(`/api/v1/usage/agent-distribution?${q}`, w);
      expect(one.status, agent).toBe(200);
      expect(one.body.data, agent).toEqual([{ agent_id: agent, calls: 1, percentage: 100 }]);
      const byModel = await getJson(`/api/v1/cost/by-model?${new URLSearchParams({ model: agent })}`, w);
      expect(byModel.body.data.map((m: { model: string }) => m.model), agent).toEqual([agent]);
      const viaTrpc = await getJson(`/trpc/usage.overview?input=${encodeURIComponent(JSON.stringify({ agent_id: agent }))}`, w);
      expect(viaTrpc.body.result.data.total_calls, agent).toBe(1);
      const byTag = await getJson(`/api/v1/cost/by-tag?${new URLSearchParams({ tag: agent })}`, w);
      expect(byTag.body.data.map((t: { tag: string; calls: number }) => [t.tag, t.calls]), agent).toEqual([[agent, 1]]);
      const tagViaTrpc = await getJson(`/trpc/usage.agentDistribution?input=${encodeURIComponent(JSON.stringify({ tag: agent }))}`, w);
      expect(tagViaTrpc.body.result.data.data, agent).toEqual([{ agent_id: agent, calls: 1, percentage: 100 }]);
    }
    // The tables the ids talk about are all still there.
    const [tables] = await srv.database.rows<{ n: number }>(
      sql`select count(*)::int as n from information_schema.tables where table_name in ('traces', 'api_keys', 'workspaces')`,
    );
    expect(tables!.n).toBe(3);
  });
});
