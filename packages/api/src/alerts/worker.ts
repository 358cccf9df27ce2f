import { type BackgroundLoop, runEvery } from '../background/run-every.js';
import { type Database, resultRows } from '@pulse/db';
import { sql } from 'drizzle-orm';
import type { Logger } from '../logger.js';
import { throttledWarn } from '../throttled-log.js';
import { type DeliveryOptions, deliverDue } from './deliveries.js';
import { evaluateAll } from './evaluate.js';

/** Any constant of our own: only one alert worker at a time works on a database, however many replicas run. */
const ALERT_LOCK_KEY = 7_314_011;

export interface AlertWorkerOptions {
  /** Rules are evaluated at least this often (ALERT_INTERVAL_MS). */
  intervalMs: number;
  delivery: DeliveryOptions;
}

/** Stops the timer and waits for a tick in progress. */
export type AlertWorker = BackgroundLoop;

/**
 * Runs `work` when this process holds the alert lock. PostgreSQL: a transaction-scoped advisory
 * lock, so another replica's worker skips the tick and a crashed one frees it. PGlite is one
 * process: its worker is the only one, and its single connection must stay free for the
 * queries `work` makes.
 */
async function whileLocked(database: Database, work: () => Promise<void>): Promise<void> {
  if (database.driver === 'pglite') return work();
  await database.db.transaction(async (tx) => {
    const [lock] = resultRows<{ locked: boolean }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(${ALERT_LOCK_KEY}) as locked`),
    );
    if (lock?.locked) await work();
  });
}

/**
 * The alert worker (docs/API_SPEC.md §11): every tick it sends the webhook attempts that are
 * due (retries wait their backoff, so ticks are at most a second apart), and every
 * `intervalMs` it evaluates every rule. Errors are logged (once per cause per minute) and the
 * next tick tries again.
 */
export function startAlertWorker(database: Database, logger: Logger, options: AlertWorkerOptions): AlertWorker {
  const tickMs = Math.max(10, Math.min(options.intervalMs, options.delivery.retryBaseMs || 1000, 1000));
  const warn = throttledWarn(logger);
  let lastEvaluation = 0;
  const tick = async () => {
    await whileLocked(database, async () => {
      const now = Date.now();
      // Half a tick early rather than a tick late: timers drift, and a rule must be evaluated at
      // least every intervalMs, not every other tick when the interval equals the tick.
      if (now - lastEvaluation >= options.intervalMs - tickMs / 2) {
        lastEvaluation = now;
        await evaluateAll(database, now, (rule, err) =>
          warn(
            `alert:${rule.workspaceId}:${rule.name}`,
            { workspace_id: rule.workspaceId, alert: rule.name, err: (err as Error).message },
            'alert rule could not be evaluated',
          ),
        );
      }
      await deliverDue(database, options.delivery);
    });
  };
  return runEvery(tickMs, tick, (err) =>
    warn(`alerts:${(err as Error).message}`, { err: (err as Error).message }, 'alert worker tick failed'),
  );
}
