import { type Granularity, round2, SAFETY_TYPES, type SafetyType } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { type QueryContext, rows } from './context.js';
import { instant, num } from './decode.js';
import { safetyRows } from './sources.js';
import { bucketStarts, iso, previousWindow, type TimeWindow } from './window.js';

/** How many agents /safety/by-agent lists: the answer stays bounded however many agents there are. */
const BY_AGENT_LIMIT = 50;

/**
 * Per bucket (null without one): calls and flagged calls in rows without a type, and the
 * calls carrying each type in rows with one. One statement: both from the same snapshot.
 * A type is listed once per trace, so counting its occurrences counts calls.
 */
function flagCounts(q: QueryContext, w: TimeWindow, g: Granularity | null) {
  return rows(
    q,
    sql`with t as materialized (${safetyRows(q.scope, w, g)})
        select bucket, null::text as type, count(*)::bigint as calls,
               count(*) filter (where safety_flags <> '[]'::jsonb)::bigint as flagged
        from t group by 1
        union all
        select bucket, f.type, count(*)::bigint, 0::bigint
        from t cross join lateral jsonb_array_elements_text(t.safety_flags) as f(type) group by 1, 2`,
    z.object({ bucket: instant.nullable(), type: z.enum(SAFETY_TYPES).nullable(), calls: num, flagged: num }),
  );
}

const flaggedFigures = (total: number, flagged: number) => ({
  total_calls: total,
  flagged_calls: flagged,
  flagged_pct: total > 0 ? round2((flagged / total) * 100) : 0,
});

/** GET /safety/overview (docs/API_SPEC.md §12), with the previous window's figures. */
export async function safetyOverview(q: QueryContext, w: TimeWindow) {
  const [found, before] = await Promise.all([flagCounts(q, w, null), flagCounts(q, previousWindow(w), null)]);
  const totals = found.find((r) => r.type === null);
  const previous = before.find((r) => r.type === null);
  const data = found
    .filter((r): r is typeof r & { type: SafetyType } => r.type !== null)
    .map((r) => ({ type: r.type, count: r.calls }))
    .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return {
    from: iso(w.from),
    to: iso(w.to),
    ...flaggedFigures(totals?.calls ?? 0, totals?.flagged ?? 0),
    data,
    previous: flaggedFigures(previous?.calls ?? 0, previous?.flagged ?? 0),
  };
}

/** GET /safety/by-agent (docs/API_SPEC.md §12): the agents with flagged calls, most flagged first. */
export async function safetyByAgent(q: QueryContext, w: TimeWindow) {
  const found = await rows(
    q,
    sql`select agent_id, count(*)::bigint as calls, count(*) filter (where safety_flags <> '[]'::jsonb)::bigint as flagged
        from (${safetyRows(q.scope, w, null)}) t group by 1
        having count(*) filter (where safety_flags <> '[]'::jsonb) > 0
        order by 3 desc, agent_id collate "C" asc limit ${BY_AGENT_LIMIT}`,
    z.object({ agent_id: z.string(), calls: num, flagged: num }),
  );
  return { from: iso(w.from), to: iso(w.to), data: found.map((r) => ({ agent_id: r.agent_id, ...flaggedFigures(r.calls, r.flagged) })) };
}

/** GET /safety/latest (docs/API_SPEC.md §12): the newest flagged calls. */
export async function safetyLatest(q: QueryContext, w: TimeWindow, limit: number) {
  const found = await rows(
    q,
    sql`select trace_id, timestamp, agent_id, model, user_id, safety_flags from (${safetyRows(q.scope, w, null)}) t
        where safety_flags <> '[]'::jsonb order by timestamp desc, trace_id collate "C" asc limit ${limit}`,
    z.object({
      trace_id: z.string(),
      timestamp: instant,
      agent_id: z.string(),
      model: z.string(),
      user_id: z.string().nullable(),
      safety_flags: z.union([z.string().transform((s): unknown => JSON.parse(s)), z.array(z.string())]).pipe(z.array(z.enum(SAFETY_TYPES))),
    }),
  );
  return { from: iso(w.from), to: iso(w.to), data: found.map((r) => ({ ...r, timestamp: iso(r.timestamp) })) };
}

/** GET /safety/trend (docs/API_SPEC.md §12): every bucket of the window, each type's calls in it. */
export async function safetyTrend(q: QueryContext, w: TimeWindow, g: Granularity) {
  const found = await flagCounts(q, w, g);
  const points = new Map<number, { total_calls: number; flagged_calls: number; by_type: Record<SafetyType, number> }>();
  const pointAt = (t: number) => {
    let p = points.get(t);
    if (!p) {
      p = { total_calls: 0, flagged_calls: 0, by_type: Object.fromEntries(SAFETY_TYPES.map((s) => [s, 0])) as Record<SafetyType, number> };
      points.set(t, p);
    }
    return p;
  };
  for (const r of found) {
    if (r.bucket === null) continue;
    const p = pointAt(r.bucket);
    if (r.type === null) {
      p.total_calls = r.calls;
      p.flagged_calls = r.flagged;
    } else p.by_type[r.type] = r.calls;
  }
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    data: bucketStarts(w, g).map((t) => ({ timestamp: iso(t), ...pointAt(t) })),
  };
}
