import { type EvaluatorView, evaluatorInputSchema, type JudgeProvider, type RuleType, type ScoreType } from '@pulse/shared';

/** The evaluator form as typed: every field a string or a flag, whatever the kind. */
export interface EvaluatorFormValues {
  name: string;
  kind: 'llm' | 'rule';
  provider: JudgeProvider;
  model: string;
  baseUrl: string;
  prompt: string;
  /** Empty keeps the stored key: the server never sends it back. */
  apiKey: string;
  ruleType: RuleType;
  pattern: string;
  minLength: string;
  maxLength: string;
  scoreType: ScoreType;
  /** Comma-separated. */
  labels: string;
  sampleRate: string;
  enabled: boolean;
}

export const NEW_EVALUATOR: EvaluatorFormValues = {
  name: '',
  kind: 'llm',
  provider: 'gemini',
  model: 'gemini-2.0-flash',
  baseUrl: '',
  prompt: 'Rate how helpful the answer is to the question, from 0 to 1.\nQuestion: {{input}}\nAnswer: {{output}}',
  apiKey: '',
  ruleType: 'json_valid',
  pattern: '',
  minLength: '',
  maxLength: '',
  scoreType: 'numeric',
  labels: '',
  sampleRate: '1',
  enabled: true,
};

/** The form of an evaluator the server answered, to edit it. */
export function formValuesOf(e: EvaluatorView): EvaluatorFormValues {
  return {
    ...NEW_EVALUATOR,
    name: e.name,
    kind: e.kind,
    ...(e.llm ? { provider: e.llm.provider, model: e.llm.model, baseUrl: e.llm.base_url ?? '', prompt: e.llm.prompt } : {}),
    ...(e.rule
      ? { ruleType: e.rule.type, pattern: e.rule.pattern ?? '', minLength: e.rule.min_length?.toString() ?? '', maxLength: e.rule.max_length?.toString() ?? '' }
      : {}),
    scoreType: e.score.type,
    labels: (e.score.labels ?? []).join(', '),
    sampleRate: String(e.sample_rate),
    enabled: e.enabled,
  };
}

const number = (text: string) => (text.trim() === '' ? undefined : Number(text));

/**
 * The PUT input the form stands for, checked by the same schema as the server
 * (docs/API_SPEC.md §13): the input, or one message per field.
 */
export function parseEvaluatorForm(v: EvaluatorFormValues) {
  const labels = v.labels.split(',').map((l) => l.trim()).filter(Boolean);
  const candidate = {
    name: v.name.trim(),
    kind: v.kind,
    ...(v.kind === 'llm'
      ? {
          llm: {
            provider: v.provider,
            model: v.model.trim(),
            base_url: v.baseUrl.trim() === '' ? null : v.baseUrl.trim(),
            prompt: v.prompt,
            ...(v.apiKey === '' ? {} : { api_key: v.apiKey }),
          },
        }
      : {
          rule: {
            type: v.ruleType,
            ...(v.ruleType === 'regex_match' ? { pattern: v.pattern } : {}),
            ...(v.ruleType === 'output_length' ? { min_length: number(v.minLength), max_length: number(v.maxLength) } : {}),
          },
        }),
    score: { type: v.kind === 'rule' ? 'boolean' : v.scoreType, ...(v.kind === 'llm' && v.scoreType === 'categorical' ? { labels } : {}) },
    sample_rate: number(v.sampleRate) ?? Number.NaN,
    enabled: v.enabled,
  };
  const parsed = evaluatorInputSchema.safeParse(candidate);
  if (parsed.success) return { input: parsed.data, errors: undefined };
  return { input: undefined, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
}
