import { doublePrecision, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Evaluators of a workspace (docs/API_SPEC.md §13) and the progress of each: the background
 * worker examines the calls stored after the cursor, in the order of (`received_at`, `id`), and
 * moves the cursor past them, so no call is judged twice, however old its own timestamp.
 */
export const evaluators = pgTable(
  'evaluators',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['llm', 'rule'] }).notNull(),
    /** What the API shows: llm (without its key) or rule, score, filters. */
    settings: jsonb('settings').notNull(),
    /** The evaluator's own provider key, sealed by the server's secret box; null: the env key. */
    apiKeySealed: text('api_key_sealed'),
    sampleRate: doublePrecision('sample_rate').notNull(),
    enabled: boolean('enabled').notNull(),
    /** The last call examined: its received_at and id. */
    cursorAt: ts('cursor_at').notNull(),
    cursorId: uuid('cursor_id').notNull(),
    judged: integer('judged').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    lastError: text('last_error'),
    lastRunAt: ts('last_run_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'evaluators_pkey', columns: [t.workspaceId, t.name] })],
);
