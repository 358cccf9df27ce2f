import { COST_SOURCES } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, jsonb, numeric, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Rollups, folded from the traces queued in `rollup_pending` (only newly stored rows are
 * queued, so duplicates never count twice). Each comes as an hourly and a daily table of the
 * same shape: a window is
 * read as raw rows for its sub-hour edges, hourly rows for its partial days and daily rows
 * for the whole days in between, so every answer is exact for [from, to).
 *
 * Tables keyed by `dim` hold each fact four times: for all traces (dim ''), per agent
 * ('a:' || agent_id) and per model ('m:' || model), so a filtered query reads as few rows
 * as an unfiltered one; and per agent and model together ('am:…'), so no agent or model
 * filter falls back to raw rows. And once more per tag of the trace ('t:' || tag): a tag
 * filter alone reads one dim too (the api's rollups/dims.ts).
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
/**
 * A count of traces: bigint cannot overflow, as a table (a TimescaleDB chunk included) holds at
 * most 2^32 pages of at most 291 rows, about 1.25e12 rows, far below 9.2e18 (docs/API_SPEC.md §2).
 */
const count = (name: string) => bigint(name, { mode: 'number' }).notNull();
/** One trace's nano-dollars: at most 1e15 (cost_usd ≤ 1,000,000, docs/API_SPEC.md §2), a bigint. */
const nanos = (name: string) => bigint(name, { mode: 'bigint' }).notNull();
/**
 * A sum over any number of traces (nano-dollars, tokens): numeric, which has no overflow. A
 * bigint would overflow at 9,224 traces of the largest cost_usd (1e15 nanos each) or 2.3e9
 * traces of the largest token counts in one row, and no input limit bounds how many traces
 * one bucket receives (docs/API_SPEC.md §2).
 */
const sum = (name: string) => numeric(name, { mode: 'bigint' }).notNull();

/** The figures of the stats rollups: calls, errors, tokens, cost, latency sum and safety flags. */
function statsValueColumns() {
  return {
    calls: count('calls'),
    errors: count('errors'),
    inputTokens: sum('input_tokens'),
    outputTokens: sum('output_tokens'),
    costNanos: sum('cost_nanos'),
    latencySumMs: doublePrecision('latency_sum_ms').notNull(),
    /** Calls no price applied to (cost_source 'unpriced', docs/API_SPEC.md §9). */
    unpricedCalls: bigint('unpriced_calls', { mode: 'number' }).notNull().default(0),
    /** Calls the safety detectors flagged, with any type (docs/API_SPEC.md §12). */
    flaggedCalls: bigint('flagged_calls', { mode: 'number' }).notNull().default(0),
    /**
     * Calls flagged with each safety type, in the order of the shared SAFETY_TYPES (one array,
     * so the list of types is written down once). A type added to the end reads as 0 in rows
     * written before it (the api's rollups/safety-sql.ts coalesces a missing element).
     */
    flagCounts: bigint('flag_counts', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
  };
}

/** Calls, errors, tokens, cost, latency sum and safety flags per (bucket, agent, model). */
function statsTable(name: string) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      bucket: ts('bucket').notNull(),
      agentId: text('agent_id').notNull(),
      model: text('model').notNull(),
      ...statsValueColumns(),
    },
    (t) => [primaryKey({ name: `${name}_pkey`, columns: [t.workspaceId, t.bucket, t.agentId, t.model] })],
  );
}

/**
 * The stats rollups' figures per (bucket, tag, agent, model): a call counts once under each of
 * its tags (distinct, as ingest stores them), and a call without tags under the tag '' (no
 * trace can carry it: tags are 1–64 characters), so the rows of one bucket without a tag
 * filter hold the calls carrying each tag and the untagged ones (docs/API_SPEC.md §8). A tag
 * filter reads one tag's rows; agent and model filters apply to them as to stats_*.
 */
function statsByTagTable(name: string) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      bucket: ts('bucket').notNull(),
      tag: text('tag').notNull(),
      agentId: text('agent_id').notNull(),
      model: text('model').notNull(),
      ...statsValueColumns(),
    },
    (t) => [primaryKey({ name: `${name}_pkey`, columns: [t.workspaceId, t.bucket, t.tag, t.agentId, t.model] })],
  );
}

