import type { ScoreType } from '@pulse/shared';

export interface ScoreSpec {
  name: string;
  type: ScoreType;
  labels: string[] | null;
}

export type ScoreValue = number | boolean | string;

/** What the judge must answer, appended to the evaluator's prompt. */
function answerFormat(score: ScoreSpec): string {
  const value =
    score.type === 'numeric'
      ? 'a number from 0 to 1'
      : score.type === 'boolean'
        ? 'true or false'
        : `one of ${(score.labels ?? []).map((l) => JSON.stringify(l)).join(', ')}`;
  return `\n\nAnswer with only a JSON object {"score": <${value}>, "reason": "<one sentence>"}.`;
}

/** The judge's prompt: the template with {{input}} and {{output}} replaced (once each pass, never re-expanded). */
export function judgePrompt(template: string, input: string, output: string, score: ScoreSpec): string {
  return template.replace(/\{\{(input|output)\}\}/g, (_m, field: string) => (field === 'input' ? input : output)) + answerFormat(score);
}

/** A judge answer that is not a verdict: a recorded failure of the judgment. */
export class UnparseableVerdictError extends Error {
  override readonly name = 'UnparseableVerdictError';
}

const MAX_REASON = 4000;

/** The judge's `{"score", "reason"}` as a score of the evaluator's type (docs/API_SPEC.md §13). */
export function parseVerdict(text: string, score: ScoreSpec): { value: ScoreValue; reason: string | null } {
  let parsed: unknown;
  try {
    // Some models wrap JSON in a Markdown fence even in JSON mode.
    parsed = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    throw new UnparseableVerdictError(`the judge's answer is not JSON: ${text.slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || !('score' in parsed)) {
    throw new UnparseableVerdictError(`the judge's answer has no "score": ${text.slice(0, 200)}`);
  }
  const { score: value, reason } = parsed as { score: unknown; reason?: unknown };
  const why = typeof reason === 'string' && reason.length > 0 ? reason.slice(0, MAX_REASON) : null;
  if (score.type === 'numeric' && typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return { value, reason: why };
  if (score.type === 'boolean' && typeof value === 'boolean') return { value, reason: why };
  if (score.type === 'categorical' && typeof value === 'string' && (score.labels ?? []).includes(value)) return { value, reason: why };
  throw new UnparseableVerdictError(`the judge's score ${JSON.stringify(value)?.slice(0, 100)} is not a ${score.type} score${score.labels ? ` of ${score.labels.join(', ')}` : ''}`);
}
