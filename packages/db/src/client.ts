import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { queryText } from './query-text.js';
import * as schema from './schema.js';

/** One drizzle type for both drivers: the app never branches on the driver for queries. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Driver = 'pglite' | 'postgres';

export interface RowsOptions {
  /** Cancels the query on PostgreSQL when aborted (it rejects); PGlite runs each query to its end. */
  signal?: AbortSignal;
}

export interface Database {
  db: Db;
  driver: Driver;
  /** Runs a query and returns its rows, whatever the driver's result shape. */
  rows<T extends Record<string, unknown>>(query: SQL, options?: RowsOptions): Promise<T[]>;
  /**
   * Runs a query and hands its rows to `onRows` in chunks of at most `chunkRows`, in order, as
   * they arrive: on PostgreSQL through a cursor, so a chunk's rows can be garbage before the next
   * chunk is read (a long result is never held whole); PGlite's result, which arrives whole,
   * sliced. `signal` cancels as for rows().
   */
  eachChunk<T extends Record<string, unknown>>(query: SQL, chunkRows: number, onRows: (rows: T[]) => void, signal?: AbortSignal): Promise<void>;
  /**
   * Runs a maintenance statement (VACUUM, ANALYZE) to its end. On PostgreSQL it runs on a
   * connection of its own, without the requests' statement and lock timeouts (vacuuming a large
   * table takes longer) and outside any transaction (VACUUM cannot run in one); an aborted
   * `signal` cancels it.
   */
  maintain(query: SQL, signal?: AbortSignal): Promise<void>;
  /** True when TimescaleDB is installed in this database (time_bucket, hypertables). */
  timescale: boolean;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** postgres-js pool size. */
  maxConnections?: number;
  /** Fail fast instead of hanging when the server is unreachable (seconds). */
  connectTimeoutSeconds?: number;
  /**
   * PostgreSQL's statement_timeout and lock_timeout (ms; 0 or unset: none) for every pooled
   * connection. PGlite has neither: its WebAssembly build runs no timers, and its one
   * connection leaves no other session to wait for.
   */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

export function resultRows<T>(result: unknown): T[] {
  // postgres-js returns an array of rows; PGlite returns { rows }.
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A postgres-js query that is cancelled on the server when `signal` aborts. */
async function cancellable<T>(pending: PromiseLike<T> & { cancel(): unknown }, signal: AbortSignal | undefined): Promise<T> {
  const cancel = () => void pending.cancel();
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await pending;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

/**
 * Opens the database named by the config: PostgreSQL/TimescaleDB via postgres-js when
 * `databaseUrl` is set, else the embedded PGlite in `dataDir` (`memory://` for tests).
 * Applies the committed drizzle-kit migrations before returning.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.databaseUrl) {
    const connectTimeout = config.connectTimeoutSeconds ?? 5;
    // Migrations (and turning traces into a hypertable) may rewrite large tables: they run on
    // a connection of their own, without the timeouts meant for requests.
    const setup = postgres(config.databaseUrl, { max: 1, connect_timeout: connectTimeout, onnotice: () => {} });
    let timescale: boolean;
    try {
      const setupDb = drizzlePostgres(setup, { schema }) as unknown as Db;
      await migratePostgres(setupDb as never, { migrationsFolder });
      timescale = await enableTimescale(setupDb);
    } finally {
      await setup.end({ timeout: 5 });
    }
    const client = postgres(config.databaseUrl, {
      max: config.maxConnections ?? 10,
      connect_timeout: connectTimeout,
      idle_timeout: 30,
      onnotice: () => {},
      connection: {
        // Session settings for short analytical reads on SSD-backed servers: no JIT compile
        // (tens of ms of start-up for a query that runs in a few), index scans priced as on SSD.
        jit: 'off',
        // No parallel workers either: starting them takes tens of ms, and a raw edge whose part
        // runs only when its hour's rollup cannot answer (a one-time filter, analytics/sources.ts)
        // starts them even when that filter skips the part, on every statement (docs/BENCHMARKS.md).
        max_parallel_workers_per_gather: '0',
        random_page_cost: '1.1',
        // Every run of a prepared statement planned for its values. With PostgreSQL's default
        // (auto), after five runs a connection may keep a generic plan estimated for average
        // values, and for the reads here those can be dozens of times slower: the usage overview
        // of 30 days went from 35-50 ms to 700-1,000 ms on its sixth run, and the trace list of
        // the newest user's calls from 4.6 to 318 ms (docs/BENCHMARKS.md, "Generic plans").
        // Planning costs 1-8 ms a read; the statements stay prepared for the parsing they save.
        plan_cache_mode: 'force_custom_plan',
        statement_timeout: config.statementTimeoutMs ?? 0,
        lock_timeout: config.lockTimeoutMs ?? 0,
      },
    });
    // Maintenance runs to its end, whatever timeouts the role or the URL set by default.
    const maintenance = postgres(config.databaseUrl, {
      max: 1,
      connect_timeout: connectTimeout,
      idle_timeout: 30,
      onnotice: () => {},
      connection: { statement_timeout: 0, lock_timeout: 0 },
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    // What db.execute() would send (query-text.ts builds the same text, faster), but through
    // postgres-js's query, which alone can be cancelled.
    return {
      db,
      driver: 'postgres',
      timescale,
      rows: async <T>(query: SQL, options?: RowsOptions) => {
        const { sql: text, params } = queryText(query);
        // Prepared, once per connection and text: the analytics reads are large unions of few
        // shapes, sent again and again with other values. Unprepared, every one was sent whole,
        // then described (a round trip) and parsed anew. And a prepared statement can be
        // pipelined: when every connection is busy, postgres-js sends it behind the running one
        // instead of holding it until a result has been read, so PostgreSQL keeps working while
        // this thread is busy (20 dashboards: 237 answers/s against 161 with pipelining off, and
        // 147 unprepared; docs/BENCHMARKS.md, "A busy workspace"). The cost: it may wait behind a
        // slow statement while another connection frees up. Each run is still planned for its
        // values (plan_cache_mode above).
        return resultRows<T>(await cancellable(client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }), options?.signal));
      },
      eachChunk: async <T>(query: SQL, chunkRows: number, onRows: (rows: T[]) => void, signal?: AbortSignal) => {
        const { sql: text, params } = queryText(query);
        const pending = client.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
        // cursor() returns the same query (which can be cancelled), now fetching chunkRows rows per round trip.
        const cursor = pending.cursor(chunkRows, (rows) => onRows(rows as unknown as T[]));
        await cancellable(cursor as typeof cursor & { cancel(): unknown }, signal);
      },
      maintain: async (query, signal) => {
        const { sql: text, params } = queryText(query);
        // Sent as a simple query, outside any transaction, as VACUUM requires: no parameters.
        if (params.length > 0) throw new Error('a maintenance statement takes no parameters');
        await cancellable(maintenance.unsafe(text), signal);
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), maintenance.end({ timeout: 5 })]);
      },
    };
  }
  const dataDir = config.dataDir ?? './.data';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder });
  return {
    db,
    driver: 'pglite',
    timescale: false,
    rows: async (query) => resultRows(await db.execute(query)),
    eachChunk: async <T>(query: SQL, chunkRows: number, onRows: (rows: T[]) => void) => {
      const rows = resultRows<T>(await db.execute(query));
      for (let i = 0; i < rows.length; i += chunkRows) onRows(rows.slice(i, i + chunkRows));
    },
    maintain: async (query) => {
      await db.execute(query);
    },
    close: () => client.close(),
  };
}

/**
 * Turns `traces` and `trace_tags` into hypertables when the TimescaleDB extension can be loaded.
 * Plain PostgreSQL (and PGlite) keep plain tables; every query works on both.
 */
async function enableTimescale(db: Db): Promise<boolean> {
  const { getTableName, sql } = await import('drizzle-orm');
  const available = resultRows<{ ok: boolean }>(
    await db.execute(sql`select exists(select 1 from pg_available_extensions where name = 'timescaledb') as ok`),
  );
  if (!available[0]?.ok) return false;
  try {
    await db.execute(sql`create extension if not exists timescaledb`);
    // trace_tags is chunked as traces is, a day each: retention drops a day of calls and the
    // same day of their tag rows together (drop-chunks.ts).
    for (const table of [schema.traces, schema.traceTags]) {
      await db.execute(
        sql`select create_hypertable(${getTableName(table)}::regclass, by_range(${table.timestamp.name}::name, interval '1 day'),
              if_not_exists => true, migrate_data => true, create_default_indexes => false)`,
      );
    }
    // TimescaleDB's default index on the time column alone, made by earlier versions of this
    // call: every query leads with workspace_id (the schema's own indexes), so it only slowed
    // every insert.
    await db.execute(
      sql`drop index if exists ${sql.identifier(`${getTableName(schema.traces)}_${schema.traces.timestamp.name}_idx`)}`,
    );
    return true;
  } catch {
    // The extension exists on disk but cannot be loaded here (e.g. not preloaded): plain tables.
    return false;
  }
}
