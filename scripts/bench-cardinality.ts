/**
 * `npm run bench:cardinality`: the high-cardinality case of the benchmark on its own
 * (scripts/bench/cardinality.ts), which `npm run bench` also runs after its other cases.
 *
 *   npm run bench:cardinality -- [--db postgres|pglite] [--requests R] [--keep]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CARDINALITY_TARGETS, cardinalityRows, runCardinalityCase } from './bench/cardinality.js';
import { log } from './bench/progress.js';

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const db = option('db') === 'pglite' ? 'pglite' : 'postgres';
const requests = Number(option('requests') ?? 50);
const result = await runCardinalityCase({
  db,
  pgServer: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432',
  requests,
  warmup: 5,
  concurrency: 4,
  keep: process.argv.includes('--keep'),
});
process.stdout.write(`\n${cardinalityRows(result).join('\n')}\n\n`);
const slow = result.endpoints.filter((a) => a.uncached.p95 > CARDINALITY_TARGETS.uncachedP95Ms);
const disagree = result.checks.filter((c) => c.problems.length);
const ok = result.rollupToRawRatio <= CARDINALITY_TARGETS.rollupToRawRatio && slow.length === 0;
log('cardinality', ok ? 'every target met' : `targets missed: ${result.rollupToRawRatio}× raw; slow: ${slow.map((a) => `${a.endpoint} ${a.uncached.p95} ms`).join(', ') || 'none'}`);
if (disagree.length) log('cardinality', `FAILED: ${disagree.length} answers disagree with plain SQL`);
// Missed targets are reported; only a wrong figure fails the command (as in npm run bench).
process.exit(disagree.length ? 1 : 0);
