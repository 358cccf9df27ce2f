/**
 * `npm run bench:repricing`: the price-change case of `npm run bench` alone (docs/BENCHMARKS.md,
 * "Price changes"): loads the bench dataset through POST /api/v1/traces (its ingest rate is
 * reported, the rollups folded), vacuums as the full bench does, then times the PUT and the
 * DELETE of the busiest model's price, the background rewrite of its calls after each, and
 * uncached reads while the rewrite runs. `--keep` leaves the scratch database in place (its URL
 * is printed) so the re-pricing statements can be profiled with EXPLAIN afterwards.
 *
 *   npm run bench:repricing -- --db postgres --traces 2000000 [--keep]
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from '@pulse/db/testing';
import { type ScratchPulse, startScratchPulse } from '@pulse/testing';
import { postgresRunner } from './bench/baseline.js';
import { benchServerEnv, createWorkspace } from './bench/client.js';
import { prepareDataset } from './bench/dataset.js';
import { loadDataset } from './bench/ingest.js';
import { loadAverage } from './bench/machine.js';
import { parseOptions } from './bench/options.js';
import { fmt, log } from './bench/progress.js';
import { measureRepricing, repricingLine } from './bench/repricing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const opts = parseOptions(args.filter((a) => a !== '--keep'));
log('start', `${opts.db}, ${fmt(opts.traces)} traces, load average ${loadAverage().join(' / ')}`);

const dataset = prepareDataset(path.join(root, 'bench-results', 'datasets'), opts.traces, opts.seed, new Date(), opts.batchSize);
const adminToken = randomBytes(18).toString('base64url');
const bypassToken = randomBytes(18).toString('base64url');
const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const scratch = await createScratchDatabase(opts.db === 'postgres' ? `${pgServer}/postgres` : undefined);
let pulse: ScratchPulse | undefined;
try {
  pulse = await startScratchPulse(scratch, {
    inheritOutput: true,
    env: benchServerEnv(adminToken, bypassToken),
  });
  const workspaces = [];
  for (const w of dataset.meta.workspaces) workspaces.push(await createWorkspace(pulse.url, adminToken, w.name));
  const ingest = await loadDataset(pulse.url, dataset.file, workspaces, dataset.meta.totalTraces, opts.concurrency);
  log('ingest', `${fmt(ingest.acknowledgedPerSecond)} traces/s acknowledged, ${fmt(ingest.foldedPerSecond)} traces/s folded`);
  if (scratch.databaseUrl) {
    const runner = postgresRunner(scratch.databaseUrl);
    try {
      await runner.query('vacuum analyze', []);
    } finally {
      await runner.close();
    }
  }
  log('prices', `load average ${loadAverage().join(' / ')}`);
  const r = await measureRepricing(pulse.url, workspaces[0]!, bypassToken);
  log('prices', `${repricingLine(r)}; load average ${loadAverage().join(' / ')}`);
  if (keep) log('keep', `database kept: ${scratch.databaseUrl ?? scratch.dataDir}; workspace ${workspaces[0]!.workspace_id}`);
} finally {
  await pulse?.stop();
  if (!keep) await scratch.drop();
}
