import { schema, timeBucket } from '@pulse/db';
import { type Granularity, round4, type ScoreType, SCORE_TYPES } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type QueryContext, rows } from './context.js';
import { instant, num } from './decode.js';
import type { Scope } from './sources.js';
import { bucketStarts, iso, previousWindow, type TimeWindow } from './window.js';

const { scores, traces } = schema;

/**
 * Quality figures (docs/API_SPEC.md §10) read the scores table alone: a score counts in the
 * window of its trace's timestamp, and the trace's agent and model are copied onto it. Only a
 * tag filter looks at the scored trace itself, through its primary key. Impact's score-judged
 * successes (impact.ts) select their scores the same way.
 */
export function scoped(scope: Scope, w: TimeWindow): SQL {
  const parts: SQL[] = [
    sql`${scores.workspaceId} = ${scope.workspaceId}::uuid`,
    sql`${scores.traceTimestamp} >= ${iso(w.from)}::timestamptz and ${scores.traceTimestamp} < ${iso(w.to)}::timestamptz`,
  ];
  if (scope.agentId !== undefined) parts.push(sql`${scores.agentId} = ${scope.agentId}`);
  if (scope.model !== undefined) parts.push(sql`${scores.model} = ${scope.model}`);
  if (scope.tag !== undefined) {
    parts.push(sql`exists (select 1 from ${traces} where ${traces.workspaceId} = ${scores.workspaceId}
      and ${traces.timestamp} = ${scores.traceTimestamp} and ${traces.id} = ${scores.traceRowId}
      and ${traces.tags} @> ${JSON.stringify([scope.tag])}::jsonb)`);
  }
  return sql.join(parts, sql` and `);
}

/** count, sum of values and the latest write, of one group of one type. */
const figures = { type: z.enum(SCORE_TYPES), count: num, sum: num, last_written: instant };
const aggregates = sql`${scores.type} as type, count(*)::float8 as count, sum(${scores.numericValue})::float8 as sum,
  max(${scores.updatedAt}) as last_written`;

interface Figures {
  type: ScoreType;
  count: number;
  sum: number;
  last_written: number;
}

/**
 * A name's type is that of its latest score. Names keep one type (writes reject another), but
 * two batches racing with a new name could each bring their own: the latest decides, and only
 * scores of that type count.
 */
function typeOfName(groups: Iterable<Figures>): ScoreType | undefined {
  let latest: Figures | undefined;
  for (const g of groups) if (!latest || g.last_written > latest.last_written) latest = g;
  return latest?.type;
}

/** The average of docs/API_SPEC.md §10: the mean, or the share of true; null for categorical and for none. */
function average(type: ScoreType, group: Pick<Figures, 'count' | 'sum'> | undefined): number | null {
  if (type === 'categorical' || !group || group.count === 0) return null;
  return round4(group.sum / group.count);
}

/** Sums groups that differ only in a finer key (a categorical value) into one per key. */
function sumBy<K>(found: ReadonlyArray<Figures & { key: K }>): Map<K, Map<ScoreType, Figures>> {
  const out = new Map<K, Map<ScoreType, Figures>>();
  for (const r of found) {
    let byType = out.get(r.key);
    if (!byType) out.set(r.key, (byType = new Map()));
    const prior = byType.get(r.type);
    byType.set(
      r.type,
      prior
        ? { type: r.type, count: prior.count + r.count, sum: prior.sum + r.sum, last_written: Math.max(prior.last_written, r.last_written) }
        : { type: r.type, count: r.count, sum: r.sum, last_written: r.last_written },
    );
  }
  return out;
}

export async function qualityOverview(q: QueryContext, w: TimeWindow) {
  const previous = previousWindow(w);
  const found = await rows(
    q,
    sql`select ${scores.traceTimestamp} >= ${iso(w.from)}::timestamptz as current, ${scores.name} as name,
          ${scores.categoricalValue} as category, ${aggregates}
        from ${scores} where ${scoped(q.scope, { from: previous.from, to: w.to })} group by 1, 2, 3, 4`,
    z.object({ current: z.boolean(), name: z.string(), category: z.string().nullable(), ...figures }),
  );
  const current = found.filter((r) => r.current);
  const now = sumBy(current.map((r) => ({ ...r, key: r.name })));
  const before = sumBy(found.filter((r) => !r.current).map((r) => ({ ...r, key: r.name })));
  const names = [...now.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    from: iso(w.from),
    to: iso(w.to),
    data: names.map((name) => {
      const type = typeOfName(now.get(name)!.values())!;
      const group = now.get(name)!.get(type)!;
      return {
        name,
        type,
        count: group.count,
        avg: average(type, group),
        distribution: type === 'categorical' ? distribution(current.filter((r) => r.name === name && r.type === type)) : null,
        previous_avg: average(type, before.get(name)?.get(type)),
      };
    }),
  };
}

/** `{ value: count }`, the most frequent value first (ties by value). */
function distribution(groups: ReadonlyArray<{ category: string | null; count: number }>): Record<string, number> {
  const sorted = groups
    .filter((g): g is { category: string; count: number } => g.category !== null)
    .sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  return Object.fromEntries(sorted.map((g) => [g.category, g.count]));
}

export async function qualityTrend(q: QueryContext, w: TimeWindow, g: Granularity, name: string) {
  const found = await rows(
    q,
    sql`select ${timeBucket(q.scope.timescale, g, scores.traceTimestamp)} as bucket, ${aggregates}
        from ${scores} where ${scoped(q.scope, w)} and ${scores.name} = ${name} group by 1, 2`,
    z.object({ bucket: instant, ...figures }),
  );
  const byBucket = sumBy(found.map((r) => ({ ...r, key: r.bucket })));
  const type = typeOfName(found);
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    name,
    data: bucketStarts(w, g).map((t) => {
      const group = type === undefined ? undefined : byBucket.get(t)?.get(type);
      return { timestamp: iso(t), count: group?.count ?? 0, avg: type === undefined ? null : average(type, group) };
    }),
  };
}

export async function qualityByAgent(q: QueryContext, w: TimeWindow, name: string) {
  const found = await rows(
    q,
    sql`select ${scores.agentId} as agent_id, ${aggregates}
        from ${scores} where ${scoped(q.scope, w)} and ${scores.name} = ${name} group by 1, 2`,
    z.object({ agent_id: z.string(), ...figures }),
  );
  const type = typeOfName(found);
  const byAgent = sumBy(found.map((r) => ({ ...r, key: r.agent_id })));
  const data = [...byAgent]
    .flatMap(([agentId, byType]) => {
      const group = type === undefined ? undefined : byType.get(type);
      return group ? [{ agent_id: agentId, count: group.count, avg: average(group.type, group) }] : [];
    })
    .sort((a, b) => b.count - a.count || (a.agent_id < b.agent_id ? -1 : a.agent_id > b.agent_id ? 1 : 0));
  return { from: iso(w.from), to: iso(w.to), name, data };
}
