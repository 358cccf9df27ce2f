import { arrayParam, bareList, type Database, resultRows, schema } from '@pulse/db';
import { SCORE_SOURCES, scoreInputSchema, type ScoreSource, type ScoresResponse, type ScoreType, scoreTypeOf } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { instant, num } from '../analytics/decode.js';
import { retryOnConflict, SerializationConflict } from '../db/retry-transaction.js';
import { changesBetween, lockScoredNames, scoreKeyOf, storedScoresOf } from './decisions.js';
import { applyScoreChanges, type Executor, type RolledScore } from './score-rollups.js';
import { issuePath } from '../http/errors.js';

const { traces, scores } = schema;

type Rejected = ScoresResponse['rejected'][number];

/** A valid item, as the statement takes it. `index` is its place in the batch. */
interface ValidScore {
  index: number;
  traceId: string;
  name: string;
  source: ScoreSource;
  type: ScoreType;
  numericValue: number | null;
  categoricalValue: string | null;
  comment: string | null;
}

function validateScores(items: readonly unknown[]): { valid: ValidScore[]; rejected: Rejected[] } {
  const valid: ValidScore[] = [];
  const rejected: Rejected[] = [];
  items.forEach((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      rejected.push({ index, trace_id: null, errors: ['score: must be an object'] });
      return;
    }
    const parsed = scoreInputSchema.safeParse(item);
    if (!parsed.success) {
      const sentId = (item as { trace_id?: unknown }).trace_id;
      rejected.push({
        index,
        trace_id: typeof sentId === 'string' ? sentId : null,
        errors: parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`),
      });
      return;
    }
    const s = parsed.data;
    const type = scoreTypeOf(s.value);
    valid.push({
      index,
      traceId: s.trace_id,
      name: s.name,
      source: s.source,
      type,
      numericValue: typeof s.value === 'string' ? null : Number(s.value),
      categoricalValue: typeof s.value === 'string' ? s.value : null,
      comment: s.comment ?? null,
    });
  });
  return { valid, rejected };
}

/** What the resolving statement says of each valid item, and the trace it scores. */
const resolvedRow = z.object({
  idx: num,
  /** stored | no_trace | type */
  outcome: z.enum(['stored', 'no_trace', 'type']),
  expected_type: z.string().nullable(),
  trace_row_id: z.string().nullable(),
  trace_timestamp: instant.nullable(),
  agent_id: z.string().nullable(),
  model: z.string().nullable(),
});

/**
 * Resolves each item's trace (the newest of the workspace's traces with that trace_id) and
 * checks its type against the name's. A name keeps the type of its first score
 * (docs/API_SPEC.md §10): an item of another type is rejected naming `value`. In a batch that
 * brings a new name, its first item with a trace sets it.
 */
async function resolveScores(tx: Executor, workspaceId: string, items: readonly ValidScore[]) {
  const column = <K extends keyof ValidScore>(key: K, type: string) =>
    arrayParam(items.map((i) => i[key] as string | number | null), type);
  const ws = sql`${workspaceId}::uuid`;
  const result = await tx.execute(sql`
    with input as (
      select * from unnest(${column('index', 'int')}, ${column('traceId', 'text')}, ${column('name', 'text')}, ${column('type', 'text')})
        as u (idx, trace_id, name, type)),
    resolved as (
      select i.*, t.id as trace_row_id, t.timestamp as trace_timestamp, t.agent_id, t.model
      from input i left join lateral (
        select ${traces.id} as id, ${traces.timestamp} as timestamp, ${traces.agentId} as agent_id, ${traces.model} as model from ${traces}
        where ${traces.workspaceId} = ${ws} and ${traces.traceId} = i.trace_id order by ${traces.timestamp} desc limit 1) t on true),
    typed as (
      select r.*, coalesce(
        (select ${scores.type} from ${scores} where ${scores.workspaceId} = ${ws} and ${scores.name} = r.name limit 1),
        (select f.type from resolved f where f.name = r.name and f.trace_row_id is not null order by f.idx limit 1)) as expected_type
      from resolved r)
    select idx, case when trace_row_id is null then 'no_trace' when type <> expected_type then 'type' else 'stored' end as outcome,
      expected_type, trace_row_id, trace_timestamp, agent_id, model
    from typed order by idx`);
  return z.array(resolvedRow).parse(resultRows(result));
}

/** A score to store, its trace already known: the row of packages/db/src/scores.ts. */
export interface ScoreRow extends RolledScore {
  traceRowId: string;
  traceId: string;
  source: ScoreSource;
  comment: string | null;
}
type Written = Omit<ScoreRow, 'updatedAt'>;

const upsertedRow = z.object({ trace_row_id: z.string(), name: z.string(), source: z.enum(SCORE_SOURCES), inserted: z.boolean(), updated_at: instant });

/**
 * The one write path of `scores` (docs/API_SPEC.md §10), for POST /scores and the evaluators:
 * upserts the rows on (workspace, trace, name, source), the last of a key in `rows` winning, and
 * keeps the score rollups equal to the scores in the same transaction. Returns the keys
 * (scoreKeyOf) that were new.
 *
 * It first takes the (trace, name)s it writes (lockScoredNames), then locks and reads every
 * stored score of them in key order (the latest committed values), then writes in key order:
 * batches sharing keys queue behind each other instead of deadlocking, each replaced value is
 * taken out of the rollups exactly once, and a score that no longer decides its call's value
 * (decisions.ts) moves in the rollups with it. A key that another transaction inserted after
 * the lock was taken (so it was not read) is a serialization conflict: the caller's
 * transaction runs again.
 *
 * A replaced score's updated_at is the clock when it is written, not the transaction's start:
 * it is written after the lock, so after the commit of the value it replaces, and a score's
 * updated_at never goes back. The rollups' latest write of a group can then only move forward
 * with it (greatest), whichever of two racing transactions started first.
 */
export async function storeScores(tx: Executor, workspaceId: string, rows: readonly Written[]): Promise<Set<string>> {
  const written = new Map(rows.map((r) => [scoreKeyOf(r), r]));
  const latest = [...written.values()];
  if (latest.length === 0) return new Set();
  const column = <K extends keyof Written>(key: K, type: string) =>
    arrayParam(latest.map((r) => { const v = r[key]; return v instanceof Date ? v.toISOString() : (v as string | number | null); }), type);
  const ws = sql`${workspaceId}::uuid`;
  const names = [...new Map(latest.map((r) => [JSON.stringify([r.traceRowId, r.name]), r])).values()];
  await lockScoredNames(tx, names);
  const before = await storedScoresOf(tx, workspaceId, names);
  const upserted = z.array(upsertedRow).parse(
    resultRows(
      await tx.execute(sql`
        insert into ${scores} (${bareList([scores.workspaceId, scores.traceRowId, scores.name, scores.source, scores.traceId, scores.traceTimestamp,
          scores.agentId, scores.model, scores.type, scores.numericValue, scores.categoricalValue, scores.comment])})
        select ${ws}, u.* from unnest(${column('traceRowId', 'uuid')}, ${column('name', 'text')}, ${column('source', 'text')}, ${column('traceId', 'text')},
          ${column('traceTimestamp', 'timestamptz')}, ${column('agentId', 'text')}, ${column('model', 'text')}, ${column('type', 'text')},
          ${column('numericValue', 'float8')}, ${column('categoricalValue', 'text')}, ${column('comment', 'text')}) as u
        order by 2, 3, 4
        on conflict (${bareList([scores.workspaceId, scores.traceRowId, scores.name, scores.source])}) do update set
          type = excluded.type, numeric_value = excluded.numeric_value, categorical_value = excluded.categorical_value,
          comment = excluded.comment, updated_at = clock_timestamp()
        returning ${bareList([scores.traceRowId, scores.name, scores.source])}, (xmax = 0) as inserted, ${bareList([scores.updatedAt])}`),
    ),
  );
  const stored = new Map(before.map((s) => [scoreKeyOf(s), s]));
  const after = new Map(stored);
  const inserted = new Set<string>();
  for (const u of upserted) {
    const key = scoreKeyOf({ traceRowId: u.trace_row_id, name: u.name, source: u.source });
    const prior = stored.get(key);
    if (u.inserted === (prior !== undefined)) throw new SerializationConflict('a score changed between its lock and its write');
    if (u.inserted) inserted.add(key);
    const w = written.get(key)!;
    // A replacement keeps the stored row's trace time, agent and model (the upsert sets only the value).
    after.set(key, {
      ...(prior ?? w),
      traceRowId: w.traceRowId,
      source: w.source,
      name: w.name,
      type: w.type,
      numericValue: w.numericValue,
      categoricalValue: w.categoricalValue,
      updatedAt: new Date(u.updated_at),
    });
  }
  await applyScoreChanges(tx, workspaceId, changesBetween(before, [...after.values()]));
  return inserted;
}

/**
 * Stores scores of a workspace's calls (docs/API_SPEC.md §10): validates each item on its own,
 * writes the valid ones atomically, and reports each as new, updated (the same trace_id, name
 * and source again) or rejected. Also the entry point of evaluators writing `llm`/`rule` scores.
 */
export async function writeScores(database: Database, workspaceId: string, items: readonly unknown[]): Promise<ScoresResponse> {
  const { valid, rejected } = validateScores(items);
  // One transaction: a retry re-runs all of it, so the counts are those of the run that committed.
  const { outcomes, inserted } = await retryOnConflict(() =>
    database.db.transaction(async (tx) => {
      const outcomes = valid.length === 0 ? [] : await resolveScores(tx, workspaceId, valid);
      const byIndex = new Map(valid.map((v) => [v.index, v]));
      const stored = outcomes.filter((o) => o.outcome === 'stored').map((o): Written => {
        const item = byIndex.get(o.idx)!;
        return {
          traceRowId: o.trace_row_id!,
          traceId: item.traceId,
          traceTimestamp: new Date(o.trace_timestamp!),
          agentId: o.agent_id!,
          model: o.model!,
          name: item.name,
          source: item.source,
          type: item.type,
          numericValue: item.numericValue,
          categoricalValue: item.categoricalValue,
          comment: item.comment,
        };
      });
      return { outcomes, inserted: await storeScores(tx, workspaceId, stored) };
    }),
  );
  const byIndex = new Map(valid.map((v) => [v.index, v]));
  const counted = new Set<string>();
  let accepted = 0;
  let updated = 0;
  for (const o of outcomes) {
    const item = byIndex.get(o.idx)!;
    if (o.outcome === 'no_trace') rejected.push({ index: o.idx, trace_id: item.traceId, errors: ['trace_id: no such trace'] });
    else if (o.outcome === 'type') {
      rejected.push({ index: o.idx, trace_id: item.traceId, errors: [`value: must be ${o.expected_type} like the earlier "${item.name}" scores`] });
    } else {
      // A new key counts as accepted once, for its first item; its later items in the batch replace it.
      const key = scoreKeyOf({ traceRowId: o.trace_row_id!, name: item.name, source: item.source });
      if (inserted.has(key) && !counted.has(key)) accepted++;
      else updated++;
      counted.add(key);
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, updated, rejected };
}
