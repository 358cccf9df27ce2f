/**
 * Ingest under races, the way it once failed with deadlocks (40P01) and 500s on PostgreSQL:
 * 16 clients at once, 20 rounds, each client sending a shuffled batch that overlaps every
 * other client's (the same traces in different orders), with repeats inside the batch, traces
 * stored in an earlier round, the same instant written with another UTC offset, and now and
 * then an invalid trace. No answer may be a 5xx; what is stored is exactly the union of the
 * valid traces sent; accepted + duplicates + rejected add up to what was sent; and every
 * rollup reconciles with the raw rows (docs/API_SPEC.md §2). Runs on PGlite too (one
 * connection: no lock waits there), where it checks the same accounting.
 */
import { Prng } from '@pulse/demo';
import { schema } from '@pulse/db';
import { verifyRollups } from '@pulse/verify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededTraces } from './dataset.js';
import { sendTraces, startTestServer, type TestServer } from './harness.js';

const DAY = 86_400_000;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const CLIENTS = 16;
const ROUNDS = 20;
/** New traces per round; each client sends BATCH of them (and of the previous round's). */
const NEW_PER_ROUND = 300;
const BATCH = 150;
const REPEATS_IN_BATCH = 10;

type Trace = Record<string, unknown>;

/** The idempotency key as an instant: "…Z" and "…+02:00" spellings of one time are one key. */
const keyOf = (t: Trace) => `${t.trace_id as string}@${Date.parse(t.timestamp as string)}`;

/** The same instant written as +02:00 local time. */
function shifted(trace: Trace): Trace {
  const ms = Date.parse(trace.timestamp as string) + 2 * 3_600_000;
  return { ...trace, timestamp: new Date(ms).toISOString().replace('Z', '+02:00') };
}

function shuffle<T>(rng: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** One client's batch of a round, and the valid traces in it. */
function clientBatch(rng: Prng, candidates: readonly Trace[]): { batch: Trace[]; invalid: number } {
  const mine = shuffle(rng, [...candidates]).slice(0, BATCH);
  const repeats = Array.from({ length: REPEATS_IN_BATCH }, () => {
    const t = rng.pick(mine);
    return rng.chance(0.5) ? shifted(t) : { ...t };
  });
  const invalid = rng.chance(0.3) ? [{ ...rng.pick(mine), trace_id: `bad-${rng.int(1e9)}`, latency_ms: -1 }] : [];
  return { batch: shuffle(rng, [...mine, ...repeats, ...invalid]), invalid: invalid.length };
}

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('ingest-race');
});
afterAll(async () => {
  await srv?.close();
});

describe('ingest races', () => {
  it(`${CLIENTS} clients × ${ROUNDS} rounds of shuffled overlapping batches: no 5xx, the union stored once, counts add up, rollups reconcile`, async () => {
    const rng = new Prng(12);
    const union = new Set<string>();
    const statuses = new Map<number, number>();
    let sent = 0;
    let invalidSent = 0;
    let accepted = 0;
    let duplicates = 0;
    let rejected = 0;
    let previous: Trace[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const fresh = seededTraces(1000 + round, start, NEW_PER_ROUND);
      // A few traces of the round before: stored already, so duplicates across batches and rounds.
      const candidates = [...fresh, ...previous.slice(0, 30)];
      const batches = Array.from({ length: CLIENTS }, () => clientBatch(rng, candidates));
      const answers = await Promise.all(batches.map(({ batch }) => sendTraces(srv.url, ws.api_key, { traces: batch })));
      answers.forEach((answer, i) => {
        const { batch, invalid } = batches[i]!;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500) return;
        expect(answer.status).toBe(invalid ? 207 : 200);
        expect(answer.body.rejected).toHaveLength(invalid);
        sent += batch.length;
        invalidSent += invalid;
        accepted += answer.body.accepted;
        duplicates += answer.body.duplicates;
        rejected += answer.body.rejected.length;
        for (const t of batch) if ((t.latency_ms as number) >= 0) union.add(keyOf(t));
      });
      previous = fresh;
    }

    // [status, how many answers]: none of them a 5xx.
    expect([...statuses].filter(([status]) => status >= 500)).toEqual([]);
    expect(accepted + duplicates + rejected).toBe(sent);
    expect(rejected).toBe(invalidSent);
    expect(accepted).toBe(union.size);

    const { traces } = schema;
    const stored = await srv.database.db
      .select({ traceId: traces.traceId, timestamp: traces.timestamp })
      .from(traces)
      .where(eq(traces.workspaceId, ws.workspace_id));
    const storedKeys = stored.map((r) => `${r.traceId}@${new Date(r.timestamp).getTime()}`);
    expect(storedKeys.length).toBe(union.size);
    expect(new Set(storedKeys)).toEqual(union);

    const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
    expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
