import { type Database, schema } from '@pulse/db';
import { createTrickle, DEMO_AGENT_VALUES, demoScores, generateDemoBatches } from '@pulse/demo';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { createWorkspace, issueKey } from '../admin/workspaces.js';
import { budgetView, saveBudget } from '../analytics/budget.js';
import { putAgentValue } from '../impact/agent-value-store.js';
import { ingestTraces } from '../ingest/ingest-traces.js';
import { readSettings } from '../safety/settings-store.js';
import type { Logger } from '../logger.js';
import { writeScores } from '../scores/write-scores.js';

export const DEMO_WORKSPACE_NAME = 'demo';
const DEMO_KEY_NAME = 'demo-start';

export interface DemoWorkspace {
  workspaceId: string;
  apiKey: string;
  /** Traces stored by this start (0 when the data was already there). */
  seeded: number;
  seedMs: number;
}

export interface DemoSeedOptions {
  seed: number;
  now?: Date;
  days?: number;
  targetTraces?: number;
  onProgress?: (stored: number) => void;
}

/**
 * On an empty database: a "demo" workspace filled with 30 days of traces, and scores of a
 * share of them, through the real ingest and scoring code, and what most agents' tasks are worth. On a restart the data is kept;
 * only a fresh key is issued (keys are stored hashed, so the previous one cannot be printed
 * again) and older demo keys revoked.
 */
export async function ensureDemoWorkspace(database: Database, logger: Logger, opts: DemoSeedOptions): Promise<DemoWorkspace> {
  const started = Date.now();
  const [existing] = await database.db
    .select({ id: schema.workspaces.id })
    .from(schema.workspaces)
    .where(eq(schema.workspaces.name, DEMO_WORKSPACE_NAME))
    .limit(1);
  if (existing) {
    await database.db
      .update(schema.apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(schema.apiKeys.workspaceId, existing.id), eq(schema.apiKeys.name, DEMO_KEY_NAME), isNull(schema.apiKeys.revokedAt)));
    const { api_key } = await issueKey(database.db, existing.id, DEMO_KEY_NAME);
    return { workspaceId: existing.id, apiKey: api_key, seeded: 0, seedMs: Date.now() - started };
  }

  const { workspace_id, key_id } = await createWorkspace(database, DEMO_WORKSPACE_NAME);
  // The first key is the workspace's default; the printed one is a demo-start key like on restarts.
  await database.db.update(schema.apiKeys).set({ revokedAt: sql`now()` }).where(eq(schema.apiKeys.id, key_id));
  const { api_key } = await issueKey(database.db, workspace_id, DEMO_KEY_NAME);

  let stored = 0;
  const batches = generateDemoBatches({
    seed: opts.seed,
    now: opts.now ?? new Date(),
    days: opts.days ?? 30,
    targetTraces: opts.targetTraces ?? 220_000,
  });
  for (const batch of batches) {
    // A new workspace has the default settings: no redaction.
    const result = await ingestTraces(database, workspace_id, batch, { redactPii: false });
    if (result.rejected.length) logger.warn({ rejected: result.rejected.slice(0, 3) }, 'demo traces rejected');
    // Scored like the calls of a team that judges them: docs/API_SPEC.md §10.
    const scored = await writeScores(database, workspace_id, demoScores(batch, opts.seed));
    if (scored.rejected.length) logger.warn({ rejected: scored.rejected.slice(0, 3) }, 'demo scores rejected');
    stored += result.accepted;
    opts.onProgress?.(stored);
  }
  await setDemoBudget(database, workspace_id, opts.now?.getTime() ?? Date.now());
  for (const value of DEMO_AGENT_VALUES) await putAgentValue(database, workspace_id, value);
  return { workspaceId: workspace_id, apiKey: api_key, seeded: stored, seedMs: Date.now() - started };
}

/** Month to date's share of the demo budget: past the 80 % alert threshold, so the budget bar and its alert show. */
const DEMO_BUDGET_USED = 0.85;

/** A monthly budget (whole cents, at least one) the demo's month to date has used 85 % of. */
async function setDemoBudget(database: Database, workspaceId: string, now: number): Promise<void> {
  const context = { database, workspaceId, timescale: database.timescale, now };
  const { month_to_date_usd } = await budgetView(context);
  await saveBudget(context, Math.max(0.01, Math.ceil((month_to_date_usd / DEMO_BUDGET_USED) * 100) / 100), 80);
}

/** A few live traces per second, some of them scored, so the dashboard moves. Returns a stop function. */
export function startTrickle(
  database: Database,
  workspaceId: string,
  opts: { seed: number; perSecond: number; logger: Logger; onWrite: () => Promise<void> },
): () => Promise<void> {
  const next = createTrickle(opts.seed);
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    const count = Math.max(0, Math.round(opts.perSecond * (0.5 + Math.random())));
    if (count === 0) return;
    const batch = next(new Date(), count);
    inFlight = readSettings(database, workspaceId)
      .then((settings) => ingestTraces(database, workspaceId, batch, { redactPii: settings.redact_pii }))
      .then(() => writeScores(database, workspaceId, demoScores(batch, opts.seed)))
      .then(() => opts.onWrite())
      .catch((err: unknown) => opts.logger.warn({ err }, 'demo trickle batch failed'));
  }, 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
