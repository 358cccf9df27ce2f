/**
 * `npm run bench`: the benchmark harness. Generates (or reuses) a demo-distributed dataset
 * for one large workspace and 9 noise workspaces, starts Pulse as a child process on a
 * scratch database, loads the data through POST /api/v1/traces, measures the twelve
 * analytics endpoints (uncached and cached) and the dashboard pages' request bursts, runs
 * the naive raw-SQL baseline and cross-checks its figures, and records the server's peak
 * memory; then OTLP protobuf ingest, and 500 open dashboards (live.changes subscriptions:
 * the server's extra memory, ingest with and without them, answer-to-event latency); scores on
 * 10 % of the large workspace's calls and the quality endpoints over them (scripts/bench/quality.ts); every agent valued and
 * the impact endpoints (scripts/bench/impact.ts); the safety endpoints (scripts/bench/safety.ts); on PostgreSQL, the physical
 * reference for ingest: COPY of the same rows (scripts/bench/copy-reference.ts); last, once the server
 * has stopped, the high-cardinality case in a database of its own (scripts/bench/cardinality.ts). Writes bench-results/*.json and, except with --quick, the tables of
 * docs/BENCHMARKS.md. Exits non-zero when a baseline figure disagrees with Pulse's answer.
 * Options: scripts/bench/options.ts (`npm run bench -- --help`).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from '@pulse/db/testing';
import { type ScratchPulse, startScratchPulse } from '@pulse/testing';
import { pgliteRunner, pgliteVersion, postgresRunner, runBaseline, type SqlRunner } from './bench/baseline.js';
import { analyticsHeaders, benchServerEnv, createWorkspace, putBudget, timedGet, type Workspace } from './bench/client.js';
import { prepareDataset } from './bench/dataset.js';
import { measureDetectors } from './bench/detectors.js';
import {
  BENCH_TAGS,
  ENDPOINTS,
  measureBursts,
  measureEndpoint,
  type MeasuredEndpoint,
  PAGES,
  TAGGED_WINDOWS,
  taggedWindow,
  UNWINDOWED,
  windowsFor,
} from './bench/endpoints.js';
import { loadDataset } from './bench/ingest.js';
import { measureLive } from './bench/live.js';
import { loadAverage, machine, peakRssMB } from './bench/machine.js';
import { parseOptions } from './bench/options.js';
import { encodeRequests, ingestOtlp } from './bench/otlp.js';
import { fmt, log } from './bench/progress.js';
import { type BenchResults, type PhasePeak, renderMarkdown, resultsFile, updateBenchmarksDoc, writeResults } from './bench/report.js';
import { crossCheckQuality, measureQuality, writeBenchScores } from './bench/quality.js';
import { crossCheckImpact, measureImpact, setBenchAgentValues } from './bench/impact.js';
import { crossCheckSafety, measureSafety } from './bench/safety.js';
import { measureRepricing, repricingLine } from './bench/repricing.js';
import { checkTargets, type SeriesFailure, TARGETS } from './bench/targets.js';
import { type CachedReference, measureCachedReference } from './bench/cached-reference.js';
import { measureTraceReads } from './bench/traces.js';
import { vacuumAfterLoad } from './bench/vacuum-after-load.js';
import { describeWal, withWalAccounting } from './bench/wal.js';
import { type CopyReference, measureCopyReference } from './bench/copy-reference.js';
import { runCardinalityCase } from './bench/cardinality.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const opts = parseOptions(process.argv.slice(2));
const runStart = new Date();
const loadAtStart = loadAverage();
log('start', `${opts.command} (${opts.db}, ${fmt(opts.traces)} traces${opts.quick ? ', quick' : ''})`);

// In process and before the server starts: the detectors' figures do not compete with it.
const detectors = measureDetectors();
for (const d of detectors) log('detectors', `${d.corpus}: ${d.microsPerKB} µs per KB`);

const dataset = prepareDataset(
  path.join(root, 'bench-results', 'datasets'),
  opts.traces,
  opts.seed,
  runStart,
  opts.batchSize,
);
const adminToken = randomBytes(18).toString('base64url');
const bypassToken = randomBytes(18).toString('base64url');
// BENCH_PG_URL names the PostgreSQL server (no database) for --db postgres.
const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const scratch = await createScratchDatabase(opts.db === 'postgres' ? `${pgServer}/postgres` : undefined);
let pulse: ScratchPulse | undefined;
const stopAll = async () => {
  await pulse?.stop();
  await scratch.drop();
};
const interrupted = () => {
  log('stop', 'interrupted: removing the scratch database');
  void stopAll().finally(() => process.exit(130));
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

let results: BenchResults;
try {
  pulse = await startScratchPulse(scratch, {
    inheritOutput: true,
    env: benchServerEnv(adminToken, bypassToken),
  });
  log('server', `Pulse (pid ${pulse.proc.pid}) on ${pulse.url}, ${opts.db}`);
  const workspaces: Workspace[] = [];
  for (const w of dataset.meta.workspaces) workspaces.push(await createWorkspace(pulse.url, adminToken, w.name));
  const large = workspaces[0]!;

  const { result: ingest, wal } = await withWalAccounting(
    scratch.databaseUrl,
    () => loadDataset(pulse!.url, dataset.file, workspaces, dataset.meta.totalTraces, opts.concurrency),
    (loaded) => loaded.accepted,
  );
  if (wal) log('ingest', describeWal(wal.perTrace, wal.settings));
  if (ingest.accepted !== dataset.meta.totalTraces)
    throw new Error(`only ${ingest.accepted} of ${dataset.meta.totalTraces} traces were accepted`);
  // The peak after each phase, so the one that sets the run's peak is known.
  const peaks: PhasePeak[] = [];
  const notePeak = (phase: string) => {
    const mb = peakRssMB(pulse!.proc.pid);
    peaks.push({ phase, mb });
    return mb;
  };
  const rssAfterIngest = notePeak('ingest');
  log(
    'ingest',
    `${fmt(ingest.acknowledgedPerSecond)} traces/s acknowledged, ${fmt(ingest.foldedPerSecond)} traces/s folded; server peak RSS ${rssAfterIngest ?? '?'} MB`,
  );

  // Both Pulse and the baseline are measured on the state a running server reaches after the
  // load (vacuum-after-load.ts). On PGlite Pulse's stand-in for autovacuum does that itself.
  const vacuumSeconds = opts.db === 'postgres' ? await vacuumAfterLoad(scratch.databaseUrl!, 'maintenance') : null;
  let copyReference: CopyReference | null = null;
  if (opts.db === 'postgres') {
    const rows = Math.min(1_000_000, dataset.meta.workspaces[0]!.traces);
    copyReference = await measureCopyReference(scratch.databaseUrl!, large.workspace_id, rows, `${dataset.file}.copy`);
    log('ingest', `physical reference: COPY of ${fmt(copyReference.rows)} stored calls (${fmt(copyReference.tagRows)} tag rows) into empty copies, ${fmt(copyReference.rowsPerSecond)} calls/s (traces alone ${fmt(copyReference.tracesOnlyPerSecond)}/s)`);
  }

  // A budget a little above the month's likely spend, so the budget figures are realistic.
  const bypass = { ...analyticsHeaders(large), 'x-pulse-cache-bypass': bypassToken };
  const month = JSON.parse((await timedGet(`${pulse.url}/api/v1/cost/overview?range=30d`, bypass)).body) as {
    total_cost_usd: number;
    projected_month_usd: number;
  };
  const budgetUsd = Math.max(1, Math.ceil(Math.max(month.total_cost_usd, month.projected_month_usd) * 1.25));
  await putBudget(pulse.url, large, budgetUsd);
  log('budget', `monthly budget of $${fmt(budgetUsd)} set on ${large.name}`);

  const settings = { base: pulse.url, workspace: large, bypassToken, requests: opts.requests, warmup: opts.warmup };
  const windows = windowsFor(new Date(dataset.meta.now));
  log(
    'endpoints',
    `${opts.requests} uncached and ${opts.requests} cached requests per endpoint and window, after ${opts.warmup} warm-up requests each`,
  );
  const measured: MeasuredEndpoint[] = [];
  for (const endpoint of ENDPOINTS) {
    for (const window of endpoint === UNWINDOWED ? [null] : windows)
      measured.push(await measureEndpoint(settings, endpoint, window));
  }
  // The same with a tag filter (docs/API_SPEC.md §8): not in the baseline.
  const tagged: MeasuredEndpoint[] = [];
  // A tag filter some rollup cannot serve reads raw calls and may run into the statement timeout
  // at 10 M traces: such a series is recorded as unanswered and the run goes on.
  const taggedFailures: SeriesFailure[] = [];
  for (const tag of BENCH_TAGS) {
    for (const endpoint of ENDPOINTS.filter((e) => e !== UNWINDOWED)) {
      for (const window of windows.filter((w) => TAGGED_WINDOWS.includes(w.name))) {
        const w = taggedWindow(window, tag);
        try {
          tagged.push(await measureEndpoint(settings, endpoint, w));
        } catch (err) {
          const failure = { endpoint, window: w.name, error: err instanceof Error ? err.message.slice(0, 300) : String(err) };
          taggedFailures.push(failure);
          log('endpoints', `${endpoint} ${w.name}: NO ANSWER (${failure.error}); the run goes on`);
        }
      }
    }
  }
  notePeak('endpoints');
  // The cached target's reference, measured while Pulse idles: a server that does nothing,
  // answering the bytes of Pulse's cached 30-day overview, in as many series as Pulse's.
  const cachedTargetMs = TARGETS[opts.db].cachedP95Ms;
  let cachedReference: CachedReference | null = null;
  const overview30d = measured.find((m) => m.measurement.endpoint === '/usage/overview' && m.measurement.window === '30d');
  if (cachedTargetMs !== undefined && overview30d) {
    cachedReference = await measureCachedReference(JSON.stringify(overview30d.answer), {
      series: measured.length,
      requests: opts.requests,
      warmup: opts.warmup,
      targetMs: cachedTargetMs,
    });
    log(
      'endpoints',
      `cached reference (a bare node:http server, ${fmt(cachedReference.bodyBytes)} B): P50 ${cachedReference.all.p50} P95 ${cachedReference.all.p95} ms; ${cachedReference.seriesOverTarget} of ${cachedReference.series} series over ${cachedTargetMs} ms at P95`,
    );
  }
  const bursts = [];
  for (const page of Object.keys(PAGES)) bursts.push(await measureBursts(settings, opts.bursts, page));
  notePeak('dashboard bursts');
  const repricing = opts.noRepricing ? null : await measureRepricing(pulse.url, large, bypassToken);
  log('prices', repricing ? repricingLine(repricing) : 'the re-pricing case is skipped (--no-repricing)');
  if (repricing) notePeak('re-pricing');
  const traceReads = await measureTraceReads(pulse.url, large, pulse.proc.pid, opts.requests, opts.warmup);
  notePeak('trace reads and export');
  const scoreWrite = await writeBenchScores(pulse.url, large, dataset.file, opts.concurrency);
  const quality = await measureQuality(settings, windows);
  const scoredAgent = await setBenchAgentValues(pulse.url, large);
  const impact = await measureImpact(settings, windows);
  const safety = await measureSafety(settings, windows);
  notePeak('scores, quality, impact, safety');

  // Each in a workspace of its own, after the measurements above (the tables now hold the dataset too).
  const otlpWorkspace = await createWorkspace(pulse.url, adminToken, 'bench-otlp');
  const otlp = await ingestOtlp(pulse.url, otlpWorkspace, encodeRequests(opts.otlpSpans), opts.concurrency);
  log('otlp', `${fmt(otlp.acknowledgedPerSecond)} spans/s acknowledged, ${fmt(otlp.foldedPerSecond)} spans/s folded`);
  notePeak('OTLP ingest');
  const liveWorkspace = await createWorkspace(pulse.url, adminToken, 'bench-live');
  const live = await measureLive(pulse.url, pulse.proc.pid, liveWorkspace, {
    sockets: opts.sockets,
    spans: opts.otlpSpans,
    concurrency: opts.concurrency,
    rounds: 10,
  });
  notePeak('open dashboards');

  // The database's version, and the baseline (with its cross-check) unless --no-baseline.
  const baselineOn = async (runner: SqlRunner) => {
    try {
      const version = String((await runner.query('select version() as v', []))[0]?.v ?? '') || null;
      const results = opts.noBaseline
        ? null
        : await runBaseline(runner, large.workspace_id, measured, opts.baselineReps);
      // Quality figures are checked against plain SQL over raw scores in every run: cheap beside the traces' baseline.
      const qualityChecks = await crossCheckQuality(runner, large.workspace_id, quality);
      const impactChecks = await crossCheckImpact(runner, large.workspace_id, scoredAgent, impact);
      const safetyChecks = await crossCheckSafety(runner, large.workspace_id, safety);
      return { version, results, qualityChecks, impactChecks, safetyChecks };
    } finally {
      await runner.close();
    }
  };
  let sql = opts.db === 'postgres' ? await baselineOn(postgresRunner(scratch.databaseUrl!)) : undefined;
  const rssAtEnd = notePeak('baseline');
  log('memory', `server peak RSS after each phase: ${peaks.map((p) => `${p.phase} ${p.mb ?? '?'} MB`).join(', ')}`);
  await pulse.stop();
  if (opts.db === 'pglite') {
    log('baseline', 'server stopped; opening its PGlite directory in this process');
    sql = await baselineOn(await pgliteRunner(scratch.dataDir!));
  }
  const { version, results: baselineResults, qualityChecks, impactChecks, safetyChecks } = sql!;
  const cardinality = await runCardinalityCase({
    db: opts.db,
    pgServer,
    requests: opts.requests,
    warmup: opts.warmup,
    concurrency: opts.concurrency,
    // A smoke run checks the case works, at a tenth of its size.
    ...(opts.quick ? { calls: 20_000 } : {}),
  });

  const endpoints = measured.map((m) => m.measurement);
  const mismatches = [
    ...(baselineResults ?? [])
      .filter((b) => b.mismatches.length)
      .map((b) => ({ endpoint: b.endpoint, window: b.window, problems: b.mismatches })),
    ...[...qualityChecks, ...impactChecks, ...safetyChecks, ...cardinality.checks]
      .filter((c) => c.problems.length)
      .map((c) => ({ endpoint: c.endpoint, window: c.window, problems: c.problems })),
  ];
  const { command, ...options } = opts;
  results = {
    date: runStart.toISOString(),
    command,
    options,
    machine: machine(),
    loadAverage: { start: loadAtStart, end: loadAverage() },
    database: { driver: opts.db, version, pglite: opts.db === 'pglite' ? pgliteVersion() : null },
    dataset: {
      traces: dataset.meta.traces,
      seed: dataset.meta.seed,
      day: dataset.meta.day,
      now: dataset.meta.now,
      days: dataset.meta.days,
      workspaces: dataset.meta.workspaces,
      totalTraces: dataset.meta.totalTraces,
      batches: dataset.meta.lines,
      file: path.relative(root, dataset.file),
      reused: dataset.reused,
    },
    ingest,
    otlp,
    live,
    vacuumAnalyzeSeconds: vacuumSeconds,
    ingestWal: wal,
    copyReference,
    cachedReference,
    budgetUsd,
    endpoints,
    tagged: tagged.map((m) => m.measurement),
    taggedFailures,
    bursts,
    repricing,
    traceReads,
    quality: { write: scoreWrite, endpoints: quality.map((m) => m.measurement), checks: qualityChecks },
    impact: { endpoints: impact.map((m) => m.measurement), checks: impactChecks },
    safety: { endpoints: safety.map((m) => m.measurement), checks: safetyChecks },
    cardinality,
    baseline: baselineResults
      ? {
          reps: opts.baselineReps,
          note: `each naive query timed ${opts.baselineReps} times without warm-up (slow on large data, so fewer runs than Pulse's ${opts.requests})`,
          results: baselineResults,
        }
      : null,
    mismatches,
    serverPeakRssMB: { afterIngest: rssAfterIngest, atEnd: rssAtEnd, afterPhases: peaks },
    detectors,
    targets: checkTargets(
      TARGETS[opts.db],
      ingest,
      endpoints,
      tagged.map((m) => m.measurement),
      taggedFailures,
      bursts,
      baselineResults,
      rssAtEnd,
      otlp,
      live,
    ),
    durationSeconds: Math.round((Date.now() - runStart.getTime()) / 1000),
  };
} finally {
  if (opts.keepDatabase) {
    await pulse?.stop();
    log('stop', `the scratch database is kept: ${scratch.databaseUrl ?? scratch.dataDir}`);
  } else await stopAll();
}

const file = resultsFile(path.join(root, 'bench-results'), results, opts.quick);
writeResults(file, results);
const markdown = renderMarkdown(results);
process.stdout.write(`\n${markdown}\n\n`);
log('done', `results in ${path.relative(root, file)}`);
if (!opts.quick) {
  const doc = path.join(root, 'docs', 'BENCHMARKS.md');
  if (updateBenchmarksDoc(doc, opts.db, markdown))
    log('done', `docs/BENCHMARKS.md: the ${opts.db} tables are regenerated`);
  else log('done', `docs/BENCHMARKS.md has no <!-- bench:${opts.db}:start/end --> markers: left alone`);
}
if (results.mismatches.length) {
  log('done', `FAILED: ${results.mismatches.length} answers disagree with the raw-SQL baseline (see above)`);
  process.exitCode = 1;
}
