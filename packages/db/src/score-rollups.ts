import { bigint, index, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Scores summed per hour and per day of their trace's timestamp, kept in the transaction that
 * writes or deletes the scores (packages/api/src/scores/score-rollups.ts applies each change as
 * a delta), so quality figures (docs/API_SPEC.md §10) read whole hours and days from here and
 * only the sub-hour edges of a window from `scores`.
 *
 * One row per (bucket, name, agent, model, type, category): everything a quality figure groups
 * or filters by except tags, which stay on the raw path. A group emptied by a replacement or by
 * retention is deleted; readers skip a row of count 0 all the same.
 */
function scoreStatsTable(name: string) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      bucket: ts('bucket').notNull(),
      name: text('name').notNull(),
      agentId: text('agent_id').notNull(),
      model: text('model').notNull(),
      type: text('type', { enum: ['numeric', 'boolean', 'categorical'] }).notNull(),
      /** The categorical value, '' for the other types (a category has 1 to 64 characters). */
      category: text('category').notNull(),
      count: bigint('count', { mode: 'number' }).notNull(),
      /**
       * The sum of numeric values (1/0 for booleans), numeric: adding and taking back a value
       * leaves no rounding residue, whatever the values and however often they are replaced.
       */
      valueSum: numeric('value_sum').notNull(),
      /**
       * The group's scores that decide their call's value of their name, and the sum of their
       * values: of a call's scores of one name and type, the one whose source comes first in
       * SCORE_SOURCE_PRECEDENCE (`@pulse/shared`). Impact (docs/API_SPEC.md §14) counts a
       * score-judged agent's successes from these.
       */
      decidedCount: bigint('decided_count', { mode: 'number' }).notNull().default(0),
      decidedValueSum: numeric('decided_value_sum').notNull().default('0'),
      /** The group's latest `scores.updated_at`: a name's type is that of its latest score. */
      lastWritten: ts('last_written').notNull(),
    },
    (t) => [
      primaryKey({
        name: `${name}_pkey`,
        columns: [t.workspaceId, t.bucket, t.name, t.agentId, t.model, t.type, t.category],
      }),
      index(`${name}_ws_name_bucket_idx`).on(t.workspaceId, t.name, t.bucket),
    ],
  );
}

export const scoreStatsHourly = scoreStatsTable('score_stats_hourly');
export const scoreStatsDaily = scoreStatsTable('score_stats_daily');
