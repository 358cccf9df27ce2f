import type { schema } from '@pulse/db';
import type { EvaluatorInput, JudgeProvider } from '@pulse/shared';
import type { Rule } from './rules.js';
import type { ScoreSpec } from './verdict.js';

/** The `settings` column: what the API shows of an evaluator, its key aside. */
export interface EvaluatorSettings {
  llm: { provider: JudgeProvider; model: string; base_url: string | null; prompt: string } | null;
  rule: Rule | null;
  score: ScoreSpec;
  filters: { agent_id: string | null; model: string | null; tag: string | null };
}

export type EvaluatorRow = typeof schema.evaluators.$inferSelect;

export const settingsOf = (row: EvaluatorRow) => row.settings as EvaluatorSettings;

/** The settings a PUT body gives, with the defaults of docs/API_SPEC.md §13 filled in. */
export function settingsFrom(input: EvaluatorInput): EvaluatorSettings {
  const { llm, rule, score, filters } = input;
  return {
    llm: llm ? { provider: llm.provider, model: llm.model, base_url: llm.base_url ?? null, prompt: llm.prompt } : null,
    rule: rule ? { type: rule.type, pattern: rule.pattern ?? null, min_length: rule.min_length ?? null, max_length: rule.max_length ?? null } : null,
    score: {
      name: score?.name ?? input.name,
      type: score?.type ?? (input.kind === 'llm' ? 'numeric' : 'boolean'),
      labels: score?.labels ?? null,
    },
    filters: { agent_id: filters.agent_id ?? null, model: filters.model ?? null, tag: filters.tag ?? null },
  };
}

/** Below every id: a cursor at (t, NIL_UUID) comes before every call received at t. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
