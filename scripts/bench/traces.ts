/**
 * The trace list, the sessions and the export (docs/API_SPEC.md §8): first-page latency, a page
 * deep in the walk, and the export's throughput with the server's memory while it streams.
 */
import { analyticsHeaders, timedGet, type Workspace } from './client.js';
import { rssMB } from './machine.js';
import { fmt, log } from './progress.js';
import { type Summary, summarize } from './stats.js';

export const TRACE_TARGETS = { firstPageP95Ms: 50, exportRowsPerSecond: 50_000, exportRssGrowthMB: 50 };

export interface TraceReadMeasurement {
  /** GET /traces?range=30d (50 items), uncached (the list is never cached). */
  firstPage: Summary;
  /** GET /traces?range=30d&status=error: a filter the keyset index does not lead with. */
  errorsFirstPage: Summary;
  /** The 20th page of 200 of a 30-day walk: keyset pages cost the same however deep. */
  deepPage: Summary;
  /** GET /sessions?range=24h. */
  sessions: Summary;
  export: { format: string; rows: number; bytes: number; seconds: number; rowsPerSecond: number; rssGrowthMB: number | null };
}

async function timed(url: string, headers: Record<string, string>, requests: number, warmup: number): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await timedGet(url, headers);
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) samples.push((await timedGet(url, headers)).ms);
  return summarize(samples);
}

/** The whole 30-day export as JSON Lines, counted as it arrives; the server's RSS sampled meanwhile. */
async function measureExport(base: string, headers: Record<string, string>, pid: number | undefined) {
  const before = rssMB(pid);
  let peak = before ?? 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMB(pid) ?? 0);
  }, 50);
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  try {
    const res = await fetch(`${base}/api/v1/traces/export?range=30d&format=jsonl`, { headers });
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) rows++;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    format: 'jsonl',
    rows,
    bytes,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(rows / seconds),
    rssGrowthMB: before === null ? null : Math.round(peak - before),
  };
}

export async function measureTraceReads(
  base: string,
  workspace: Workspace,
  pid: number | undefined,
  requests: number,
  warmup: number,
): Promise<TraceReadMeasurement> {
  const headers = analyticsHeaders(workspace);
  const list = `${base}/api/v1/traces?range=30d`;
  const firstPage = await timed(list, headers, requests, warmup);
  const errorsFirstPage = await timed(`${list}&status=error`, headers, requests, warmup);
  let cursor: string | null = null;
  for (let page = 0; page < 19; page++) {
    const body = JSON.parse((await timedGet(`${list}&limit=200${cursor ? `&cursor=${cursor}` : ''}`, headers)).body) as { next_cursor: string | null };
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  const deepPage = await timed(`${list}&limit=200${cursor ? `&cursor=${cursor}` : ''}`, headers, requests, warmup);
  const sessions = await timed(`${base}/api/v1/sessions?range=24h`, headers, requests, warmup);
  log('traces', `first page P95 ${firstPage.p95} ms, sessions P95 ${sessions.p95} ms; exporting 30 days…`);
  const exported = await measureExport(base, headers, pid);
  log('traces', `export: ${fmt(exported.rows)} rows in ${exported.seconds} s (${fmt(exported.rowsPerSecond)} rows/s), RSS growth ${exported.rssGrowthMB ?? '?'} MB`);
  return { firstPage, errorsFirstPage, deepPage, sessions, export: exported };
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** Rows of the figures table of docs/BENCHMARKS.md. */
export function traceReadRows(m: TraceReadMeasurement): string[] {
  const t = TRACE_TARGETS;
  const e = m.export;
  return [
    `| trace list, first page (30d, 50 items), P50 / P95 | ${m.firstPage.p50} / ${m.firstPage.p95} ms | P95 ≤ ${t.firstPageP95Ms} ms | ${mark(m.firstPage.p95 <= t.firstPageP95Ms)} |`,
    `| trace list, errors only, first page, P50 / P95 | ${m.errorsFirstPage.p50} / ${m.errorsFirstPage.p95} ms | | |`,
    `| trace list, 20th page of 200, P50 / P95 | ${m.deepPage.p50} / ${m.deepPage.p95} ms | | |`,
    `| sessions, first page (24h), P50 / P95 | ${m.sessions.p50} / ${m.sessions.p95} ms | | |`,
    `| export, JSON Lines, 30d (${e.rows.toLocaleString('en-US')} rows, ${Math.round(e.bytes / 1e6)} MB) | ${e.rowsPerSecond.toLocaleString('en-US')} rows/s | ≥ ${t.exportRowsPerSecond.toLocaleString('en-US')} rows/s | ${mark(e.rowsPerSecond >= t.exportRowsPerSecond)} |`,
    `| export, server RSS growth while streaming | ${e.rssGrowthMB ?? 'unknown'} MB | ≤ ${t.exportRssGrowthMB} MB | ${mark(e.rssGrowthMB !== null && e.rssGrowthMB <= t.exportRssGrowthMB)} |`,
  ];
}
