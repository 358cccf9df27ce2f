import { type BackgroundLoop, runEvery } from '../background/run-every.js';
import { type Database, resultRows, schema } from '@pulse/db';
import { asc, eq, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import { rootCause } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { serverSecretBox } from '../secrets/secret-box.js';
import { throttledWarn } from '../throttled-log.js';
import { DEFAULT_RETRY, type RetryPolicy } from './judge-client.js';
import { type EvaluatorRunDeps, runEvaluatorBatch } from './run-evaluator.js';
import { TokenBucket } from './token-bucket.js';

const { evaluators } = schema;

/** Held by the replica that runs the evaluators; distinct from the fold's lock. */
const EVALUATOR_LOCK_KEY = 7_314_002;

export interface EvaluatorWorkerOptions {
  database: Database;
  config: Config;
  logger: Logger;
  onWorkspaceWrite(workspaceId: string): Promise<void>;
  /** Tests shorten the backoff. */
  retry?: RetryPolicy;
}

/** What the worker judges with, from the server's configuration. */
export function evaluatorRunDeps(options: EvaluatorWorkerOptions): EvaluatorRunDeps {
  const { config } = options;
  return {
    database: options.database,
    logger: options.logger,
    onWorkspaceWrite: options.onWorkspaceWrite,
    settleMs: config.evaluatorSettleMs,
    box: serverSecretBox(config),
    judges: config.judges,
    buckets: {
      gemini: new TokenBucket(config.evaluatorRequestsPerMin),
      openai: new TokenBucket(config.evaluatorRequestsPerMin),
    },
    retry: options.retry ?? DEFAULT_RETRY,
  };
}

/** One batch of every enabled evaluator, least recently run first; how many calls were examined. */
export async function runEvaluatorPass(deps: EvaluatorRunDeps): Promise<number> {
  const enabled = await deps.database.db
    .select()
    .from(evaluators)
    .where(eq(evaluators.enabled, true))
    .orderBy(sql`${evaluators.lastRunAt} asc nulls first`, asc(evaluators.name));
  let examined = 0;
  for (const evaluator of enabled) examined += await runEvaluatorBatch(deps, evaluator);
  return examined;
}

/**
 * Runs `work` when this replica is the one running the evaluators: on PostgreSQL it holds an
 * advisory lock for the transaction's life (other replicas skip their turn); the embedded
 * database has a single process, whose worker never overlaps itself. Undefined: not our turn.
 */
async function asTheOnlyWorker<T>(database: Database, work: () => Promise<T>): Promise<T | undefined> {
  if (database.driver === 'pglite') return work();
  return database.db.transaction(async (tx) => {
    const [lock] = resultRows<{ locked: boolean }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(${EVALUATOR_LOCK_KEY}) as locked`),
    );
    return lock?.locked === true ? work() : undefined;
  });
}

/** Passes until no evaluator has a call left to examine (tests reach a settled state with it), or until stopped. */
export async function drainEvaluators(deps: EvaluatorRunDeps): Promise<number> {
  let total = 0;
  for (;;) {
    if (deps.stopping?.aborted) return total;
    const n = (await asTheOnlyWorker(deps.database, () => runEvaluatorPass(deps))) ?? 0;
    total += n;
    if (n === 0) return total;
  }
}

/** Stops the timer and waits for a pass in progress. */
export type EvaluatorWorker = BackgroundLoop;

/**
 * The background evaluator worker (docs/API_SPEC.md §13): every EVALUATOR_INTERVAL_MS it judges
 * what the evaluators have pending, one replica at a time. A failing pass is logged (once per
 * cause a minute) and retried on the next tick; judgments already committed stay. Stopping
 * waits for the judgment in progress only: the cursor stays after the last one made.
 */
export function startEvaluatorWorker(options: EvaluatorWorkerOptions): EvaluatorWorker {
  const intervalMs = options.config.evaluatorIntervalMs;
  if (intervalMs === 0) return { stop: async () => {} };
  const stopping = new AbortController();
  const deps = { ...evaluatorRunDeps(options), stopping: stopping.signal };
  const warn = throttledWarn(options.logger);
  return runEvery(
    intervalMs,
    () => drainEvaluators(deps),
    (err) => {
      const cause = rootCause(err);
      warn(`evaluators:${cause.code ?? ''}:${cause.message}`, { cause }, 'evaluator pass failed; retrying');
    },
    () => stopping.abort(),
  );
}
