/**
 * The busy-workspace case of the benchmark: dashboards read while the workspace ingests, as real
 * workspaces do. A workspace holds `baseTraces` demo calls over the 30 days before the current
 * hour and `currentHourTraces` more in the current hour so far; then a trickle of live calls
 * (`tricklePerSecond`, timestamped as they are sent) bumps the workspace's data version with every
 * batch, so hardly an answer can come from the cache, while `clients` dashboards each open page
 * after page (every request of a page at once, 30 days, as the SPA fires them) for `seconds`.
 * Measured: the answers per second they get in total, and each endpoint's client-side P50/P95
 * under that load; beforehand, each endpoint's uncached P95 alone with the trickle on.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '@pulse/db';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import postgres from 'postgres';
import { type DemoTrace, generateDemoBatches } from '@pulse/demo';
import { startScratchPulse } from '@pulse/testing';
import { analyticsHeaders, benchServerEnv, createKey, createWorkspace, postTraceBatch, timedGet, type Workspace } from './client.js';
import { ENDPOINTS, type Endpoint, measureEndpoint, PAGES, UNWINDOWED } from './endpoints.js';
import { waitUntilFolded } from './ingest.js';
import { largeWorkspaceUsers, type Driver } from './options.js';
import { fmt, log } from './progress.js';
import { type Summary, summarize } from './stats.js';
import { vacuumAfterLoad } from './vacuum-after-load.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The targets of the case (docs/BENCHMARKS.md). */
export const BUSY_TARGETS = { p95Ms: 50, answersPerSecond: 500 } as const;

export interface BusyOptions {
  db: Driver;
  /** A PostgreSQL server URL without database, for --db postgres. */
  pgServer: string;
  baseTraces: number;
  currentHourTraces: number;
  tricklePerSecond: number;
  clients: number;
  seconds: number;
  /** Uncached requests per endpoint in the sequential series. */
  requests: number;
  keep?: boolean;
  /**
   * A database a run with `keep` left (its URL): measured again as it is, without loading, on a
   * key of its workspace; the calls it holds for "the current hour" are of the hour it was loaded in.
   */
  reuse?: string;
}

export interface BusyResult {
  baseTraces: number;
  currentHourTraces: number;
  tricklePerSecond: number;
  /** Live calls the trickle had acknowledged while the case measured, and their rate. */
  trickled: number;
  trickledPerSecond: number;
  clients: number;
  seconds: number;
  /** Whether the current hour ended while the case measured (its calls then sat in a closed hour). */
  hourEnded: boolean;
  /** Each endpoint alone, uncached, 30 days, with the trickle on. */
  sequential: Array<{ endpoint: Endpoint; uncached: Summary }>;
  /** The dashboards' answers per second, in total. */
  answersPerSecond: number;
  /** How the dashboards' answers were found (X-Cache). */
  cacheOutcomes: Record<string, number>;
  /** Each endpoint's client-side times under the dashboards' load. */
  underLoad: Array<{ endpoint: string; times: Summary }>;
}

/** Demo traffic as ingest bodies of 1,000 calls: `traces` calls in [now − days, now). */
export function* bodies(seed: number, now: number, days: number, traces: number, users: number): Generator<string> {
  for (const batch of generateDemoBatches({ seed, now: new Date(now), days, targetTraces: traces, users })) yield JSON.stringify({ traces: batch });
}

export async function load(base: string, ws: Workspace, source: Generator<string>, concurrency = 4): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = source.next(); !next.done; next = source.next()) await postTraceBatch(base, ws.api_key, next.value);
    }),
  );
}

/**
 * Live calls until `stop()`: every 100 ms a tenth of the rate, timestamped now (the demo's calls
 * with new ids and times), each batch sent without waiting for the one before (a slow answer
 * must not slow the rate down; at most 50 batches in flight). Returns the calls acknowledged and
 * the seconds the trickle ran.
 */