/**
 * Calls and cost per (bucket, tag, other tag): a call counts once under each ordered pair of two
 * different tags it carries (none for a call with fewer than two), so the breakdown by tag of the
 * calls carrying one tag (/cost/by-tag with a tag filter, docs/API_SPEC.md §8) reads that tag's
 * rows here for the other tags and its stats_by_tag_* rows for itself. No agent or model key: the
 * rows of a bucket are at most the distinct pairs of tags seen, whatever the number of agents and
 * models (a tag with agent or model filters reads raw calls instead).
 */
function tagPairStatsTable(name: string) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      bucket: ts('bucket').notNull(),
      tag: text('tag').notNull(),
      otherTag: text('other_tag').notNull(),
      calls: count('calls'),
      costNanos: sum('cost_nanos'),
    },
    (t) => [primaryKey({ name: `${name}_pkey`, columns: [t.workspaceId, t.bucket, t.tag, t.otherTag] })],
  );
}

/** Per named user: calls, cost, tokens, last seen — exact distinct users and top users. */
function userStatsTable(name: string, rankedByCalls = false) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      dim: text('dim').notNull(),
      bucket: ts('bucket').notNull(),
      userId: text('user_id').notNull(),
      calls: count('calls'),
      costNanos: sum('cost_nanos'),
      tokens: sum('tokens'),
      lastSeen: ts('last_seen').notNull(),
    },
    (t) => [
      primaryKey({ name: `${name}_pkey`, columns: [t.workspaceId, t.dim, t.bucket, t.userId] }),
      // A bucket's users by calls: its most active ones, and those above a count, without reading the
      // rest. With the user id last, these reads and a window's weekly rows of every user (the
      // distinct users' bounds, analytics/user-bounds.ts) come from the index alone, not the table.
      ...(rankedByCalls ? [index(`${name}_calls_idx`).on(t.workspaceId, t.dim, t.bucket, t.calls, t.userId)] : []),
    ],
  );
}

/**
 * Mergeable latency histogram: log bins of ratio 1.015 (≤ 0.75 % relative error), one row per
 * bucket holding its non-empty bins ascending and their counts as two parallel arrays. A fold
 * merges one row per (dim, bucket) instead of upserting a row per bin, and a 30-day window
 * reads a few dozen rows instead of tens of thousands.
 */
function latencyHistTable(name: string) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      dim: text('dim').notNull(),
      bucket: ts('bucket').notNull(),
      bins: integer('bins').array().notNull(),
      counts: bigint('counts', { mode: 'number' }).array().notNull(),
    },
    (t) => [primaryKey({ name: `${name}_pkey`, columns: [t.workspaceId, t.dim, t.bucket] })],
  );
}

/** The figures of the error rollups: errors, and the latest one's time and message. */
function errorValueColumns() {
  return { count: count('count'), lastSeen: ts('last_seen').notNull(), lastMessage: text('last_message') };
}

/** Errors per type, agent and model, with the latest error's time and message. */
function errorStatsTable(name: string) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      bucket: ts('bucket').notNull(),
      errorType: text('error_type').notNull(),
      agentId: text('agent_id').notNull(),
      model: text('model').notNull(),
      ...errorValueColumns(),
    },
    (t) => [primaryKey({ name: `${name}_pkey`, columns: [t.workspaceId, t.bucket, t.errorType, t.agentId, t.model] })],
  );
}

/**
 * The error rollups' figures per tag besides (bucket, type, agent, model): an error counts once
 * under each of its tags, an untagged one under '' (as stats_by_tag_*), so a tag filter on the
 * error figures reads one tag's rows (docs/API_SPEC.md §8).
 */
function errorStatsByTagTable(name: string) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      bucket: ts('bucket').notNull(),
      tag: text('tag').notNull(),
      errorType: text('error_type').notNull(),
      agentId: text('agent_id').notNull(),
      model: text('model').notNull(),
      ...errorValueColumns(),
    },
    (t) => [primaryKey({ name: `${name}_pkey`, columns: [t.workspaceId, t.bucket, t.tag, t.errorType, t.agentId, t.model] })],
  );
}

/**
 * The stats per minute: the whole minutes of a window's sub-hour edges and of minute series are
 * read from here, so no answer from the stats reads more than a minute of raw calls at either
 * end (docs/API_SPEC.md §3). No daily or weekly level comes from it: those sum the hourly rows.
 */
