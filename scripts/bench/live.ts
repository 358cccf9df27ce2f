/**
 * Open dashboards (docs/API_SPEC.md §6): `sockets` tRPC subscriptions to `live.changes` over
 * WebSockets at /trpc, all on one workspace of one Pulse process, as many browser tabs would
 * hold them. Measures the server's extra resident memory (VmRSS after opening minus before),
 * the latency from an ingest's answer to each subscriber's event, and the OTLP ingest rate of
 * that workspace with and without the sockets (each event is then sent to every socket): one
 * run before opening them and one after closing them, so that the tables' growth and the
 * machine's drift weigh on both sides of the comparison.
 */
import type { AppRouter } from '@pulse/api';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import type { Workspace } from './client.js';
import { rssMB } from './machine.js';
import { encodeRequests, ingestOtlp, type OtlpIngestResult, postOtlp } from './otlp.js';
import { fmt, log } from './progress.js';
import { summarize, type Summary } from './stats.js';

export interface LiveResult {
  sockets: number;
  openSeconds: number;
  /** Server VmRSS (MB) before opening the sockets, with them open, and after the ingest with them. */
  rssMB: { before: number | null; open: number | null; afterIngest: number | null };
  extraRssMB: number | null;
  /** Before opening the sockets and after closing them. */
  ingestWithout: [OtlpIngestResult, OtlpIngestResult];
  ingestWith: OtlpIngestResult;
  /** Change of the folded rate with the sockets open from the mean of the runs without, percent (negative: slower). */
  ingestChangePct: number;
  /** Events the subscribers received during the ingest with the sockets open (coalesced bursts). */
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

export async function measureLive(
  base: string,
  pid: number | undefined,
  workspace: Workspace,
  options: { sockets: number; spans: number; concurrency: number; rounds: number },
): Promise<LiveResult> {
  const firstWithout = await ingestOtlp(base, workspace, encodeRequests(options.spans), options.concurrency, 'live');
  const before = rssMB(pid);

  log('live', `opening ${options.sockets} subscriptions to live.changes (server RSS ${before ?? '?'} MB)`);
  const t0 = performance.now();
  const subscribers = Array.from({ length: options.sockets }, () => subscribe(base, workspace));
  try {
    if (!(await until(() => subscribers.every((s) => s.started || s.errors.length), 60_000)) || subscribers.some((s) => !s.started)) {
      const failed = subscribers.filter((s) => !s.started);
      throw new Error(`${failed.length} of ${options.sockets} subscriptions did not start: ${failed.find((s) => s.errors.length)?.errors[0] ?? 'timeout'}`);
    }
    const openSeconds = (performance.now() - t0) / 1000;
    await sleep(2000);
    const open = rssMB(pid);
    log('live', `${options.sockets} subscriptions open in ${openSeconds.toFixed(1)} s; server RSS ${open ?? '?'} MB`);

    // Rounds of one ingest each, far enough apart (> the 250 ms coalescing gap) to be one event.
    const timeoutMs = 5000;
    const probes = encodeRequests(options.rounds * 1000);
    const latencies: number[] = [];
    let missed = 0;
    for (const probe of probes) {
      const seen = subscribers.map((s) => s.events.length);
      await postOtlp(base, workspace, probe);
      const answeredAt = performance.now();
      await until(() => subscribers.every((s, i) => s.events.length > seen[i]!), timeoutMs);
      subscribers.forEach((s, i) => {
        const at = s.events[seen[i]!];
        if (at === undefined) missed++;
        else latencies.push(Math.max(0, at - answeredAt));
      });
      await sleep(500);
    }
    const latency = summarize(latencies.length ? latencies : [Number.NaN]);
    log('live', `answer → event over ${options.rounds} rounds: P50 ${latency.p50} ms, P95 ${latency.p95} ms, ${missed} missed`);

    const eventsBefore = subscribers.reduce((a, s) => a + s.events.length, 0);
    const ingestWith = await ingestOtlp(base, workspace, encodeRequests(options.spans), options.concurrency, 'live');
    const eventsDuringIngest = subscribers.reduce((a, s) => a + s.events.length, 0) - eventsBefore;
    const afterIngest = rssMB(pid);
    await closeAll(subscribers);
    const lastWithout = await ingestOtlp(base, workspace, encodeRequests(options.spans), options.concurrency, 'live');
    const withoutPerSecond = (firstWithout.foldedPerSecond + lastWithout.foldedPerSecond) / 2;
    const ingestChangePct = Math.round((ingestWith.foldedPerSecond / withoutPerSecond - 1) * 1000) / 10;
    log(
      'live',
      `ingest ${fmt(firstWithout.foldedPerSecond)} and ${fmt(lastWithout.foldedPerSecond)} spans/s without the sockets, ` +
        `${fmt(ingestWith.foldedPerSecond)} with (${ingestChangePct} %); ${fmt(eventsDuringIngest)} events delivered meanwhile; server RSS ${afterIngest ?? '?'} MB`,
    );
    return {
      sockets: options.sockets,
      openSeconds,
      rssMB: { before, open, afterIngest },
      extraRssMB: before !== null && open !== null ? Math.round((open - before) * 10) / 10 : null,
      ingestWithout: [firstWithout, lastWithout],
      ingestWith,
      ingestChangePct,
      eventsDuringIngest,
      rounds: options.rounds,
      missed,
      timeoutMs,
      latency,
    };
  } finally {
    await closeAll(subscribers);
  }
}
