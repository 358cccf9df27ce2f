import { type Database, pgArray, schema } from '@pulse/db';
import { scoreInputSchema, type ScoresResponse, type ScoreType, scoreTypeOf } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { num } from '../analytics/decode.js';
import { retryOnConflict } from '../db/retry-transaction.js';
import { issuePath } from '../http/errors.js';

const { traces, scores } = schema;

type Rejected = ScoresResponse['rejected'][number];

/** A valid item, as the statement takes it. `index` is its place in the batch. */
interface ValidScore {
  index: number;
  traceId: string;
  name: string;
  source: string;
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

/** What the statement says of each valid item. */
const outcomeRow = z.object({
  idx: num,
  /** stored | no_trace | type */
  outcome: z.enum(['stored', 'no_trace', 'type']),
  expected_type: z.string().nullable(),
  /** Stored as a new score: the first of its key in the batch, and no score had that key before. */
  is_new: z.boolean().nullable(),
});

/**
 * One statement, so one transaction: resolve each item's trace (the newest of the workspace's
 * traces with that trace_id), check its type against the name's, and upsert the last item of
 * each (trace, name, source) in the batch. Rows are written in the order of the primary key:
 * batches that share keys wait for each other in the same order, never in a cycle.
 *
 * A name keeps the type of its first score (docs/API_SPEC.md §10): an item of another type is
 * rejected naming `value`. In a batch that brings a new name, its first item with a trace sets it.
 */
async function upsertScores(database: Database, workspaceId: string, items: readonly ValidScore[]) {
  if (items.length === 0) return [];
  const column = <K extends keyof ValidScore>(key: K, type: string) =>
    sql`${sql.param(pgArray(items.map((i) => i[key] as string | number | null)))}::${sql.raw(type)}[]`;
  const ws = sql`${workspaceId}::uuid`;
  const result = await database.rows(sql`
    with input as (
      select * from unnest(${column('index', 'int')}, ${column('traceId', 'text')}, ${column('name', 'text')}, ${column('source', 'text')},
        ${column('type', 'text')}, ${column('numericValue', 'float8')}, ${column('categoricalValue', 'text')}, ${column('comment', 'text')})
        as u (idx, trace_id, name, source, type, numeric_value, categorical_value, comment)),
    resolved as (
      select i.*, t.id as trace_row_id, t.timestamp as trace_timestamp, t.agent_id, t.model
      from input i left join lateral (
        select ${traces.id} as id, ${traces.timestamp} as timestamp, ${traces.agentId} as agent_id, ${traces.model} as model from ${traces}
        where ${traces.workspaceId} = ${ws} and ${traces.traceId} = i.trace_id order by ${traces.timestamp} desc limit 1) t on true),
    typed as (
      select r.*, coalesce(
        (select ${scores.type} from ${scores} where ${scores.workspaceId} = ${ws} and ${scores.name} = r.name limit 1),
        (select f.type from resolved f where f.name = r.name and f.trace_row_id is not null order by f.idx limit 1)) as expected_type
      from resolved r),
    valid as (select * from typed where trace_row_id is not null and type = expected_type),
    latest as (select distinct on (trace_row_id, name, source) * from valid order by trace_row_id, name, source, idx desc),
    written as (
      insert into ${scores} (workspace_id, trace_row_id, name, source, trace_id, trace_timestamp, agent_id, model, type,
        numeric_value, categorical_value, comment)
      select ${ws}, trace_row_id, name, source, trace_id, trace_timestamp, agent_id, model, type, numeric_value, categorical_value, comment
      from latest order by trace_row_id, name, source
      on conflict (workspace_id, trace_row_id, name, source) do update set
        type = excluded.type, numeric_value = excluded.numeric_value, categorical_value = excluded.categorical_value,
        comment = excluded.comment, updated_at = now()
      returning trace_row_id, name, source, (xmax = 0) as inserted)
    select t.idx,
      case when t.trace_row_id is null then 'no_trace' when t.type <> t.expected_type then 'type' else 'stored' end as outcome,
      t.expected_type,
      w.inserted and t.idx = min(t.idx) over (partition by t.trace_row_id, t.name, t.source, w.inserted) as is_new
    from typed t left join written w on w.trace_row_id = t.trace_row_id and w.name = t.name and w.source = t.source
      and t.type = t.expected_type`);
  return z.array(outcomeRow).parse(result);
}

/**
 * Stores scores of a workspace's calls (docs/API_SPEC.md §10): validates each item on its own,
 * writes the valid ones atomically, and reports each as new, updated (the same trace_id, name
 * and source again) or rejected. Also the entry point of evaluators writing `llm`/`rule` scores.
 */
export async function writeScores(database: Database, workspaceId: string, items: readonly unknown[]): Promise<ScoresResponse> {
  const { valid, rejected } = validateScores(items);
  // One statement is one transaction: a retry re-runs all of it, so the counts are those of the run that committed.
  const outcomes = await retryOnConflict(() => upsertScores(database, workspaceId, valid));
  const byIndex = new Map(valid.map((v) => [v.index, v]));
  let accepted = 0;
  let updated = 0;
  for (const o of outcomes) {
    const item = byIndex.get(o.idx)!;
    if (o.outcome === 'no_trace') rejected.push({ index: o.idx, trace_id: item.traceId, errors: ['trace_id: no such trace'] });
    else if (o.outcome === 'type') {
      rejected.push({ index: o.idx, trace_id: item.traceId, errors: [`value: must be ${o.expected_type} like the earlier "${item.name}" scores`] });
    } else if (o.is_new) accepted++;
    else updated++;
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, updated, rejected };
}
