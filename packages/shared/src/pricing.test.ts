import { describe, expect, it } from 'vitest';
import { callCostNanos, decimalText, exactDecimal } from './price-formula.js';
import { catalogPrices, findModelPrice, PRICE_CATALOG } from './pricing.js';

/** Every catalog entry: [model, [input, cache read, cache write, output] USD per million tokens, effective]. */
const PINNED: Array<[string, [number, number, number, number], string]> = [
  ['gpt-4o', [2.5, 1.25, 2.5, 10], '2024-10-01'],
  ['gpt-4o-mini', [0.15, 0.075, 0.15, 0.6], '2024-10-01'],
  ['gpt-4.1', [2, 0.5, 2, 8], '2025-04-14'],
  ['gpt-4.1-mini', [0.4, 0.1, 0.4, 1.6], '2025-04-14'],
  ['gpt-4.1-nano', [0.1, 0.025, 0.1, 0.4], '2025-04-14'],
  ['gpt-4-turbo', [10, 10, 10, 30], '2024-04-09'],
  ['gpt-3.5-turbo', [0.5, 0.5, 0.5, 1.5], '2024-01-25'],
  ['o1', [15, 7.5, 15, 60], '2024-12-17'],
  ['o1-mini', [1.1, 0.55, 1.1, 4.4], '2024-10-01'],
  ['o3', [2, 0.5, 2, 8], '2025-06-10'],
  ['o3-mini', [1.1, 0.55, 1.1, 4.4], '2025-01-31'],
  ['o4-mini', [1.1, 0.275, 1.1, 4.4], '2025-04-16'],
  ['gpt-5', [1.25, 0.125, 1.25, 10], '2025-08-07'],
  ['gpt-5-mini', [0.25, 0.025, 0.25, 2], '2025-08-07'],
  ['gpt-5-nano', [0.05, 0.005, 0.05, 0.4], '2025-08-07'],
  ['claude-3-haiku', [0.25, 0.03, 0.3, 1.25], '2024-03-13'],
  ['claude-3-5-haiku', [0.8, 0.08, 1, 4], '2024-12-19'],
  ['claude-3-5-sonnet', [3, 0.3, 3.75, 15], '2024-08-14'],
  ['claude-3-7-sonnet', [3, 0.3, 3.75, 15], '2025-02-24'],
  ['claude-3-opus', [15, 1.5, 18.75, 75], '2024-08-14'],
  ['claude-sonnet-4', [3, 0.3, 3.75, 15], '2025-05-22'],
  ['claude-opus-4', [15, 1.5, 18.75, 75], '2025-05-22'],
  ['claude-haiku-4-5', [1, 0.1, 1.25, 5], '2025-10-15'],
  ['claude-sonnet-4-5', [3, 0.3, 3.75, 15], '2025-09-29'],
  ['gemini-1.5-pro', [1.25, 0.3125, 1.25, 5], '2024-10-01'],
  ['gemini-1.5-flash', [0.075, 0.01875, 0.075, 0.3], '2024-08-12'],
  ['gemini-2.0-flash', [0.1, 0.025, 0.1, 0.4], '2025-02-05'],
  ['gemini-2.0-flash-lite', [0.075, 0.075, 0.075, 0.3], '2025-02-25'],
  ['gemini-2.5-pro', [1.25, 0.125, 1.25, 10], '2025-06-17'],
  ['gemini-2.5-flash', [0.3, 0.03, 0.3, 2.5], '2025-06-17'],
  ['mistral-large', [2, 2, 2, 6], '2024-11-18'],
  ['mistral-medium', [0.4, 0.4, 0.4, 2], '2025-05-07'],
  ['mistral-small', [0.2, 0.2, 0.2, 0.6], '2024-09-17'],
  ['codestral', [0.3, 0.3, 0.3, 0.9], '2025-01-13'],
  ['ministral-8b', [0.1, 0.1, 0.1, 0.1], '2024-10-16'],
  ['llama-3.1-405b-instruct', [3, 3, 3, 3], '2024-07-23'],
  ['llama-3.1-70b-instruct', [0.88, 0.88, 0.88, 0.88], '2024-07-23'],
  ['llama-3.1-8b-instruct', [0.18, 0.18, 0.18, 0.18], '2024-07-23'],
  ['llama-3.3-70b-instruct', [0.88, 0.88, 0.88, 0.88], '2024-12-06'],
  ['llama-4-maverick', [0.27, 0.27, 0.27, 0.85], '2025-04-05'],
];

