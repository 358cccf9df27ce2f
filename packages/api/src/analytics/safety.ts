import { type Granularity, round2, SAFETY_TYPES, type SafetyType } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { type QueryContext, rows } from './context.js';
import { summedFlagCounts } from '../rollups/safety-sql.js';
import { instant, num, numberArray } from './decode.js';
import { flaggedCallRows, safetyStatsRows } from './sources.js';
import { bucketStarts, iso, planWindow, previousWindow, type TimeWindow } from './window.js';

/** How many agents /safety/by-agent lists: the answer stays bounded however many agents there are. */
const BY_AGENT_LIMIT = 50;

/**
 * Per bucket (null without one): calls, flagged calls and the calls carrying each type, from
 * the stats rollups with the raw edges and the queued calls (safetyStatsRows), in one statement.
 * A type is listed once per trace, so its count counts calls.
 */
async function flagCounts(q: QueryContext, w: TimeWindow, g: Granularity | null) {
  const found = await rows(
    q,
    sql`select bucket, sum(calls)::float8 as calls, sum(flagged)::float8 as flagged, ${summedFlagCounts(sql`flag_counts`)}::float8[] as by_type
        from (${safetyStatsRows(q.scope, planWindow(w, g ?? 'any'), g)}) s group by 1`,
    z.object({ bucket: instant.nullable(), calls: num, flagged: num, by_type: numberArray }),
  );
  return found.map((r) => ({
    bucket: r.bucket,
    calls: r.calls,
    flagged: r.flagged,
    byType: Object.fromEntries(SAFETY_TYPES.map((type, i) => [type, r.by_type[i] ?? 0])) as Record<SafetyType, number>,
  }));
}

const flaggedFigures = (total: number, flagged: number) => ({
  total_calls: total,
  flagged_calls: flagged,
  flagged_pct: total > 0 ? round2((flagged / total) * 100) : 0,
});

/** GET /safety/overview (docs/API_SPEC.md §12), with the previous window's figures. */
export async function safetyOverview(q: QueryContext, w: TimeWindow) {
  const [[totals], [previous]] = await Promise.all([flagCounts(q, w, null), flagCounts(q, previousWindow(w), null)]);
  const data = SAFETY_TYPES.map((type) => ({ type, count: totals?.byType[type] ?? 0 }))
    .filter((d) => d.count > 0)
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
    sql`select agent_id, sum(calls)::float8 as calls, sum(flagged)::float8 as flagged
        from (${safetyStatsRows(q.scope, planWindow(w), null)}) s group by 1
        having sum(flagged) > 0
        order by 3 desc, agent_id collate "C" asc limit ${BY_AGENT_LIMIT}`,
    z.object({ agent_id: z.string(), calls: num, flagged: num }),
  );
  return { from: iso(w.from), to: iso(w.to), data: found.map((r) => ({ agent_id: r.agent_id, ...flaggedFigures(r.calls, r.flagged) })) };
}

/** GET /safety/latest (docs/API_SPEC.md §12): the newest flagged calls. */
export async function safetyLatest(q: QueryContext, w: TimeWindow, limit: number) {
  const found = await rows(
    q,
    sql`select trace_id, timestamp, agent_id, model, user_id, safety_flags from (${flaggedCallRows(q.scope, w)}) t
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
    p.total_calls = r.calls;
    p.flagged_calls = r.flagged;
    p.by_type = r.byType;
  }
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    data: bucketStarts(w, g).map((t) => ({ timestamp: iso(t), ...pointAt(t) })),
  };
}
