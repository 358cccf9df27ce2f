import { sql } from 'drizzle-orm';
import type { Tx } from './overrides.js';

/**
 * The two-key advisory lock space of prices (the fold's one-key lock lives in another space).
 * Ingest holds a workspace's lock shared while it reads the workspace's prices and stores its
 * batch; a price change holds it exclusively while it writes the price and queues its model for
 * re-pricing. So no batch is priced with a price that a committed change has replaced, and every
 * batch stored before the change is among the calls the re-pricer rewrites (docs/API_SPEC.md §9).
 */
const PRICE_LOCK_CLASS = 7_314_009;

const key = (workspaceId: string) => sql`${PRICE_LOCK_CLASS}::int, hashtext(${workspaceId}::text)`;

/** Until the end of the caller's transaction: batches of the workspace may be priced and stored side by side. */
export async function lockPricesShared(tx: Tx, workspaceId: string): Promise<void> {
  // A price change holds the lock for its own short transaction, which may itself wait for other
  // batches: the batch waits for it, bounded by the statement timeout rather than the shorter
  // lock timeout.
  // set_config comes first in the select list, so it is in force when the lock is asked for.
  await tx.execute(sql`select set_config('lock_timeout', '0', true), pg_advisory_xact_lock_shared(${key(workspaceId)})`);
  // Only that wait is unbounded: back to the session's LOCK_TIMEOUT_MS, so the batch's own writes
  // still give up on a locked table (a 503) instead of waiting for the statement timeout.
  await tx.execute(sql`reset lock_timeout`);
}

/** Until the end of the caller's transaction: no batch of the workspace is being priced. */
export async function lockPricesExclusive(tx: Tx, workspaceId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${key(workspaceId)})`);
}
