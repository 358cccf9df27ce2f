import type { Database } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { throttledWarn } from '../throttled-log.js';
import { type BackgroundLoop, runEvery } from './run-every.js';

/**
 * Which of this schema's tables are due for VACUUM or ANALYZE by autovacuum's own rule (dead or
 * newly inserted rows past 10,000 + 20 % of the live ones, changed rows past 5,000 + 10 % since
 * the last analyze), and none at all while autovacuum is on: then it does this itself.
 */
const dueTables = sql`
  select relname as "table",
         (n_dead_tup > 10000 + 0.2 * n_live_tup or n_ins_since_vacuum > 10000 + 0.2 * n_live_tup) as vacuum,
         n_mod_since_analyze > 5000 + 0.1 * n_live_tup as analyze
  from pg_stat_user_tables
  where schemaname = current_schema() and current_setting('autovacuum') = 'off'
    and (n_dead_tup > 10000 + 0.2 * n_live_tup or n_ins_since_vacuum > 10000 + 0.2 * n_live_tup or n_mod_since_analyze > 5000 + 0.1 * n_live_tup)
  order by n_dead_tup desc`;

const dueRow = z.object({ table: z.string(), vacuum: z.boolean(), analyze: z.boolean() });

/**
 * Stands in for autovacuum on a PostgreSQL server that has it turned off (some CI and managed
 * servers ship so). Pulse's tables churn: the fold deletes every queued call it folds and
 * upserts the rollups in place. Unvacuumed, the dead rows stay in every index a read walks:
 * 400,000 of them in the queue made each read of the current hour's queued calls take 9 ms
 * where a vacuumed queue takes 0.05 ms, once per statement of every answer. Unanalyzed, the
 * planner keeps the statistics of empty tables, and without vacuum no index-only scan of a
 * rollup skips its heap. Every `intervalMs` this applies autovacuum's rule to Pulse's tables, one
 * table at a time on a connection of its own (Database.maintain), skipping a table another
 * session holds locked. PGlite runs no autovacuum and reports no table statistics: its folder
 * vacuums the queue itself (fold.ts), and this loop does not start there.
 */
export function startVacuumStandIn(database: Database, logger: Logger, opts: { intervalMs?: number } = {}): BackgroundLoop | undefined {
  if (database.driver !== 'postgres') return undefined;
  const warn = throttledWarn(logger, { intervalMs: 60_000 });
  const stopping = new AbortController();
  const pass = async () => {
    for (const due of z.array(dueRow).parse(await database.rows(dueTables))) {
      if (stopping.signal.aborted) return;
      const table = sql.identifier(due.table);
      if (due.vacuum) await database.maintain(due.analyze ? sql`vacuum (skip_locked, analyze) ${table}` : sql`vacuum (skip_locked) ${table}`, stopping.signal);
      else await database.maintain(sql`analyze (skip_locked) ${table}`, stopping.signal);
    }
  };
  return runEvery(
    opts.intervalMs ?? 10_000,
    pass,
    (err) => {
      if (!stopping.signal.aborted) warn('vacuum-stand-in', { err }, 'vacuuming in place of autovacuum failed; retrying');
    },
    () => stopping.abort(),
  );
}
