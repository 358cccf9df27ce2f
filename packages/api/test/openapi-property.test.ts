import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi/document.js';
import { seededTraces } from './dataset.js';
import { sendTraces, startTestServer, type TestServer } from './harness.js';

// A property over the served document itself (docs/API_SPEC.md, introduction): a request to any
// GET operation whose parameters follow the document's own schemas never gets a 5xx, and every
// answer is JSON with a code when it is an error. New operations are covered as they appear.

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
}
interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema?: Schema;
  $ref?: string;
}

const doc = buildOpenApiDocument() as unknown as {
  paths: Record<string, { get?: { parameters?: Parameter[] } }>;
  components?: { parameters?: Record<string, Parameter>; schemas?: Record<string, Schema> };
};
const resolve = <T extends { $ref?: string }>(x: T): T => {
  if (!x.$ref) return x;
  const [, , kind, name] = x.$ref.split('/');
  return resolve((doc.components as Record<string, Record<string, T>>)[kind!]![name!]!);
};

const DAY = 86_400_000;
const instant = fc
  .tuple(fc.date({ min: new Date('2000-01-02T00:00:00Z'), max: new Date('2099-12-30T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('Z', '+02:00', '-05:30'))
  .map(([d, zone]) => {
    if (zone === 'Z') return d.toISOString();
    const offsetMin = (zone.startsWith('+') ? 1 : -1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
    return new Date(d.getTime() + offsetMin * 60_000).toISOString().replace('Z', zone);
  });

/** Values the schema allows (the document's own rules), as query-string text. */
function valuesOf(schema: Schema): fc.Arbitrary<string> {
  const s = resolve(schema);
  if (s.enum) return fc.constantFrom(...s.enum.map(String));
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.filter((v) => resolve(v).type !== 'null').map(valuesOf));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'integer' || type === 'number') {
    const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
    const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000);
    return fc.integer({ min: Math.ceil(min), max: Math.floor(max) }).map(String);
  }
  if (type === 'boolean') return fc.constantFrom('true', 'false');
  if (s.format === 'date-time') return instant;
  if (s.format === 'uuid') return fc.uuid();
  return fc.string({ unit: 'grapheme', minLength: Math.max(1, s.minLength ?? 1), maxLength: Math.min(s.maxLength ?? 64, 64) });
}

const operations = Object.entries(doc.paths)
  .filter(([, methods]) => methods.get)
  .map(([path, methods]) => ({ path, parameters: (methods.get!.parameters ?? []).map(resolve).filter((p) => p.in !== 'header') }));

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
beforeAll(async () => {
  srv = await startTestServer({ rateLimitQueryPerMin: 0 });
  ws = await srv.createWorkspace('property');
  const traces = seededTraces(7, Math.floor(Date.now() / DAY) * DAY - 3 * DAY, 1500);
  expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(0, 1000) })).status).toBe(200);
  expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(1000) })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

describe('a request the document allows never gets a 5xx', () => {
  it('covers every GET operation of the document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(12);
  });

  it.each(operations)('GET $path', async ({ path, parameters }) => {
    const request = fc.record(
      Object.fromEntries(parameters.map((p) => [p.name, p.required || p.in === 'path' ? valuesOf(p.schema ?? {}) : fc.option(valuesOf(p.schema ?? {}), { nil: undefined })])),
    ) as fc.Arbitrary<Record<string, string | undefined>>;
    await fc.assert(
      fc.asyncProperty(request, async (values) => {
        let url = path;
        const query = new URLSearchParams();
        for (const p of parameters) {
          const v = values[p.name];
          if (v === undefined) continue;
          if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(v));
          else query.set(p.name, v);
        }
        const res = await fetch(`${srv.url}/api/v1${url}?${query}`, { headers: { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id } });
        const text = await res.text();
        expect(res.status, `${url}?${query} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) expect(JSON.parse(text)).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }),
      { numRuns: 25, seed: 20261130 },
    );
  });
});
