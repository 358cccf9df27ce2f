/** `tsx write-document.ts <file>`: writes the served OpenAPI document to a file, for `npm run lint:openapi`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildOpenApiDocument } from './document.js';

const target = process.argv[2];
if (!target) throw new Error('usage: write-document.ts <file>');
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
