/**
 * Open dashboards (docs/API_SPEC.md §6): `sockets` tRPC subscriptions to `live.changes` over
 * WebSockets at /trpc, all on one workspace of one Pulse process, as many browser tabs would
 * hold them. Measures the server's extra resident memory (VmRSS after opening minus before),
 * the latency from an ingest's answer to each subscriber's event, and the OTLP ingest rate of
 * that workspace with and without the sockets (each event is then sent to every socket), runs
 * with and without alternating so that the tables' growth and the machine's drift weigh on both
 * sides of the comparison (measureLive).
 */
import type { AppRouter } from '@pulse/api';
import { LIVE_EVENT_GAP_MS } from '@pulse/shared';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import type { Workspace } from './client.js';
import { rssMB } from './machine.js';
import { encodeRequests, ingestOtlp, type OtlpIngestResult, postOtlp } from './otlp.js';
import { fmt, log } from './progress.js';
import { percentile, summarize, type Summary } from './stats.js';

export interface LiveResult {
  sockets: number;
  openSeconds: number;
  /** Server VmRSS (MB) before opening the sockets, with them open, and after the ingest with them. */
  rssMB: { before: number | null; open: number | null; afterIngest: number | null };
  extraRssMB: number | null;
  /** The runs without the sockets: before the first opening and after each closing. */
  ingestWithout: OtlpIngestResult[];
  /** The runs with the sockets open, each between two of ingestWithout. */
  ingestWith: OtlpIngestResult[];
  /** Median over the runs with the sockets of the change of the folded rate from the mean of its two neighbours without, percent (negative: slower). */
  ingestChangePct: number;
  /** Events the subscribers received during the ingest runs with the sockets open (coalesced bursts). */
  eventsDuringIngest: number;
  rounds: number;
  /** Subscribers × rounds that got no event within `timeoutMs` of the ingest's answer. */
  missed: number;
  timeoutMs: number;
  /** Ms from the ingest's answer to each subscriber's event (0 when the event came first). */
  latency: Summary;
}

interface Subscriber {
  started: boolean;
  /** performance.now() of every event. */
  events: number[];
  errors: string[];
  close: () => Promise<void>;
}

