import { type Database, type Db, schema, uuidv7 } from '@pulse/db';
import type { AlertFormat, AlertPayload } from '@pulse/shared';
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { SecretBox } from '../secrets/secret-box.js';
import { signature, webhookBody } from './payload.js';
import { type AttemptOutcome, sendWebhook } from './send-webhook.js';
import { resolveWebhook, type WebhookPolicy } from './ssrf-guard.js';

const { alertRules, alertDeliveries } = schema;

/** Attempts of one notification at most (docs/API_SPEC.md §11). */
export const MAX_ATTEMPTS = 5;

export interface DeliveryOptions extends WebhookPolicy {
  box: SecretBox;
  /** The first retry's wait (ms); each next one doubles. */
  retryBaseMs: number;
  /** How long one attempt may take before it counts as failed (ms). */
  timeoutMs: number;
}

/** Queues a notification's first attempt, due now; in the caller's transaction, with the state change it announces. */
export async function queueNotification(tx: Db, payload: AlertPayload, format: AlertFormat): Promise<string> {
  const notificationId = uuidv7();
  await tx.insert(alertDeliveries).values({
    workspaceId: payload.workspace_id,
    id: uuidv7(),
    ruleName: payload.alert,
    notificationId,
    state: payload.state,
    attempt: 1,
    body: webhookBody(format, payload),
    dueAt: sql`now()`,
  });
  return notificationId;
}

type Queued = typeof alertDeliveries.$inferSelect;

/**
 * One attempt: the URL is checked and resolved again now (a name that turned private is
 * refused), the request goes to the address checked, signed with the rule's secret.
 */
async function attempt(database: Database, queued: Pick<Queued, 'workspaceId' | 'ruleName' | 'body'>, options: DeliveryOptions): Promise<AttemptOutcome> {
  const [rule] = await database.db
    .select({ url: alertRules.webhookUrl, secret: alertRules.secretSealed })
    .from(alertRules)
    .where(and(eq(alertRules.workspaceId, queued.workspaceId), eq(alertRules.name, queued.ruleName)));
  if (!rule) return { statusCode: null, error: 'the rule was deleted' };
  try {
    const target = await resolveWebhook(rule.url, options);
    return await sendWebhook(target, queued.body, { 'x-pulse-signature': signature(options.box.open(rule.secret), queued.body) }, options.timeoutMs);
  } catch (err) {
    return { statusCode: null, error: (err as Error).message };
  }
}

const succeeded = (o: AttemptOutcome) => o.statusCode !== null && o.statusCode >= 200 && o.statusCode < 300;

/** Attempts kept per rule: what GET /alerts/{name}/deliveries shows; older ones are deleted as new ones are made. */
export const ATTEMPTS_KEPT = 50;

/** Deletes a rule's made attempts beyond the newest ATTEMPTS_KEPT, so the table stays bounded however often a rule fires. */
async function pruneAttempts(tx: Pick<Db, 'execute'>, workspaceId: string, ruleName: string): Promise<void> {
  const ofRule = sql`${alertDeliveries.workspaceId} = ${workspaceId}::uuid and ${alertDeliveries.ruleName} = ${ruleName} and ${alertDeliveries.at} is not null`;
  await tx.execute(sql`delete from ${alertDeliveries} where ${ofRule} and ${alertDeliveries.id} not in (
    select ${alertDeliveries.id} from ${alertDeliveries} where ${ofRule} order by ${alertDeliveries.at} desc, ${alertDeliveries.id} desc limit ${ATTEMPTS_KEPT})`);
}

/**
 * Records an attempt's outcome and, when it failed and attempts remain, queues the next one
 * after the backoff (base, 2·base, 4·base, …), in one transaction.
 */
async function record(database: Database, queued: Queued, outcome: AttemptOutcome, options: DeliveryOptions): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx
      .update(alertDeliveries)
      .set({ at: sql`now()`, statusCode: outcome.statusCode, error: outcome.error })
      .where(and(eq(alertDeliveries.workspaceId, queued.workspaceId), eq(alertDeliveries.id, queued.id)));
    await pruneAttempts(tx, queued.workspaceId, queued.ruleName);
    if (succeeded(outcome) || queued.attempt >= MAX_ATTEMPTS) return;
    const waitMs = options.retryBaseMs * 2 ** (queued.attempt - 1);
    await tx
      .insert(alertDeliveries)
      .values({ ...queued, id: uuidv7(), attempt: queued.attempt + 1, dueAt: sql`now() + ${`${waitMs} milliseconds`}::interval`, at: null, statusCode: null, error: null })
      // The rule may be deleted meanwhile: then nothing is left to retry.
      .onConflictDoNothing();
  });
}

/** Sends one queued attempt now and records it; what came of it. */
export async function deliver(database: Database, queued: Queued, options: DeliveryOptions): Promise<AttemptOutcome> {
  const outcome = await attempt(database, queued, options);
  await record(database, queued, outcome, options).catch(() => undefined);
  return outcome;
}

/**
 * Makes every queued attempt that is due (oldest first, at most `limit`), all at once. Each is
 * claimed first, in one statement, by moving its due time past the attempt's timeout: another
 * worker does not take it meanwhile, and if this process dies before recording the outcome, the
 * attempt is due again once the claim lapses (at least once, never lost).
 */
export async function deliverDue(database: Database, options: DeliveryOptions, limit = 100): Promise<number> {
  const claimMs = options.timeoutMs * 2 + 5_000;
  const due = database.db
    .select({ workspaceId: alertDeliveries.workspaceId, id: alertDeliveries.id })
    .from(alertDeliveries)
    .where(and(isNull(alertDeliveries.at), lte(alertDeliveries.dueAt, sql`now()`)))
    .orderBy(asc(alertDeliveries.dueAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const claimed = await database.db
    .update(alertDeliveries)
    .set({ dueAt: sql`now() + ${`${claimMs} milliseconds`}::interval` })
    .where(sql`(${alertDeliveries.workspaceId}, ${alertDeliveries.id}) in (${due})`)
    .returning();
  await Promise.all(claimed.map((queued) => deliver(database, queued, options)));
  return claimed.length;
}

/** A test notification, sent at once and not retried; recorded as one attempt. What the webhook answered. */
export async function sendTestNotification(database: Database, payload: AlertPayload, format: AlertFormat, options: DeliveryOptions) {
  const message = { workspaceId: payload.workspace_id, ruleName: payload.alert, body: webhookBody(format, payload) };
  const outcome = await attempt(database, message, options);
  const [row] = await database.db.transaction(async (tx) => {
    const made = await tx
      .insert(alertDeliveries)
      .values({ ...message, id: uuidv7(), notificationId: uuidv7(), state: 'test', attempt: 1, dueAt: sql`now()`, at: sql`now()`, statusCode: outcome.statusCode, error: outcome.error })
      .returning({ at: alertDeliveries.at });
    await pruneAttempts(tx, message.workspaceId, message.ruleName);
    return made;
  });
  return { at: row!.at!.toISOString(), state: 'test' as const, status_code: outcome.statusCode, attempt: 1, error: outcome.error };
}
