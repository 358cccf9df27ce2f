import type { Prices } from './price-formula.js';

/**
 * Model price catalog: list prices in USD per million tokens, for uncached input, cache reads,
 * cache writes and output, each entry with the date its prices took effect, the provider's
 * pricing page they come from and the date they were last compared with that page. A cache
 * price a provider does not charge separately is the input price (OpenAI, Google and Mistral
 * bill cache writes as plain input; Mistral and the hosted Llama models have no cache reads).
 * Costs are computed exactly from these decimals (price-formula.ts, docs/API_SPEC.md §9).
 */
export interface PriceEntry {
  model: string;
  provider: 'openai' | 'anthropic' | 'google' | 'mistral' | 'meta';
  input_per_mtok_usd: number;
  output_per_mtok_usd: number;
  cache_read_per_mtok_usd: number;
  cache_write_per_mtok_usd: number;
  /** The day these prices took effect (YYYY-MM-DD, UTC). */
  effective: string;
  /** The provider's pricing page. */
  source: string;
  /** The day the prices were last compared with that page. */
  checked: string;
}

const PAGES = {
  openai: 'https://platform.openai.com/docs/pricing',
  anthropic: 'https://docs.anthropic.com/en/docs/about-claude/pricing',
  google: 'https://ai.google.dev/gemini-api/docs/pricing',
  mistral: 'https://mistral.ai/pricing#api-pricing',
  meta: 'https://www.together.ai/pricing',
} as const;

const CHECKED = '2025-10-20';

/** (model, provider, input, cache read, cache write, output, effective): the page and check date are the provider's. */
const p = (
  model: string,
  provider: PriceEntry['provider'],
  [input, cacheRead, cacheWrite, output]: [number, number, number, number],
  effective: string,
): PriceEntry => ({
  model,
  provider,
  input_per_mtok_usd: input,
  output_per_mtok_usd: output,
  cache_read_per_mtok_usd: cacheRead,
  cache_write_per_mtok_usd: cacheWrite,
  effective,
  source: PAGES[provider],
  checked: CHECKED,
});

//                                         input, cache read, cache write, output
export const PRICE_CATALOG: readonly PriceEntry[] = [
  p('gpt-4o', 'openai', [2.5, 1.25, 2.5, 10], '2024-10-01'),
  p('gpt-4o-mini', 'openai', [0.15, 0.075, 0.15, 0.6], '2024-10-01'),
  p('gpt-4.1', 'openai', [2, 0.5, 2, 8], '2025-04-14'),
  p('gpt-4.1-mini', 'openai', [0.4, 0.1, 0.4, 1.6], '2025-04-14'),
  p('gpt-4.1-nano', 'openai', [0.1, 0.025, 0.1, 0.4], '2025-04-14'),
  p('gpt-4-turbo', 'openai', [10, 10, 10, 30], '2024-04-09'),
  p('gpt-3.5-turbo', 'openai', [0.5, 0.5, 0.5, 1.5], '2024-01-25'),
  p('o1', 'openai', [15, 7.5, 15, 60], '2024-12-17'),
  p('o1-mini', 'openai', [1.1, 0.55, 1.1, 4.4], '2024-10-01'),
  p('o3', 'openai', [2, 0.5, 2, 8], '2025-06-10'),
  p('o3-mini', 'openai', [1.1, 0.55, 1.1, 4.4], '2025-01-31'),
  p('o4-mini', 'openai', [1.1, 0.275, 1.1, 4.4], '2025-04-16'),
  p('gpt-5', 'openai', [1.25, 0.125, 1.25, 10], '2025-08-07'),
  p('gpt-5-mini', 'openai', [0.25, 0.025, 0.25, 2], '2025-08-07'),
  p('gpt-5-nano', 'openai', [0.05, 0.005, 0.05, 0.4], '2025-08-07'),
  p('claude-3-haiku', 'anthropic', [0.25, 0.03, 0.3, 1.25], '2024-03-13'),
  p('claude-3-5-haiku', 'anthropic', [0.8, 0.08, 1, 4], '2024-12-19'),
  p('claude-3-5-sonnet', 'anthropic', [3, 0.3, 3.75, 15], '2024-08-14'),
  p('claude-3-7-sonnet', 'anthropic', [3, 0.3, 3.75, 15], '2025-02-24'),
  p('claude-3-opus', 'anthropic', [15, 1.5, 18.75, 75], '2024-08-14'),
  p('claude-sonnet-4', 'anthropic', [3, 0.3, 3.75, 15], '2025-05-22'),
  p('claude-opus-4', 'anthropic', [15, 1.5, 18.75, 75], '2025-05-22'),
  p('claude-haiku-4-5', 'anthropic', [1, 0.1, 1.25, 5], '2025-10-15'),
  p('claude-sonnet-4-5', 'anthropic', [3, 0.3, 3.75, 15], '2025-09-29'),
  p('gemini-1.5-pro', 'google', [1.25, 0.3125, 1.25, 5], '2024-10-01'),
  p('gemini-1.5-flash', 'google', [0.075, 0.01875, 0.075, 0.3], '2024-08-12'),
  p('gemini-2.0-flash', 'google', [0.1, 0.025, 0.1, 0.4], '2025-02-05'),
  p('gemini-2.0-flash-lite', 'google', [0.075, 0.075, 0.075, 0.3], '2025-02-25'),
  p('gemini-2.5-pro', 'google', [1.25, 0.125, 1.25, 10], '2025-06-17'),
  p('gemini-2.5-flash', 'google', [0.3, 0.03, 0.3, 2.5], '2025-06-17'),
  p('mistral-large', 'mistral', [2, 2, 2, 6], '2024-11-18'),
  p('mistral-medium', 'mistral', [0.4, 0.4, 0.4, 2], '2025-05-07'),
  p('mistral-small', 'mistral', [0.2, 0.2, 0.2, 0.6], '2024-09-17'),
  p('codestral', 'mistral', [0.3, 0.3, 0.3, 0.9], '2025-01-13'),
  p('ministral-8b', 'mistral', [0.1, 0.1, 0.1, 0.1], '2024-10-16'),
  p('llama-3.1-405b-instruct', 'meta', [3, 3, 3, 3], '2024-07-23'),
  p('llama-3.1-70b-instruct', 'meta', [0.88, 0.88, 0.88, 0.88], '2024-07-23'),
  p('llama-3.1-8b-instruct', 'meta', [0.18, 0.18, 0.18, 0.18], '2024-07-23'),
  p('llama-3.3-70b-instruct', 'meta', [0.88, 0.88, 0.88, 0.88], '2024-12-06'),
  p('llama-4-maverick', 'meta', [0.27, 0.27, 0.27, 0.85], '2025-04-05'),
];

