import { type Database, schema } from '@pulse/db';
import type { AlertRuleInput } from '@pulse/shared';
import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { SecretBox } from '../secrets/secret-box.js';
import { ATTEMPTS_KEPT } from './deliveries.js';
import { newSigningSecret } from './payload.js';

const { alertRules, alertDeliveries } = schema;
export type AlertRuleRow = typeof alertRules.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A rule as the API answers it: never its secret (docs/API_SPEC.md §11). */
export function ruleOnWire(r: AlertRuleRow) {
  return {
    name: r.name,
    metric: r.metric,
    window: r.window,
    threshold: r.threshold,
    agent_id: r.agentId,
    model: r.model,
    webhook_url: r.webhookUrl,
    format: r.format,
    cooldown_minutes: r.cooldownMinutes,
    state: r.state,
    last_fired_at: iso(r.lastFiredAt),
    last_value: r.lastValue,
    last_evaluated_at: iso(r.lastEvaluatedAt),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/**
 * Creates the rule, or changes every setting of an existing one (its state, last firing and
 * secret stay). A new rule gets a signing secret, sealed at rest and answered only this once.
 */
export async function putRule(database: Database, box: SecretBox, workspaceId: string, input: AlertRuleInput) {
  const settings = {
    metric: input.metric,
    window: input.window,
    threshold: input.threshold,
    agentId: input.agent_id ?? null,
    model: input.model ?? null,
    webhookUrl: input.webhook_url,
    format: input.format,
    cooldownMinutes: input.cooldown_minutes,
  };
  const secret = newSigningSecret();
  // One statement decides "created or changed", so two PUTs at once cannot both create it.
  const [row] = await database.db
    .insert(alertRules)
    .values({ workspaceId, name: input.name, ...settings, secretSealed: box.seal(secret) })
    .onConflictDoUpdate({ target: [alertRules.workspaceId, alertRules.name], set: { ...settings, updatedAt: sql`now()` } })
    .returning();
  const created = row!.createdAt.getTime() === row!.updatedAt.getTime();
  return { ...ruleOnWire(row!), ...(created ? { secret } : {}) };
}

export async function listRules(database: Database, workspaceId: string) {
  const found = await database.db.select().from(alertRules).where(eq(alertRules.workspaceId, workspaceId)).orderBy(asc(alertRules.name));
  return found.map(ruleOnWire);
}

export async function findRule(database: Database, workspaceId: string, name: string): Promise<AlertRuleRow | undefined> {
  const [row] = await database.db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.workspaceId, workspaceId), eq(alertRules.name, name)));
  return row;
}

/** Deletes the rule and its deliveries (queued ones included); false when there was none. */
export async function deleteRule(database: Database, workspaceId: string, name: string): Promise<boolean> {
  const gone = await database.db
    .delete(alertRules)
    .where(and(eq(alertRules.workspaceId, workspaceId), eq(alertRules.name, name)))
    .returning({ name: alertRules.name });
  return gone.length > 0;
}

/** The last attempts made for a rule, newest first (queued retries are not attempts yet). */
export async function listDeliveries(database: Database, workspaceId: string, name: string) {
  const found = await database.db
    .select({ at: alertDeliveries.at, state: alertDeliveries.state, statusCode: alertDeliveries.statusCode, attempt: alertDeliveries.attempt, error: alertDeliveries.error })
    .from(alertDeliveries)
    .where(and(eq(alertDeliveries.workspaceId, workspaceId), eq(alertDeliveries.ruleName, name), isNotNull(alertDeliveries.at)))
    .orderBy(desc(alertDeliveries.at), desc(alertDeliveries.id))
    .limit(ATTEMPTS_KEPT);
  return found.map((d) => ({ at: d.at!.toISOString(), state: d.state, status_code: d.statusCode, attempt: d.attempt, error: d.error }));
}
