import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi/document.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const spec = readFileSync(path.join(root, 'docs/API_SPEC.md'), 'utf8');
const sections = [...spec.matchAll(/^## §(\d+) (.+)$/gm)].map((m) => ({ number: Number(m[1]), title: m[2]! }));

describe('docs/API_SPEC.md', () => {
  it('documents exactly the operations of the served OpenAPI document', () => {
    const doc = buildOpenApiDocument();
    const served = Object.entries(doc.paths ?? {})
      .flatMap(([p, methods]) => Object.keys(methods ?? {}).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const documented = [...spec.matchAll(/^### (GET|POST|PUT|DELETE) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(documented).toEqual(served);
    expect(served.length).toBe(21);
  });

  it('numbers its sections §1, §2, … in order, so comments can cite them', () => {
    expect(sections.map((s) => s.number)).toEqual(sections.map((_, i) => i + 1));
    expect(sections.length).toBeGreaterThanOrEqual(6);
  });

  it('is cited only by sections it has', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => /\.(ts|tsx|js|mjs|md)$/.test(f));
    const cited = tracked.flatMap((file) =>
      [...readFileSync(path.join(root, file), 'utf8').matchAll(/API_SPEC\.md §(\d+)/g)].map((m) => ({ file, number: Number(m[1]) })),
    );
    expect(cited.filter((c) => !sections.some((s) => s.number === c.number))).toEqual([]);
  });
});