const byName = new Map(PRICE_CATALOG.map((e) => [e.model, e]));

/**
 * Spellings that name a catalog model: provider prefixes (`openai/`, `models/`,
 * `meta-llama/`), dated or versioned suffixes (`-2024-08-06`, `-20241022`, `@20240620`,
 * `-latest`, `-001`, `-preview`, `-2411`), and dotted Anthropic versions (`claude-3.5-…`).
 * Suffixes are stripped one at a time and the name looked up after each step, so
 * `gpt-4o-mini-2024-07-18` finds `gpt-4o-mini` and never `gpt-4o`.
 */
const SUFFIXES = [
  /@\d{8}$/,
  /-\d{4}-\d{2}-\d{2}$/,
  /-\d{8}$/,
  /-(latest|preview|exp|experimental)$/,
  /-\d{2}-\d{2}$/,
  /-\d{3,4}$/,
  /-v\d+(:\d+)?$/,
];

function normalize(model: string): string {
  let m = model.trim().toLowerCase();
  m = m.replace(/^(openai|anthropic|google|mistralai|mistral|meta-llama|meta|models)\//, '');
  m = m.replace(/^meta-llama-/, 'llama-').replace(/^claude-(\d)\.(\d)-/, 'claude-$1-$2-');
  return m;
}

const resolved = new Map<string, PriceEntry | null>();

export function findModelPrice(model: string): PriceEntry | undefined {
  const cachedEntry = resolved.get(model);
  if (cachedEntry !== undefined) return cachedEntry ?? undefined;
  let m = normalize(model);
  let found = byName.get(m);
  for (let changed = true; !found && changed; ) {
    changed = false;
    for (const re of SUFFIXES) {
      if (re.test(m)) {
        m = m.replace(re, '');
        changed = true;
        found = byName.get(m);
        break;
      }
    }
  }
  if (resolved.size >= 10_000) resolved.clear();
  resolved.set(model, found ?? null);
  return found;
}

/** The catalog's prices of a model (any spelling findModelPrice resolves), in the formula's shape. */
export function catalogPrices(model: string): Prices | undefined {
  const entry = findModelPrice(model);
  return entry && pricesOf(entry);
}

export function pricesOf(entry: Pick<PriceEntry, 'input_per_mtok_usd' | 'output_per_mtok_usd' | 'cache_read_per_mtok_usd' | 'cache_write_per_mtok_usd'>): Prices {
  return {
    input: entry.input_per_mtok_usd,
    output: entry.output_per_mtok_usd,
    cacheRead: entry.cache_read_per_mtok_usd,
    cacheWrite: entry.cache_write_per_mtok_usd,
  };
}
