import { decidingRank, dimRows, errorCodes, type Executor, flagCountsOf, flaggedCount, foldIn, latencyBinSql, rolledTags, tagPairs, tryFoldLock, weeklyDimRows } from '@pulse/api';
import { bare, bareList, columnsOf, type Database, keyColumnsOf, resultRows, schema, timeBucket, valueColumnsOf } from '@pulse/db';
import { type AnyColumn, getTableName, type SQL, sql } from 'drizzle-orm';

/**
 * Reconciliation of the rollup tables with the raw rows they summarise (`traces`, and `scores`
 * for the score rollups): each rollup is
 * recomputed from scratch with plain SQL and compared row by row (full outer join on its
 * primary key, every other column compared). This is the one place that says, in SQL, what
 * every rollup row must hold; the folder's incremental maintenance (the api's rollup fold)
 * must always agree with it.
 */

type RollupTable =
  | typeof schema.statsHourly
  | typeof schema.statsByTagHourly
  | typeof schema.tagPairStatsHourly
  | typeof schema.userStatsHourly
  | typeof schema.latencyHistHourly
  | typeof schema.errorStatsHourly
  | typeof schema.errorStatsByTagHourly
  | typeof schema.scoreStatsHourly
  | typeof schema.userLastCalls;

interface RollupSpec {
  /** The rollup table's name, as reports show it. */
  table: string;
  source: RollupTable;
  /** The rollup's rows recomputed from raw rows, with the rollup's columns; `only` restricts a workspace column. */
  recompute(only: (workspaceColumn: AnyColumn) => SQL): SQL;
  /** Which stored rows count, if not all. */
  stored?: SQL;
}

const { traces: t } = schema;
const dims = sql`cross join lateral (${dimRows(sql`${t.agentId}`, sql`${t.model}`, sql`${t.tags}`)}) as d(dim)`;

type Grain = 'minutely' | 'hourly' | 'daily';
const GRAIN_BUCKETS = { minutely: 'minute', hourly: 'hour', daily: 'day' } as const;
const bucketOf = (grain: Grain, column: AnyColumn | SQL) => timeBucket(false, GRAIN_BUCKETS[grain], column);

/** A per-user rollup's rows: the calls of `where` per (workspace, `dim`, `bucket`, user), `from` joined to the calls. */
function userRows(u: typeof schema.userStatsHourly, dim: SQL, bucket: SQL, where: SQL, from: SQL): SQL {
  return sql`
    select ${t.workspaceId} as ${bare(u.workspaceId)}, ${dim} as ${bare(u.dim)}, ${bucket} as ${bare(u.bucket)}, ${t.userId} as ${bare(u.userId)},
           count(*) as ${bare(u.calls)}, sum(${t.costNanos}) as ${bare(u.costNanos)},
           sum(${t.inputTokens}::bigint + ${t.outputTokens}) as ${bare(u.tokens)}, max(${t.timestamp}) as ${bare(u.lastSeen)}
    from ${t} ${from} where ${where} and ${t.userId} is not null group by 1, 2, 3, 4`;
}

/** The weekly per-user rollup: the dim of all calls and each tag's, by UTC week (Monday to Monday). */
function weeklyUserSpec(): RollupSpec {
  const u = schema.userStatsWeekly;
  return {
    table: getTableName(u),
    source: u,
    recompute: (only) =>
      userRows(u, sql`d.dim`, timeBucket(false, 'week', t.timestamp), only(t.workspaceId), sql`cross join lateral (${weeklyDimRows(sql`${t.tags}`)}) as d(dim)`),
  };
}

/** Each named user's latest call, per workspace. */
function lastCallSpec(): RollupSpec {
  const l = schema.userLastCalls;
  return {
    table: getTableName(l),
    source: l,
    recompute: (only) => sql`
      select ${t.workspaceId} as ${bare(l.workspaceId)}, ${t.userId} as ${bare(l.userId)}, max(${t.timestamp}) as ${bare(l.lastCall)}
      from ${t} where ${only(t.workspaceId)} and ${t.userId} is not null group by 1, 2`,
  };
}

/** A rollup of `traces` at `grain`, from the trace's timestamp: `recompute` gets its bucket and workspace condition. */
function traceSpec(grain: Grain, source: RollupTable, recompute: (bucket: SQL, where: SQL) => SQL): RollupSpec {
  return { table: getTableName(source), source, recompute: (only) => recompute(bucketOf(grain, t.timestamp), only(t.workspaceId)) };
}

