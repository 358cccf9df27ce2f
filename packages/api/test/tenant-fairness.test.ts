/**
 * One workspace's heavy tRPC batches, or its rows that no fold can take, must leave another
 * workspace's ingest and overview within 2× their normal latency (docs/API_SPEC.md §5: each key runs a bounded number of calls
 * at once). Latencies are compared as medians of several samples, with an absolute allowance
 * of 100 ms for a shared machine's jitter: unbounded, the victim waited for seconds.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededTraces } from './dataset.js';
import { makeTrace, queueUnfoldableRow, sendTraces, startTestServer, type TestServer } from './harness.js';

const DAY = 86_400_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const BYPASS = 'fairness-bypass';
const SAMPLES = 9;

let srv: TestServer;
let heavy: { workspace_id: string; api_key: string };
let victim: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer({ cacheBypassToken: BYPASS, rateLimitQueryPerMin: 0, rateLimitIngestPerMin: 0 });
  heavy = await srv.createWorkspace('heavy');
  victim = await srv.createWorkspace('victim');
  for (const [ws, seed] of [[heavy, 1], [victim, 2]] as const) {
    const traces = seededTraces(seed, start, 3000);
    for (let i = 0; i < traces.length; i += 1000) expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 1000) })).status).toBe(200);
  }
});
afterAll(async () => {
  await srv?.close();
});

const headersOf = (ws: { workspace_id: string; api_key: string }) => ({ authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id, 'x-pulse-cache-bypass': BYPASS });
const window3d = (shiftMs: number) => ({ range: 'custom', from: new Date(start + shiftMs).toISOString(), to: new Date(start + 3 * DAY).toISOString() });

/** One victim round: a small ingest batch, then the 3-day overview (uncached); milliseconds of each. */
async function victimRound(): Promise<{ ingest: number; overview: number }> {
  const t0 = performance.now();
  const sent = await sendTraces(srv.url, victim.api_key, { traces: Array.from({ length: 20 }, () => makeTrace()) });
  const t1 = performance.now();
  expect(sent.status).toBe(200);
  const qs = new URLSearchParams(window3d(0));
  const res = await fetch(`${srv.url}/api/v1/usage/overview?${qs}`, { headers: headersOf(victim) });
  const t2 = performance.now();
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return { ingest: t1 - t0, overview: t2 - t1 };
}

/** Medians of at least SAMPLES victim rounds; with `more`, rounds go on while it answers true. */
async function victimMedians(more: () => Promise<boolean> = async () => false) {
  const rounds: Array<{ ingest: number; overview: number }> = [];
  while (rounds.length < SAMPLES || (await more())) rounds.push(await victimRound());
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { ingest: median(rounds.map((r) => r.ingest)), overview: median(rounds.map((r) => r.overview)) };
}

/** The attacker: 50-call batches of uncached 3-day analytics, back to back, from several connections. */
function heavyLoad(connections: number) {
  let running = true;
  let batches = 0;
  let n = 0;
  const names = ['usage.overview', 'usage.topUsers', 'cost.byModel', 'performance.overview', 'performance.errors'];
  const loop = async () => {
    while (running) {
      const calls = Array.from({ length: 50 }, (_, i) => names[i % names.length]!);
      // Every call its own window, so no answer is shared with another.
      const input = Object.fromEntries(calls.map((_, i) => [String(i), window3d(++n)]));
      const res = await fetch(`${srv.url}/trpc/${calls.join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`, { headers: headersOf(heavy) });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      batches++;
    }
  };
  const loops = Array.from({ length: connections }, () => loop());
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return batches;
    },
  };
}

/**
 * The other attack: rows no fold can take (an infinite latency has no histogram bin), one a
 * second, each amid a batch of valid traces, so fold after fold must split its rows and set one
 * aside (queueUnfoldableRow, as poison.test.ts does).
 */
function poisonLoad() {
  let running = true;
  let rows = 0;
  const loop = (async () => {
    while (running) {
      await queueUnfoldableRow(srv, heavy.workspace_id, Date.now() - 60_000);
      await sendTraces(srv.url, heavy.api_key, { traces: Array.from({ length: 50 }, () => makeTrace()) });
      rows++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return rows;
    },
  };
}

describe('one tenant cannot stall the others', () => {
  it("another workspace's rows that cannot be folded leave ingest and overview within 2× their normal latency", async () => {
    await victimMedians();
    const normal = await victimMedians();
    const quarantined = async () =>
      (await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from rollup_quarantine`))[0]!.n;
    const before = await quarantined();
    const load = poisonLoad();
    await new Promise((r) => setTimeout(r, 300));
    // The victim measures until the folder has split and set aside two of the rows: nine rounds
    // alone can end before the folder's next tick, and then nothing was measured under the load.
    const deadline = Date.now() + 20_000;
    const loaded = await victimMedians(async () => (await quarantined()) < before + 2 && Date.now() < deadline);
    expect(await load.stop()).toBeGreaterThan(0);
    expect(await quarantined()).toBeGreaterThanOrEqual(before + 2);
    const allowanceMs = 100;
    expect(loaded.overview).toBeLessThanOrEqual(2 * normal.overview + allowanceMs);
    expect(loaded.ingest).toBeLessThanOrEqual(2 * normal.ingest + allowanceMs);
  });

  it("another workspace's heavy 50-call batches leave ingest and overview within 2× their normal latency", async () => {
    await victimMedians(); // warm-up: plans, pools, JIT
    const normal = await victimMedians();
    const load = heavyLoad(4);
    await new Promise((r) => setTimeout(r, 300));
    const loaded = await victimMedians();
    const batches = await load.stop();
    // The load was real: the attacker's batches ran all along (without the per-key bound the
    // victim waited seconds here, and the server's keep-alive timers fired on its open sockets).
    expect(batches).toBeGreaterThan(0);
    const allowanceMs = 100;
    expect(loaded.overview).toBeLessThanOrEqual(2 * normal.overview + allowanceMs);
    expect(loaded.ingest).toBeLessThanOrEqual(2 * normal.ingest + allowanceMs);
  });
});
