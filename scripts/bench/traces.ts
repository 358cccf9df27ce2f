/**
 * The trace list, the sessions and the export (docs/API_SPEC.md §8): first-page latency, a page
 * deep in the walk, and the export's throughput with the server's memory while it streams.
 */
import { analyticsHeaders, timedGet, type Workspace } from './client.js';
import { cpuSeconds, rssMB } from './machine.js';
import { fmt, log } from './progress.js';
import { type Summary, summarize } from './stats.js';

export const TRACE_TARGETS = { firstPageP95Ms: 50, exportRowsPerSecond: 50_000, exportRssGrowthMB: 50 };

/** The list's filters (docs/API_SPEC.md §8) but status, which has two values only. */
const FILTERS = ['agent_id', 'model', 'tag', 'user_id', 'session_id', 'error_type'] as const;
type Filter = (typeof FILTERS)[number];

export interface FilteredFirstPage {
  filter: Filter;
  /** `newest`: the value of the newest call that has one (a common value); `absent`: one no call has, the whole window to rule out. */
  value: 'newest' | 'absent';
  summary: Summary;
}

export interface TraceReadMeasurement {
  /** GET /traces?range=30d (50 items), uncached (the list is never cached). */
  firstPage: Summary;
  /** GET /traces?range=30d&status=error: a filter the keyset index does not lead with. */
  errorsFirstPage: Summary;
  /** The first page of every other filter, with a common value and with a value no call has. */
  filteredFirstPages: FilteredFirstPage[];
  /** The 20th page of 200 of a 30-day walk: keyset pages cost the same however deep. */
  deepPage: Summary;
  /** GET /sessions?range=24h. */
  sessions: Summary;
  /** GET /sessions?range=30d: a page of the most recent sessions costs the same over any window. */
  sessions30d: Summary;
  /** The 10th page of 50 of the 24-hour sessions. */
  sessionsDeepPage: Summary;
  export: {
    format: string;
    rows: number;
    bytes: number;
    seconds: number;
    rowsPerSecond: number;
    rssGrowthMB: number | null;
    /** Rows per second of the server's own CPU time: the rate a free core would give it, on a machine shared with other work. */
    rowsPerServerCpuSecond: number | null;
  };
}

async function timed(url: string, headers: Record<string, string>, requests: number, warmup: number): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await timedGet(url, headers);
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) samples.push((await timedGet(url, headers)).ms);
  return summarize(samples);
}

/** The whole 30-day export as JSON Lines, counted as it arrives; the server's RSS sampled meanwhile. */
export async function measureExport(base: string, headers: Record<string, string>, pid: number | undefined) {
  const before = rssMB(pid);
  const cpuBefore = cpuSeconds(pid);
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
      // indexOf, not a loop over every byte: the client must not be what limits the figure.
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) rows++;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuAfter = cpuSeconds(pid);
  return {
    format: 'jsonl',
    rows,
    bytes,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(rows / seconds),
    rssGrowthMB: before === null ? null : Math.round(peak - before),
    rowsPerServerCpuSecond: cpuBefore === null || cpuAfter === null ? null : Math.round(rows / (cpuAfter - cpuBefore)),
  };
}

export function logExport(e: TraceReadMeasurement['export']): void {
  log('traces', `export: ${fmt(e.rows)} rows in ${e.seconds} s (${fmt(e.rowsPerSecond)} rows/s), ${fmt(e.rowsPerServerCpuSecond ?? 0)} rows per server CPU second, RSS growth ${e.rssGrowthMB ?? '?'} MB`);
}

interface ListedTrace {
  agent_id: string;
  model: string;
  tags: string[];
  user_id: string | null;
  session_id: string | null;
  error_type: string | null;
}

/** The filter's value on the newest call that has one. */
function newestValue(traces: ListedTrace[], filter: Filter): string {
  const value = traces.map((t) => (filter === 'tag' ? t.tags.at(-1) : t[filter])).find((v) => v);
  if (!value) throw new Error(`no call of the first pages has a ${filter}`);
  return value;
}

