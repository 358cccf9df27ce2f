import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, sendScores, sendTraces, startTestServer, type TestServer } from './harness.js';
import { expectScoreRollupsExact } from './score-rollups-check.js';

/**
 * Eight clients upsert the same scores at once (docs/API_SPEC.md §10). Each batch is one
 * transaction locking and writing its keys in key order, then its rollup rows in key order, so
 * no two batches deadlock, and a later batch queues behind an earlier one on every key they
 * share: the final state is one client's batch, whole, and the score rollups equal it.
 */

let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
const CLIENTS = 8;
const TRACES = 60;
const NAMES = ['helpfulness', 'accuracy'];

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('race');
  const traces = Array.from({ length: TRACES }, (_, i) => makeTrace({ trace_id: `r-${i}` }));
  expect((await sendTraces(srv.url, ws.api_key, { traces })).status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

/** Client c's batch: every trace and name, in a shuffled order of its own, each value naming the client. */
function batchOf(client: number) {
  const items = Array.from({ length: TRACES }, (_, i) => NAMES.map((name) => ({ trace_id: `r-${i}`, name, value: client + i / 1000, source: 'llm' }))).flat();
  // A different order per client: the server, not the client, must order the writes.
  return items.sort((a, b) => ((a.trace_id.length * 31 + a.value * 7919 + client * 13) % 17) - ((b.trace_id.length * 31 + b.value * 7919 + client * 13) % 17));
}

describe('concurrent upserts of the same scores', () => {
  it('count every item once and end with the last batch written, whole', async () => {
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          const res = await sendScores(srv.url, ws.api_key, { scores: batchOf(client) });
          expect(res.status).toBe(200);
          return res.body as { accepted: number; updated: number; rejected: unknown[] };
        }),
      );
      const keys = TRACES * NAMES.length;
      for (const a of answers) expect(a.accepted + a.updated + a.rejected.length).toBe(keys);
      // Each key is new exactly once, in the first round.
      expect(answers.reduce((n, a) => n + a.accepted, 0)).toBe(round === 0 ? keys : 0);

      const stored = await srv.database.rows<{ trace_id: string; numeric_value: number }>(
        sql`select trace_id, numeric_value from scores where workspace_id = ${ws.workspace_id}::uuid`,
      );
      expect(stored).toHaveLength(keys);
      const winners = new Set(stored.map((s) => Math.floor(s.numeric_value)));
      expect(winners.size, 'every key holds the same client\'s value').toBe(1);
      for (const s of stored) expect(s.numeric_value - Math.floor(s.numeric_value)).toBeCloseTo(Number(s.trace_id.slice(2)) / 1000, 9);
      // Every replaced value was taken out of the score rollups once: they hold the winner's values alone.
      await expectScoreRollupsExact(srv.database, ws.workspace_id);
    }
  });

  it('from different sources at once leave one deciding score per call and name, and the rollups count it', async () => {
    // Every client writes its own source's `resolved` for every call, three rounds of fresh values:
    // no client sees the others' scores when it starts, and the decision (human > api > rule > llm)
    // must still come out once per call in the rollups' decided counts.
    const SOURCES = ['llm', 'rule', 'api', 'human'] as const;
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: CLIENTS }, (_, client) => {
          const source = SOURCES[client % SOURCES.length]!;
          const items = Array.from({ length: TRACES }, (_, i) => ({ trace_id: `r-${(i * (client + 1)) % TRACES}`, name: 'resolved', value: (i + client + round) % 3 === 0, source }));
          return sendScores(srv.url, ws.api_key, { scores: items });
        }),
      );
      for (const a of answers) expect(a.status).toBe(200);
      await expectScoreRollupsExact(srv.database, ws.workspace_id);
      const [decided] = await srv.database.rows<{ n: number }>(
        sql`select sum(decided_count)::int as n from score_stats_hourly where workspace_id = ${ws.workspace_id}::uuid and name = 'resolved'`,
      );
      expect(decided!.n).toBe(TRACES);
    }
  });
});
