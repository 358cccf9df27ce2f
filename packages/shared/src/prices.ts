import { z } from 'zod';
import { jsonNumber } from './analytics.js';
import { storableText } from './text.js';

/**
 * The workspace's prices (docs/API_SPEC.md §9): the built-in catalog and the workspace's own
 * overrides, in USD per million tokens.
 */
export const PRICE_SOURCES = ['catalog', 'override'] as const;

/**
 * The largest price accepted, USD per million tokens: far above any list price, and small
 * enough that one call's cost (at most 2^31 tokens) stays a bigint of nano-dollars.
 */
export const MAX_PRICE_PER_MTOK_USD = 100_000;

const priceField = (what: string) =>
  jsonNumber(
    z
      .number({ error: `must be a number (${what}, USD per million tokens)` })
      .min(0, { error: 'must be >= 0' })
      .max(MAX_PRICE_PER_MTOK_USD, { error: `must be <= ${MAX_PRICE_PER_MTOK_USD}` }),
  );

/** An exact model name as ingest stores it (1–128 characters). */
export const modelNameSchema = storableText(
  z.string({ error: 'must be a model name' }).min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' }),
);

export const pricesQueryInputSchema = z.strictObject({});
export const priceModelInputSchema = z.strictObject({ model: modelNameSchema });

/** `PUT /prices/{model}`: the cache prices default to the input price, effective_from to "always" (null). */
export const priceInputSchema = z.strictObject({
  model: modelNameSchema,
  input_per_mtok_usd: priceField('uncached input'),
  output_per_mtok_usd: priceField('output'),
  cache_read_per_mtok_usd: priceField('cache reads').optional(),
  cache_write_per_mtok_usd: priceField('cache writes').optional(),
  effective_from: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 date-time with Z or an offset, or null' })
    .nullable()
    .optional(),
});
export type PriceInput = z.infer<typeof priceInputSchema>;

export const priceEntrySchema = z.object({
  model: z.string(),
  input_per_mtok_usd: z.number(),
  output_per_mtok_usd: z.number(),
  cache_read_per_mtok_usd: z.number(),
  cache_write_per_mtok_usd: z.number(),
  source: z.enum(PRICE_SOURCES),
  /** From when the prices apply to a call's timestamp; null: to every call. */
  effective_from: z.iso.datetime().nullable(),
});
export type PriceView = z.infer<typeof priceEntrySchema>;

export const pricesSchema = z.object({ data: z.array(priceEntrySchema) });