/** The value columns every stats rollup holds (stats_*, stats_by_tag_*), under the same names. */
const s0 = schema.statsHourly;
const statsValues = sql`count(*) as ${bare(s0.calls)}, sum(${t.isError}) as ${bare(s0.errors)},
               sum(${t.inputTokens}) as ${bare(s0.inputTokens)}, sum(${t.outputTokens}) as ${bare(s0.outputTokens)},
               sum(${t.costNanos}) as ${bare(s0.costNanos)}, sum(${t.latencyMs}) as ${bare(s0.latencySumMs)},
               count(*) filter (where ${t.costSource} = 'unpriced') as ${bare(s0.unpricedCalls)},
               ${flaggedCount(t.safetyFlags)} as ${bare(s0.flaggedCalls)}, ${flagCountsOf(t.safetyFlags)} as ${bare(s0.flagCounts)}`;

/** The stats per (bucket, agent, model) at `grain`. */
function statsSpec(grain: Grain, s: typeof schema.statsHourly): RollupSpec {
  return traceSpec(
    grain,
    s,
    (bucket, where) => sql`
        select ${t.workspaceId} as ${bare(s.workspaceId)}, ${bucket} as ${bare(s.bucket)}, ${t.agentId} as ${bare(s.agentId)},
               ${t.model} as ${bare(s.model)}, ${statsValues}
        from ${t} where ${where} group by 1, 2, 3, 4`,
  );
}

/** The rollups of `traces` with an hourly and a daily level. */
function traceSpecs(grain: 'hourly' | 'daily'): RollupSpec[] {
  const [s, st, tp, u, l, e, et] =
    grain === 'hourly'
      ? [schema.statsHourly, schema.statsByTagHourly, schema.tagPairStatsHourly, schema.userStatsHourly, schema.latencyHistHourly, schema.errorStatsHourly, schema.errorStatsByTagHourly]
      : [schema.statsDaily, schema.statsByTagDaily, schema.tagPairStatsDaily, schema.userStatsDaily, schema.latencyHistDaily, schema.errorStatsDaily, schema.errorStatsByTagDaily];
  const spec = (source: RollupTable, recompute: (bucket: SQL, where: SQL) => SQL) => traceSpec(grain, source, recompute);
  // The value columns both error rollups hold: the latest error's message; at equal times the
  // greater one, a null message last.
  const errorValues = sql`count(*) as ${bare(e.count)}, max(${t.timestamp}) as ${bare(e.lastSeen)},
               (array_agg(${t.errorMessage} order by ${t.timestamp} desc, ${t.errorMessage} desc nulls last))[1] as ${bare(e.lastMessage)}`;
  return [
    statsSpec(grain, s),
    spec(
      st,
      // A call under each of its tags, or under '' without tags.
      (bucket, where) => sql`
        select ${t.workspaceId} as ${bare(st.workspaceId)}, ${bucket} as ${bare(st.bucket)}, c.tag as ${bare(st.tag)},
               ${t.agentId} as ${bare(st.agentId)}, ${t.model} as ${bare(st.model)}, ${statsValues}
        from ${t} cross join lateral ${rolledTags(t.tags)} as c(tag) where ${where} group by 1, 2, 3, 4, 5`,
    ),
    spec(
      tp,
      // A call under each ordered pair of two different tags it carries.
      (bucket, where) => sql`
        select ${t.workspaceId} as ${bare(tp.workspaceId)}, ${bucket} as ${bare(tp.bucket)}, p.tag as ${bare(tp.tag)}, p.other_tag as ${bare(tp.otherTag)},
               count(*) as ${bare(tp.calls)}, sum(${t.costNanos}) as ${bare(tp.costNanos)}
        from ${t} cross join lateral (${tagPairs(t.tags)}) as p where ${where} group by 1, 2, 3, 4`,
    ),
    spec(u, (bucket, where) => userRows(u, sql`d.dim`, bucket, where, dims)),
    spec(
      l,
      (bucket, where) => sql`
        select ${bare(l.workspaceId)}, ${bare(l.dim)}, ${bare(l.bucket)},
               array_agg(bin order by bin) as ${bare(l.bins)}, array_agg(n order by bin) as ${bare(l.counts)}
        from (select ${t.workspaceId} as ${bare(l.workspaceId)}, d.dim as ${bare(l.dim)}, ${bucket} as ${bare(l.bucket)},
                     ${latencyBinSql(t.latencyMs)} as bin, count(*) as n
              from ${t} ${dims} where ${where} group by 1, 2, 3, 4) binned
        group by 1, 2, 3`,
    ),
    spec(
      e,
      (bucket, where) => sql`
        select ${t.workspaceId} as ${bare(e.workspaceId)}, ${bucket} as ${bare(e.bucket)}, ${t.errorType} as ${bare(e.errorType)},
               ${t.agentId} as ${bare(e.agentId)}, ${t.model} as ${bare(e.model)}, ${errorValues}
        from ${t} where ${where} and ${t.isError} = 1 group by 1, 2, 3, 4, 5`,
    ),
    spec(
      et,
      // An error under each of its tags, or under '' without tags.
      (bucket, where) => sql`
        select ${t.workspaceId} as ${bare(et.workspaceId)}, ${bucket} as ${bare(et.bucket)}, c.tag as ${bare(et.tag)},
               ${t.errorType} as ${bare(et.errorType)}, ${t.agentId} as ${bare(et.agentId)}, ${t.model} as ${bare(et.model)}, ${errorValues}
        from ${t} cross join lateral ${rolledTags(t.tags)} as c(tag) where ${where} and ${t.isError} = 1 group by 1, 2, 3, 4, 5, 6`,
    ),
  ];
}

