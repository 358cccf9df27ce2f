import { type Db, schema } from '@pulse/db';
import { sql } from 'drizzle-orm';
import type { ScoreSpec, ScoreValue } from './verdict.js';

const { scores } = schema;

/** The scored call, as the score row copies it (packages/db/src/scores.ts). */
export interface ScoredCall {
  rowId: string;
  traceId: string;
  timestamp: Date;
  agentId: string;
  model: string;
}

export interface EvaluatorScore {
  call: ScoredCall;
  spec: ScoreSpec;
  source: 'llm' | 'rule';
  value: ScoreValue;
  comment: string | null;
}

type Executor = Pick<Db, 'insert'>;

/**
 * The evaluators' one way into `scores`: an upsert on (workspace, call, name, source), the same
 * key as POST /scores (the scores section of docs/API_SPEC.md), so a judgment again replaces the value.
 */
export async function writeEvaluatorScores(tx: Executor, workspaceId: string, items: readonly EvaluatorScore[]): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((item) => ({
    workspaceId,
    traceRowId: item.call.rowId,
    traceId: item.call.traceId,
    traceTimestamp: item.call.timestamp,
    agentId: item.call.agentId,
    model: item.call.model,
    name: item.spec.name,
    source: item.source,
    type: item.spec.type,
    numericValue: typeof item.value === 'string' ? null : Number(item.value),
    categoricalValue: typeof item.value === 'string' ? item.value : null,
    comment: item.comment,
  }));
  await tx
    .insert(scores)
    .values(rows)
    .onConflictDoUpdate({
      target: [scores.workspaceId, scores.traceRowId, scores.name, scores.source],
      set: {
        type: sql`excluded.${sql.identifier(scores.type.name)}`,
        numericValue: sql`excluded.${sql.identifier(scores.numericValue.name)}`,
        categoricalValue: sql`excluded.${sql.identifier(scores.categoricalValue.name)}`,
        comment: sql`excluded.${sql.identifier(scores.comment.name)}`,
        updatedAt: sql`now()`,
      },
    });
}
