/**
 * `npx tsx scripts/explain-analytics.ts <database url> <workspace id> <answer> [range] [runs]`:
 * one analytics answer (packages/api/src/analytics) over the window a request with that preset
 * range resolves now, computed `runs` times (default 20) as the server computes it uncached, with
 * the server pool's session settings (packages/db/src/client.ts), its P50 and P95 printed; then
 * once more with every statement under EXPLAIN (ANALYZE, BUFFERS), its plans printed. For a
 * database that `npm run bench:busy -- --keep` leaves in place (docs/BENCHMARKS.md).
 */
import { type Database, openDatabase } from '@pulse/db';
import { type SQL, sql } from 'drizzle-orm';
import type { QueryContext } from '../packages/api/src/analytics/context.js';
import { costOverview } from '../packages/api/src/analytics/cost.js';
import { performanceOverview } from '../packages/api/src/analytics/performance.js';
import { agentDistribution, callsOverTime, topUsers, usageOverview } from '../packages/api/src/analytics/usage.js';
import { resolveGranularity, resolveWindow, type TimeWindow } from '../packages/api/src/analytics/window.js';
import { summarize } from './bench/stats.js';

const answers: Record<string, (q: QueryContext, w: TimeWindow) => Promise<unknown>> = {
  'top-users': (q, w) => topUsers(q, w, 10),
  'usage-overview': usageOverview,
  // At the range's default granularity: a minute series up to 6 hours.
  'calls-over-time': (q, w) => callsOverTime(q, w, resolveGranularity(w)),
  'agent-distribution': agentDistribution,
  'performance-overview': performanceOverview,
  'cost-overview': costOverview,
};

const [url, workspaceId, answer, range = '30d', runs = '20'] = process.argv.slice(2);
const run = answer === undefined ? undefined : answers[answer];
if (!url || !workspaceId || !run) {
  throw new Error(`usage: explain-analytics.ts <database url> <workspace id> <${Object.keys(answers).join('|')}> [range] [runs]`);
}
const database = await openDatabase({ databaseUrl: url, maxConnections: 2 });
const plans: string[] = [];
const explaining: Database = {
  ...database,
  rows: async <T extends Record<string, unknown>>(query: SQL) => {
    const lines = await database.rows<Record<string, string>>(sql`explain (analyze, buffers) ${query}`);
    plans.push(lines.map((l) => Object.values(l)[0]).join('\n'));
    // The answer's decoders get no rows: its figures are not the point here.
    return [] as T[];
  },
};
const compute = (db: Database) => {
  const now = Date.now();
  const q: QueryContext = { database: db, now, scope: { workspaceId, timescale: database.timescale, repricing: [] } };
  return run(q, resolveWindow({ range: range as '30d' }, now));
};
try {
  const ms: number[] = [];
  for (let i = 0; i < Number(runs); i++) {
    const started = performance.now();
    await compute(database);
    ms.push(performance.now() - started);
  }
  const { p50, p95 } = summarize(ms);
  process.stderr.write(`each run, in order: ${ms.map((m) => m.toFixed(1)).join(' ')}\n${answer} ${range}, ${runs} runs: P50 ${p50} ms, P95 ${p95} ms\n`);
  await compute(explaining);
  process.stdout.write(`${plans.join('\n\n')}\n`);
} finally {
  await database.close();
}