/**
 * The score rollups (docs/API_SPEC.md §10), from `scores` by the scored trace's timestamp: per
 * group the count, the exact (numeric) sum of the values, the same two of the scores that decide
 * their call's value of their name (docs/API_SPEC.md §14: the first source of the shared
 * precedence among the call's scores of that name and type) and the latest write. A group
 * emptied by a replacement or by retention is deleted; a stored row of count 0 is skipped, as
 * readers skip it.
 */
function scoreSpec(grain: 'hourly' | 'daily'): RollupSpec {
  const r = grain === 'hourly' ? schema.scoreStatsHourly : schema.scoreStatsDaily;
  const sc = schema.scores;
  return {
    table: getTableName(r),
    source: r,
    recompute: (only) => sql`
      select ${bare(sc.workspaceId)} as ${bare(r.workspaceId)}, ${bucketOf(grain, bare(sc.traceTimestamp))} as ${bare(r.bucket)}, ${bare(sc.name)} as ${bare(r.name)},
             ${bare(sc.agentId)} as ${bare(r.agentId)}, ${bare(sc.model)} as ${bare(r.model)}, ${bare(sc.type)} as ${bare(r.type)},
             coalesce(${bare(sc.categoricalValue)}, '') as ${bare(r.category)}, count(*) as ${bare(r.count)},
             coalesce(sum(${bare(sc.numericValue)}::numeric), 0) as ${bare(r.valueSum)},
             count(*) filter (where deciding = 1) as ${bare(r.decidedCount)},
             coalesce(sum(${bare(sc.numericValue)}::numeric) filter (where deciding = 1), 0) as ${bare(r.decidedValueSum)},
             max(${bare(sc.updatedAt)}) as ${bare(r.lastWritten)}
      from (select ${sc}.*, ${decidingRank} as deciding from ${sc} where ${only(sc.workspaceId)}) ranked group by 1, 2, 3, 4, 5, 6, 7`,
    stored: sql`${r.count} <> 0`,
  };
}

/** Every rollup table, by the minute, hourly, daily, then weekly, and the users' latest calls. */
export const ROLLUP_SPECS: readonly RollupSpec[] = [statsSpec('minutely', schema.statsMinutely), ...traceSpecs('hourly'), scoreSpec('hourly'), ...traceSpecs('daily'), scoreSpec('daily'), weeklyUserSpec(), lastCallSpec()];
/** The score rollups alone, as the score tests check them after each write. */
export const SCORE_ROLLUP_SPECS: readonly RollupSpec[] = ROLLUP_SPECS.filter((spec) => spec.source === schema.scoreStatsHourly || spec.source === schema.scoreStatsDaily);

export interface DriftExample {
  kind: 'missing' | 'extra' | 'differs';
  /** The recomputed row (null for an extra row). */
  expected: Record<string, unknown> | null;
  /** The stored rollup row (null for a missing row). */
  actual: Record<string, unknown> | null;
}

export interface TableDrift {
  table: string;
  expectedRows: number;
  actualRows: number;
  /** Rows the raw rows call for that the rollup lacks. */
  missing: number;
  /** Rollup rows no raw row accounts for. */
  extra: number;
  /** Rows present on both sides with different figures. */
  differing: number;
  /** Up to 5 offending rows, for the person reading the report. */
  examples: DriftExample[];
}

export interface DriftReport {
  ok: boolean;
  tables: TableDrift[];
}

export interface VerifyOptions {
  /** Only this workspace's rows (default: every workspace). */
  workspaceId?: string;
  /**
   * Runs before the comparison's transaction (queued traces need no step here: the
   * comparison folds them itself, in its own snapshot).
   */
  beforeCompare?: (database: Database) => Promise<void>;
}

