import { type SQL, sql } from 'drizzle-orm';

/**
 * The dims each fact of the dim-keyed rollups is kept under: all traces (''), per agent, per
 * model, and per agent and model ('am:' + the agent's length in code points + ':' + agent +
 * model: the length prefix keeps every pair distinct whatever characters the names hold).
 * `dimRows` builds them in SQL when folding; `dimOf` builds the one a query's filters read.
 */
function dimValues(agentId: SQL, model: SQL): SQL {
  return sql`(''), ('a:' || ${agentId}), ('m:' || ${model}), ('am:' || length(${agentId}) || ':' || ${agentId} || ${model})`;
}

/**
 * Every dim a call is kept under, as the rows (dim) of a subquery for a lateral join: those of
 * dimValues, and 't:' + each of its tags (distinct, as ingest stores them), so a tag filter
 * reads one dim too. A tag combined with agent or model filters has no dim (the pairs would
 * multiply the rows a fold writes): such a query reads raw rows (dimOf gives undefined).
 */
export function dimRows(agentId: SQL, model: SQL, tags: SQL): SQL {
  return sql`select v.dim from (values ${dimValues(agentId, model)}) as v(dim) union all ${tagDims(tags)}`;
}

/** The 't:' dim of each of a call's tags (distinct, as ingest stores them). */
function tagDims(tags: SQL): SQL {
  return sql`select 't:' || x.tag from jsonb_array_elements_text(${tags}) as x(tag)`;
}

/**
 * The weekly per-user level keeps the dim of all calls and each tag's (db rollups.ts), not the
 * agent and model ones: a 30-day top users or distinct users, unfiltered or by tag, reads weekly
 * rows. `weeklyDimRows` are a call's dims there (for a lateral join), `keptWeekly` tells a dim
 * column's values kept there, `weeklyDimOf` the weekly dim of a query's filters.
 */
export function weeklyDimRows(tags: SQL): SQL {
  return sql`select ''::text union all ${tagDims(tags)}`;
}

export function keptWeekly(dim: SQL): SQL {
  return sql`(${dim} = '' or ${dim} like 't:%')`;
}

export function weeklyDimOf(filters: DimFilters): string | undefined {
  const dim = dimOf(filters);
  return dim === '' || dim?.startsWith('t:') ? dim : undefined;
}

export interface DimFilters {
  agentId?: string | undefined;
  model?: string | undefined;
  tag?: string | undefined;
}

/** The dim of the dim-keyed rollups that holds exactly the facts matching these filters; undefined when none does. */
export function dimOf(filters: DimFilters): string | undefined {
  const { agentId, model, tag } = filters;
  if (tag !== undefined) return agentId === undefined && model === undefined ? `t:${tag}` : undefined;
  if (agentId !== undefined && model !== undefined) {
    // Code points, as PostgreSQL's length() counts them: the prefix makes the pair unambiguous.
    return `am:${[...agentId].length}:${agentId}${model}`;
  }
  if (agentId !== undefined) return `a:${agentId}`;
  if (model !== undefined) return `m:${model}`;
  return '';
}
