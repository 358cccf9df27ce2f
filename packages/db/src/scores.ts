import { doublePrecision, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Scores of calls: one per (trace, name, source); the same three again
 * replace the value. The trace's time, agent and model are copied here so quality figures
 * for a window and a filter read this table alone; tags are read from the trace.
 */
export const scores = pgTable(
  'scores',
  {
    workspaceId: uuid('workspace_id').notNull(),
    /** The `traces.id` of the scored call. */
    traceRowId: uuid('trace_row_id').notNull(),
    traceId: text('trace_id').notNull(),
    traceTimestamp: ts('trace_timestamp').notNull(),
    agentId: text('agent_id').notNull(),
    model: text('model').notNull(),
    name: text('name').notNull(),
    source: text('source', { enum: ['api', 'human', 'llm', 'rule'] }).notNull(),
    type: text('type', { enum: ['numeric', 'boolean', 'categorical'] }).notNull(),
    /** The number, or 1/0 for a boolean; null for a categorical value. */
    numericValue: doublePrecision('numeric_value'),
    /** The categorical value; null otherwise. */
    categoricalValue: text('categorical_value'),
    comment: text('comment'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'scores_pkey', columns: [t.workspaceId, t.traceRowId, t.name, t.source] }),
    index('scores_ws_name_ts_idx').on(t.workspaceId, t.name, t.traceTimestamp),
    // Every name's scores in a window's sub-hour edges (quality overview) and retention's cutoff.
    index('scores_ws_ts_idx').on(t.workspaceId, t.traceTimestamp),
  ],
);