/** One rollup table against its recomputation (every workspace's rows, or `workspaceId`'s). */
export async function compareRollup(tx: Executor, spec: RollupSpec, workspaceId: string | undefined): Promise<TableDrift> {
  const only = (column: AnyColumn) => (workspaceId ? sql`${column} = ${workspaceId}::uuid` : sql`true`);
  const keys = keyColumnsOf(spec.source).map(bare);
  const on = sql.join(
    keys.map((k) => sql`e.${k} = a.${k}`),
    sql` and `,
  );
  const differs = sql.join(
    valueColumnsOf(spec.source).map((column) => {
      const v = bare(column);
      // Float sums depend on the order of addition (batches fold in arrival order, the
      // recomputation in scan order), so they are equal only up to rounding: relative 1e-9.
      return column.columnType === 'PgDoublePrecision'
        ? sql`abs(e.${v} - a.${v}) > 1e-9 * greatest(abs(e.${v}), 1)`
        : sql`e.${v} is distinct from a.${v}`;
    }),
    sql` or `,
  );
  const k0 = keys[0]!;
  const [row] = resultRows<{
    expected_rows: number;
    actual_rows: number;
    missing: number;
    extra: number;
    differing: number;
    examples: DriftExample[] | string;
  }>(await tx.execute(sql`
    with expected as (${spec.recompute(only)}),
    actual as (select ${bareList(columnsOf(spec.source))} from ${spec.source} where ${only(spec.source.workspaceId)} and ${spec.stored ?? sql`true`}),
    diff as (
      select case when a.${k0} is null then 'missing' when e.${k0} is null then 'extra' else 'differs' end as kind,
             to_jsonb(e) as expected, to_jsonb(a) as actual
      from expected e full outer join actual a on ${on}
      where a.${k0} is null or e.${k0} is null or ${differs})
    select (select count(*) from expected)::int as expected_rows,
           (select count(*) from actual)::int as actual_rows,
           (select count(*) from diff where kind = 'missing')::int as missing,
           (select count(*) from diff where kind = 'extra')::int as extra,
           (select count(*) from diff where kind = 'differs')::int as differing,
           (select coalesce(jsonb_agg(x), '[]'::jsonb) from (select * from diff limit 5) x) as examples`));
  const examples = typeof row!.examples === 'string' ? (JSON.parse(row!.examples) as DriftExample[]) : row!.examples;
  return {
    table: spec.table,
    expectedRows: row!.expected_rows,
    actualRows: row!.actual_rows,
    missing: row!.missing,
    extra: row!.extra,
    differing: row!.differing,
    examples,
  };
}

/**
 * Recomputes every rollup table from raw rows and reports each difference. Safe on a live
 * system: in one REPEATABLE READ transaction (one snapshot for every statement) it first folds
 * every queued trace it can see, holding the fold lock so no folder moves rows meanwhile, then
 * compares; traces stored after the snapshot are in neither side of the comparison.
 */
export async function verifyRollups(database: Database, options: VerifyOptions = {}): Promise<DriftReport> {
  await options.beforeCompare?.(database);
  for (let attempt = 1; ; attempt++) {
    try {
      const tables = await database.db.transaction(
        async (tx) => {
          // A folder at work: its fold would conflict with ours in this snapshot; try again.
          if (!(await tryFoldLock(tx))) throw new FolderBusy();
          while ((await foldIn(tx)) > 0);
          const drift: TableDrift[] = [];
          // One table at a time: the comparison scans all of `traces` (or `scores`) for each.
          for (const spec of ROLLUP_SPECS) drift.push(await compareRollup(tx, spec, options.workspaceId));
          return drift;
        },
        { isolationLevel: 'repeatable read' },
      );
      return { ok: tables.every((t) => t.missing + t.extra + t.differing === 0), tables };
    } catch (err) {
      const retry = err instanceof FolderBusy || isSerializationFailure(err);
      if (!retry || attempt >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

class FolderBusy extends Error {}

/** 40001: a concurrent fold committed first (rows of our snapshot already moved). */
function isSerializationFailure(err: unknown): boolean {
  return [...errorCodes(err)].includes('40001');
}

/** A few lines per table, for people and CI logs. */
export function formatDriftReport(report: DriftReport): string {
  const lines = report.tables.map(
    (t) =>
      `${t.table.padEnd(20)} rows ${String(t.actualRows).padStart(8)} / expected ${String(t.expectedRows).padStart(8)}` +
      `  missing ${t.missing}  extra ${t.extra}  differing ${t.differing}`,
  );
  for (const t of report.tables) {
    for (const e of t.examples) lines.push(`  ${t.table} ${e.kind}: expected ${JSON.stringify(e.expected)} actual ${JSON.stringify(e.actual)}`);
  }
  lines.push(report.ok ? 'Rollups reconcile with raw traces and scores.' : 'DRIFT: rollups disagree with raw traces and scores.');
  return lines.join('\n');
}
