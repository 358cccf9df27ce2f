import type { Config } from '../config.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Candidate } from './candidates.js';
import { callJudge, JudgeCallError, type RetryPolicy } from './judge-client.js';
import type { JudgeCallRecord } from './judge-call.js';
import { applyRule } from './rules.js';
import { type EvaluatorRow, settingsOf } from './stored-evaluator.js';
import type { TokenBucket } from './token-bucket.js';
import { judgePrompt, parseVerdict, type ScoreValue, UnparseableVerdictError } from './verdict.js';

export interface JudgeDeps {
  box: SecretBox;
  judges: Config['judges'];
  buckets: Record<keyof Config['judges'], TokenBucket>;
  retry: RetryPolicy;
}

/** One call's judgment: a score value, or why there is none; and the judge call made, if any. */
export interface Judgment {
  value?: ScoreValue;
  comment: string | null;
  failure?: string;
  judgeCall?: JudgeCallRecord;
}

function providerKey(deps: JudgeDeps, evaluator: EvaluatorRow, provider: keyof Config['judges']): string | undefined {
  if (evaluator.apiKeySealed === null) return deps.judges[provider].apiKey;
  try {
    return deps.box.open(evaluator.apiKeySealed);
  } catch {
    return undefined;
  }
}

/** Judges one call by the evaluator's rule or LLM (docs/API_SPEC.md §13). */
export async function judgeOne(deps: JudgeDeps, evaluator: EvaluatorRow, call: Candidate): Promise<Judgment> {
  const settings = settingsOf(evaluator);
  if (settings.rule) return { value: applyRule(settings.rule, call.output), comment: null };
  const llm = settings.llm!;
  const apiKey = providerKey(deps, evaluator, llm.provider);
  if (!apiKey) {
    const where = evaluator.apiKeySealed === null ? `llm.api_key or ${llm.provider.toUpperCase()}_API_KEY` : 'llm.api_key again (the stored key cannot be decrypted: was PULSE_SECRET_KEY changed?)';
    return { comment: null, failure: `no ${llm.provider} API key: set ${where}` };
  }
  const started = performance.now();
  const record = (inputTokens: number, outputTokens: number, error?: JudgeCallRecord['error']): JudgeCallRecord => ({
    evaluator: evaluator.name,
    judgedTraceId: call.traceId,
    model: llm.model,
    latencyMs: performance.now() - started,
    inputTokens,
    outputTokens,
    ...(error ? { error } : {}),
  });
  const prompt = judgePrompt(llm.prompt, call.input, call.output, settings.score);
  const request = { provider: llm.provider, baseUrl: llm.base_url ?? deps.judges[llm.provider].baseUrl, apiKey, model: llm.model, prompt };
  try {
    const answer = await callJudge(request, deps.buckets[llm.provider], deps.retry);
    try {
      const verdict = parseVerdict(answer.text, settings.score);
      return { value: verdict.value, comment: verdict.reason, judgeCall: record(answer.inputTokens, answer.outputTokens) };
    } catch (error) {
      if (!(error instanceof UnparseableVerdictError)) throw error;
      return { comment: null, failure: error.message, judgeCall: record(answer.inputTokens, answer.outputTokens, { type: 'unparseable_verdict', message: error.message }) };
    }
  } catch (error) {
    if (!(error instanceof JudgeCallError)) throw error;
    return { comment: null, failure: error.message, judgeCall: record(0, 0, { type: error.errorType, message: error.message }) };
  }
}
