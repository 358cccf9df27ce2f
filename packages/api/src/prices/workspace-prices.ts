import { type Database, schema } from '@pulse/db';
import { decimalText, PRICE_CATALOG, type PriceInput, type PriceView, pricesOf, type Prices } from '@pulse/shared';
import { and, eq, sql } from 'drizzle-orm';
import { takeFoldLock } from '../rollups/fold.js';
import { loadOverrides, type Override, overrideOf, type Tx } from './overrides.js';
import { lockPricesExclusive } from './price-lock.js';
import { prepareRepricing, repriceModel } from './reprice.js';

const { priceOverrides } = schema;

function view(model: string, prices: Prices, source: PriceView['source'], effectiveFrom: number | null): PriceView {
  return {
    model,
    input_per_mtok_usd: Number(prices.input),
    output_per_mtok_usd: Number(prices.output),
    cache_read_per_mtok_usd: Number(prices.cacheRead),
    cache_write_per_mtok_usd: Number(prices.cacheWrite),
    source,
    effective_from: effectiveFrom === null ? null : new Date(effectiveFrom).toISOString(),
  };
}

const overrideView = (o: Override) => view(o.model, o.prices, 'override', o.effectiveFrom);

/** Every catalog model and every override, by name; an override of a catalog model replaces it (docs/API_SPEC.md §9). */
export async function listPrices(database: Database, workspaceId: string): Promise<{ data: PriceView[] }> {
  const overrides = await loadOverrides(database.db, workspaceId);
  const entries = new Map(PRICE_CATALOG.map((e) => [e.model, view(e.model, pricesOf(e), 'catalog', null)]));
  for (const o of overrides.values()) entries.set(o.model, overrideView(o));
  return { data: [...entries.values()].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0)) };
}

/**
 * A price change in one transaction: under the workspace's price lock (exclusive: no batch
 * is being priced) and the fold lock, the override is written and every stored call of the
 * model re-priced (reprice.ts), so the answer is visible in every figure at once.
 * Neither statement nor lock timeouts apply: the re-pricing's size is the model's call count.
 */
async function changePrices<T>(database: Database, workspaceId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return database.db.transaction(async (tx) => {
    await prepareRepricing(tx);
    // A batch being stored, or a fold, is waited for however long it takes.
    await tx.execute(sql`set local lock_timeout = 0`);
    await lockPricesExclusive(tx, workspaceId);
    await takeFoldLock(tx);
    return work(tx);
  });
}

export async function putPrice(database: Database, workspaceId: string, input: PriceInput): Promise<PriceView> {
  const prices = {
    input: decimalText(input.input_per_mtok_usd),
    output: decimalText(input.output_per_mtok_usd),
    cacheRead: decimalText(input.cache_read_per_mtok_usd ?? input.input_per_mtok_usd),
    cacheWrite: decimalText(input.cache_write_per_mtok_usd ?? input.input_per_mtok_usd),
  };
  const effectiveFrom = input.effective_from ? new Date(input.effective_from) : null;
  const row = {
    inputPerMtokUsd: prices.input,
    outputPerMtokUsd: prices.output,
    cacheReadPerMtokUsd: prices.cacheRead,
    cacheWritePerMtokUsd: prices.cacheWrite,
    effectiveFrom,
    updatedAt: new Date(),
  };
  return changePrices(database, workspaceId, async (tx) => {
    const [stored] = await tx
      .insert(priceOverrides)
      .values({ workspaceId, model: input.model, ...row })
      .onConflictDoUpdate({ target: [priceOverrides.workspaceId, priceOverrides.model], set: row })
      .returning();
    const override = overrideOf(stored!);
    await repriceModel(tx, workspaceId, input.model, override);
    return overrideView(override);
  });
}

/** Removes the override (false when there is none); the model's calls go back to the catalog or to unpriced. */
export async function deletePrice(database: Database, workspaceId: string, model: string): Promise<boolean> {
  return changePrices(database, workspaceId, async (tx) => {
    const removed = await tx
      .delete(priceOverrides)
      .where(and(eq(priceOverrides.workspaceId, workspaceId), eq(priceOverrides.model, model)))
      .returning({ model: priceOverrides.model });
    if (removed.length === 0) return false;
    await repriceModel(tx, workspaceId, model, undefined);
    return true;
  });
}
