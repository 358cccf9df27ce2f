import type { schema } from '@pulse/db';
import { decimalText, type Prices } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Override } from './overrides.js';

/** Tables with one row per call and its tokens: traces, the fold's queue and its quarantine. */
export type CallTable = typeof schema.traces | typeof schema.rollupPending | typeof schema.rollupQuarantine;

/** A price as an exact numeric literal parameter (the decimal it is written as). */
function price(value: number | string): SQL {
  return sql`${decimalText(value)}::numeric`;
}

/**
 * A call's cost in nano-dollars, in SQL: the same formula and rounding as `callCostNanos`
 * (shared/src/price-formula.ts, docs/API_SPEC.md §9), in numeric, rounded half up once.
 */
export function costSql(t: CallTable, prices: Prices): SQL {
  return sql`round((
      (${t.inputTokens} - ${t.cacheReadTokens} - ${t.cacheWriteTokens})::numeric * ${price(prices.input)}
      + ${t.cacheReadTokens}::numeric * ${price(prices.cacheRead)}
      + ${t.cacheWriteTokens}::numeric * ${price(prices.cacheWrite)}
      + ${t.outputTokens}::numeric * ${price(prices.output)}) * 1000)::bigint`;
}

/** Whether `override` applies to a row's call (at or after its effective_from). */
function overrideApplies(t: CallTable, override: Override | undefined): SQL {
  if (!override) return sql`false`;
  if (override.effectiveFrom === null) return sql`true`;
  return sql`${t.timestamp} >= ${new Date(override.effectiveFrom).toISOString()}::timestamptz`;
}

/** The cost and cost_source a row of `model` gets from these prices (priceInForce, in SQL). */
export function pricedSql(t: CallTable, override: Override | undefined, catalog: Prices | undefined): { cost: SQL; source: SQL } {
  const fallbackCost = catalog ? costSql(t, catalog) : sql`0::bigint`;
  const fallbackSource = catalog ? sql`'catalog'` : sql`'unpriced'`;
  const applies = overrideApplies(t, override);
  return {
    cost: override ? sql`(case when ${applies} then ${costSql(t, override.prices)} else ${fallbackCost} end)` : fallbackCost,
    source: override ? sql`(case when ${applies} then 'override' else ${fallbackSource} end)` : fallbackSource,
  };
}
