/**
 * The served OpenAPI document is what a generated client relies on (docs/API_SPEC.md §5):
 * types are generated from it with openapi-typescript at test time, a client program
 * (openapi-client/calls.ts) that calls every operation through openapi-fetch is type-checked
 * against them with tsc, then run against the real server, and every answer, success or
 * error, must be a status the document lists for that operation with a body its schema
 * accepts (ajv, JSON Schema 2020-12).
 *
 * Why tsc inside the test rather than the repository's typecheck: the types must come from the
 * document this build serves, and they exist only once a server answered. A committed types file
 * would be checked against whatever document was last generated, not this one. The program is
 * copied into a scratch folder beside its generated types, so nothing generated lands in the tree.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedAnswer, Target } from './openapi-client/recorded.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const scratch = path.join(here, `.openapi-client-${process.pid}`);
const tsc = path.resolve(here, '../../../node_modules/typescript/bin/tsc');
const QUERY_LIMIT = 120;

type Json = Record<string, any>;
let srv: TestServer;
let doc: Json;
let answers: RecordedAnswer[];

beforeAll(async () => {
  srv = await startTestServer({ rateLimitQueryPerMin: QUERY_LIMIT });
  doc = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as Json;
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await srv?.close();
});

describe('a client generated from the served document', () => {
  it('type-checks a call of every operation, error cases included', async () => {
    mkdirSync(scratch, { recursive: true });
    writeFileSync(path.join(scratch, 'api-types.ts'), astToString(await openapiTS(doc as never)));
    for (const file of ['calls.ts', 'recorded.ts']) copyFileSync(path.join(here, 'openapi-client', file), path.join(scratch, file));
    const args = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--skipLibCheck', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', '--lib', 'ES2023,DOM'];
    const result = spawnSync(process.execPath, [tsc, ...args, path.join(scratch, 'calls.ts')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('calls every operation, and every answer is one the document lists, body and headers', async () => {
    const { callEveryOperation } = (await import(pathToFileURL(path.join(scratch, 'calls.ts')).href)) as {
      callEveryOperation(target: Target): Promise<RecordedAnswer[]>;
    };
    const target: Target = { baseUrl: srv.url, adminToken: ADMIN_TOKEN, queryLimit: QUERY_LIMIT };
    answers = await callEveryOperation(target);

    const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi');
    const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

    const problems: string[] = [];
    for (const a of answers) {
      const where = `${a.method.toUpperCase()} ${a.path} → ${a.status}`;
      let answer = doc.paths[a.path]?.[a.method]?.responses?.[a.status];
      if (!answer) {
        problems.push(`${where}: status not in the document`);
        continue;
      }
      let ref = pointer('paths', a.path, a.method, 'responses', String(a.status));
      if (answer.$ref) {
        ref = answer.$ref.slice(2);
        answer = doc.components.responses[answer.$ref.split('/').pop()];
      }
      if (!answer.content) {
        if (a.text !== '' || a.contentType !== null) problems.push(`${where}: documented without a body, sent ${a.contentType} ${a.text}`);
        continue;
      }
      if (answer.headers?.['Retry-After'] && a.retryAfter === null) problems.push(`${where}: no Retry-After header`);
      const mediaType = a.contentType?.split(';')[0]!.trim() ?? '';
      if (!answer.content[mediaType]) problems.push(`${where}: content type ${a.contentType}`);
      // A file download (the trace export) is text: only its media type is the document's to check.
      if (mediaType !== 'application/json') continue;
      const validate = ajv.getSchema(`openapi#/${ref}/content/application~1json/schema`)!;
      if (!validate(JSON.parse(a.text))) problems.push(`${where}: ${ajv.errorsText(validate.errors)} in ${a.text.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);

    const statuses = (method: string, p: string) => new Set(answers.filter((a) => a.method === method && a.path === p).map((a) => a.status));
    const operations = Object.entries(doc.paths as Json).flatMap(([p, item]) => Object.keys(item).map((method) => ({ method, p })));
    for (const { method, p } of operations) {
      const success = Object.keys(doc.paths[p][method].responses).filter((s) => s.startsWith('2'));
      expect([...statuses(method, p)].filter((s) => success.includes(String(s))), `${method} ${p}`).not.toEqual([]);
    }
    const seen = new Set(answers.map((a) => a.status));
    for (const status of [200, 201, 204, 207, 400, 401, 403, 404, 413, 415, 429, 431]) expect(seen, `status ${status}`).toContain(status);
  });
});
