import { arrayParam, bareList, resultRows, schema } from '@pulse/db';
import { SCORE_SOURCE_PRECEDENCE, SCORE_SOURCES, type ScoreSource } from '@pulse/shared';
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Executor, type RolledScore, rolledScore, rolledScoreColumns, rolledScoreRow, type ScoreChange } from './score-rollups.js';

const { scores } = schema;

/**
 * Which score decides a call's value of a name (docs/API_SPEC.md §14): of the call's scores of
 * that name and type, the one whose source comes first in SCORE_SOURCE_PRECEDENCE. The score
 * rollups count the deciding scores apart (decided_count, decided_value_sum), so a write or a
 * deletion that changes which score decides also moves the scores it passes over: every writer
 * of a call's scores of a name works out the decision before and after its change while
 * holding that (call, name) alone.
 */

/** A stored score with its key. */
export interface StoredScore extends RolledScore {
  traceRowId: string;
  source: ScoreSource;
}

/** A (call, name) whose decision a writer holds. */
export type ScoredName = Pick<StoredScore, 'traceRowId' | 'name'>;

export const scoreKeyOf = (s: Pick<StoredScore, 'traceRowId' | 'name' | 'source'>) => JSON.stringify([s.traceRowId, s.name, s.source]);

/** A source's place in SCORE_SOURCE_PRECEDENCE, in SQL: 0 decides first. */
function sourceRank(source: AnyColumn): SQL {
  const cases = sql.join(
    SCORE_SOURCE_PRECEDENCE.map((s, i) => sql`when ${s} then ${i}`),
    sql` `,
  );
  return sql`(case ${source} ${cases} end)`;
}

/** The same rank in a window function over raw scores: 1 for the deciding score of its call, name and type. */
export const decidingRank = sql`row_number() over (partition by ${scores.workspaceId}, ${scores.traceRowId}, ${scores.name}, ${scores.type} order by ${sourceRank(scores.source)})`;

/** The advisory lock space of (call, name) decisions, apart from the fold's one-key locks and the prices' class. */
const DECISION_LOCK_CLASS = 7_314_010;

/**
 * Until the end of the caller's transaction, no other writer changes these (call, name)s'
 * scores: the locks are taken in one order (the hash's), before any row lock, by every
 * writer (storeScores, retention), so two writers never wait in a cycle. Two transactions
 * inserting a call's first scores of a name from different sources would otherwise each see
 * only its own and both decide.
 */
export async function lockScoredNames(tx: Executor, names: readonly ScoredName[]): Promise<void> {
  if (names.length === 0) return;
  const keys = sql`unnest(${arrayParam(names.map((n) => n.traceRowId), 'text')}, ${arrayParam(names.map((n) => n.name), 'text')}) as u (t, n)`;
  await tx.execute(sql`select count(pg_advisory_xact_lock(${DECISION_LOCK_CLASS}::int, k))
    from (select distinct hashtext(u.t || '/' || u.n) as k from ${keys} order by k) ordered`);
}

const storedRow = rolledScoreRow.extend({ trace_row_id: z.string(), source: z.enum(SCORE_SOURCES) });

/** Every stored score of these (call, name)s, locked in key order (the order of storeScores' writes). */
export async function storedScoresOf(tx: Executor, workspaceId: string, names: readonly ScoredName[]): Promise<StoredScore[]> {
  if (names.length === 0) return [];
  const keys = sql`select * from unnest(${arrayParam(names.map((n) => n.traceRowId), 'uuid')}, ${arrayParam(names.map((n) => n.name), 'text')})`;
  const found = z.array(storedRow).parse(
    resultRows(
      await tx.execute(sql`select ${bareList([scores.traceRowId, scores.source])}, ${rolledScoreColumns}
        from ${scores} where ${scores.workspaceId} = ${workspaceId}::uuid and (${scores.traceRowId}, ${scores.name}) in (${keys})
        order by ${bareList([scores.traceRowId, scores.name, scores.source])} for update`),
    ),
  );
  return found.map((r) => ({ ...rolledScore(r), traceRowId: r.trace_row_id, source: r.source }));
}

/** The keys (scoreKeyOf) of the deciding scores among some calls' scores. */
function decidingKeys(all: Iterable<StoredScore>): Set<string> {
  const first = new Map<string, StoredScore>();
  const rank = (s: StoredScore) => SCORE_SOURCE_PRECEDENCE.indexOf(s.source);
  for (const s of all) {
    const group = JSON.stringify([s.traceRowId, s.name, s.type]);
    const held = first.get(group);
    if (!held || rank(s) < rank(held)) first.set(group, s);
  }
  return new Set([...first.values()].map(scoreKeyOf));
}

const sameScore = (a: RolledScore, b: RolledScore) =>
  a.type === b.type &&
  a.numericValue === b.numericValue &&
  a.categoricalValue === b.categoricalValue &&
  a.updatedAt.getTime() === b.updatedAt.getTime();

/**
 * The rollup changes that take some (call, name)s' scores from `before` to `after` (each the
 * whole set of their scores): a score that went or changed leaves its groups, one that came or
 * changed enters them, and one whose decision alone changed leaves and enters again.
 */
export function changesBetween(before: readonly StoredScore[], after: readonly StoredScore[]): ScoreChange[] {
  const decidedBefore = decidingKeys(before);
  const decidedAfter = decidingKeys(after);
  const afterByKey = new Map(after.map((s) => [scoreKeyOf(s), s]));
  const changes: ScoreChange[] = [];
  const strip = ({ traceRowId: _t, source: _s, ...rolled }: StoredScore): RolledScore => rolled;
  for (const b of before) {
    const key = scoreKeyOf(b);
    const a = afterByKey.get(key);
    if (a && sameScore(a, b) && decidedBefore.has(key) === decidedAfter.has(key)) {
      afterByKey.delete(key);
      continue;
    }
    changes.push({ ...strip(b), sign: -1, decides: decidedBefore.has(key) });
  }
  for (const [key, a] of afterByKey) changes.push({ ...strip(a), sign: 1, decides: decidedAfter.has(key) });
  return changes;
}
