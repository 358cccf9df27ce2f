import type { RepricingMeasurement } from './repricing.js';
/**
 * The run's record: bench-results/<date>-<db>-<N>.json (or quick-<date>.json) with every
 * figure, and the Markdown tables that replace the text between
 * `<!-- bench:<db>:start -->` and `<!-- bench:<db>:end -->` in docs/BENCHMARKS.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BaselineMeasurement } from './baseline.js';
import type { DatasetMeta } from './dataset.js';
import type { DetectorMeasurement } from './detectors.js';
import type { BurstMeasurement, EndpointMeasurement } from './endpoints.js';
import type { IngestResult } from './ingest.js';
import type { WalOfLoad } from './wal.js';
import type { CopyReference } from './copy-reference.js';
import type { CachedReference } from './cached-reference.js';
import type { LiveResult } from './live.js';
import type { Machine } from './machine.js';
import type { BenchOptions } from './options.js';
import type { OtlpIngestResult } from './otlp.js';
import { mark } from './checked-endpoints.js';
import { type ImpactResults, impactRows } from './impact.js';
import { type SafetyResults, safetyRows } from './safety.js';
import { type CardinalityResult, cardinalityRows } from './cardinality.js';
import { type QualityResults, qualityRows } from './quality.js';
import { rowFailures, type SeriesFailure, type TargetCheck, TARGETS } from './targets.js';
import { type TraceReadMeasurement, traceReadRows } from './traces.js';

/** The server's peak RSS (VmHWM, MB) once a phase of the run is over. */
export interface PhasePeak {
  phase: string;
  mb: number | null;
}

export interface BenchResults {
  date: string;
  command: string;
  options: Omit<BenchOptions, 'command'>;
  machine: Machine;
  /** 1-, 5- and 15-minute load averages when the run started and ended: other work on the machine skews the figures. */
  loadAverage: { start: number[]; end: number[] };
  database: { driver: string; version: string | null; pglite: string | null };
  dataset: Omit<DatasetMeta, 'version' | 'bytes' | 'lines'> & { file: string; reused: boolean; batches: number };
  ingest: IngestResult;
  /** OTLP protobuf ingest into its own workspace, after the endpoint measurements. */
  otlp: OtlpIngestResult;
  /** Open dashboards: live.changes subscriptions on one more workspace. */
  live: LiveResult;
  /** Budget set on the large workspace before the measurements (USD per month). */
  /** PostgreSQL only: the VACUUM ANALYZE after the load, as autovacuum would do. */
  vacuumAnalyzeSeconds: number | null;
  /** PostgreSQL only: what the load wrote to the write-ahead log per trace, and the settings that shape it. */
  ingestWal: WalOfLoad | null;
  /** PostgreSQL only: the same rows stored by COPY, the physical reference for the ingest rate. */
  copyReference: CopyReference | null;
  /** Where a cached target applies: the same series against a server that does nothing, the reference for the cached P95. */
  cachedReference: CachedReference | null;
  budgetUsd: number;
  endpoints: EndpointMeasurement[];
  /** The windowed endpoints again with a tag filter (no baseline: tests prove their figures). */
  tagged: EndpointMeasurement[];
  /** Tag-filtered series that got no answer (the run went on without them). */
  taggedFailures?: SeriesFailure[];
  bursts: BurstMeasurement[];
  /** A price change for the busiest model, and its removal (docs/API_SPEC.md §9). */
  repricing: RepricingMeasurement | null;
  /** The trace list, sessions and export (docs/API_SPEC.md §8). */
  traceReads: TraceReadMeasurement;
  /** Scores written through POST /scores, the quality endpoints over them, and their check against plain SQL. */
  quality: QualityResults;
  /** The impact endpoints with every agent valued, and the overview's check against plain SQL. */
  impact: ImpactResults;
  /** The safety endpoints over the dataset's flags, and the overview's check against plain SQL. */
  safety: SafetyResults;
  /** Storage and the largest answers at high cardinality, in a database of their own (absent from older runs). */
  cardinality?: CardinalityResult;
  baseline: { reps: number; note: string; results: BaselineMeasurement[] } | null;
  mismatches: { endpoint: string; window: string; problems: string[] }[];
  /** Peak RSS (VmHWM) of the server process, MB (10^6 bytes); after each phase in runs since 2026-12-04. */
  serverPeakRssMB: { afterIngest: number | null; atEnd: number | null; afterPhases?: PhasePeak[] };
  /** The safety detectors over 32 KB texts, in process (docs/API_SPEC.md §12). */
  detectors: DetectorMeasurement[];
  targets: TargetCheck[];
  durationSeconds: number;
}

export function resultsFile(dir: string, r: BenchResults, quick: boolean): string {
  const day = r.date.slice(0, 10);
  return path.join(dir, quick ? `quick-${day}.json` : `${day}-${r.database.driver}-${r.options.traces}.json`);
}