export function trickle(base: string, ws: Workspace, perSecond: number, users: number): { stop(): Promise<{ calls: number; seconds: number }> } {
  const pool: DemoTrace[] = [...generateDemoBatches({ seed: 99, now: new Date(), days: 1, targetTraces: 5_000, users }, 5_000)].flat();
  const perTick = Math.max(1, Math.round(perSecond / 10));
  const inFlight = new Set<Promise<void>>();
  let made = 0;
  let acknowledged = 0;
  let failure: unknown;
  const t0 = performance.now();
  const timer = setInterval(() => {
    if (inFlight.size >= 50) return;
    const now = Date.now();
    const batch = Array.from({ length: perTick }, (_, i) => ({ ...pool[(made + i) % pool.length]!, trace_id: `live-${made + i}`, timestamp: new Date(now - i).toISOString() }));
    made += batch.length;
    const sent = postTraceBatch(base, ws.api_key, JSON.stringify({ traces: batch }))
      .then(() => {
        acknowledged += batch.length;
      })
      .catch((err: unknown) => {
        failure ??= err;
      });
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  }, 100);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure;
      return { calls: acknowledged, seconds: (performance.now() - t0) / 1000 };
    },
  };
}

/** `clients` dashboards opening page after page for `seconds`: every answer timed, by endpoint. */
export async function dashboards(base: string, ws: Workspace, clients: number, seconds: number) {
  const headers = analyticsHeaders(ws);
  const pages = Object.values(PAGES).map((paths) =>
    paths.map((p) => ({ endpoint: p.split('?')[0]!, url: `${base}/api/v1${p}${p === UNWINDOWED ? '' : `${p.includes('?') ? '&' : '?'}range=30d`}` })),
  );
  const times = new Map<string, number[]>();
  const outcomes: Record<string, number> = {};
  let answers = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; performance.now() < end; i++) {
        await Promise.all(
          pages[i % pages.length]!.map(async ({ endpoint, url }) => {
            const r = await timedGet(url, headers);
            answers++;
            outcomes[r.cache ?? 'none'] = (outcomes[r.cache ?? 'none'] ?? 0) + 1;
            const list = times.get(endpoint) ?? [];
            list.push(r.ms);
            times.set(endpoint, list);
          }),
        );
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return {
    answersPerSecond: Math.round(answers / elapsed),
    cacheOutcomes: outcomes,
    underLoad: [...times].map(([endpoint, list]) => ({ endpoint, times: summarize(list) })),
  };
}

/** A database kept by an earlier run, as a scratch database that is never dropped. */
function keptDatabase(databaseUrl: string): ScratchDatabase {
  return { databaseUrl, env: { DATABASE_URL: databaseUrl }, open: (options = {}) => openDatabase({ databaseUrl, ...options }), drop: async () => {} };
}

/** The case's workspace in a kept database, with a new key. */
async function keptWorkspace(base: string, adminToken: string, databaseUrl: string): Promise<Workspace> {
  const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [found] = await db<Array<{ id: string }>>`select id from workspaces where name = 'bench-busy' order by created_at desc limit 1`;
    if (!found) throw new Error(`no bench-busy workspace in ${databaseUrl}`);
    return createKey(base, adminToken, { name: 'bench-busy', workspace_id: found.id });
  } finally {
    await db.end();
  }
}

