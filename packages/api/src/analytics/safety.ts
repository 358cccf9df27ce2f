import { type Granularity, round2, SAFETY_TYPES, type SafetyType } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { type QueryContext, rows } from './context.js';
import { instant, num } from './decode.js';
import { safetyRows } from './sources.js';
import { bucketStarts, iso, type TimeWindow } from './window.js';

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

/** GET /safety/overview (docs/API_SPEC.md §12). */
export async function safetyOverview(q: QueryContext, w: TimeWindow) {
  const found = await flagCounts(q, w, null);
  const totals = found.find((r) => r.type === null);
  const total = totals?.calls ?? 0;
  const flagged = totals?.flagged ?? 0;
  const data = found
    .filter((r): r is typeof r & { type: SafetyType } => r.type !== null)
    .map((r) => ({ type: r.type, count: r.calls }))
    .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return {
    from: iso(w.from),
    to: iso(w.to),
    total_calls: total,
    flagged_calls: flagged,
    flagged_pct: total > 0 ? round2((flagged / total) * 100) : 0,
    data,
  };
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
