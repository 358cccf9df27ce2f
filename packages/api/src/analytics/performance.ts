import { type Granularity, histogramPercentile, type LatencyHistogram, round2 } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { type QueryContext, rows } from './context.js';
import { num, instant, numberArray, textArray } from './decode.js';
import { countsOnly, dimServedPlan, errorRows, histRows, rawLatencyRows, statsRows } from './sources.js';
import { bucketStarts, iso, planWindow, readsRollups, type TimeWindow, type WindowPlan } from './window.js';

const PERCENTILES = [0.5, 0.95, 0.99] as const;

interface Percentiles {
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}
const NO_PERCENTILES: Percentiles = { p50_ms: null, p95_ms: null, p99_ms: null };


/** Percentiles per bucket (key null for a whole-window figure). */
async function percentiles(q: QueryContext, w: TimeWindow, plan: WindowPlan, g: Granularity | null): Promise<Map<number | null, Percentiles>> {
  const out = new Map<number | null, Percentiles>();
  // A window served by raw rows alone is small: exact percentile_cont. Otherwise histograms.
  if (!readsRollups(dimServedPlan(q.scope, plan))) {
    const found = await rows(
      q,
      sql`select bucket, percentile_cont(0.5) within group (order by latency_ms) as p50,
            percentile_cont(0.95) within group (order by latency_ms) as p95,
            percentile_cont(0.99) within group (order by latency_ms) as p99
          from (${rawLatencyRows(q.scope, w, g)}) r group by 1`,
      z.object({ bucket: instant.nullable(), p50: num, p95: num, p99: num }),
    );
    for (const r of found) {
      out.set(g ? r.bucket : null, { p50_ms: r.p50, p95_ms: r.p95, p99_ms: r.p99 });
    }
    return out;
  }
  // The arrays as their literal text: split in one pass here (decode.ts), where the driver's own
  // array parser reads them character by character (a 7-day hourly series: ~50,000 numbers).
  const found = await rows(
    q,
    sql`select bucket, bins::text as bins, counts::text as counts from (${histRows(q.scope, plan, g)}) h`,
    z.object({ bucket: instant.nullable(), bins: numberArray, counts: numberArray }),
  );
  const byBucket = new Map<number | null, LatencyHistogram[]>();
  for (const r of found) {
    const key = g ? r.bucket : null;
    const parts = byBucket.get(key);
    if (parts) parts.push(r);
    else byBucket.set(key, [r]);
  }
  for (const [key, parts] of byBucket) {
    // A bucket of one rollup row (most of a series) is read as it comes: its bins are ascending.
    const histogram = parts.length === 1 ? parts[0]! : merged(parts);
    const [p50, p95, p99] = PERCENTILES.map((p) => histogramPercentile(histogram, p));
    out.set(key, { p50_ms: p50 ?? null, p95_ms: p95 ?? null, p99_ms: p99 ?? null });
  }
  return out;
}

/** One histogram of several (a bucket's rollup row, its raw edges, its queued calls), bins ascending. */
function merged(parts: readonly LatencyHistogram[]): LatencyHistogram {
  const counts = new Map<number, number>();
  for (const part of parts) part.bins.forEach((bin, i) => counts.set(bin, (counts.get(bin) ?? 0) + part.counts[i]!));
  const bins = [...counts.keys()].sort((a, b) => a - b);
  return { bins, counts: bins.map((bin) => counts.get(bin)!) };
}

