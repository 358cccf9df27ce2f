/**
 * The cost of one call from per-million-token prices (docs/API_SPEC.md §9), exact for any
 * prices: each price is taken as the exact decimal it is written as (the shortest text of the
 * JSON number, as stored in a numeric column), the four products are summed as one exact
 * fraction of nano-dollars, and that sum is rounded half up to a whole nano-dollar once per
 * call. PostgreSQL computes the same in `numeric` (api/src/prices/price-sql.ts) with
 * `round()`, which also rounds halves up for non-negative values.
 */

/** USD per million tokens of one model, as decimals (JS numbers or numeric text). */
export interface Prices {
  input: number | string;
  output: number | string;
  cacheRead: number | string;
  cacheWrite: number | string;
}

export interface CallTokens {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** A non-negative decimal as an exact fraction: `digits / 10^scale`. */
interface Decimal {
  digits: bigint;
  scale: number;
}

/** Parses the decimal text of a number (`0.075`, `1e-7`, `2.5E+3`) exactly. */
export function exactDecimal(value: number | string): Decimal {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[1] === '' && !match[2])) throw new Error(`not a non-negative decimal: ${text}`);
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const scale = fraction.length - Number(exponent);
  const digits = BigInt(`${whole}${fraction}` || '0');
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

/** The plain decimal text of a price (`1e-7` → `0.0000001`): what a numeric column stores exactly. */
export function decimalText(value: number | string): string {
  const { digits, scale } = exactDecimal(value);
  if (scale === 0) return digits.toString();
  const padded = digits.toString().padStart(scale + 1, '0');
  return `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/**
 * Nano-dollars of one call: ((input − cache read − cache write) × input price + cache read ×
 * cache read price + cache write × cache write price + output × output price) / 1e6 USD,
 * i.e. Σ tokens × price × 1000 nano-dollars, rounded half up once.
 */
export function callCostNanos(prices: Prices, tokens: CallTokens): bigint {
  const uncached = tokens.inputTokens - tokens.cacheReadTokens - tokens.cacheWriteTokens;
  const terms: Array<[number, Decimal]> = [
    [uncached, exactDecimal(prices.input)],
    [tokens.cacheReadTokens, exactDecimal(prices.cacheRead)],
    [tokens.cacheWriteTokens, exactDecimal(prices.cacheWrite)],
    [tokens.outputTokens, exactDecimal(prices.output)],
  ];
  const scale = Math.max(...terms.map(([, d]) => d.scale));
  // Nano-dollars × 10^scale: price per million × 1000 is nano-dollars per token.
  const scaled = terms.reduce((sum, [n, d]) => sum + BigInt(n) * d.digits * 10n ** BigInt(scale - d.scale) * 1000n, 0n);
  const unit = 10n ** BigInt(scale);
  return (scaled * 2n + unit) / (2n * unit);
}
