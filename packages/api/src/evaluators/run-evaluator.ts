import { type Database, schema } from '@pulse/db';
import { and, eq, sql } from 'drizzle-orm';
import { ingestTraces } from '../ingest/ingest-traces.js';
import type { Logger } from '../logger.js';
import { type Candidate, nextCandidates, settledBefore } from './candidates.js';
import { judgeCallTrace } from './judge-call.js';
import { type JudgeDeps, judgeOne } from './judge-one.js';
import { type EvaluatorScore, writeEvaluatorScores } from './score-sink.js';
import { type EvaluatorRow, NIL_UUID, settingsOf } from './stored-evaluator.js';

const { evaluators } = schema;

export interface EvaluatorRunDeps extends JudgeDeps {
  database: Database;
  logger: Logger;
  /** Calls stored less than this long ago wait for the next pass (Config.evaluatorSettleMs). */
  settleMs: number;
  onWorkspaceWrite(workspaceId: string): Promise<void>;
  /** Set when the server shuts down: the batch stops after the judgment in progress. */
  stopping?: AbortSignal;
}

/** Calls one pass examines per evaluator: few for an LLM (each is a request), many for a rule. */
const BATCH = { llm: 20, rule: 1000 } as const;

type Cursor = Pick<EvaluatorRow, 'cursorAt' | 'cursorId'>;

/**
 * Where the cursor goes: past the last call examined; when the batch saw every settled call,
 * up to the settled moment. Never back.
 */
function cursorAfter(evaluator: EvaluatorRow, examined: readonly Candidate[], sawAll: boolean, settled: Date): Cursor {
  const kept = { cursorAt: evaluator.cursorAt, cursorId: evaluator.cursorId };
  if (sawAll) return settled > evaluator.cursorAt ? { cursorAt: settled, cursorId: NIL_UUID } : kept;
  const last = examined.at(-1);
  return last ? { cursorAt: last.receivedAt, cursorId: last.rowId } : kept;
}

/**
 * One batch of one evaluator (docs/API_SPEC.md §13): judge the next calls, then in one
 * transaction write their scores and move the cursor past them, so a call is judged once;
 * record the judge calls as traces. Returns how many calls it examined.
 */
export async function runEvaluatorBatch(deps: EvaluatorRunDeps, evaluator: EvaluatorRow): Promise<number> {
  const { database } = deps;
  const settled = await settledBefore(database, deps.settleMs);
  const limit = BATCH[evaluator.kind];
  const calls = await nextCandidates(database, evaluator, settled, limit);

  const { score } = settingsOf(evaluator);
  const source = evaluator.kind === 'llm' ? 'llm' : 'rule';
  const scores: EvaluatorScore[] = [];
  const judgeCalls = [];
  let failed = 0;
  let lastError: string | null = null;
  let examined = 0;
  for (const call of calls) {
    if (deps.stopping?.aborted) break;
    const judgment = await judgeOne(deps, evaluator, call);
    examined++;
    if (judgment.judgeCall) judgeCalls.push(judgeCallTrace(judgment.judgeCall));
    if (judgment.value === undefined) {
      failed++;
      lastError = judgment.failure ?? 'unknown failure';
    } else {
      scores.push({ call, spec: score, source, value: judgment.value, comment: judgment.comment });
    }
  }

  const cursor = cursorAfter(evaluator, calls.slice(0, examined), calls.length < limit && examined === calls.length, settled);

  await database.db.transaction(async (tx) => {
    await writeEvaluatorScores(tx, evaluator.workspaceId, scores);
    // created_at tells this evaluator from one deleted and created again under its name meanwhile.
    await tx
      .update(evaluators)
      .set({
        ...cursor,
        judged: sql`${evaluators.judged} + ${scores.length}`,
        failed: sql`${evaluators.failed} + ${failed}`,
        ...(lastError === null ? {} : { lastError }),
        lastRunAt: sql`now()`,
      })
      .where(and(eq(evaluators.workspaceId, evaluator.workspaceId), eq(evaluators.name, evaluator.name), eq(evaluators.createdAt, evaluator.createdAt)));
  });
  // Judge calls are recorded without their text: nothing for redaction to do.
  if (judgeCalls.length > 0) await ingestTraces(database, evaluator.workspaceId, judgeCalls, { redactPii: false });
  if (scores.length > 0 || judgeCalls.length > 0) await deps.onWorkspaceWrite(evaluator.workspaceId);
  if (lastError !== null) {
    deps.logger.warn({ workspace_id: evaluator.workspaceId, evaluator: evaluator.name, failed, last_error: lastError }, 'evaluator judgments failed');
  }
  return examined;
}
