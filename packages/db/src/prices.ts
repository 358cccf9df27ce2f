import { integer, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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

/**
 * A model whose stored calls may still carry costs from before the workspace's latest price
 * change for it (docs/API_SPEC.md §9). A price change only queues its model here; the re-pricer
 * rewrites the stored calls and their rollups newest first, a step at a time, and readers price
 * the calls before `rewritten_from` (null: every call) themselves until it has
 * (prices/pending-repricing.ts). A new change of the model starts it over.
 */
export const repricingJobs = pgTable(
  'repricing_jobs',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    rewrittenFrom: ts('rewritten_from'),
    queuedAt: ts('queued_at').notNull().defaultNow(),
    /** One more at every change of the model: a step ends its job only in the generation it read. */
    generation: integer('generation').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'repricing_jobs_pkey', columns: [t.workspaceId, t.model] })],
);
