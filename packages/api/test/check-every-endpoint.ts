import { expect } from 'vitest';
import { type reference, type RefWindow, round2, usd } from './reference.js';

type Get = (path: string, params: Record<string, string | number | undefined>) => Promise<any>;
type Reference = ReturnType<typeof reference>;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function custom(w: RefWindow) {
  return { range: 'custom', from: w.from, to: w.to, agent_id: w.agent_id, model: w.model, tag: w.tag };
}

/** Zero-filled reference series: one point per bucket intersecting the window. */
function buckets(w: RefWindow, g: string): string[] {
  const step = { minute: 60_000, hour: 3_600_000, day: DAY }[g]!;
  const out: string[] = [];
  for (let t = Math.floor(Date.parse(w.from) / step) * step; t < Date.parse(w.to); t += step) out.push(iso(t));
  return out;
}

export function withinPct(actual: number | null, expected: number | null, pct: number) {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected) / Math.max(Math.abs(expected), 1e-9)).toBeLessThanOrEqual(pct / 100);
}

/** Every analytics endpoint over window `w` (granularity `g` for the series) against plain SQL over raw rows. */
export async function checkEveryEndpoint(get: Get, ref: Reference, w: RefWindow, g: string) {
  const params = custom(w);
  // usage/overview
  const ov = await get('/usage/overview', params);
  const r = await ref.overview(w);
  const span = Date.parse(w.to) - Date.parse(w.from);
  const prev = await ref.overview({ ...w, from: iso(Date.parse(w.from) - span), to: w.from });
  expect(ov).toEqual({
    from: w.from,
    to: w.to,
    total_calls: r.calls,
    unique_users: r.users,
    active_agents: r.agents,
    avg_calls_per_user: r.users ? round2(r.calls / r.users) : null,
    previous: {
      total_calls: prev.calls,
      unique_users: prev.users,
      active_agents: prev.agents,
      avg_calls_per_user: prev.users ? round2(prev.calls / prev.users) : null,
    },
  });

  // usage/calls-over-time and performance/throughput
  const series = new Map((await ref.series(w, g)).map((x) => [x.bucket, x]));
  const cot = await get('/usage/calls-over-time', { ...params, granularity: g });
  expect(cot.granularity).toBe(g);
  expect(cot.data).toEqual(buckets(w, g).map((t) => ({ timestamp: t, calls: series.get(t)?.calls ?? 0 })));
  const tp = await get('/performance/throughput', { ...params, granularity: g });
  expect(tp.data).toEqual(
    buckets(w, g).map((t) => {
      const s = series.get(t);
      return { timestamp: t, success: (s?.calls ?? 0) - (s?.errors ?? 0), error: s?.errors ?? 0, total: s?.calls ?? 0 };
    }),
  );

  // usage/agent-distribution
  const agents = await ref.agents(w);
  expect(await get('/usage/agent-distribution', params)).toEqual({
    from: w.from,
    to: w.to,
    total_calls: r.calls,
    data: agents.map((a) => ({ agent_id: a.agent_id, calls: a.calls, percentage: round2((a.calls / r.calls) * 100) })),
  });

  // usage/top-users
  for (const limit of [3, 100]) {
    const users = await ref.users(w, limit);
    expect((await get('/usage/top-users', { ...params, limit })).data).toEqual(
      users.map((u) => ({ user_id: u.user_id, calls: u.calls, cost_usd: usd(u.cost), total_tokens: u.tokens, last_seen: u.last_seen })),
    );
  }

  // cost/by-model and cost/overview
  const models = await ref.models(w);
  const totalNanos = models.reduce((n, m) => n + BigInt(m.cost), 0n);
  const total = usd(totalNanos.toString());
  const byModel = await get('/cost/by-model', params);
  expect(byModel.total_cost_usd).toBe(total);
  expect(byModel.data).toEqual(
    models.map((m) => ({
      model: m.model,
      cost_usd: usd(m.cost),
      calls: m.calls,
      input_tokens: m.input_tokens,
      output_tokens: m.output_tokens,
      avg_cost_per_call_usd: usd(m.cost) / m.calls,
      percentage: total > 0 ? round2((usd(m.cost) / total) * 100) : 0,
      unpriced_calls: m.unpriced,
    })),
  );
  // cost/by-tag: a call counts under each of its tags; the total counts it once
  const tagged = await ref.tags(w);
  const untagged = tagged.find((t) => t.tag === null);
  expect(await get('/cost/by-tag', params)).toEqual({
    from: w.from,
    to: w.to,
    total_cost_usd: total,
    untagged: { calls: untagged?.calls ?? 0, cost_usd: usd(untagged?.cost) },
    data: tagged.flatMap((t) =>
      t.tag === null ? [] : [{ tag: t.tag, calls: t.calls, cost_usd: usd(t.cost), percentage: total > 0 ? round2((usd(t.cost) / total) * 100) : 0 }],
    ),
  });

  const co = await get('/cost/overview', params);
  expect(co.total_cost_usd).toBe(total);
  expect(co.avg_cost_per_call_usd).toBe(r.calls ? total / r.calls : null);
  expect(co.unpriced_calls).toBe(models.reduce((n, m) => n + m.unpriced, 0));

  // cost/trend: the `limit` models with most spend (default 10), every other model's spend in other_cost_usd
  const cells = await ref.costSeries(w, g);
  const spend = models.filter((m) => BigInt(m.cost) > 0n);
  for (const limit of [undefined, 2, 1]) {
    const trend = await get('/cost/trend', { ...params, granularity: g, limit });
    const top = spend.slice(0, limit ?? 10);
    expect(trend.models).toEqual(top.map((m) => m.model));
    expect(trend.data).toEqual(
      buckets(w, g).map((t) => {
        const by_model: Record<string, number> = {};
        let all = 0n;
        let named = 0n;
        for (const c of cells.filter((x) => x.bucket === t)) all += BigInt(c.cost);
        for (const m of top) {
          const c = cells.find((x) => x.bucket === t && x.model === m.model)?.cost ?? '0';
          by_model[m.model] = usd(c);
          named += BigInt(c);
        }
        return { timestamp: t, total_cost_usd: usd(all.toString()), by_model, other_cost_usd: usd((all - named).toString()) };
      }),
    );
  }

  // performance/overview
  const p = await ref.performance(w);
  const po = await get('/performance/overview', params);
  expect(po).toMatchObject({
    total_calls: p.calls,
    error_count: p.errors,
    error_rate_pct: p.calls ? round2((p.errors / p.calls) * 100) : null,
    avg_latency_ms: p.avg === null ? null : round2(p.avg),
  });
  withinPct(po.p50_ms, p.p50, 1);
  withinPct(po.p95_ms, p.p95, 1);
  withinPct(po.p99_ms, p.p99, 1);

  // performance/latency
  const lat = new Map((await ref.latency(w, g)).map((x) => [x.bucket, x]));
  const ls = await get('/performance/latency', { ...params, granularity: g });
  expect(ls.data.map((d: any) => d.timestamp)).toEqual(buckets(w, g));
  for (const d of ls.data) {
    const e = lat.get(d.timestamp);
    expect(d.calls).toBe(e?.calls ?? 0);
    withinPct(d.p50_ms, e?.p50 ?? null, 1);
    withinPct(d.p95_ms, e?.p95 ?? null, 1);
    withinPct(d.p99_ms, e?.p99 ?? null, 1);
  }

  // performance/errors
  const errs = await ref.errors(w);
  const totalErrors = errs.reduce((n, e) => n + e.count, 0);
  const pe = await get('/performance/errors', { ...params, limit: 100 });
  expect(pe.total_errors).toBe(totalErrors);
  expect(pe.data).toEqual(
    errs.map((e) => ({
      error_type: e.error_type,
      count: e.count,
      percentage: round2((e.count / totalErrors) * 100),
      affected_agents: e.affected,
      agents: e.agents,
      last_seen: e.last_seen,
      sample_message: e.message,
    })),
  );
}

