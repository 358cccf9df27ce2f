import type { Database } from '@pulse/db';
import { createScratchDatabase, type ScratchDatabase } from '@pulse/db/testing';
import { evaluatorInputSchema } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../src/admin/workspaces.js';
import { loadConfig } from '../src/config.js';
import { saveEvaluator } from '../src/evaluators/evaluator-store.js';
import { drainEvaluators, evaluatorRunDeps } from '../src/evaluators/worker.js';
import { ingestTraces } from '../src/ingest/ingest-traces.js';
import { serverSecretBox } from '../src/secrets/secret-box.js';
import { type FakeJudge, startFakeJudge } from './fake-judge.js';
import { makeTrace } from './harness.js';

/**
 * Two replicas on one PostgreSQL database run their evaluator workers at once: the advisory
 * lock lets one judge while the other skips its turn, so every call is judged exactly once
 * (docs/API_SPEC.md §13). The embedded database has a single process: nothing to race there.
 */
const serverUrl = process.env.DATABASE_URL;

describe.skipIf(!serverUrl)('evaluator workers of two replicas', () => {
  let scratch: ScratchDatabase;
  let replicas: Database[];
  let judge: FakeJudge;

  beforeAll(async () => {
    judge = await startFakeJudge();
    scratch = await createScratchDatabase(serverUrl);
    replicas = [await scratch.open(), await scratch.open()];
  });
  afterAll(async () => {
    for (const database of replicas ?? []) await database.close();
    await scratch?.drop();
    await judge?.close();
  });

  it('judge each call once, whichever holds the lock', async () => {
    const config = { ...loadConfig({ DEMO: '0', PULSE_SECRET_KEY: 'replica-test', OPENAI_API_KEY: 'sk-replica', OPENAI_BASE_URL: judge.url, EVALUATOR_SETTLE_MS: '0', EVALUATOR_REQUESTS_PER_MIN: '0' }) };
    const [first, second] = replicas as [Database, Database];
    const ws = await createWorkspace(first, 'replicas');
    const input = evaluatorInputSchema.parse({ name: 'helpfulness', kind: 'llm', llm: { provider: 'openai', model: 'gpt-4o-mini', prompt: 'Rate {{output}}' } });
    await saveEvaluator(first, serverSecretBox(config), ws.workspace_id, input);
    const ingest = await ingestTraces(first, ws.workspace_id, Array.from({ length: 30 }, () => makeTrace({ input: 'q', output: 'a' })), { redactPii: false });
    expect(ingest.accepted).toBe(30);
    judge.delayMs = 20;

    const logger = pino({ level: 'silent' });
    const depsOf = (database: Database) => evaluatorRunDeps({ database, config, logger, onWorkspaceWrite: async () => {} });
    const examined = await Promise.all([drainEvaluators(depsOf(first)), drainEvaluators(depsOf(second))]);
    // Whichever ran second found nothing left, or skipped while the other held the lock.
    expect(examined[0] + examined[1]).toBe(30);
    expect(judge.requests).toHaveLength(30);
    const [row] = await first.rows<{ n: number; calls: number }>(
      sql`select count(distinct trace_row_id)::int as n, count(*)::int as calls from scores where workspace_id = ${ws.workspace_id}::uuid`,
    );
    expect(row).toEqual({ n: 30, calls: 30 });
  });
});
