import { numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
/** USD per million tokens, the exact decimal the client sent (numeric: no binary rounding). */
const price = (name: string) => numeric(name, { mode: 'string' }).notNull();

/**
 * A workspace's own price for one exact model name (docs/API_SPEC.md §9): it prices that
 * model's calls at or after `effective_from` (null: every call) instead of the catalog.
 */
export const priceOverrides = pgTable(
  'price_overrides',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    inputPerMtokUsd: price('input_per_mtok_usd'),
    outputPerMtokUsd: price('output_per_mtok_usd'),
    cacheReadPerMtokUsd: price('cache_read_per_mtok_usd'),
    cacheWritePerMtokUsd: price('cache_write_per_mtok_usd'),
    effectiveFrom: ts('effective_from'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'price_overrides_pkey', columns: [t.workspaceId, t.model] })],
);
