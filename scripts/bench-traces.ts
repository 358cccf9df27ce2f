/**
 * `npm run bench:traces`: the trace list and export case of the benchmark on its own
 * (docs/API_SPEC.md §8), for a machine or a time budget too small for the whole `npm run bench`.
 * Loads the bench dataset into a scratch database through POST /api/v1/traces (the ingest
 * figure), then measures the list's first page for every filter, a deep page and the export.
 * `--keep FILE` leaves the database in place and writes where it is to FILE; `--reuse FILE`
 * measures that database again (e.g. after a change of code) without loading it.
 *
 *   npm run bench:traces -- [--db postgres|pglite] [--traces N] [--requests R] [--keep FILE | --reuse FILE] [--ingest-only | --export-only]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { startScratchPulse } from '@pulse/testing';
import postgres from 'postgres';
import { analyticsHeaders, benchServerEnv, createWorkspace, type Workspace } from './bench/client.js';
import { prepareDataset } from './bench/dataset.js';
import { loadDataset } from './bench/ingest.js';
import { fmt, log } from './bench/progress.js';
import { logExport, measureExport, measureTraceReads, traceReadRows } from './bench/traces.js';
import { describeWal, withWalAccounting } from './bench/wal.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

interface Kept {
  databaseUrl: string;
  workspaces: Workspace[];
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const db = option('db') ?? 'postgres';
const traces = Number(option('traces') ?? 2_000_000);
const requests = Number(option('requests') ?? 30);
const keep = option('keep');
const reuse = option('reuse');
/** --ingest-only: the load's figure alone (what the table's indexes cost every insert); --export-only: the export alone. */
const only = (['ingest', 'export'] as const).find((part) => process.argv.includes(`--${part}-only`));
if (db !== 'postgres' && (keep || reuse)) throw new Error('--keep and --reuse need --db postgres');
const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

const kept = reuse ? (JSON.parse(readFileSync(reuse, 'utf8')) as Kept) : undefined;
const scratch: ScratchDatabase = kept
  ? { databaseUrl: kept.databaseUrl, env: { DATABASE_URL: kept.databaseUrl }, open: () => Promise.reject(new Error('not opened here')), drop: async () => {} }
  : await createScratchDatabase(db === 'postgres' ? `${pgServer}/postgres` : undefined);
const adminToken = randomBytes(18).toString('base64url');
const pulse = await startScratchPulse(scratch, {
  inheritOutput: true,
  env: benchServerEnv(adminToken),
});
try {
  let workspaces = kept?.workspaces;
  if (!workspaces) {
    const dataset = prepareDataset(path.join(root, 'bench-results', 'datasets'), traces, 1, new Date(), 1000);
    workspaces = [];
    for (const w of dataset.meta.workspaces) workspaces.push(await createWorkspace(pulse.url, adminToken, w.name));
    const loading = workspaces;
    const { result: ingest, wal } = await withWalAccounting(
      scratch.databaseUrl,
      () => loadDataset(pulse.url, dataset.file, loading, dataset.meta.totalTraces, 4),
      (loaded) => loaded.accepted,
    );
    log('ingest', `${fmt(ingest.acknowledgedPerSecond)} traces/s acknowledged, ${fmt(ingest.foldedPerSecond)} traces/s folded`);
    if (wal) log('ingest', describeWal(wal.perTrace, wal.settings));
    if (scratch.databaseUrl) {
      // What autovacuum would soon do after a bulk load (scripts/bench.ts does the same).
      const sql = postgres(scratch.databaseUrl, { max: 1, onnotice: () => {} });
      await sql`vacuum analyze`;
      await sql.end();
    }
    if (keep) writeFileSync(keep, `${JSON.stringify({ databaseUrl: scratch.databaseUrl!, workspaces } satisfies Kept, null, 2)}\n`);
  }
  if (only === 'export') {
    logExport(await measureExport(pulse.url, analyticsHeaders(workspaces[0]!), pulse.proc.pid));
  } else if (only === undefined) {
    const measured = await measureTraceReads(pulse.url, workspaces[0]!, pulse.proc.pid, requests, 3);
    process.stdout.write(`\n${traceReadRows(measured).join('\n')}\n`);
  }
} finally {
  await pulse.stop();
  if (!keep && !reuse) await scratch.drop();
}
