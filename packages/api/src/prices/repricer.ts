import { type Database, resultRows, schema } from '@pulse/db';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { TimeWindow } from '../analytics/window.js';
import { runEvery, type BackgroundLoop } from '../background/run-every.js';
import { rootCause } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { takeFoldLock } from '../rollups/fold.js';
import { throttledWarn } from '../throttled-log.js';
import { loadOverrides, type Tx } from './overrides.js';
import { prepareRepricing, repriceModel } from './reprice.js';

const { repricingJobs, traces } = schema;

/**
 * The calls of the model one step rewrites, at most (more only when calls share the last
 * timestamp). A step holds the fold lock and its row locks to its end, so it stays short;
 * readers price the calls it has not reached themselves meanwhile (pending-repricing.ts).
 */
const STEP_CALLS = 20_000;

/**
 * The timestamps [from, to) of the model's next step before `rewrittenFrom` (null: after its
 * last call): its `stepCalls` newest calls not rewritten yet (with every call of the oldest
 * timestamp among them), read from the (workspace_id, model, timestamp) index. Newest first, so
 * the windows a dashboard shows most (today, this week) are read from storage alone again
 * soonest. Null when no call of the model is left.
 */
async function nextStep(tx: Tx, workspaceId: string, model: string, rewrittenFrom: Date | null, stepCalls: number): Promise<TimeWindow | null> {
  const before = rewrittenFrom ? sql` and ${traces.timestamp} < ${rewrittenFrom.toISOString()}::timestamptz` : sql``;
  const ofModel = sql`${traces.workspaceId} = ${workspaceId}::uuid and ${traces.model} = ${model}${before}`;
  const at = (order: SQL, offset: number) =>
    sql`(select ${traces.timestamp} from ${traces} where ${ofModel} order by ${traces.timestamp} ${order} offset ${offset} limit 1)`;
  const [row] = await tx
    .execute(sql`select ${at(sql`desc`, 0)} as last, ${at(sql`desc`, stepCalls - 1)} as bound, ${at(sql`asc`, 0)} as first`)
    .then(resultRows<{ last: string | Date | null; bound: string | Date | null; first: string | Date | null }>);
  if (!row?.last) return null;
  const ms = (v: string | Date) => new Date(v).getTime();
  return { from: ms(row.bound ?? row.first!), to: rewrittenFrom ? rewrittenFrom.getTime() : ms(row.last) + 1 };
}

/**
 * One step of the oldest queued re-pricing (docs/API_SPEC.md §9): the model's newest stored calls
 * before the job's `rewritten_from` are priced as the prices now give them, with their copies in
 * the fold's queue and the rollups, in one transaction that moves `rewritten_from` back to the
 * first of them (or ends the job when no call is left). It holds the fold lock, and no price
 * lock: a price change never waits for a step. A change that commits meanwhile queues the model
 * in a new generation, and the step moves or ends only the generation it read, so the job starts
 * over and every call is read as not rewritten again (what this step wrote included).
 * Answers false when no job is queued. Tests take smaller steps (`stepCalls`).
 */
export async function repriceStep(database: Database, stepCalls = STEP_CALLS): Promise<boolean> {
  const [next] = await database.db.select().from(repricingJobs).orderBy(asc(repricingJobs.queuedAt)).limit(1);
  if (!next) return false;
  await database.db.transaction(async (tx) => {
    await prepareRepricing(tx);
    // A fold in progress is waited for however long it takes (the lock wait alone is unbounded).
    await tx.execute(sql`set local lock_timeout = 0`);
    await takeFoldLock(tx);
    const thisJob = and(eq(repricingJobs.workspaceId, next.workspaceId), eq(repricingJobs.model, next.model));
    // Read again under the fold lock: another replica may have moved it on or ended it.
    const [job] = await tx.select().from(repricingJobs).where(thisJob);
    if (!job) return;
    const sameGeneration = and(thisJob, eq(repricingJobs.generation, job.generation));
    const step = await nextStep(tx, job.workspaceId, job.model, job.rewrittenFrom, stepCalls);
    if (step === null) {
      await tx.delete(repricingJobs).where(sameGeneration);
      return;
    }
    const override = (await loadOverrides(tx, job.workspaceId, [job.model])).get(job.model);
    await repriceModel(tx, job.workspaceId, job.model, override, step);
    await tx.update(repricingJobs).set({ rewrittenFrom: new Date(step.from) }).where(sameGeneration);
  });
  return true;
}

/** How many models' price changes still have stored calls to rewrite (GET /api/ready reports it). */
export async function repricingBacklog(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(repricingJobs);
  return Number(row?.n ?? 0);
}

/** Runs every queued re-pricing to its end (tests use it to reach the rewritten state). */
export async function repriceAll(database: Database, stepCalls = STEP_CALLS): Promise<void> {
  while (await repriceStep(database, stepCalls));
}

/**
 * The background re-pricer: every `intervalMs` it works through the queued re-pricings step by
 * step until none is left. A failing step is logged once per cause per minute and tried again
 * on the next tick; readers price the calls it has not reached meanwhile. Stopping lets the
 * step in progress commit and takes no other (the jobs stay queued for the next start).
 */
export function startRepricer(database: Database, logger: Logger, opts: { intervalMs: number }): BackgroundLoop {
  const warn = throttledWarn(logger, { intervalMs: 60_000 });
  let stopping = false;
  return runEvery(
    opts.intervalMs,
    async () => {
      while (!stopping && (await repriceStep(database)));
    },
    (err) => {
      const cause = rootCause(err);
      warn(`reprice:${cause.code ?? ''}:${cause.message}`, { cause }, 're-pricing step failed; retrying');
    },
    () => {
      stopping = true;
    },
  );
}
