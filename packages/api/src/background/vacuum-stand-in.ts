import { type Database, schema } from '@pulse/db';
import { getTableName, sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../analytics/context.js';
import type { Logger } from '../logger.js';
import { throttledWarn } from '../throttled-log.js';
import { type BackgroundLoop, runEvery } from './run-every.js';

const { rollupPending } = schema;

/** A table's own storage parameter (reloptions: migration 0018 sets the queue's), null when unset. */
const option = (name: string) => sql`(select option_value from pg_options_to_table(c.reloptions) where option_name = ${name})`;

/** A table's autovacuum parameter: its own, or the server's. */
const setting = (name: string) => sql`coalesce(${option(name)}, current_setting(${name}))::float8`;

/**
 * Which of this schema's tables autovacuum would vacuum or analyze now, by its own rule and
 * parameters (each table's, else the server's): dead rows past threshold + scale factor ×
 * the table's estimated rows, or inserted rows past the insert threshold likewise (a negative
 * one turns that off), for VACUUM; changed rows since the last analyze likewise, for ANALYZE,
 * and any table never analyzed that has pages (the counts of changes start again at zero when
 * the embedded database reopens). None at all while a server's autovacuum is on (it does this
 * itself), none of a table whose own autovacuum is off. The queue first: a long vacuum of a
 * large table must not keep it waiting.
 */
const dueTables = (embedded: boolean) => sql`
  select "table", "vacuum", "analyze" from (
    select c.relname as "table", c.relname = ${getTableName(rollupPending)} as queue, s.n_dead_tup,
           s.n_dead_tup > t.vacuum_base + t.vacuum_scale * t.tuples
             or (t.insert_base >= 0 and s.n_ins_since_vacuum > t.insert_base + t.insert_scale * t.tuples) as "vacuum",
           s.n_mod_since_analyze > t.analyze_base + t.analyze_scale * t.tuples
             or (c.reltuples < 0 and pg_relation_size(c.oid) > 0) as "analyze"
    from pg_stat_user_tables s
    join pg_class c on c.oid = s.relid
    cross join lateral (select greatest(c.reltuples, 0) as tuples,
      ${setting('autovacuum_vacuum_threshold')} as vacuum_base, ${setting('autovacuum_vacuum_scale_factor')} as vacuum_scale,
      ${setting('autovacuum_vacuum_insert_threshold')} as insert_base, ${setting('autovacuum_vacuum_insert_scale_factor')} as insert_scale,
      ${setting('autovacuum_analyze_threshold')} as analyze_base, ${setting('autovacuum_analyze_scale_factor')} as analyze_scale) t
    where s.schemaname = current_schema() and (${embedded} or current_setting('autovacuum') = 'off')
      and coalesce(${option('autovacuum_enabled')}, 'on')::boolean
  ) due
  where "vacuum" or "analyze"
  order by queue desc, n_dead_tup desc`;

/** How often a pass runs: on a server, often (its queue churns: startVacuumStandIn); on the embedded database, as autovacuum_naptime's default. */
const SERVER_INTERVAL_MS = 10_000;
const EMBEDDED_INTERVAL_MS = 60_000;

const dueRow = z.object({ table: z.string(), vacuum: z.boolean(), analyze: z.boolean() });

/**
 * One pass of autovacuum's rule over Pulse's tables (dueTables): each due table vacuumed or
 * analyzed in turn on a connection of its own (Database.maintain), skipping a table another
 * session holds locked. Stops between tables once `signal` aborts.
 */
export async function maintainDueTables(database: Database, signal?: AbortSignal): Promise<void> {
  for (const due of await rows({ database }, dueTables(database.driver === 'pglite'), dueRow)) {
    if (signal?.aborted) return;
    const table = sql.identifier(due.table);
    if (due.vacuum) await database.maintain(due.analyze ? sql`vacuum (skip_locked, analyze) ${table}` : sql`vacuum (skip_locked) ${table}`, signal);
    else await database.maintain(sql`analyze (skip_locked) ${table}`, signal);
  }
}

/**
 * Stands in for autovacuum where none runs: on the embedded database, and on a PostgreSQL
 * server that has it turned off (some CI and managed servers ship so). Pulse's tables churn:
 * the fold deletes every queued call it folds and upserts the rollups in place. Unvacuumed,
 * the dead rows stay in every index a read walks: 400,000 of them in the queue made each read
 * of the current hour's queued calls take 9 ms where a vacuumed queue takes 0.05 ms, once per
 * statement of every answer. Unanalyzed, the planner knows no table's size or values: a page of
 * sessions summed 416 calls by walking all 220,000 of the demo's month with the window's index
 * (1.1 s) instead of taking them by their sessions' index (45 ms); and without vacuum no
 * index-only scan of a rollup skips its heap. Every `intervalMs` this runs maintainDueTables.
 * Each replica runs it; a second VACUUM of a table being vacuumed skips it. TimescaleDB's
 * chunks live in a schema of their own and are left to its server's autovacuum. PGlite counts
 * a table's changes as PostgreSQL does, but reports them at most once a second at a
 * transaction's end (a pass sees them a little late) and starts again from zero when it
 * reopens (tables never analyzed are due regardless). There a pass holds the one thread that
 * requests and ingest run on too, so it comes at autovacuum's own default pace, once a minute
 * (autovacuum_naptime): every 10 s, a bulk load of 200,000 calls spent 18 % of that thread
 * maintaining tables that grew by more than a tenth between passes (docs/BENCHMARKS.md).
 */
export function startVacuumStandIn(database: Database, logger: Logger, opts: { intervalMs?: number } = {}): BackgroundLoop {
  const warn = throttledWarn(logger, { intervalMs: 60_000 });
  const stopping = new AbortController();
  return runEvery(
    opts.intervalMs ?? (database.driver === 'pglite' ? EMBEDDED_INTERVAL_MS : SERVER_INTERVAL_MS),
    () => maintainDueTables(database, stopping.signal),
    (err) => {
      if (!stopping.signal.aborted) warn('vacuum-stand-in', { err }, 'vacuuming in place of autovacuum failed; retrying');
    },
    () => stopping.abort(),
  );
}
