import { type Database, schema } from '@pulse/db';
import type { EvaluatorInput, EvaluatorView } from '@pulse/shared';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { SecretBox } from '../secrets/secret-box.js';
import { pendingCount } from './candidates.js';
import { type EvaluatorRow, NIL_UUID, settingsFrom, settingsOf } from './stored-evaluator.js';

const { evaluators } = schema;

const byName = (workspaceId: string, name: string) => and(eq(evaluators.workspaceId, workspaceId), eq(evaluators.name, name));

/** An evaluator as the API answers it: its key only as `has_api_key`. */
async function view(database: Database, row: EvaluatorRow): Promise<EvaluatorView> {
  const settings = settingsOf(row);
  return {
    name: row.name,
    kind: row.kind,
    llm: settings.llm ? { ...settings.llm, has_api_key: row.apiKeySealed !== null } : null,
    rule: settings.rule,
    score: settings.score,
    sample_rate: row.sampleRate,
    filters: settings.filters,
    enabled: row.enabled,
    status: {
      judged: row.judged,
      failed: row.failed,
      pending: await pendingCount(database, row),
      last_error: row.lastError,
      last_run_at: row.lastRunAt?.toISOString() ?? null,
    },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function findEvaluator(database: Database, workspaceId: string, name: string): Promise<EvaluatorView | undefined> {
  const [row] = await database.db.select().from(evaluators).where(byName(workspaceId, name));
  return row && view(database, row);
}

export async function listEvaluators(database: Database, workspaceId: string): Promise<EvaluatorView[]> {
  const rows = await database.db.select().from(evaluators).where(eq(evaluators.workspaceId, workspaceId)).orderBy(asc(evaluators.name));
  const views: EvaluatorView[] = [];
  for (const row of rows) views.push(await view(database, row));
  return views;
}

/**
 * Creates or replaces an evaluator (docs/API_SPEC.md §13). A new one judges the calls stored from
 * now on; a replaced one keeps its progress and counts. `api_key` absent keeps the stored key,
 * null removes it, a string is sealed with the server's secret box.
 */
export async function saveEvaluator(database: Database, box: SecretBox, workspaceId: string, input: EvaluatorInput): Promise<EvaluatorView> {
  const apiKey = input.llm?.api_key;
  const sealed = apiKey === undefined || apiKey === null ? null : box.seal(apiKey);
  const values = {
    workspaceId,
    name: input.name,
    kind: input.kind,
    settings: settingsFrom(input),
    apiKeySealed: sealed,
    sampleRate: input.sample_rate,
    enabled: input.enabled,
    // From now on: the calls received before the evaluator existed are not judged.
    cursorAt: sql`date_trunc('milliseconds', now())`,
    cursorId: NIL_UUID,
  };
  // A rule evaluator, or an LLM judge with api_key null, holds no key; absent keeps the stored one.
  const keepKey = input.kind === 'llm' && apiKey === undefined;
  const [row] = await database.db
    .insert(evaluators)
    .values(values)
    .onConflictDoUpdate({
      target: [evaluators.workspaceId, evaluators.name],
      set: {
        kind: values.kind,
        settings: values.settings,
        apiKeySealed: keepKey ? sql`${evaluators.apiKeySealed}` : sealed,
        sampleRate: values.sampleRate,
        enabled: values.enabled,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return view(database, row!);
}

/** True when there was one to delete. Its scores stay. */
export async function deleteEvaluator(database: Database, workspaceId: string, name: string): Promise<boolean> {
  const deleted = await database.db.delete(evaluators).where(byName(workspaceId, name)).returning({ name: evaluators.name });
  return deleted.length > 0;
}