export const statsMinutely = statsTable('stats_minutely');
export const statsHourly = statsTable('stats_hourly');
export const statsDaily = statsTable('stats_daily');
export const statsByTagHourly = statsByTagTable('stats_by_tag_hourly');
export const statsByTagDaily = statsByTagTable('stats_by_tag_daily');
export const tagPairStatsHourly = tagPairStatsTable('tag_pair_stats_hourly');
export const tagPairStatsDaily = tagPairStatsTable('tag_pair_stats_daily');
export const userStatsHourly = userStatsTable('user_stats_hourly');
export const userStatsDaily = userStatsTable('user_stats_daily');
/**
 * Per-user figures by UTC week (Monday to Monday), of the dim of all calls ('') and each tag's
 * ('t:' + tag): a 30-day top-users or distinct-users answer, unfiltered or by tag, reads about 4
 * weekly rows per user where 30 daily ones went (docs/API_SPEC.md §6). Agent and model filters
 * read the daily rows, which keeps the fold's extra work at a row per user, tag and week.
 */
export const userStatsWeekly = userStatsTable('user_stats_weekly', true);
/**
 * Each named user's latest call among those folded (the queue holds the rest), per workspace.
 * A window that ends after the workspace's last call holds exactly the users whose latest call
 * is at or after its start, plus those of its queued calls: its distinct users are one range of
 * an index, where the weekly rows group every user (docs/API_SPEC.md §4, usage overview).
 */
export const userLastCalls = pgTable(
  'user_last_calls',
  {
    workspaceId: uuid('workspace_id').notNull(),
    userId: text('user_id').notNull(),
    lastCall: ts('last_call').notNull(),
  },
  (t) => [primaryKey({ name: 'user_last_calls_pkey', columns: [t.workspaceId, t.userId] }), index('user_last_calls_ws_last_call_idx').on(t.workspaceId, t.lastCall)],
);
export const latencyHistHourly = latencyHistTable('latency_hist_hourly');
export const latencyHistDaily = latencyHistTable('latency_hist_daily');
export const errorStatsHourly = errorStatsTable('error_stats_hourly');
export const errorStatsDaily = errorStatsTable('error_stats_daily');
export const errorStatsByTagHourly = errorStatsByTagTable('error_stats_by_tag_hourly');
export const errorStatsByTagDaily = errorStatsByTagTable('error_stats_by_tag_daily');

/** The columns of a queued trace: the fold's input, kept alike in the queue and in quarantine. */
function queuedTraceColumns() {
  return {
    workspaceId: uuid('workspace_id').notNull(),
    timestamp: ts('timestamp').notNull(),
    agentId: text('agent_id').notNull(),
    userId: text('user_id'),
    model: text('model').notNull(),
    isError: smallint('is_error').notNull(),
    latencyMs: doublePrecision('latency_ms').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    costNanos: nanos('cost_nanos'),
    errorType: text('error_type'),
    errorMessage: text('error_message'),
    /** What re-pricing needs to price a queued trace as its stored row (docs/API_SPEC.md §9). */
    costSource: text('cost_source', { enum: COST_SOURCES }).notNull().default('catalog'),
    cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    /** The call's distinct tags, as in `traces`: the tag rollups' key (stats_by_tag_*). */
    tags: jsonb('tags').notNull().default(sql`'[]'::jsonb`),
    /** The safety types found in the call, as in `traces`: the stats rollups' flag counts. */
    safetyFlags: jsonb('safety_flags').notNull().default(sql`'[]'::jsonb`),
  };
}

/**
 * Traces stored but not yet folded into the rollups. Ingest appends its new rows here in the
 * same transaction that stores them in `traces`; a background folder moves them into the
 * rollups in large groups (one upsert per rollup row per fold instead of per batch), and
 * readers add these rows to the rollup rows of the same segments, so answers stay exact
 * whether a trace has been folded yet or not (the design of TimescaleDB's real-time
 * continuous aggregates). Narrow and nearly empty: only the columns the rollups need.
 */
export const rollupPending = pgTable(
  'rollup_pending',
  queuedTraceColumns(),
  (t) => [index('rollup_pending_ws_ts_idx').on(t.workspaceId, t.timestamp)],
);

/**
 * Queued traces the folder could not fold (a row whose fold fails alone, after bisection): kept
 * here with the database's reason instead of blocking every later fold. Answers omit them from
 * the rollup segments until an operator fixes and re-queues them (docs/API_SPEC.md §5).
 */
export const rollupQuarantine = pgTable(
  'rollup_quarantine',
  {
    ...queuedTraceColumns(),
    reason: text('reason').notNull(),
    quarantinedAt: ts('quarantined_at').notNull().defaultNow(),
  },
  (t) => [index('rollup_quarantine_ws_ts_idx').on(t.workspaceId, t.timestamp)],
);
