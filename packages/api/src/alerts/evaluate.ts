import { type Database, type Db, schema } from '@pulse/db';
import type { AlertPayload } from '@pulse/shared';
import { and, eq } from 'drizzle-orm';
import { queueNotification } from './deliveries.js';
import { metricValue } from './metric-value.js';
import type { AlertRuleRow } from './rule-store.js';

const { alertRules } = schema;

/** What the evaluation of a rule decided. */
export type Transition = 'fired' | 'resolved' | 'none';

/**
 * Decides a rule's next state (docs/API_SPEC.md §11): `value >= threshold` fires an `ok` rule,
 * unless it fired less than `cooldown_minutes` ago (it stays `ok` and fires once the cooldown
 * is over, if still crossed); a `firing` rule resolves when the value is back under. No value
 * (nothing to measure) counts as under.
 */
export function nextTransition(rule: Pick<AlertRuleRow, 'state' | 'threshold' | 'lastFiredAt' | 'cooldownMinutes'>, value: number | null, now: number): Transition {
  const over = value !== null && value >= rule.threshold;
  if (rule.state === 'firing') return over ? 'none' : 'resolved';
  if (!over) return 'none';
  const cooling = rule.lastFiredAt !== null && now - rule.lastFiredAt.getTime() < rule.cooldownMinutes * 60_000;
  return cooling ? 'none' : 'fired';
}

/**
 * Evaluates one rule and records the result; a transition and its notification commit
 * together, and only when the rule is still in the state it was read in (a concurrent
 * evaluation cannot announce the same change twice).
 */
export async function evaluateRule(database: Database, rule: AlertRuleRow, now: number): Promise<Transition> {
  const value = await metricValue(database, rule, now);
  const transition = nextTransition(rule, value, now);
  const same = and(eq(alertRules.workspaceId, rule.workspaceId), eq(alertRules.name, rule.name), eq(alertRules.state, rule.state));
  const measured = { lastValue: value, lastEvaluatedAt: new Date(now) };
  if (transition === 'none') {
    await database.db.update(alertRules).set(measured).where(same);
    return transition;
  }
  const state = transition === 'fired' ? 'firing' : 'resolved';
  const payload: AlertPayload = {
    alert: rule.name,
    workspace_id: rule.workspaceId,
    metric: rule.metric,
    value,
    threshold: rule.threshold,
    window: rule.window,
    state,
    at: new Date(now).toISOString(),
  };
  return database.db.transaction(async (tx) => {
    const changed = await tx
      .update(alertRules)
      .set({ ...measured, state: transition === 'fired' ? 'firing' : 'ok', ...(transition === 'fired' ? { lastFiredAt: new Date(now) } : {}) })
      .where(same)
      .returning({ name: alertRules.name });
    if (changed.length === 0) return 'none';
    await queueNotification(tx as unknown as Db, payload, rule.format);
    return transition;
  });
}

/** Every rule of every workspace, evaluated one after the other; a failing rule is reported and the others go on. */
export async function evaluateAll(database: Database, now: number, onError: (rule: AlertRuleRow, err: unknown) => void): Promise<void> {
  const rules = await database.db.select().from(alertRules).orderBy(alertRules.workspaceId, alertRules.name);
  for (const rule of rules) {
    await evaluateRule(database, rule, now).catch((err: unknown) => onError(rule, err));
  }
}
