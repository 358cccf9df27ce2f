/**
 * Refreshes the example answers in docs/API_SPEC.md with real answers of a running Pulse (the
 * demo workspace). The prose is written by hand; this replaces only the ```json block that
 * follows each GET example's curl command. Run with the demo up:
 *   PULSE_URL=http://localhost:3000 PULSE_KEY=pk_… PULSE_WORKSPACE=… npx tsx scripts/gen-api-spec.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';

const base = process.env.PULSE_URL ?? 'http://localhost:3000';
const key = process.env.PULSE_KEY!;
const workspace = process.env.PULSE_WORKSPACE!;
const auth = { authorization: `Bearer ${key}`, 'x-workspace-id': workspace };
const file = 'docs/API_SPEC.md';

/** Long arrays are cut to two items in the examples; the shape is what matters. */
function trim(v: unknown): unknown {
  if (Array.isArray(v)) return v.length > 2 ? [...v.slice(0, 2).map(trim), '…'] : v.map(trim);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, trim(x)]));
  return v;
}

/** A GET example: its curl command's path and query, then the answer block to replace. */
const EXAMPLE = /(```sh\ncurl -s "http:\/\/localhost:3000\/api\/v1(\/[^"]+)"[^`]*```\n\n```json\n)[\s\S]*?(\n```)/g;

const spec = readFileSync(file, 'utf8');
const answers = new Map<string, string>();
for (const [, , pathAndQuery] of spec.matchAll(EXAMPLE)) {
  const res = await fetch(`${base}/api/v1${pathAndQuery}`, { headers: auth });
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
  answers.set(pathAndQuery!, JSON.stringify(trim(await res.json()), null, 2));
}
writeFileSync(file, spec.replace(EXAMPLE, (_all, head: string, pathAndQuery: string, tail: string) => `${head}${answers.get(pathAndQuery)}${tail}`));
process.stdout.write(`${file}: ${answers.size} example answers refreshed\n`);
