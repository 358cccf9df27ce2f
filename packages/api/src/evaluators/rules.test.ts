import { describe, expect, it } from 'vitest';
import { applyRule, type Rule } from './rules.js';

const rule = (r: Partial<Rule> & Pick<Rule, 'type'>): Rule => ({ pattern: null, min_length: null, max_length: null, ...r });

describe('rule evaluators (docs/API_SPEC.md §13)', () => {
  it('json_valid', () => {
    const r = rule({ type: 'json_valid' });
    for (const ok of ['{"a":1}', '[1,2]', '"text"', '42', ' {"nested":{"x":[true,null]}} ']) expect(applyRule(r, ok), ok).toBe(true);
    for (const bad of ['', '{a:1}', "{'a':1}", '{"a":1', 'plain text', '{"a":1}}']) expect(applyRule(r, bad), bad).toBe(false);
  });

  it('regex_match', () => {
    const r = rule({ type: 'regex_match', pattern: '^Order #\\d{4,}$' });
    expect(applyRule(r, 'Order #12345')).toBe(true);
    expect(applyRule(r, 'Order #12')).toBe(false);
    expect(applyRule(r, 'order #12345')).toBe(false);
    expect(applyRule(rule({ type: 'regex_match', pattern: '\\p{Emoji_Presentation}' }), 'Thanks 🎉')).toBe(true);
  });

  it('output_length counts characters, bounds inclusive', () => {
    const r = rule({ type: 'output_length', min_length: 2, max_length: 5 });
    expect(applyRule(r, 'ab')).toBe(true);
    expect(applyRule(r, 'abcde')).toBe(true);
    expect(applyRule(r, 'a')).toBe(false);
    expect(applyRule(r, 'abcdef')).toBe(false);
    // Five characters, ten UTF-16 units.
    expect(applyRule(r, '😀😀😀😀😀')).toBe(true);
    expect(applyRule(rule({ type: 'output_length', min_length: 3 }), 'x'.repeat(100_000))).toBe(true);
    expect(applyRule(rule({ type: 'output_length', max_length: 0 }), '')).toBe(true);
  });

  it('contains_refusal', () => {
    const r = rule({ type: 'contains_refusal' });
    for (const refusal of [
      "I'm sorry, but I can't help with that request.",
      'I cannot assist with creating malware.',
      'As an AI language model, I do not have opinions.',
      'Unfortunately I am unable to provide medical advice.',
      'I won’t be able to do that. I can’t comply with this.',
    ]) {
      expect(applyRule(r, refusal), refusal).toBe(true);
    }
    for (const answer of [
      'Open Settings, then Security, then Reset.',
      "Sorry for the wait! Here's your refund status: approved.",
      'You cannot reset the password without email access; use the recovery code instead.',
      'The AI model returned 3 results.',
    ]) {
      expect(applyRule(r, answer), answer).toBe(false);
    }
  });
});
