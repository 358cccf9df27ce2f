import type { PriceInput, PriceView } from '@pulse/shared';

/** A price row as the user types it: numbers or empty, the effective instant as text. */
export interface PriceFormValues {
  input: number | string;
  output: number | string;
  cacheRead: number | string;
  cacheWrite: number | string;
  effectiveFrom: string;
}

export function priceFormValues(price: PriceView | null): PriceFormValues {
  return {
    input: price?.input_per_mtok_usd ?? '',
    output: price?.output_per_mtok_usd ?? '',
    cacheRead: price?.cache_read_per_mtok_usd ?? '',
    cacheWrite: price?.cache_write_per_mtok_usd ?? '',
    effectiveFrom: price?.effective_from ?? '',
  };
}

/**
 * The PUT input of a typed row, or what is wrong with it. Input and output prices are needed;
 * empty cache prices are left to the server's default (the input price); an empty effective
 * date means every call. The server checks everything again.
 */
export function parsePriceForm(model: string, v: PriceFormValues): { input?: PriceInput; error?: string } {
  const price = (value: number | string) => (value === '' ? undefined : Number(value));
  const input = price(v.input);
  const output = price(v.output);
  if (input === undefined || output === undefined) return { error: 'Input and output prices are needed.' };
  const effective = v.effectiveFrom.trim();
  if (effective && Number.isNaN(Date.parse(effective))) return { error: 'The effective date must be an ISO-8601 instant, e.g. 2026-11-01T00:00:00Z.' };
  const cacheRead = price(v.cacheRead);
  const cacheWrite = price(v.cacheWrite);
  return {
    input: {
      model,
      input_per_mtok_usd: input,
      output_per_mtok_usd: output,
      ...(cacheRead === undefined ? {} : { cache_read_per_mtok_usd: cacheRead }),
      ...(cacheWrite === undefined ? {} : { cache_write_per_mtok_usd: cacheWrite }),
      effective_from: effective ? new Date(effective).toISOString() : null,
    },
  };
}
