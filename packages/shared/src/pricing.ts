/**
 * Model price catalog: list prices in USD per million tokens. Costs are computed in
 * integer nano-dollars (1e-9 USD): every price here is a whole number of nano-dollars
 * per token (price_per_mtok × 1000), so a trace's cost is exact.
 */
export interface PriceEntry {
  model: string;
  provider: 'openai' | 'anthropic' | 'google' | 'mistral' | 'meta';
  input_per_mtok_usd: number;
  output_per_mtok_usd: number;
}

const p = (model: string, provider: PriceEntry['provider'], input: number, output: number): PriceEntry => ({
  model,
  provider,
  input_per_mtok_usd: input,
  output_per_mtok_usd: output,
});

export const PRICE_CATALOG: readonly PriceEntry[] = [
  p('gpt-4o', 'openai', 2.5, 10),
  p('gpt-4o-mini', 'openai', 0.15, 0.6),
  p('gpt-4.1', 'openai', 2, 8),
  p('gpt-4.1-mini', 'openai', 0.4, 1.6),
  p('gpt-4.1-nano', 'openai', 0.1, 0.4),
  p('gpt-4-turbo', 'openai', 10, 30),
  p('gpt-3.5-turbo', 'openai', 0.5, 1.5),
  p('o1', 'openai', 15, 60),
  p('o1-mini', 'openai', 1.1, 4.4),
  p('o3', 'openai', 2, 8),
  p('o3-mini', 'openai', 1.1, 4.4),
  p('o4-mini', 'openai', 1.1, 4.4),
  p('gpt-5', 'openai', 1.25, 10),
  p('gpt-5-mini', 'openai', 0.25, 2),
  p('gpt-5-nano', 'openai', 0.05, 0.4),
  p('claude-3-haiku', 'anthropic', 0.25, 1.25),
  p('claude-3-5-haiku', 'anthropic', 0.8, 4),
  p('claude-3-5-sonnet', 'anthropic', 3, 15),
  p('claude-3-7-sonnet', 'anthropic', 3, 15),
  p('claude-3-opus', 'anthropic', 15, 75),
  p('claude-sonnet-4', 'anthropic', 3, 15),
  p('claude-opus-4', 'anthropic', 15, 75),
  p('claude-haiku-4-5', 'anthropic', 1, 5),
  p('claude-sonnet-4-5', 'anthropic', 3, 15),
  p('gemini-1.5-pro', 'google', 1.25, 5),
  p('gemini-1.5-flash', 'google', 0.075, 0.3),
  p('gemini-2.0-flash', 'google', 0.1, 0.4),
  p('gemini-2.0-flash-lite', 'google', 0.075, 0.3),
  p('gemini-2.5-pro', 'google', 1.25, 10),
  p('gemini-2.5-flash', 'google', 0.3, 2.5),
  p('mistral-large', 'mistral', 2, 6),
  p('mistral-medium', 'mistral', 0.4, 2),
  p('mistral-small', 'mistral', 0.2, 0.6),
  p('codestral', 'mistral', 0.3, 0.9),
  p('ministral-8b', 'mistral', 0.1, 0.1),
  p('llama-3.1-405b-instruct', 'meta', 3, 3),
  p('llama-3.1-70b-instruct', 'meta', 0.88, 0.88),
  p('llama-3.1-8b-instruct', 'meta', 0.18, 0.18),
  p('llama-3.3-70b-instruct', 'meta', 0.88, 0.88),
  p('llama-4-maverick', 'meta', 0.27, 0.85),
];

/** Nano-dollars per token, integer. */
const nanosPerToken = (perMtok: number) => BigInt(Math.round(perMtok * 1000));

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

export function computeCostNanos(model: string, inputTokens: number, outputTokens: number): { costNanos: bigint; known: boolean } {
  const entry = findModelPrice(model);
  if (!entry) return { costNanos: 0n, known: false };
  return {
    costNanos:
      BigInt(inputTokens) * nanosPerToken(entry.input_per_mtok_usd) +
      BigInt(outputTokens) * nanosPerToken(entry.output_per_mtok_usd),
    known: true,
  };
}
