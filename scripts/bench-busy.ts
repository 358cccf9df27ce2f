/**
 * `npm run bench:busy`: dashboards read while the workspace ingests (scripts/bench/busy.ts).
 *
 *   npm run bench:busy -- [--db postgres|pglite] [--traces N] [--current-hour M] [--trickle R]
 *                         [--clients C] [--seconds S] [--requests Q] [--keep] [--reuse DATABASE_URL]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUSY_TARGETS, busyRows, runBusyCase } from './bench/busy.js';
import { log } from './bench/progress.js';

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const result = await runBusyCase({
  db: process.argv.includes('pglite') ? 'pglite' : 'postgres',
  pgServer: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432',
  baseTraces: option('traces', 1_000_000),
  currentHourTraces: option('current-hour', 1_000_000),
  tricklePerSecond: option('trickle', 200),
  clients: option('clients', 20),
  seconds: option('seconds', 30),
  requests: option('requests', 30),
  keep: process.argv.includes('--keep'),
  reuse: process.argv.includes('--reuse') ? process.argv[process.argv.indexOf('--reuse') + 1] : undefined,
});
process.stdout.write(`\n${busyRows(result).join('\n')}\n\n${JSON.stringify(result)}\n`);
const slow = result.sequential.filter((s) => s.uncached.p95 > BUSY_TARGETS.p95Ms);
log('busy', slow.length || result.answersPerSecond < BUSY_TARGETS.answersPerSecond ? `targets missed: ${slow.map((s) => `${s.endpoint} ${s.uncached.p95} ms`).join(', ') || 'none slow'}; ${result.answersPerSecond} answers/s` : 'every target met');
