import { type Database, schema } from '@pulse/db';
import { EVALUATOR_AGENT_ID } from '@pulse/shared';
import { type SQL, and, asc, sql } from 'drizzle-orm';
import { sampledSql } from './sampling.js';
import { type EvaluatorRow, settingsOf } from './stored-evaluator.js';

const { traces } = schema;

/**
 * The calls an evaluator has still to judge (docs/API_SPEC.md §13): its workspace's calls with
 * both input and output captured, received after its cursor, matching its filters, sampled;
 * never the judge calls themselves.
 */
function pendingCalls(evaluator: EvaluatorRow): SQL {
  const { filters } = settingsOf(evaluator);
  return and(
    sql`${traces.workspaceId} = ${evaluator.workspaceId}::uuid`,
    sql`${traces.input} is not null and ${traces.output} is not null`,
    sql`(${traces.receivedAt}, ${traces.id}) > (${evaluator.cursorAt.toISOString()}::timestamptz, ${evaluator.cursorId}::uuid)`,
    sql`${traces.agentId} <> ${EVALUATOR_AGENT_ID}`,
    filters.agent_id === null ? undefined : sql`${traces.agentId} = ${filters.agent_id}`,
    filters.model === null ? undefined : sql`${traces.model} = ${filters.model}`,
    filters.tag === null ? undefined : sql`${traces.tags} @> ${JSON.stringify([filters.tag])}::jsonb`,
    sampledSql(evaluator.name, evaluator.sampleRate),
  )!;
}

/** How many calls wait for the evaluator. */
export async function pendingCount(database: Database, evaluator: EvaluatorRow): Promise<number> {
  const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from ${traces} where ${pendingCalls(evaluator)}`);
  return Number(row?.n ?? 0);
}

export interface Candidate {
  rowId: string;
  receivedAt: Date;
  traceId: string;
  timestamp: Date;
  agentId: string;
  model: string;
  input: string;
  output: string;
}

/**
 * The moment before which every call is committed: a batch being inserted carries the time its
 * statement started, and commits (or fails) within the statement timeout, which `settleMs`
 * exceeds. Truncated to the millisecond, as received_at and the cursor are stored.
 */
export async function settledBefore(database: Database, settleMs: number): Promise<Date> {
  const [row] = await database.rows<{ at: string }>(sql`select date_trunc('milliseconds', now() - ${settleMs} * interval '1 millisecond')::text as at`);
  return new Date(row!.at);
}

/** The next calls to judge, in the order received, among those received before `settled`. */
export async function nextCandidates(database: Database, evaluator: EvaluatorRow, settled: Date, limit: number): Promise<Candidate[]> {
  const rows = await database.db
    .select({
      rowId: traces.id,
      receivedAt: traces.receivedAt,
      traceId: traces.traceId,
      timestamp: traces.timestamp,
      agentId: traces.agentId,
      model: traces.model,
      input: traces.input,
      output: traces.output,
    })
    .from(traces)
    .where(and(pendingCalls(evaluator), sql`${traces.receivedAt} < ${settled.toISOString()}::timestamptz`))
    .orderBy(asc(traces.receivedAt), asc(traces.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, input: r.input ?? '', output: r.output ?? '' }));
}
