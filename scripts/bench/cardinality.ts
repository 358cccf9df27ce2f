/**
 * The high-cardinality case of the benchmark: 200,000 calls over 30 days, every one from a user
 * of its own, spread over 5,000 agents and 5,000 models. Rollups pay off when many calls share a
 * key; here almost none do, so this is where their storage and fold cost are at their worst.
 * Measured in a scratch database of its own: what the rollup tables take against the raw calls
 * (`traces` and `trace_tags` with their indexes), ingest with the rollups folded, and the
 * 30-day answers that read the largest rollups, uncached, beside the plain SQL over raw calls
 * that must give the same figures (the baseline's queries and cross-check).
 */
import { randomBytes } from 'node:crypto';
import { schema } from '@pulse/db';
import { createScratchDatabase } from '@pulse/db/testing';
import { Prng } from '@pulse/demo';
import { startScratchPulse } from '@pulse/testing';
import { getTableName } from 'drizzle-orm';
import { pgliteRunner, postgresRunner, runBaseline, type SqlRunner } from './baseline.js';
import { type CheckedResults, checkedEndpointTable, mark } from './checked-endpoints.js';
import { benchServerEnv, createWorkspace, postTraceBatch } from './client.js';
import { type MeasuredEndpoint, measureEndpoint } from './endpoints.js';
import { waitUntilFolded } from './ingest.js';
import type { Driver } from './options.js';
import { fmt, log } from './progress.js';

export const CARDINALITY = { calls: 200_000, agents: 5_000, models: 5_000, days: 30, batchSize: 1_000 } as const;
/** The bounds the case is held to (docs/BENCHMARKS.md): rollups at most twice the raw calls, answers like every 30-day one. */
export const CARDINALITY_TARGETS = { rollupToRawRatio: 2, uncachedP95Ms: 50 } as const;

/** The answers that read the per-user, stats and histogram rollups over the whole window. */
const MEASURED = ['/usage/top-users', '/usage/overview', '/performance/overview', '/performance/latency'] as const;
const TAGS = ['prod', 'staging', 'checkout', 'search', 'support'];

/** The rollup tables: every table the fold writes, each hourly and daily, the stats per minute, the weekly per-user one and the users' latest calls. */
const ROLLUP_TABLES = [
  schema.statsMinutely,
  schema.statsHourly,
  schema.statsDaily,
  schema.statsByTagHourly,
  schema.statsByTagDaily,
  schema.tagPairStatsHourly,
  schema.tagPairStatsDaily,
  schema.userStatsHourly,
  schema.userStatsDaily,
  schema.userStatsWeekly,
  schema.userLastCalls,
  schema.latencyHistHourly,
  schema.latencyHistDaily,
  schema.errorStatsHourly,
  schema.errorStatsDaily,
  schema.errorStatsByTagHourly,
  schema.errorStatsByTagDaily,
].map((t) => getTableName(t));
const RAW_TABLES = [schema.traces, schema.traceTags].map((t) => getTableName(t));

export interface CardinalityResult extends CheckedResults<string> {
  /** Calls, each from a user of its own. */
  calls: number;
  agents: number;
  models: number;
  ingestFoldedPerSecond: number;
  rawMB: number;
  rollupMB: number;
  rollupToRawRatio: number;
  /** Every table with its indexes, MB. */
  tables: Record<string, number>;
}

/** The case's ingest bodies, in time order: a user per call, agents and models drawn uniformly. */
function* batches(traces: number, now: number, seed: number): Generator<string> {
  const rng = new Prng(seed);
  const { agents, models, days, batchSize } = CARDINALITY;
  const span = days * 86_400_000;
  for (let start = 0; start < traces; start += batchSize) {
    const batch = [];
    for (let i = start; i < Math.min(traces, start + batchSize); i++) {
      const error = rng.chance(0.03);
      const tags = TAGS.filter(() => rng.chance(0.3));
      batch.push({
        trace_id: `hc-${i}`,
        timestamp: new Date(now - span + Math.floor(((i + rng.next()) / traces) * span)).toISOString(),
        agent_id: `agent-${rng.int(agents)}`,
        user_id: `user-${i}`,
        model: `model-${rng.int(models)}`,
        input_tokens: 50 + rng.int(2000),
        output_tokens: 20 + rng.int(800),
        cost_usd: Math.round(rng.uniform(0.0001, 0.05) * 1e6) / 1e6,
        latency_ms: Math.round(Math.exp(rng.normal() * 0.8 + 6.5)),
        status: error ? 'error' : 'success',
        ...(error ? { error_type: ['timeout', 'rate_limit', 'provider_error'][rng.int(3)] } : {}),
        tags,
      });
    }
    yield JSON.stringify({ traces: batch });
  }
}

export interface CardinalityOptions {
  db: Driver;
  /** A PostgreSQL server URL without database, for --db postgres. */
  pgServer: string;
  requests: number;
  warmup: number;
  concurrency: number;
  /** The calls (and users): CARDINALITY.calls unless a smoke run asks for fewer. */
  calls?: number;
  /** Leave the scratch database in place (to look into it) instead of dropping it. */
  keep?: boolean;
}

