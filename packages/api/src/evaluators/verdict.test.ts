import { describe, expect, it } from 'vitest';
import { judgePrompt, parseVerdict, UnparseableVerdictError } from './verdict.js';

const numeric = { name: 'q', type: 'numeric' as const, labels: null };
const boolean = { name: 'q', type: 'boolean' as const, labels: null };
const categorical = { name: 'q', type: 'categorical' as const, labels: ['good', 'bad'] };

describe('judge prompts and verdicts (docs/API_SPEC.md §13)', () => {
  it('fills {{input}} and {{output}} once, without expanding placeholders inside the call text', () => {
    const prompt = judgePrompt('Q: {{input}} A: {{output}} ({{output}})', 'say {{output}}', 'yes', numeric);
    expect(prompt.startsWith('Q: say {{output}} A: yes (yes)')).toBe(true);
    expect(prompt).toContain('{"score": <a number from 0 to 1>');
    expect(judgePrompt('{{output}}', '', 'x', categorical)).toContain('one of "good", "bad"');
  });

  it('reads a score of the evaluator type, with its reason', () => {
    expect(parseVerdict('{"score": 0.25, "reason": "partly"}', numeric)).toEqual({ value: 0.25, reason: 'partly' });
    expect(parseVerdict('```json\n{"score": true}\n```', boolean)).toEqual({ value: true, reason: null });
    expect(parseVerdict('{"score": "bad", "reason": "wrong"}', categorical)).toEqual({ value: 'bad', reason: 'wrong' });
  });

  it('refuses what is not a verdict of that type', () => {
    for (const [text, spec] of [
      ['not json', numeric],
      ['{"reason": "no score"}', numeric],
      ['{"score": 1.5}', numeric],
      ['{"score": "0.5"}', numeric],
      ['{"score": 1}', boolean],
      ['{"score": "meh"}', categorical],
      ['[1]', numeric],
      ['null', numeric],
    ] as const) {
      expect(() => parseVerdict(text, spec), text).toThrow(UnparseableVerdictError);
    }
  });
});
