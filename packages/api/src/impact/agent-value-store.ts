import { type Database, schema } from '@pulse/db';
import { type AgentValue, type AgentValueInput, decimalText, usdFromNanos } from '@pulse/shared';
import { and, asc, eq, sql } from 'drizzle-orm';
import { perSuccess, valueNanos } from './task-value.js';

const { agentValues } = schema;

export type AgentValueRow = typeof agentValues.$inferSelect;

const ofAgent = (workspaceId: string, agentId: string) =>
  and(eq(agentValues.workspaceId, workspaceId), eq(agentValues.agentId, agentId));

/** A setting as the API answers it (docs/API_SPEC.md §14): the value per success derived for the minutes × rate form. */
function view(row: AgentValueRow): AgentValue {
  return {
    agent_id: row.agentId,
    value_per_success_usd: usdFromNanos(valueNanos([{ successes: 1, per: perSuccess(row) }])),
    minutes_saved: row.minutesSaved === null ? null : Number(row.minutesSaved),
    hourly_rate_usd: row.hourlyRateUsd === null ? null : Number(row.hourlyRateUsd),
    success: row.success,
    success_score: row.successScore,
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Every stored setting of the workspace (the analytics read them as rows), by agent_id. */
export function agentValueRows(database: Database, workspaceId: string): Promise<AgentValueRow[]> {
  return database.db
    .select()
    .from(agentValues)
    .where(eq(agentValues.workspaceId, workspaceId))
    .orderBy(asc(sql`${agentValues.agentId} collate "C"`));
}

export async function listAgentValues(database: Database, workspaceId: string): Promise<AgentValue[]> {
  return (await agentValueRows(database, workspaceId)).map(view);
}

export async function findAgentValue(
  database: Database,
  workspaceId: string,
  agentId: string,
): Promise<AgentValue | undefined> {
  const [row] = await database.db.select().from(agentValues).where(ofAgent(workspaceId, agentId));
  return row && view(row);
}

/** Creates or replaces the agent's settings; the decimals are stored exactly as sent. */
export async function putAgentValue(
  database: Database,
  workspaceId: string,
  input: AgentValueInput,
): Promise<AgentValue> {
  const exact = (n: number | undefined) => (n === undefined ? null : decimalText(n));
  const row = {
    valuePerSuccessUsd: exact(input.value_per_success_usd),
    minutesSaved: exact(input.minutes_saved),
    hourlyRateUsd: exact(input.hourly_rate_usd),
    success: input.success,
    successScore: input.success_score ?? null,
    updatedAt: new Date(),
  };
  const [stored] = await database.db
    .insert(agentValues)
    .values({ workspaceId, agentId: input.agent_id, ...row })
    .onConflictDoUpdate({ target: [agentValues.workspaceId, agentValues.agentId], set: row })
    .returning();
  return view(stored!);
}

/** Removes the agent's settings; false when it had none. */
export async function deleteAgentValue(database: Database, workspaceId: string, agentId: string): Promise<boolean> {
  const removed = await database.db
    .delete(agentValues)
    .where(ofAgent(workspaceId, agentId))
    .returning({ agentId: agentValues.agentId });
  return removed.length > 0;
}
