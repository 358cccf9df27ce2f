/**
 * What is measured against the running server: the twelve analytics GETs of docs/API_SPEC.md §4 and
 * /cost/by-tag (§8) over four windows (cost/budget has none: once), uncached (the bypass header)
 * and cached; each windowed one again with a tag filter; and the bursts of requests each
 * dashboard page fires together.
 */
import { ANALYTICS_PATHS, TAG_ANALYTICS_PATHS } from '@pulse/shared';
import { analyticsHeaders, timedGet, type Workspace } from './client.js';
import { log } from './progress.js';
import { type Summary, summarize } from './stats.js';

export const ENDPOINTS = [...ANALYTICS_PATHS, ...TAG_ANALYTICS_PATHS] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** The one endpoint without a window. */
export const UNWINDOWED: Endpoint = '/cost/budget';

/**
 * The tags of the tag-filtered measurements (docs/API_SPEC.md §3): one carried by ~5 % of the
 * demo's calls and one by ~88 % (a tag filter reads raw traces: the more calls, the longer).
 */
export const BENCH_TAGS = ['checkout', 'prod'] as const;
/** The windows the tag-filtered measurements use. */
export const TAGGED_WINDOWS = ['24h', '30d'];

/** A window narrowed to the calls carrying `tag`. */
export function taggedWindow(w: WindowDef, tag: string): WindowDef {
  return { name: `${w.name}, tag=${tag}`, query: `${w.query}&tag=${encodeURIComponent(tag)}` };
}