async function measureFilters(list: string, headers: Record<string, string>, requests: number, warmup: number): Promise<FilteredFirstPage[]> {
  const newest = (await Promise.all([list, `${list}&status=error`].map(async (url) => JSON.parse((await timedGet(`${url}&limit=200`, headers)).body) as { data: ListedTrace[] })))
    .flatMap((page) => page.data);
  const measured: FilteredFirstPage[] = [];
  for (const filter of FILTERS) {
    for (const value of ['newest', 'absent'] as const) {
      const text = value === 'newest' ? newestValue(newest, filter) : 'bench-absent';
      const summary = await timed(`${list}&${filter}=${encodeURIComponent(text)}`, headers, requests, warmup);
      log('traces', `first page, ${filter} (${value}: ${text}): P95 ${summary.p95} ms`);
      measured.push({ filter, value, summary });
    }
  }
  return measured;
}

/** The URL of the `page`th page of a keyset list (the last one if it has fewer), walked from the first. */
async function pageUrl(first: string, page: number, headers: Record<string, string>): Promise<string> {
  const after = (cursor: string | null) => `${first}${cursor ? `&cursor=${cursor}` : ''}`;
  let cursor: string | null = null;
  for (let walked = 1; walked < page; walked++) {
    const body = JSON.parse((await timedGet(after(cursor), headers)).body) as { next_cursor: string | null };
    if (!body.next_cursor) break;
    cursor = body.next_cursor;
  }
  return after(cursor);
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
  const filteredFirstPages = await measureFilters(list, headers, requests, warmup);
  const deepPage = await timed(await pageUrl(`${list}&limit=200`, 20, headers), headers, requests, warmup);
  const sessionList = `${base}/api/v1/sessions?range=24h`;
  const sessions = await timed(sessionList, headers, requests, warmup);
  const sessions30d = await timed(`${base}/api/v1/sessions?range=30d`, headers, requests, warmup);
  const sessionsDeepPage = await timed(await pageUrl(`${sessionList}&limit=50`, 10, headers), headers, requests, warmup);
  log('traces', `first page P95 ${firstPage.p95} ms, sessions P95 ${sessions.p95} ms (30d ${sessions30d.p95} ms); exporting 30 days…`);
  const exported = await measureExport(base, headers, pid);
  logExport(exported);
  return { firstPage, errorsFirstPage, filteredFirstPages, deepPage, sessions, sessions30d, sessionsDeepPage, export: exported };
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** A page's row of the figures table: P50 / P95, held to the first page's target when `targeted`. */
function pageRow(label: string, s: Summary, targeted: boolean): string {
  const target = TRACE_TARGETS.firstPageP95Ms;
  const judged = targeted ? `P95 ≤ ${target} ms | ${mark(s.p95 <= target)}` : '|';
  return `| ${label}, P50 / P95 | ${s.p50} / ${s.p95} ms | ${judged} |`;
}

/** Rows of the figures table of docs/BENCHMARKS.md. */
export function traceReadRows(m: TraceReadMeasurement): string[] {
  const t = TRACE_TARGETS;
  const e = m.export;
  return [
    pageRow('trace list, first page (30d, 50 items)', m.firstPage, true),
    pageRow('trace list, errors only, first page', m.errorsFirstPage, true),
    ...m.filteredFirstPages.map((f) =>
      pageRow(`trace list, ${f.filter} (${f.value === 'newest' ? 'a common value' : 'a value no call has'}), first page`, f.summary, true),
    ),
    pageRow('trace list, 20th page of 200', m.deepPage, false),
    pageRow('sessions, first page (24h)', m.sessions, true),
    pageRow('sessions, first page (30d)', m.sessions30d, true),
    pageRow('sessions, 10th page of 50 (24h)', m.sessionsDeepPage, false),
    `| export, JSON Lines, 30d (${e.rows.toLocaleString('en-US')} rows, ${Math.round(e.bytes / 1e6)} MB) | ${e.rowsPerSecond.toLocaleString('en-US')} rows/s | ≥ ${t.exportRowsPerSecond.toLocaleString('en-US')} rows/s | ${mark(e.rowsPerSecond >= t.exportRowsPerSecond)} |`,
    `| export, rows per second of the server's CPU time | ${e.rowsPerServerCpuSecond?.toLocaleString('en-US') ?? 'unknown'} rows/s | | |`,
    `| export, server RSS growth while streaming | ${e.rssGrowthMB ?? 'unknown'} MB | ≤ ${t.exportRssGrowthMB} MB | ${mark(e.rssGrowthMB !== null && e.rssGrowthMB <= t.exportRssGrowthMB)} |`,
  ];
}
