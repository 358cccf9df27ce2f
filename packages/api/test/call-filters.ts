import { type SQL, sql } from 'drizzle-orm';

/** The filters an analytics request can carry (docs/API_SPEC.md §3). */
export interface CallFilters {
  agent_id?: string;
  model?: string;
  tag?: string;
}

/**
 * Plain SQL for a reference query: the calls (`traces` as `t`) of a window whose rows, of the
 * table given as `owner`, belong to the workspace, with the request's filters.
 */
export function callsWhere(owner: 't' | 's', workspaceId: string, w: { from: number; to: number }, f: CallFilters): SQL {
  const parts = [
    sql`${sql.raw(owner)}.workspace_id = ${workspaceId}::uuid`,
    sql`t."timestamp" >= ${new Date(w.from).toISOString()}::timestamptz and t."timestamp" < ${new Date(w.to).toISOString()}::timestamptz`,
  ];
  if (f.agent_id) parts.push(sql`t.agent_id = ${f.agent_id}`);
  if (f.model) parts.push(sql`t.model = ${f.model}`);
  if (f.tag) parts.push(sql`t.tags ? ${f.tag}`);
  return sql.join(parts, sql` and `);
}
