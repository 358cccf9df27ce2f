import { boolean, integer, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './schema.js';

/** A workspace's settings; a workspace without a row has the defaults. */
export const workspaceSettings = pgTable('workspace_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  /** Replace matched PII by `[REDACTED:<type>]` before input and output are stored. */
  redactPii: boolean('redact_pii').notNull().default(false),
  /** Calls older than this many days are deleted; null keeps them. */
  retentionDays: integer('retention_days'),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow(),
});