describe('price catalog', () => {
  it('covers at least 25 models of the five providers, each with its page and dates', () => {
    expect(PRICE_CATALOG.length).toBeGreaterThanOrEqual(25);
    expect(new Set(PRICE_CATALOG.map((e) => e.provider))).toEqual(new Set(['openai', 'anthropic', 'google', 'mistral', 'meta']));
    expect(new Set(PRICE_CATALOG.map((e) => e.model)).size).toBe(PRICE_CATALOG.length);
    for (const e of PRICE_CATALOG) {
      expect(e.source).toMatch(/^https:\/\//);
      expect(e.effective).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(e.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(e.effective <= e.checked).toBe(true);
    }
  });

  it('pins every entry', () => {
    expect(
      PRICE_CATALOG.map((e) => [e.model, [e.input_per_mtok_usd, e.cache_read_per_mtok_usd, e.cache_write_per_mtok_usd, e.output_per_mtok_usd], e.effective]),
    ).toEqual(PINNED);
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

  it('computes catalog costs exactly in nano-dollars', () => {
    const tokens = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens });
    // gpt-4o: $2.50 / $10.00 per million tokens.
    expect(callCostNanos(catalogPrices('gpt-4o')!, tokens(1000, 500))).toBe(7_500_000n);
    // gemini-1.5-flash: $0.075 / $0.30 → 75 and 300 nano-dollars per token.
    expect(callCostNanos(catalogPrices('gemini-1.5-flash')!, tokens(3, 7))).toBe(2325n);
    // claude-sonnet-4-5: 1000 input of which 600 read (0.3) and 100 written (3.75), 10 output (15).
    expect(callCostNanos(catalogPrices('claude-sonnet-4-5')!, tokens(1000, 10, 600, 100))).toBe(300n * 3000n + 600n * 300n + 100n * 3750n + 10n * 15000n);
    expect(catalogPrices('unknown-model')).toBeUndefined();
  });
});

describe('the price formula (docs/API_SPEC.md §9)', () => {
  const prices = (input: number | string, output: number | string, cacheRead = input, cacheWrite = input) => ({ input, output, cacheRead, cacheWrite });
  const tokens = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens });

  it('reads decimals exactly, exponents included', () => {
    expect(exactDecimal(0.075)).toEqual({ digits: 75n, scale: 3 });
    expect(exactDecimal(1e-7)).toEqual({ digits: 1n, scale: 7 });
    expect(exactDecimal('2.5E+3')).toEqual({ digits: 2500n, scale: 0 });
    expect(decimalText(1e-7)).toBe('0.0000001');
    expect(decimalText(12.5)).toBe('12.5');
    expect(decimalText(3)).toBe('3');
    expect(() => exactDecimal('-1')).toThrow();
  });

  it('rounds half up to the nano-dollar once per call, not per term', () => {
    // 0.0005 $/Mtok = 0.5 nano-dollar per token: 1 token → 0.5 → 1; 3 tokens → 1.5 → 2.
    expect(callCostNanos(prices(0.0005, 0), tokens(1, 0))).toBe(1n);
    expect(callCostNanos(prices(0.0005, 0), tokens(3, 0))).toBe(2n);
    // Two terms of 0.4 nano each: 0.8 → 1 (per-term rounding would give 0).
    expect(callCostNanos(prices(0.0004, 0.0004), tokens(1, 1))).toBe(1n);
    // 0.0004999 × 1 = 0.4999 → 0.
    expect(callCostNanos(prices(0.0004999, 0), tokens(1, 0))).toBe(0n);
  });

  it('prices cache reads and writes apart from the rest of the input', () => {
    // 100 input (30 read, 20 written), 10 output at 1 / 0.1 / 1.25 / 2 $ per Mtok.
    expect(callCostNanos(prices(1, 2, 0.1, 1.25), tokens(100, 10, 30, 20))).toBe(50n * 1000n + 30n * 100n + 20n * 1250n + 10n * 2000n);
  });

  it('stays exact at the largest token counts', () => {
    const max = 2 ** 31 - 1;
    expect(callCostNanos(prices(100_000, 100_000), tokens(max, max))).toBe(BigInt(max) * 2n * 100_000_000n);
  });
});