export interface WindowDef {
  name: string;
  query: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** 24h, 7d, 30d and a custom window whose edges fall on no hour or day (raw edges on every path). */
export function windowsFor(dataEnd: Date): WindowDef[] {
  const end = dataEnd.getTime();
  const from = new Date(end - (12 * DAY + 17 * MINUTE + 3.25 * SECOND)).toISOString();
  const to = new Date(end - (2 * DAY + 5 * HOUR + 41 * MINUTE + 7.5 * SECOND)).toISOString();
  return [
    { name: '24h', query: 'range=24h' },
    { name: '7d', query: 'range=7d' },
    { name: '30d', query: 'range=30d' },
    { name: 'custom', query: `range=custom&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` },
  ];
}

export interface EndpointMeasurement<E extends string = Endpoint> {
  endpoint: E;
  window: string;
  url: string;
  uncached: Summary;
  cached: Summary;
  /** Cached-series requests the server did not answer from its cache (X-Cache ≠ HIT). */
  cachedNotHit: number;
  /** The window Pulse resolved (its last uncached answer); null for cost/budget. */
  from: string | null;
  to: string | null;
  /** When the last uncached request was sent (month-to-date figures run up to it). */
  answeredAt: string;
}

export interface MeasuredEndpoint<E extends string = Endpoint> {
  measurement: EndpointMeasurement<E>;
  /** Pulse's last uncached answer, for the cross-check against the baseline. */
  answer: Record<string, unknown>;
}

/** Where and how a series is measured: the server, the workspace, the bypass token and the request counts. */
export interface MeasureSettings {
  base: string;
  workspace: Workspace;
  bypassToken: string;
  requests: number;
  warmup: number;
}

/**
 * An uncached series stops early once it has run this long and timed this many requests: a
 * query that reads raw rows for seconds (a tag filter at 10 M traces) still gets a P95, and the
 * run does not spend an hour repeating it.
 */
const SERIES_BUDGET_MS = 30_000;
const SERIES_MIN_REQUESTS = 10;

export async function measureEndpoint<E extends string>(s: MeasureSettings, endpoint: E, window: WindowDef | null): Promise<MeasuredEndpoint<E>> {
  const url = `${s.base}/api/v1${endpoint}${window ? `?${window.query}` : ''}`;
  const headers = analyticsHeaders(s.workspace);
  const bypass = { ...headers, 'x-pulse-cache-bypass': s.bypassToken };
  for (let i = 0; i < s.warmup; i++) await timedGet(url, bypass);
  const uncached: number[] = [];
  let last = { body: '', answeredAt: '' };
  const seriesStart = performance.now();
  for (let i = 0; i < s.requests; i++) {
    if (i >= SERIES_MIN_REQUESTS && performance.now() - seriesStart > SERIES_BUDGET_MS) break;
    const answeredAt = new Date().toISOString();
    const r = await timedGet(url, bypass);
    if (r.cache !== 'BYPASS') throw new Error(`${url}: the bypass header was not honoured (X-Cache ${r.cache}); is PULSE_CACHE_BYPASS_TOKEN set?`);
    uncached.push(r.ms);
    last = { body: r.body, answeredAt };
  }
  // The first warm-up request fills the cache.
  for (let i = 0; i < s.warmup; i++) await timedGet(url, headers);
  const cached: number[] = [];
  let cachedNotHit = 0;
  for (let i = 0; i < s.requests; i++) {
    const r = await timedGet(url, headers);
    cached.push(r.ms);
    if (r.cache !== 'HIT') cachedNotHit++;
  }
  const answer = JSON.parse(last.body) as Record<string, unknown>;
  const measurement: EndpointMeasurement<E> = {
    endpoint,
    window: window?.name ?? '-',
    url: url.slice(s.base.length),
    uncached: summarize(uncached),
    cached: summarize(cached),
    cachedNotHit,
    from: typeof answer.from === 'string' ? answer.from : null,
    to: typeof answer.to === 'string' ? answer.to : null,
    answeredAt: last.answeredAt,
  };
  log(
    'endpoints',
    `${endpoint} ${measurement.window}: uncached P50 ${measurement.uncached.p50} P95 ${measurement.uncached.p95} ms, ` +
      `cached P50 ${measurement.cached.p50} P95 ${measurement.cached.p95} ms${cachedNotHit ? ` (${cachedNotHit} not from the cache)` : ''}`,
  );
  return { measurement, answer };
}

/** Each of `paths` over the 24h, 7d and 30d windows (the cases measured beside their own plain-SQL check). */
export async function measureOverPresetWindows<E extends string>(s: MeasureSettings, paths: readonly E[], windows: WindowDef[]): Promise<MeasuredEndpoint<E>[]> {
  const out: MeasuredEndpoint<E>[] = [];
  for (const path of paths) {
    for (const w of windows.filter((w) => ['24h', '7d', '30d'].includes(w.name))) out.push(await measureEndpoint(s, path, w));
  }
  return out;
}

/**
 * The REST equivalents of the tRPC queries each page component fires on opening
 * (packages/web/src/pages/*.tsx; the Cost page includes its BudgetPanel). Dashboard.tsx's
 * workspace.info is fired once per session, not per page, and has no REST path: left out.
 */
export const PAGES: Record<string, string[]> = {
  Usage: ['/usage/overview', '/usage/calls-over-time', '/usage/agent-distribution', '/usage/top-users?limit=10'],
  Cost: ['/cost/overview', '/cost/trend', '/cost/by-model', '/cost/by-tag', '/cost/budget'],
  Performance: ['/performance/overview', '/performance/latency', '/performance/throughput', '/performance/errors?limit=20'],
};

export interface BurstMeasurement {
  page: string;
  requests: string[];
  wall: Summary;
}

/** Every request of the page at once (range=30d, uncached); the burst's time is the slowest one's. */
export async function measureBursts(s: MeasureSettings, bursts: number, page: string): Promise<BurstMeasurement> {
  const headers = { ...analyticsHeaders(s.workspace), 'x-pulse-cache-bypass': s.bypassToken };
  const urls = PAGES[page]!.map((p) => `${s.base}/api/v1${p}${p === '/cost/budget' ? '' : `${p.includes('?') ? '&' : '?'}range=30d`}`);
  const burst = async () => {
    const t0 = performance.now();
    await Promise.all(urls.map((u) => timedGet(u, headers)));
    return performance.now() - t0;
  };
  for (let i = 0; i < s.warmup; i++) await burst();
  const times: number[] = [];
  for (let i = 0; i < bursts; i++) times.push(await burst());
  const wall = summarize(times);
  log('bursts', `${page} page (${urls.length} requests at once): P50 ${wall.p50} P95 ${wall.p95} ms`);
  return { page, requests: urls.map((u) => u.slice(s.base.length)), wall };
}
