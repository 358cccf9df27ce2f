import { type Database, resultRows, timeBucket } from '@pulse/db';
import { type SQL, sql } from 'drizzle-orm';
import { errorCodes } from '../http/errors.js';
import { type Executor, foldIn, tryFoldLock } from '../rollups/fold.js';
import { DIM_VALUES, latencyBinSql } from '../rollups/rollup-sql.js';

/**
 * Reconciliation of the rollup tables with the raw `traces` they summarise: each rollup is
 * recomputed from scratch with plain SQL and compared row by row (full outer join on its
 * key). This is the one place that says, in SQL, what every rollup row must hold; the
 * folder's incremental maintenance (rollups/fold.ts) must always agree with it.
 */

interface ValueColumn {
  name: string;
  /**
   * Float sums depend on the order of addition (batches fold in arrival order, the
   * recomputation in scan order), so they are equal only up to rounding: relative 1e-9.
   */
  float?: boolean;
}

interface RollupSpec {
  table: string;
  keys: string[];
  values: ValueColumn[];
  /** The rollup's rows recomputed from `traces` (restricted by `where`). */
  recompute(bucket: SQL, where: SQL): SQL;
}

const DIMS = `cross join lateral (values ${DIM_VALUES}) as d(dim)`;

function specs(suffix: 'hourly' | 'daily'): RollupSpec[] {
  return [
    {
      table: `stats_${suffix}`,
      keys: ['workspace_id', 'bucket', 'agent_id', 'model'],
      values: [
        { name: 'calls' },
        { name: 'errors' },
        { name: 'input_tokens' },
        { name: 'output_tokens' },
        { name: 'cost_nanos' },
        { name: 'latency_sum_ms', float: true },
      ],
      recompute: (bucket, where) => sql`
        select workspace_id, ${bucket} as bucket, agent_id, model, count(*) as calls, sum(is_error) as errors,
               sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens, sum(cost_nanos) as cost_nanos,
               sum(latency_ms) as latency_sum_ms
        from traces where ${where} group by 1, 2, 3, 4`,
    },
    {
      table: `user_stats_${suffix}`,
      keys: ['workspace_id', 'dim', 'bucket', 'user_id'],
      values: [{ name: 'calls' }, { name: 'cost_nanos' }, { name: 'tokens' }, { name: 'last_seen' }],
      recompute: (bucket, where) => sql`
        select workspace_id, d.dim, ${bucket} as bucket, user_id, count(*) as calls, sum(cost_nanos) as cost_nanos,
               sum(input_tokens + output_tokens) as tokens, max("timestamp") as last_seen
        from traces ${sql.raw(DIMS)} where ${where} and user_id is not null group by 1, 2, 3, 4`,
    },
    {
      table: `latency_hist_${suffix}`,
      keys: ['workspace_id', 'dim', 'bucket'],
      values: [{ name: 'bins' }, { name: 'counts' }],
      recompute: (bucket, where) => sql`
        select workspace_id, dim, bucket, array_agg(bin order by bin) as bins, array_agg(n order by bin) as counts
        from (select workspace_id, d.dim, ${bucket} as bucket, ${latencyBinSql(sql`latency_ms`)} as bin, count(*) as n
              from traces ${sql.raw(DIMS)} where ${where} group by 1, 2, 3, 4) binned
        group by 1, 2, 3`,
    },
    {
      table: `error_stats_${suffix}`,
      keys: ['workspace_id', 'bucket', 'error_type', 'agent_id', 'model'],
      values: [{ name: 'count' }, { name: 'last_seen' }, { name: 'last_message' }],
      // The latest error's message; at equal times the greater one, a null message last.
      recompute: (bucket, where) => sql`
        select workspace_id, ${bucket} as bucket, error_type, agent_id, model, count(*) as count,
               max("timestamp") as last_seen,
               (array_agg(error_message order by "timestamp" desc, error_message desc nulls last))[1] as last_message
        from traces where ${where} and is_error = 1 group by 1, 2, 3, 4, 5`,
    },
  ];
}

/** Every rollup table, hourly then daily. */
export const ROLLUP_SPECS: readonly RollupSpec[] = [...specs('hourly'), ...specs('daily')];

function bucketOf(table: string): SQL {
  return timeBucket(false, table.endsWith('_daily') ? 'day' : 'hour', sql`"timestamp"`);
}

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
  /** Rows the raw traces call for that the rollup lacks. */
  missing: number;
  /** Rollup rows no raw trace accounts for. */
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

async function compareTable(tx: Executor, spec: RollupSpec, workspaceId: string | undefined): Promise<TableDrift> {
  const where = workspaceId ? sql`workspace_id = ${workspaceId}::uuid` : sql`true`;
  const cols = [...spec.keys, ...spec.values.map((v) => v.name)].join(', ');
  const on = spec.keys.map((k) => `e.${k} = a.${k}`).join(' and ');
  const differs = spec.values
    .map((v) =>
      v.float
        ? `abs(e.${v.name} - a.${v.name}) > 1e-9 * greatest(abs(e.${v.name}), 1)`
        : `e.${v.name} is distinct from a.${v.name}`,
    )
    .join(' or ');
  const k0 = spec.keys[0]!;
  const [row] = resultRows<{
    expected_rows: number;
    actual_rows: number;
    missing: number;
    extra: number;
    differing: number;
    examples: DriftExample[] | string;
  }>(await tx.execute(sql`
    with expected as (${spec.recompute(bucketOf(spec.table), where)}),
    actual as (select ${sql.raw(cols)} from ${sql.raw(spec.table)} where ${where}),
    diff as (
      select case when a.${sql.raw(k0)} is null then 'missing' when e.${sql.raw(k0)} is null then 'extra' else 'differs' end as kind,
             to_jsonb(e) as expected, to_jsonb(a) as actual
      from expected e full outer join actual a on ${sql.raw(on)}
      where a.${sql.raw(k0)} is null or e.${sql.raw(k0)} is null or ${sql.raw(differs)})
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
 * Recomputes every rollup table from raw traces and reports each difference. Safe on a live
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
          // One table at a time: the comparison scans all of `traces` for each.
          for (const spec of ROLLUP_SPECS) drift.push(await compareTable(tx, spec, options.workspaceId));
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
  lines.push(report.ok ? 'Rollups reconcile with raw traces.' : 'DRIFT: rollups disagree with raw traces.');
  return lines.join('\n');
}
