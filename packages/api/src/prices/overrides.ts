import { type Db, schema } from '@pulse/db';
import { catalogPrices, type CostSource, type Prices } from '@pulse/shared';
import { and, eq, inArray } from 'drizzle-orm';

const { priceOverrides } = schema;

/** A transaction of either driver (or the database itself). */
export type Tx = Pick<Db, 'select' | 'insert' | 'delete' | 'execute' | 'transaction'>;

/** A workspace's own price for one model, as stored (prices are numeric text: exact). */
export interface Override {
  model: string;
  prices: Prices;
  /** Epoch ms from which it applies; null: to every call. */
  effectiveFrom: number | null;
}

type OverrideRow = typeof priceOverrides.$inferSelect;

export function overrideOf(row: OverrideRow): Override {
  return {
    model: row.model,
    prices: { input: row.inputPerMtokUsd, output: row.outputPerMtokUsd, cacheRead: row.cacheReadPerMtokUsd, cacheWrite: row.cacheWritePerMtokUsd },
    effectiveFrom: row.effectiveFrom ? row.effectiveFrom.getTime() : null,
  };
}

/** The workspace's overrides of these exact model names (every override when `models` is omitted), by name. */
export async function loadOverrides(tx: Tx, workspaceId: string, models?: readonly string[]): Promise<Map<string, Override>> {
  if (models?.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(priceOverrides)
    .where(
      models
        ? and(eq(priceOverrides.workspaceId, workspaceId), inArray(priceOverrides.model, [...models]))
        : eq(priceOverrides.workspaceId, workspaceId),
    );
  return new Map(rows.map((r) => [r.model, overrideOf(r)]));
}

export interface PriceInForce {
  prices: Prices | undefined;
  source: Exclude<CostSource, 'provided'>;
}

/**
 * The prices of a call (docs/API_SPEC.md §9): the workspace's override of that exact model
 * name when the call is at or after its effective_from, else the catalog's, else none.
 */
export function priceInForce(model: string, timestampMs: number, override: Override | undefined): PriceInForce {
  if (override && (override.effectiveFrom === null || timestampMs >= override.effectiveFrom)) {
    return { prices: override.prices, source: 'override' };
  }
  const catalog = catalogPrices(model);
  return catalog ? { prices: catalog, source: 'catalog' } : { prices: undefined, source: 'unpriced' };
}
