import { numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './schema.js';

/** USD or minutes, the exact decimal the client sent (numeric: no binary rounding). */
const decimal = (name: string) => numeric(name, { mode: 'string' });

/**
 * What a successful task of one agent is worth (docs/API_SPEC.md §14): a value per success, or
 * the minutes it saves at an hourly rate; and what makes a call a success: its status, or a
 * boolean score of the name `success_score`.
 */
export const agentValues = pgTable(
  'agent_values',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    /** Set for the "value per success" form; null for the minutes × rate form. */
    valuePerSuccessUsd: decimal('value_per_success_usd'),
    minutesSaved: decimal('minutes_saved'),
    hourlyRateUsd: decimal('hourly_rate_usd'),
    success: text('success', { enum: ['status', 'score'] }).notNull(),
    /** The boolean score that decides success when `success` is 'score'. */
    successScore: text('success_score'),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'agent_values_pkey', columns: [t.workspaceId, t.agentId] })],
);