/** Runs the case on a scratch database of its own. */
export async function runCardinalityCase(options: CardinalityOptions): Promise<CardinalityResult> {
  const { db, pgServer, requests, warmup, concurrency, keep } = options;
  const calls = options.calls ?? CARDINALITY.calls;
  const scratch = await createScratchDatabase(db === 'postgres' ? `${pgServer}/postgres` : undefined);
  const adminToken = randomBytes(18).toString('base64url');
  const bypassToken = randomBytes(18).toString('base64url');
  try {
    const pulse = await startScratchPulse(scratch, {
      env: benchServerEnv(adminToken, bypassToken),
    });
    const measured: MeasuredEndpoint[] = [];
    let workspaceId = '';
    let ingestFoldedPerSecond = 0;
    try {
      const ws = await createWorkspace(pulse.url, adminToken, 'bench-cardinality');
      workspaceId = ws.workspace_id;
      log('cardinality', `sending ${fmt(calls)} calls: a user each, ${fmt(CARDINALITY.agents)} agents, ${fmt(CARDINALITY.models)} models`);
      const t0 = performance.now();
      const source = batches(calls, Date.now(), 7);
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let next = source.next(); !next.done; next = source.next()) await postTraceBatch(pulse.url, ws.api_key, next.value);
        }),
      );
      const { foldedSeconds } = await waitUntilFolded(pulse.url, 'cardinality', () => (performance.now() - t0) / 1000);
      ingestFoldedPerSecond = calls / foldedSeconds;
      log('cardinality', `${fmt(ingestFoldedPerSecond)} calls/s with the rollups folded`);
      const settings = { base: pulse.url, workspace: ws, bypassToken, requests, warmup };
      for (const endpoint of MEASURED) measured.push(await measureEndpoint(settings, endpoint, { name: '30d', query: 'range=30d' }));
    } finally {
      await pulse.stop();
    }
    // After the server stopped: PGlite's directory opens in one process at a time.
    const runner = db === 'postgres' ? postgresRunner(scratch.databaseUrl!) : await pgliteRunner(scratch.dataDir!);
    let tables: Record<string, number>;
    let checks: CheckedResults<string>['checks'];
    try {
      // Vacuumed first, so the dead rows the fold's queue leaves do not count.
      if (db === 'postgres') await runner.query('vacuum analyze', []);
      tables = await tableSizes(runner);
      const plainSql = await runBaseline(runner, workspaceId, measured, 5);
      checks = plainSql.map((b) => ({ endpoint: b.endpoint, window: b.window, sqlMs: b.time.p50, problems: b.mismatches }));
    } finally {
      await runner.close();
    }
    // To 0.1 MB, as each table's size.
    const sum = (names: string[]) => Math.round(names.reduce((s, n) => s + (tables[n] ?? 0), 0) * 10) / 10;
    const rawMB = sum(RAW_TABLES);
    const rollupMB = sum(ROLLUP_TABLES);
    const result = {
      calls,
      agents: CARDINALITY.agents,
      models: CARDINALITY.models,
      ingestFoldedPerSecond: Math.round(ingestFoldedPerSecond),
      rawMB,
      rollupMB,
      rollupToRawRatio: Math.round((rollupMB / rawMB) * 100) / 100,
      tables,
      endpoints: measured.map((m) => m.measurement),
      checks,
    };
    log('cardinality', `raw calls ${rawMB} MB, rollups ${rollupMB} MB (${result.rollupToRawRatio}×)`);
    log('cardinality', `by table (MB, with indexes): ${Object.entries(tables).map(([name, mb]) => `${name} ${mb}`).join(', ')}`);
    return result;
  } finally {
    if (keep) log('cardinality', `the scratch database is kept: ${scratch.databaseUrl ?? scratch.dataDir}`);
    else await scratch.drop();
  }
}

/** Each table's size with its indexes, MB. */
async function tableSizes(runner: SqlRunner): Promise<Record<string, number>> {
  const names = [...RAW_TABLES, ...ROLLUP_TABLES];
  const rows = await runner.query('select n.name, pg_total_relation_size(n.name::regclass)::text as bytes from unnest($1::text[]) as n(name)', [names]);
  return Object.fromEntries(rows.map((r) => [String(r.name), Math.round(Number(r.bytes) / 1e5) / 10]));
}

/** The case's section of docs/BENCHMARKS.md. */
export function cardinalityRows(r: CardinalityResult): string[] {
  const biggest = Object.entries(r.tables)
    .filter(([name]) => ROLLUP_TABLES.includes(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, mb]) => `${name} ${mb} MB`)
    .join(', ');
  return [
    `High cardinality (\`npm run bench:cardinality\`): ${fmt(r.calls)} calls over ${CARDINALITY.days} days, each from a user of its own, ` +
      `${fmt(r.agents)} agents, ${fmt(r.models)} models, in a database of their own; loaded at ${fmt(r.ingestFoldedPerSecond)} calls/s with the rollups folded. ` +
      `Plain SQL = the baseline's query over raw \`traces\`, same window, figures cross-checked.`,
    '',
    `| stored | MB | target | |`,
    '|---|---|---|---|',
    `| raw calls: \`traces\` + \`trace_tags\`, with indexes | ${r.rawMB} | | |`,
    `| every rollup, hourly and daily (largest: ${biggest}) | ${r.rollupMB} (${r.rollupToRawRatio}× raw) | ≤ ${CARDINALITY_TARGETS.rollupToRawRatio}× raw | ${mark(r.rollupToRawRatio <= CARDINALITY_TARGETS.rollupToRawRatio)} |`,
    '',
    ...checkedEndpointTable(r.endpoints, r.checks, CARDINALITY_TARGETS.uncachedP95Ms),
  ];
}
