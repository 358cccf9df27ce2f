import { arrayParam, bareList, type Db, keyColumnsOf, schema, timeBucket } from '@pulse/db';
import { SCORE_TYPES, type ScoreType } from '@pulse/shared';
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { instant } from '../analytics/decode.js';

const { scores, scoreStatsHourly, scoreStatsDaily } = schema;

export type Executor = Pick<Db, 'execute'>;

/** A score as the rollups group it: its trace's time, agent and model, and its value. */
export interface RolledScore {
  traceTimestamp: Date;
  agentId: string;
  model: string;
  name: string;
  type: ScoreType;
  numericValue: number | null;
  categoricalValue: string | null;
  updatedAt: Date;
}

/**
 * A score entering (+1: written, or now deciding its call's value) or leaving (-1: replaced,
 * deleted, or no longer deciding) its rollup groups. `decides`: it is the score of its call,
 * name and type whose source comes first in SCORE_SOURCE_PRECEDENCE (decisions.ts).
 */
export interface ScoreChange extends RolledScore {
  sign: 1 | -1;
  decides: boolean;
}

/** The columns of `scores` that rolledScoreRow decodes: what a score's rollup groups and deltas need. */
export const rolledScoreColumns = bareList([
  scores.traceTimestamp,
  scores.agentId,
  scores.model,
  scores.name,
  scores.type,
  scores.numericValue,
  scores.categoricalValue,
  scores.updatedAt,
]);
export const rolledScoreRow = z.object({
  trace_timestamp: instant,
  agent_id: z.string(),
  model: z.string(),
  name: z.string(),
  type: z.enum(SCORE_TYPES),
  numeric_value: z.number().nullable(),
  categorical_value: z.string().nullable(),
  updated_at: instant,
});

/** A stored score (rolledScoreRow) as the rollups group it. */
export function rolledScore(r: z.output<typeof rolledScoreRow>): RolledScore {
  return {
    traceTimestamp: new Date(r.trace_timestamp),
    agentId: r.agent_id,
    model: r.model,
    name: r.name,
    type: r.type,
    numericValue: r.numeric_value,
    categoricalValue: r.categorical_value,
    updatedAt: new Date(r.updated_at),
  };
}

type ScoreStatsTable = typeof scoreStatsHourly;
const TABLES: ReadonlyArray<readonly [ScoreStatsTable, 'hour' | 'day']> = [
  [scoreStatsHourly, 'hour'],
  [scoreStatsDaily, 'day'],
];

/** The changes as one unnest() of per-column arrays: (ts, name, agent_id, model, type, category, value, sign, decides, updated_at). */
function changeRows(changes: readonly ScoreChange[]): SQL {
  const columns: Array<[(c: ScoreChange) => string | number | null, string]> = [
    [(c) => c.traceTimestamp.toISOString(), 'timestamptz'],
    [(c) => c.name, 'text'],
    [(c) => c.agentId, 'text'],
    [(c) => c.model, 'text'],
    [(c) => c.type, 'text'],
    [(c) => c.categoricalValue ?? '', 'text'],
    [(c) => c.numericValue, 'float8'],
    [(c) => c.sign, 'int'],
    [(c) => (c.decides ? 1 : 0), 'int'],
    [(c) => c.updatedAt.toISOString(), 'timestamptz'],
  ];
  return sql`unnest(${sql.join(
    columns.map(([value, type]) => arrayParam(changes.map(value), type)),
    sql`, `,
  )})
    as u (ts, name, agent_id, model, type, category, value, sign, decides, updated_at)`;
}

/**
 * Adds the changes to one rollup, one upsert per group, in the order of the primary key: the
 * writer holds its scores' rows already (taken in their key order), and every writer takes
 * rollup rows in this one order, hourly before daily, so no two writers wait in a cycle.
 * A group only left by scores keeps its latest write time for now (see repairEmptied).
 */