export function writeResults(file: string, r: BenchResults): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const millions = (x: number) => (x >= 1e6 ? `${+(x / 1e6).toFixed(2)} M` : `${+(x / 1e3).toFixed(1)} k`);
/** Milliseconds of the raw-SQL baseline: one decimal below 100 ms. */
const rawMs = (x: number) => (x < 100 ? x.toFixed(1) : n(x));

/** "PostgreSQL 15.8" or "PGlite 0.5.16 (PostgreSQL 18.6)": select version() up to its build details. */
function databaseLabel(r: BenchResults): string {
  const pg = r.database.version?.split(' on ')[0]?.replace(/ \(PGlite [^)]*\)/, '') ?? 'PostgreSQL';
  return r.database.pglite ? `PGlite ${r.database.pglite} (${pg})` : pg;
}

export function renderMarkdown(r: BenchResults): string {
  const t = TARGETS[r.database.driver as keyof typeof TARGETS];
  const large = r.dataset.workspaces[0]!;
  const noise = r.dataset.workspaces.slice(1);
  const lines: string[] = [];
  lines.push(
    `Run of ${r.date.slice(0, 16).replace('T', ' ')} UTC: \`${r.command}\` — ${databaseLabel(r)}; ` +
      `${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ` +
      `load average ${r.loadAverage.start[0]} at the start, ${r.loadAverage.end[0]} at the end.`,
    '',
    `Data: ${n(large.traces)} traces in the measured workspace (${n(large.users)} users) and ${noise.length} other workspaces of ` +
      `~${n(noise[0]?.traces ?? 0)} traces each in the same tables, demo-distributed over the ${r.dataset.days} days before ${r.dataset.now}.`,
    '',
  );
  if (r.options.traces !== t.traces) {
    lines.push(
      `The targets are stated for ${millions(t.traces)} traces; this run has ${millions(r.options.traces)}, so its ✓/✗ are indicative.`,
      '',
    );
  }
  lines.push('| figure | measured | target | |', '|---|---|---|---|');
  const i = r.ingest;
  lines.push(
    `| ingest, acknowledged (batches of ${r.options.batchSize}, ${i.concurrency} in flight) | ${n(i.acknowledgedPerSecond)} traces/s | | |`,
  );
  lines.push(
    `| ingest, rollups folded${i.pendingReported ? '' : ' (folded within each batch)'} | ${n(i.foldedPerSecond)} traces/s | ≥ ${n(t.ingestPerSecond)} traces/s | ${mark(i.foldedPerSecond >= t.ingestPerSecond)} |`,
  );
  if (r.copyReference) {
    const c = r.copyReference;
    lines.push(
      `| the physical reference: PostgreSQL COPY of ${n(c.rows)} of the same calls and their ${n(c.tagRows)} tag rows into empty copies of \`traces\` and \`trace_tags\` with their indexes (one client; no HTTP, validation, queue or rollups) | ${n(c.rowsPerSecond)} calls/s (\`traces\` alone ${n(c.tracesOnlyPerSecond)}/s) | | |`,
    );
  }
  lines.push(
    `| OTLP protobuf ingest, acknowledged (requests of 1,000 spans, ${r.otlp.concurrency} in flight) | ${n(r.otlp.acknowledgedPerSecond)} spans/s | | |`,
  );
  if (r.cachedReference) {
    const c = r.cachedReference;
    const pulseOver = r.endpoints.filter((m) => m.cached.p95 > c.targetMs).length;
    lines.push(
      // The count beside the reference's; the target itself is checked with the endpoints (every one's cached P95).
      `| cached answers: series of ${c.requestsPerSeries} with a P95 over ${c.targetMs} ms | ${pulseOver} of ${r.endpoints.length} | | |`,
      `| the reference: the same series against a bare \`node:http\` server answering the same ${n(c.bodyBytes)} B of a cached answer (no framework, key check or cache), P50 / P95 / P99 / max | ${c.seriesOverTarget} of ${c.series} series over ${c.targetMs} ms; ${c.all.p50} / ${c.all.p95} / ${c.all.p99} / ${c.all.max} ms | | |`,
    );
  }
  if (r.ingestWal) {
    const { perTrace: w, settings: s } = r.ingestWal;
    lines.push(
      `| write-ahead log per trace stored (records / full-page images / bytes; shared_buffers ${s.sharedBuffers}, max_wal_size ${s.maxWalSize}) | ${w.records} / ${w.fullPageImages} / ${n(w.bytes)} B | | |`,
    );
  }
  if (r.vacuumAnalyzeSeconds !== null)
    lines.push(`| VACUUM ANALYZE after the load (what autovacuum would do) | ${r.vacuumAnalyzeSeconds} s | | |`);
  const rss = r.serverPeakRssMB.atEnd;
  const phases = r.serverPeakRssMB.afterPhases?.map((p) => `${p.phase} ${p.mb === null ? '?' : n(p.mb)}`).join(', ');
  lines.push(
    `| server peak RSS${r.database.driver === 'postgres' ? ' (Pulse process; PostgreSQL not included)' : ' (includes the embedded database)'}${phases ? `; the peak after each phase, MB: ${phases}` : ''} | ${rss === null ? 'unknown' : `${n(rss)} MB`} | ` +
      (t.serverRssMB !== undefined
        ? `≤ ${t.serverRssMB} MB | ${mark(rss !== null && rss <= t.serverRssMB)} |`
        : ' | |'),
  );
  for (const d of r.detectors ?? []) {
    // Adversarial text is measured to show the scan stays linear; the target is for real text.
    const adversarial = d.corpus.startsWith('adversarial');
    lines.push(
      `| safety detectors, 32 KB of ${d.corpus} | ${d.microsPerKB} µs per KB | ${adversarial ? 'linear' : '≤ 50 µs per KB'} | ${adversarial ? '' : mark(d.microsPerKB <= 50)} |`,
    );
  }
  for (const b of r.bursts) {
    lines.push(
      `| dashboard burst, ${b.page} page (${b.requests.length} requests, 30d, uncached), P50 / P95 | ${b.wall.p50} / ${b.wall.p95} ms | ` +
        (t.burstP95Ms !== undefined ? `P95 ≤ ${t.burstP95Ms} ms | ${mark(b.wall.p95 <= t.burstP95Ms)} |` : ' | |'),
    );
  }
  lines.push(...traceReadRows(r.traceReads));
  for (const c of r.targets.filter(
    (c) => !c.what.startsWith('ingest') && !c.what.startsWith('dashboard') && !c.what.startsWith('server'),
  )) {
    lines.push(`| ${c.what} | ${c.measured} | ${c.target} | ${mark(c.ok)} |`);
  }
  lines.push('');
  const reps = r.baseline?.reps;
  lines.push(
    `Endpoints: milliseconds, client side, ${r.options.requests} sequential requests each after ${r.options.warmup} warm-up requests; ` +
      `uncached through the bypass header, cached from the server's cache. ` +
      (r.baseline
        ? `Raw SQL: the naive query over the raw traces table (scripts/bench/baseline-sql.ts), ${reps} runs each (slow, so fewer), for the window Pulse answered; speedup = raw P50 / uncached P50.`
        : 'No raw-SQL baseline in this run.'),
    '',
    '| endpoint | window | uncached P50 | P95 | P99 | cached P50 | P95 | P99 | raw SQL P50 | P95 | speedup | targets |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const m of r.endpoints) {
    const b = r.baseline?.results.find((x) => x.endpoint === m.endpoint && x.window === m.window);
    const failures = rowFailures(t, m, b);
    const verdict = failures === null ? '' : failures.length ? `✗ ${failures.join(', ')}` : '✓';
    lines.push(
      `| ${m.endpoint} | ${m.window} | ${m.uncached.p50} | ${m.uncached.p95} | ${m.uncached.p99} | ${m.cached.p50} | ${m.cached.p95} | ${m.cached.p99} | ` +
        `${b ? `${rawMs(b.time.p50)} | ${rawMs(b.time.p95)} | ×${b.speedup}` : ' | | '} | ${verdict} |`,
    );
  }
  lines.push('');
  if (!r.baseline) lines.push('Cross-check against raw SQL: not run.');
  else if (!r.mismatches.length)
    lines.push('Cross-check against raw SQL: every key figure of every endpoint and window agrees.');
  else {
    lines.push(`Cross-check against raw SQL: **${r.mismatches.length} endpoint × window answers disagree**:`, '');
    for (const m of r.mismatches) lines.push(`- ${m.endpoint} ${m.window}: ${m.problems.join('; ')}`);
  }
  lines.push('', ...qualityRows(r.quality));
  lines.push('', ...impactRows(r.impact));
  if (r.safety) lines.push('', ...safetyRows(r.safety));
  if (r.cardinality) lines.push('', ...cardinalityRows(r.cardinality));
  const unanswered = r.taggedFailures ?? [];
  if (r.tagged.length || unanswered.length) {
    lines.push(
      '',
      'With a tag filter (same requests as above, no baseline):',
      '',
      '| endpoint | window | uncached P50 | P95 | P99 | cached P50 | P95 | P99 |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const m of r.tagged) {
      lines.push(
        `| ${m.endpoint} | ${m.window} | ${m.uncached.p50} | ${m.uncached.p95} | ${m.uncached.p99} | ${m.cached.p50} | ${m.cached.p95} | ${m.cached.p99} |`,
      );
    }
    for (const f of unanswered) lines.push(`| ${f.endpoint} | ${f.window} | no answer: ${f.error.replace(/\|/g, '/')} | | | | | |`);
  }
  return lines.join('\n');
}

/** Replaces the text between the database's markers; false when the markers are missing. */
export function updateBenchmarksDoc(file: string, driver: string, markdown: string): boolean {
  const doc = readFileSync(file, 'utf8');
  const start = `<!-- bench:${driver}:start -->`;
  const end = `<!-- bench:${driver}:end -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) return false;
  writeFileSync(file, `${doc.slice(0, a + start.length)}\n${markdown}\n${doc.slice(b)}`);
  return true;
}