export async function performanceOverview(q: QueryContext, w: TimeWindow) {
  const plan = planWindow(w);
  const [[r], pct] = await Promise.all([
    rows(
      q,
      sql`select coalesce(sum(calls), 0)::float8 as calls, coalesce(sum(errors), 0)::float8 as errors,
            coalesce(sum(latency_sum), 0)::float8 as latency_sum from (${statsRows(countsOnly(q.scope), plan, null)}) s`,
      z.object({ calls: num, errors: num, latency_sum: num }),
    ),
    percentiles(q, w, plan, null),
  ]);
  const calls = r?.calls ?? 0;
  const errors = r?.errors ?? 0;
  return {
    from: iso(w.from),
    to: iso(w.to),
    total_calls: calls,
    error_count: errors,
    error_rate_pct: calls > 0 ? round2((errors / calls) * 100) : null,
    avg_latency_ms: calls > 0 ? round2((r?.latency_sum ?? 0) / calls) : null,
    ...(calls > 0 ? (pct.get(null) ?? NO_PERCENTILES) : NO_PERCENTILES),
  };
}

export async function latencySeries(q: QueryContext, w: TimeWindow, g: Granularity) {
  const plan = planWindow(w, g);
  const [found, pct] = await Promise.all([
    rows(
      q,
      sql`select bucket, sum(calls)::float8 as calls from (${statsRows(countsOnly(q.scope), plan, g)}) s group by 1`,
      z.object({ bucket: instant, calls: num }),
    ),
    percentiles(q, w, plan, g),
  ]);
  const calls = new Map(found.map((r) => [r.bucket, r.calls]));
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    data: bucketStarts(w, g).map((t) => ({
      timestamp: iso(t),
      calls: calls.get(t) ?? 0,
      ...(calls.get(t) ? (pct.get(t) ?? NO_PERCENTILES) : NO_PERCENTILES),
    })),
  };
}

export async function throughput(q: QueryContext, w: TimeWindow, g: Granularity) {
  const found = await rows(
    q,
    sql`select bucket, sum(calls)::float8 as calls, sum(errors)::float8 as errors
        from (${statsRows(countsOnly(q.scope), planWindow(w, g), g)}) s group by 1`,
    z.object({ bucket: instant, calls: num, errors: num }),
  );
  const byBucket = new Map(found.map((r) => [r.bucket, { calls: r.calls, errors: r.errors }]));
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    data: bucketStarts(w, g).map((t) => {
      const b = byBucket.get(t) ?? { calls: 0, errors: 0 };
      return { timestamp: iso(t), success: b.calls - b.errors, error: b.errors, total: b.calls };
    }),
  };
}

export async function errorsByType(q: QueryContext, w: TimeWindow, limit: number) {
  const found = await rows(
    q,
    sql`with e as (${errorRows(q.scope, planWindow(w))}),
      per_type as (select error_type, sum(count) as count, max(last_seen) as last_seen from e group by 1),
      per_agent as (select error_type, agent_id, sum(count) as count from e group by 1, 2),
      latest as (
        select distinct on (error_type) error_type, last_message from e
        order by error_type, last_seen desc, last_message desc nulls last)
      select t.error_type, t.count::float8 as count, t.last_seen, l.last_message,
        (select count(*)::float8 from per_agent a where a.error_type = t.error_type) as affected,
        (select array_agg(agent_id order by count desc, agent_id collate "C") from (
           select agent_id, count from per_agent a where a.error_type = t.error_type
           order by count desc, agent_id collate "C" limit 5) top) as agents,
        (select coalesce(sum(count), 0)::float8 from per_type) as total
      from per_type t join latest l using (error_type)
      order by t.count desc, t.error_type collate "C" asc
      limit ${limit}`,
    z.object({
      error_type: z.string(),
      count: num,
      last_seen: instant,
      last_message: z.string().nullable(),
      affected: num,
      agents: textArray,
      total: num,
    }),
  );
  // limit >= 1, so no row means no error at all in the window.
  const total = found[0]?.total ?? 0;
  return {
    from: iso(w.from),
    to: iso(w.to),
    total_errors: total,
    data: found.map((r) => ({
      error_type: r.error_type,
      count: r.count,
      percentage: total > 0 ? round2((r.count / total) * 100) : 0,
      affected_agents: r.affected,
      agents: r.agents,
      last_seen: iso(r.last_seen),
      sample_message: r.last_message,
    })),
  };
}
