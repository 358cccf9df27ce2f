import { uuidv7 } from '@pulse/db';
import { EVALUATOR_AGENT_ID } from '@pulse/shared';

export interface JudgeCallRecord {
  evaluator: string;
  judgedTraceId: string;
  model: string;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Why the judgment failed, when it did. */
  error?: { type: string; message: string };
}

/**
 * A judge call as a trace of agent `pulse-evaluator` in the judged call's workspace, for the
 * normal ingest (priced by the catalog, so it shows on the Cost page). It carries no text: the
 * evaluators never judge their own calls, and the prompt holds the judged call's text already.
 */
export function judgeCallTrace(call: JudgeCallRecord) {
  return {
    trace_id: `eval-${uuidv7()}`,
    timestamp: new Date().toISOString(),
    agent_id: EVALUATOR_AGENT_ID,
    model: call.model,
    status: call.error ? 'error' : 'success',
    latency_ms: Math.max(0, Math.round(call.latencyMs * 1000) / 1000),
    input_tokens: call.inputTokens,
    output_tokens: call.outputTokens,
    ...(call.error ? { error_type: call.error.type, error_message: call.error.message.slice(0, 1000) } : {}),
    metadata: { evaluator: call.evaluator, judged_trace_id: call.judgedTraceId },
  };
}
