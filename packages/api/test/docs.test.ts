import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/app.js';

const spec = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/API_SPEC.md'), 'utf8');

describe('docs/API_SPEC.md', () => {
  it('documents exactly the operations of the served OpenAPI document', () => {
    const doc = buildOpenApiDocument();
    const served = Object.entries(doc.paths ?? {})
      .flatMap(([p, methods]) => Object.keys(methods ?? {}).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const documented = [...spec.matchAll(/^## (GET|POST|PUT|DELETE) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(documented).toEqual(served);
    expect(served.length).toBe(17);
  });
});
