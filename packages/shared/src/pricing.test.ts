import { describe, expect, it } from 'vitest';
import { computeCostNanos, findModelPrice, PRICE_CATALOG } from './pricing.js';

describe('price catalog', () => {
  it('covers at least 25 models of the five providers, priced in whole nano-dollars per token', () => {
    expect(PRICE_CATALOG.length).toBeGreaterThanOrEqual(25);
    expect(new Set(PRICE_CATALOG.map((e) => e.provider))).toEqual(new Set(['openai', 'anthropic', 'google', 'mistral', 'meta']));
    for (const e of PRICE_CATALOG) {
      expect(Number.isInteger(Math.round(e.input_per_mtok_usd * 1000 * 1e6) / 1e6)).toBe(true);
      expect(Number.isInteger(Math.round(e.output_per_mtok_usd * 1000 * 1e6) / 1e6)).toBe(true);
    }
    expect(new Set(PRICE_CATALOG.map((e) => e.model)).size).toBe(PRICE_CATALOG.length);
  });

  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['GPT-4o', 'gpt-4o'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai/gpt-4.1-mini', 'gpt-4.1-mini'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['anthropic/claude-opus-4', 'claude-opus-4'],
    ['models/gemini-1.5-pro-002', 'gemini-1.5-pro'],
    ['gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['mistral-large-2411', 'mistral-large'],
    ['mistral-large-latest', 'mistral-large'],
    ['meta-llama/Meta-Llama-3.1-70B-Instruct', 'llama-3.1-70b-instruct'],
    ['o3-mini-2025-01-31', 'o3-mini'],
  ])('%s is priced as %s', (model, expected) => {
    expect(findModelPrice(model)?.model).toBe(expected);
  });

  it.each(['gpt-4', 'my-model', 'gpt-4o-ultra', ''])('%j is not in the catalog', (model) => {
    expect(findModelPrice(model)).toBeUndefined();
  });

  it('computes costs exactly in nano-dollars', () => {
    // gpt-4o: $2.50 / $10.00 per million tokens.
    expect(computeCostNanos('gpt-4o', 1000, 500)).toEqual({ costNanos: 7_500_000n, known: true });
    // gemini-1.5-flash: $0.075 / $0.30 → 75 and 300 nano-dollars per token.
    expect(computeCostNanos('gemini-1.5-flash', 3, 7)).toEqual({ costNanos: 2325n, known: true });
    expect(computeCostNanos('unknown-model', 1000, 1000)).toEqual({ costNanos: 0n, known: false });
  });
});