/** Runs the case on a scratch database of its own, or again on one an earlier run kept (`reuse`). */
export async function runBusyCase(o: BusyOptions): Promise<BusyResult> {
  const scratch = o.reuse ? keptDatabase(o.reuse) : await createScratchDatabase(o.db === 'postgres' ? `${o.pgServer}/postgres` : undefined);
  const adminToken = randomBytes(18).toString('base64url');
  const bypassToken = randomBytes(18).toString('base64url');
  try {
    const pulse = await startScratchPulse(scratch, { env: benchServerEnv(adminToken, bypassToken) });
    try {
      const users = largeWorkspaceUsers(o.baseTraces);
      const now = Date.now();
      const hourStart = Math.floor(now / HOUR) * HOUR;
      let ws: Workspace;
      if (o.reuse) {
        ws = await keptWorkspace(pulse.url, adminToken, o.reuse);
        log('busy', `measuring the kept database ${o.reuse} again, as it is`);
      } else {
        ws = await createWorkspace(pulse.url, adminToken, 'bench-busy');
        log('busy', `sending ${fmt(o.baseTraces)} calls over the 30 days before this hour, then ${fmt(o.currentHourTraces)} in this hour so far`);
        await load(pulse.url, ws, bodies(5, hourStart, 30, o.baseTraces, users));
        await load(pulse.url, ws, bodies(6, now, (now - hourStart) / DAY, o.currentHourTraces, users));
        const t0 = performance.now();
        await waitUntilFolded(pulse.url, 'busy', () => (performance.now() - t0) / 1000);
        if (scratch.databaseUrl) await vacuumAfterLoad(scratch.databaseUrl, 'busy');
      }
      log('busy', `loaded; live ingest at ${o.tricklePerSecond} calls/s from now on`);
      const live = trickle(pulse.url, ws, o.tricklePerSecond, users);
      const settings = { base: pulse.url, workspace: ws, bypassToken, requests: o.requests, warmup: 3 };
      const sequential = [];
      for (const endpoint of ENDPOINTS) {
        const measured = await measureEndpoint(settings, endpoint, endpoint === UNWINDOWED ? null : { name: '30d', query: 'range=30d' });
        sequential.push({ endpoint, uncached: measured.measurement.uncached });
      }
      log('busy', `${o.clients} dashboards for ${o.seconds} s`);
      const load20 = await dashboards(pulse.url, ws, o.clients, o.seconds);
      const { calls: trickled, seconds: trickleSeconds } = await live.stop();
      const trickledPerSecond = Math.round(trickled / trickleSeconds);
      const hourEnded = Date.now() >= hourStart + HOUR;
      log('busy', `${fmt(load20.answersPerSecond)} answers/s (${JSON.stringify(load20.cacheOutcomes)}); ${fmt(trickled)} live calls acknowledged (${trickledPerSecond}/s)${hourEnded ? '; the hour ended meanwhile' : ''}`);
      for (const { endpoint, times } of load20.underLoad) log('busy', `${endpoint} under load: P50 ${times.p50} P95 ${times.p95} ms`);
      return {
        baseTraces: o.baseTraces,
        currentHourTraces: o.currentHourTraces,
        tricklePerSecond: o.tricklePerSecond,
        trickled,
        trickledPerSecond,
        clients: o.clients,
        seconds: o.seconds,
        hourEnded,
        sequential,
        ...load20,
      };
    } finally {
      await pulse.stop();
    }
  } finally {
    if (o.keep) log('busy', `the scratch database is kept: ${scratch.databaseUrl ?? scratch.dataDir}`);
    else await scratch.drop();
  }
}

/** The case's section of docs/BENCHMARKS.md. */
export function busyRows(r: BusyResult): string[] {
  const ok = (x: boolean) => (x ? '✓' : '✗');
  const loaded = new Map(r.underLoad.map((u) => [u.endpoint, u.times]));
  return [
    `Busy workspace (\`npm run bench:busy\`): ${fmt(r.baseTraces)} calls over 30 days and ${fmt(r.currentHourTraces)} in the current hour, ` +
      `${r.tricklePerSecond} live calls/s asked (${r.trickledPerSecond}/s acknowledged, ${fmt(r.trickled)} calls), ${r.clients} dashboards opening page after page for ${r.seconds} s, 30 days` +
      `${r.hourEnded ? ' (the hour ended during the run)' : ''}.`,
    '',
    `Answers per second to the ${r.clients} dashboards: **${fmt(r.answersPerSecond)}** (target ≥ ${BUSY_TARGETS.answersPerSecond} ${ok(r.answersPerSecond >= BUSY_TARGETS.answersPerSecond)}); ` +
      `how they were found: ${Object.entries(r.cacheOutcomes).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}.`,
    '',
    '| endpoint | alone, uncached P50 | P95 | | under the dashboards\' load P50 | P95 |',
    '|---|---|---|---|---|---|',
    ...r.sequential.map(({ endpoint, uncached }) => {
      const l = loaded.get(endpoint);
      return `| ${endpoint} | ${uncached.p50} | ${uncached.p95} | ${ok(uncached.p95 <= BUSY_TARGETS.p95Ms)} | ${l?.p50 ?? '—'} | ${l?.p95 ?? '—'} |`;
    }),
  ];
}
