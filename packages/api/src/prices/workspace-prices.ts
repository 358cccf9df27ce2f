import { type Database, schema } from '@pulse/db';
import { decimalText, PRICE_CATALOG, type PriceInput, type PriceView, pricesOf, type Prices } from '@pulse/shared';
import { and, eq, sql } from 'drizzle-orm';
import { loadOverrides, type Override, overrideOf, type Tx } from './overrides.js';
import { lockPricesExclusive } from './price-lock.js';

const { priceOverrides, repricingJobs } = schema;

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
 * A price change in one short transaction, under the workspace's price lock held exclusively (no
 * batch is being priced): the override is written and the model queued for re-pricing from its
 * newest call (repricer.ts), in a new generation: a re-pricing in progress starts over.
 * From the commit on, ingest prices new calls with it and every reader prices the model's stored
 * calls the re-pricer has not reached yet as it will (pending-repricing.ts): every figure follows
 * the change at once, without waiting for millions of calls to be rewritten.
 */
async function changePrices<T>(
  database: Database,
  workspaceId: string,
  model: string,
  work: (tx: Tx) => Promise<T | undefined>,
): Promise<T | undefined> {
  return database.db.transaction(async (tx) => {
    // A batch being priced and stored is waited for however long it takes (a re-pricing step is not).
    await tx.execute(sql`set local lock_timeout = 0`);
    await lockPricesExclusive(tx, workspaceId);
    const done = await work(tx);
    // undefined: nothing changed.
    if (done !== undefined) {
      const job = { rewrittenFrom: null, queuedAt: new Date() };
      await tx
        .insert(repricingJobs)
        .values({ workspaceId, model, ...job })
        .onConflictDoUpdate({
          target: [repricingJobs.workspaceId, repricingJobs.model],
          set: { ...job, generation: sql`${repricingJobs.generation} + 1` },
        });
    }
    return done;
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
  const view = await changePrices(database, workspaceId, input.model, async (tx) => {
    const [stored] = await tx
      .insert(priceOverrides)
      .values({ workspaceId, model: input.model, ...row })
      .onConflictDoUpdate({ target: [priceOverrides.workspaceId, priceOverrides.model], set: row })
      .returning();
    return overrideView(overrideOf(stored!));
  });
  return view!;
}

/** Removes the override (false when there is none); the model's calls go back to the catalog or to unpriced. */
export async function deletePrice(database: Database, workspaceId: string, model: string): Promise<boolean> {
  const removed = await changePrices(database, workspaceId, model, async (tx) => {
    const found = await tx
      .delete(priceOverrides)
      .where(and(eq(priceOverrides.workspaceId, workspaceId), eq(priceOverrides.model, model)))
      .returning({ model: priceOverrides.model });
    return found.length ? true : undefined;
  });
  return removed === true;
}