function upsertDeltas(
  table: ScoreStatsTable,
  granularity: 'hour' | 'day',
  workspaceId: string,
  changes: readonly ScoreChange[],
): SQL {
  const key = keyColumnsOf(table);
  const t = table;
  const added = (column: AnyColumn) => sql`${sql.identifier(column.name)} = ${column} + excluded.${sql.identifier(column.name)}`;
  return sql`insert into ${t} (${bareList([...key, t.count, t.valueSum, t.decidedCount, t.decidedValueSum, t.lastWritten])})
    select ${workspaceId}::uuid, ${timeBucket(false, granularity, sql`u.ts`)}, u.name, u.agent_id, u.model, u.type, u.category,
      sum(u.sign)::bigint, coalesce(sum(u.sign * u.value::numeric), 0),
      sum(u.sign * u.decides)::bigint, coalesce(sum(u.sign * u.decides * u.value::numeric), 0),
      coalesce(max(u.updated_at) filter (where u.sign > 0), '-infinity'::timestamptz)
    from ${changeRows(changes)}
    group by 2, 3, 4, 5, 6, 7 order by 2, 3, 4, 5, 6, 7
    on conflict (${bareList(key)}) do update set
      ${added(t.count)}, ${added(t.valueSum)}, ${added(t.decidedCount)}, ${added(t.decidedValueSum)},
      ${sql.identifier(t.lastWritten.name)} = greatest(${t.lastWritten}, excluded.${sql.identifier(t.lastWritten.name)})`;
}

/**
 * Groups that a score left with no newer write entering them (a replacement of another type or
 * category, retention, or a score that no longer decides entering again with its old write
 * time): an emptied group goes, and the others' latest write time is read again from their
 * scores, as the score that left may have been the latest. A group that a newer write entered
 * has that write as its latest (greatest). Rare, and each group is one index range.
 */
function repairEmptied(
  table: ScoreStatsTable,
  granularity: 'hour' | 'day',
  workspaceId: string,
  changes: readonly ScoreChange[],
): SQL[] {
  const newestEntered = new Map<string, number>();
  for (const c of changes) {
    if (c.sign < 0) continue;
    const key = groupKey(c, granularity);
    newestEntered.set(key, Math.max(newestEntered.get(key) ?? -Infinity, c.updatedAt.getTime()));
  }
  const left = changes.filter((c) => c.sign < 0 && c.updatedAt.getTime() > (newestEntered.get(groupKey(c, granularity)) ?? -Infinity));
  if (left.length === 0) return [];
  const t = table;
  const groups = sql`(select distinct ${timeBucket(false, granularity, sql`u.ts`)} as bucket, u.name, u.agent_id, u.model, u.type, u.category
    from ${changeRows(left)})`;
  const inGroups = sql`(${t.bucket}, ${t.name}, ${t.agentId}, ${t.model}, ${t.type}, ${t.category}) in (select * from ${groups} g)`;
  const step = sql.raw(`'1 ${granularity}'::interval`);
  return [
    sql`delete from ${t} where ${t.workspaceId} = ${workspaceId}::uuid and ${inGroups} and ${t.count} = 0`,
    sql`update ${t} set ${sql.identifier(t.lastWritten.name)} = (
        select max(${scores.updatedAt}) from ${scores} where ${scores.workspaceId} = ${t.workspaceId} and ${scores.name} = ${t.name}
          and ${scores.traceTimestamp} >= ${t.bucket} and ${scores.traceTimestamp} < ${t.bucket} + ${step}
          and ${scores.agentId} = ${t.agentId} and ${scores.model} = ${t.model} and ${scores.type} = ${t.type}
          and coalesce(${scores.categoricalValue}, '') = ${t.category})
      where ${t.workspaceId} = ${workspaceId}::uuid and ${inGroups}`,
  ];
}

function groupKey(c: RolledScore, granularity: 'hour' | 'day'): string {
  const step = granularity === 'hour' ? 3_600_000 : 86_400_000;
  const bucket = Math.floor(c.traceTimestamp.getTime() / step) * step;
  return JSON.stringify([bucket, c.name, c.agentId, c.model, c.type, c.categoricalValue ?? '']);
}

/**
 * Applies score writes and deletions to the hourly and daily score rollups, in the caller's
 * transaction, which must hold the changed scores' rows (locked or written by it): then the
 * rollups equal plain SQL over `scores` at every commit (docs/API_SPEC.md §10).
 */
export async function applyScoreChanges(
  tx: Executor,
  workspaceId: string,
  changes: readonly ScoreChange[],
): Promise<void> {
  if (changes.length === 0) return;
  for (const [table, granularity] of TABLES) await tx.execute(upsertDeltas(table, granularity, workspaceId, changes));
  for (const [table, granularity] of TABLES)
    for (const statement of repairEmptied(table, granularity, workspaceId, changes)) await tx.execute(statement);
}
