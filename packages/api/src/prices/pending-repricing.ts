import { schema } from '@pulse/db';
import { catalogPrices } from '@pulse/shared';
import { eq, type SQL, sql } from 'drizzle-orm';
import { type Override, overrideOf, type Tx } from './overrides.js';
import { type CallTable, pricedSql } from './price-sql.js';

const { repricingJobs, priceOverrides } = schema;

/**
 * A model of the workspace whose stored calls before `rewrittenFrom` (epoch ms; null: all of
 * them) may still carry the costs of its previous prices: a price change queued it and the
 * re-pricer, which goes newest first, has not rewritten them yet (repricer.ts). Readers price
 * those calls themselves, with the model's prices now (docs/API_SPEC.md §9).
 */
export interface PendingRepricing {
  model: string;
  override: Override | undefined;
  rewrittenFrom: number | null;
}

/** The workspace's models still being re-priced, with their prices now; usually none. */
export async function loadPendingRepricing(db: Tx, workspaceId: string): Promise<PendingRepricing[]> {
  const found = await db
    .select({ job: repricingJobs, override: priceOverrides })
    .from(repricingJobs)
    .leftJoin(
      priceOverrides,
      sql`${priceOverrides.workspaceId} = ${repricingJobs.workspaceId} and ${priceOverrides.model} = ${repricingJobs.model}`,
    )
    .where(eq(repricingJobs.workspaceId, workspaceId));
  return found.map(({ job, override }) => ({
    model: job.model,
    override: override ? overrideOf(override) : undefined,
    rewrittenFrom: job.rewrittenFrom ? job.rewrittenFrom.getTime() : null,
  }));
}

/** A row of one of the models that the re-pricer may not have rewritten yet (never one with a client cost). */
function pendingCondition(t: CallTable, p: PendingRepricing): SQL {
  const before =
    p.rewrittenFrom === null ? sql`` : sql` and ${t.timestamp} < ${new Date(p.rewrittenFrom).toISOString()}::timestamptz`;
  return sql`(${t.model} = ${p.model}${before})`;
}

/** Whether a row of `t` may carry a cost the re-pricer has still to rewrite. */
export function awaitsRepricing(t: CallTable, pending: readonly PendingRepricing[]): SQL {
  if (pending.length === 0) return sql`false`;
  return sql`(${t.costSource} <> 'provided' and (${sql.join(
    pending.map((p) => pendingCondition(t, p)),
    sql` or `,
  )}))`;
}

/**
 * A row's cost and cost_source as the prices now give them: those stored, except on the rows
 * that await re-pricing, priced here as the re-pricer will store them (price-sql.ts).
 */
export function currentCost(t: CallTable, pending: readonly PendingRepricing[]): { cost: SQL; source: SQL } {
  if (pending.length === 0) return { cost: sql`${t.costNanos}`, source: sql`${t.costSource}::text` };
  const cases = pending.map((p) => ({
    when: sql`${t.costSource} <> 'provided' and ${pendingCondition(t, p)}`,
    ...pricedSql(t, p.override, catalogPrices(p.model)),
  }));
  const choose = (pick: (c: (typeof cases)[number]) => SQL, stored: SQL) =>
    sql`(case ${sql.join(
      cases.map((c) => sql`when ${c.when} then ${pick(c)}`),
      sql` `,
    )} else ${stored} end)`;
  return {
    cost: choose((c) => c.cost, sql`${t.costNanos}`),
    source: choose((c) => sql`${c.source}::text`, sql`${t.costSource}::text`),
  };
}