function subscribe(base: string, w: Workspace): Subscriber {
  const wsClient = createWSClient({
    url: `${base.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as never,
    connectionParams: () => ({ authorization: `Bearer ${w.api_key}`, workspaceId: w.workspace_id }),
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  const s: Subscriber = { started: false, events: [], errors: [], close: async () => undefined };
  const subscription = client.live.changes.subscribe(undefined, {
    onStarted: () => (s.started = true),
    onData: () => s.events.push(performance.now()),
    onError: (err) => s.errors.push(err.data?.code ?? err.message),
  });
  let closed = false;
  s.close = async () => {
    if (closed) return;
    closed = true;
    subscription.unsubscribe();
    await wsClient.close();
  };
  return s;
}

const closeAll = (subscribers: Subscriber[]) => Promise.all(subscribers.map((s) => s.close()));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!check() && performance.now() < end) await sleep(20);
  return check();
}

/** Runs with the sockets open, each between two runs without them. */
const PAIRS = 3;

/** Opens `count` subscriptions and waits until every one has started (or throws). */
async function openAll(base: string, workspace: Workspace, count: number): Promise<Subscriber[]> {
  const subscribers = Array.from({ length: count }, () => subscribe(base, workspace));
  if (!(await until(() => subscribers.every((s) => s.started || s.errors.length), 60_000)) || subscribers.some((s) => !s.started)) {
    const failed = subscribers.filter((s) => !s.started);
    await closeAll(subscribers);
    throw new Error(`${failed.length} of ${count} subscriptions did not start: ${failed.find((s) => s.errors.length)?.errors[0] ?? 'timeout'}`);
  }
  return subscribers;
}

/**
 * Rounds of one ingest each, further apart than the coalescing gap (LIVE_EVENT_GAP_MS), so each
 * is told at once as an event of its own: ms from each answer to each event. Under continuous
 * ingest an event waits up to the gap after the one before; that wait is the gap's, not delivery.
 */
async function eventLatencies(base: string, workspace: Workspace, subscribers: Subscriber[], rounds: number, timeoutMs: number) {
  const latencies: number[] = [];
  let missed = 0;
  for (const probe of encodeRequests(rounds * 1000)) {
    const seen = subscribers.map((s) => s.events.length);
    await postOtlp(base, workspace, probe);
    const answeredAt = performance.now();
    await until(() => subscribers.every((s, i) => s.events.length > seen[i]!), timeoutMs);
    subscribers.forEach((s, i) => {
      const at = s.events[seen[i]!];
      if (at === undefined) missed++;
      else latencies.push(Math.max(0, at - answeredAt));
    });
    await sleep(LIVE_EVENT_GAP_MS + 200);
  }
  return { latency: summarize(latencies.length ? latencies : [Number.NaN]), missed };
}

/**
 * The OTLP ingest rate is compared in PAIRS runs with the sockets open, each between two runs
 * without them (without, with, without, with, …, without): on this shared 2-core machine two
 * runs without sockets alone differ by up to ~11 %, so one comparison measures the machine's
 * drift as much as the sockets. The change is the median of the PAIRS changes, each with
 * against the mean of its two neighbours.
 */
export async function measureLive(
  base: string,
  pid: number | undefined,
  workspace: Workspace,
  options: { sockets: number; spans: number; concurrency: number; rounds: number },
): Promise<LiveResult> {
  const ingest = () => ingestOtlp(base, workspace, encodeRequests(options.spans), options.concurrency, 'live');
  const without: OtlpIngestResult[] = [await ingest()];
  const withSockets: OtlpIngestResult[] = [];
  const before = rssMB(pid);
  const timeoutMs = 5000;
  let first: Omit<LiveResult, 'ingestWithout' | 'ingestWith' | 'ingestChangePct' | 'eventsDuringIngest'> | undefined;
  let eventsDuringIngest = 0;
  for (let pair = 0; pair < PAIRS; pair++) {
    log('live', `opening ${options.sockets} subscriptions to live.changes (server RSS ${rssMB(pid) ?? '?'} MB)`);
    const t0 = performance.now();
    const subscribers = await openAll(base, workspace, options.sockets);
    try {
      if (!first) {
        const openSeconds = (performance.now() - t0) / 1000;
        await sleep(2000);
        const open = rssMB(pid);
        log('live', `${options.sockets} subscriptions open in ${openSeconds.toFixed(1)} s; server RSS ${open ?? '?'} MB`);
        const { latency, missed } = await eventLatencies(base, workspace, subscribers, options.rounds, timeoutMs);
        log('live', `answer → event over ${options.rounds} rounds: P50 ${latency.p50} ms, P95 ${latency.p95} ms, ${missed} missed`);
        first = {
          sockets: options.sockets,
          openSeconds,
          rssMB: { before, open, afterIngest: null },
          extraRssMB: before !== null && open !== null ? Math.round((open - before) * 10) / 10 : null,
          rounds: options.rounds,
          missed,
          timeoutMs,
          latency,
        };
      }
      const eventsBefore = subscribers.reduce((a, s) => a + s.events.length, 0);
      withSockets.push(await ingest());
      eventsDuringIngest += subscribers.reduce((a, s) => a + s.events.length, 0) - eventsBefore;
      if (pair === 0) first.rssMB.afterIngest = rssMB(pid);
    } finally {
      await closeAll(subscribers);
    }
    without.push(await ingest());
  }
  const changes = withSockets.map((w, i) => (w.foldedPerSecond / ((without[i]!.foldedPerSecond + without[i + 1]!.foldedPerSecond) / 2) - 1) * 100);
  const ingestChangePct = Math.round(percentile([...changes].sort((a, b) => a - b), 0.5) * 10) / 10;
  log(
    'live',
    `ingest ${without.map((r) => fmt(r.foldedPerSecond)).join(', ')} spans/s without the sockets, ` +
      `${withSockets.map((r) => fmt(r.foldedPerSecond)).join(', ')} with (changes ${changes.map((c) => c.toFixed(1)).join(', ')} %, median ${ingestChangePct} %); ` +
      `${fmt(eventsDuringIngest)} events delivered meanwhile`,
  );
  return { ...first!, ingestWithout: without, ingestWith: withSockets, ingestChangePct, eventsDuringIngest };
}
