import { type SQL, sql } from 'drizzle-orm';

/**
 * The dims each fact of the dim-keyed rollups is kept under: all traces (''), per agent, per
 * model, and per agent and model ('am:' + the agent's length in code points + ':' + agent +
 * model: the length prefix keeps every pair distinct whatever characters the names hold).
 * `dimValues` builds them in SQL when folding; `dimOf` builds the one a query's filters read.
 */
export function dimValues(agentId: SQL, model: SQL): SQL {
  return sql`(''), ('a:' || ${agentId}), ('m:' || ${model}), ('am:' || length(${agentId}) || ':' || ${agentId} || ${model})`;
}

export interface DimFilters {
  agentId?: string | undefined;
  model?: string | undefined;
}

/** The dim of the dim-keyed rollups that holds exactly the facts matching these filters. */
export function dimOf(filters: DimFilters): string {
  const { agentId, model } = filters;
  if (agentId !== undefined && model !== undefined) {
    // Code points, as PostgreSQL's length() counts them: the prefix makes the pair unambiguous.
    return `am:${[...agentId].length}:${agentId}${model}`;
  }
  if (agentId !== undefined) return `a:${agentId}`;
  if (model !== undefined) return `m:${model}`;
  return '';
}
