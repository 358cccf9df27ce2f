import type { Executor } from '../scores/score-rollups.js';
import { storeScores } from '../scores/write-scores.js';
import type { ScoreSpec, ScoreValue } from './verdict.js';

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

/**
 * The evaluators' way into `scores`: the write path of POST /scores (storeScores), on the same
 * key (workspace, call, name, source), so a judgment again replaces the value and the score
 * rollups follow (docs/API_SPEC.md §10).
 */
export async function writeEvaluatorScores(tx: Executor, workspaceId: string, items: readonly EvaluatorScore[]): Promise<void> {
  await storeScores(
    tx,
    workspaceId,
    items.map((item) => ({
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
    })),
  );
}
