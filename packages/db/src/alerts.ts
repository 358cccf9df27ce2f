import { ALERT_FORMATS, ALERT_METRICS, ALERT_STATES, ALERT_WINDOWS, DELIVERY_STATES } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { doublePrecision, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/** A workspace's alert rules (docs/API_SPEC.md §11), by name. */
export const alertRules = pgTable(
  'alert_rules',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    metric: text('metric', { enum: ALERT_METRICS }).notNull(),
    window: text('window', { enum: ALERT_WINDOWS }).notNull(),
    threshold: doublePrecision('threshold').notNull(),
    agentId: text('agent_id'),
    model: text('model'),
    webhookUrl: text('webhook_url').notNull(),
    format: text('format', { enum: ALERT_FORMATS }).notNull(),
    cooldownMinutes: integer('cooldown_minutes').notNull(),
    /** The HMAC signing secret, sealed with the server's secret box: it must be read back to sign. */
    secretSealed: text('secret_sealed').notNull(),
    state: text('state', { enum: ALERT_STATES }).notNull().default('ok'),
    lastFiredAt: ts('last_fired_at'),
    lastValue: doublePrecision('last_value'),
    lastEvaluatedAt: ts('last_evaluated_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'alert_rules_pkey', columns: [t.workspaceId, t.name] })],
);

/**
 * Notifications to send and every attempt made: a row is one attempt (`status_code` and
 * `error` once made); a failed attempt below the limit queues the next one at `due_at`. The
 * transition and its first attempt commit together, so a crash loses no notification.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    ruleName: text('rule_name').notNull(),
    /** The notification this attempt belongs to: every retry carries the same body. */
    notificationId: uuid('notification_id').notNull(),
    state: text('state', { enum: DELIVERY_STATES }).notNull(),
    attempt: integer('attempt').notNull(),
    /** The exact body sent (and signed), so a retry sends the same bytes. */
    body: text('body').notNull(),
    dueAt: ts('due_at').notNull(),
    /** When the attempt was made; null while queued. */
    at: ts('at'),
    statusCode: integer('status_code'),
    error: text('error'),
  },
  (t) => [
    primaryKey({ name: 'alert_deliveries_pkey', columns: [t.workspaceId, t.id] }),
    foreignKey({ name: 'alert_deliveries_rule_fk', columns: [t.workspaceId, t.ruleName], foreignColumns: [alertRules.workspaceId, alertRules.name] }).onDelete('cascade'),
    index('alert_deliveries_rule_idx').on(t.workspaceId, t.ruleName, t.id),
    index('alert_deliveries_due_idx').on(t.workspaceId, t.dueAt).where(sql`${t.at} is null`),
  ],
);

