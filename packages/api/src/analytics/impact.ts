import {
  type Granularity,
  type ImpactFigures,
  round2,
  UNCONFIGURED_LIMIT,
  usdFromNanos,
} from '@pulse/shared';
import { arrayParam } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { agentValueRows, type AgentValueRow } from '../impact/agent-value-store.js';
import { type NanoFraction, perSuccess, valueNanos } from '../impact/task-value.js';
import { type QueryContext, rows } from './context.js';
import { instant, nanos, num } from './decode.js';
import { decidedScoreRows, statsRows } from './sources.js';
import { bucketStarts, iso, planWindow, previousWindow, type TimeWindow, type WindowPlan } from './window.js';

/** An agent's settings as the figures use them. */
interface Setting {
  agentId: string;
  per: NanoFraction;
  /** The boolean score deciding success; null: the call's status decides. */
  score: string | null;
}

/** One agent's counts in one bucket (or the whole window). */
interface Counts {
  calls: number;
  errors: number;
  cost: bigint;
  /** Calls whose deciding score is true, and calls with a score at all (score-judged agents only). */
  scoredTrue: number;
  scored: number;
}

const noCounts = (): Counts => ({ calls: 0, errors: 0, cost: 0n, scoredTrue: 0, scored: 0 });

/** The workspace's settings, under the agent filter. */
async function settingsOf(q: QueryContext): Promise<Setting[]> {
  const stored = await agentValueRows(q.database, q.scope.workspaceId);
  return stored
    .filter((r) => q.scope.agentId === undefined || r.agentId === q.scope.agentId)
    .map((r: AgentValueRow) => ({
      agentId: r.agentId,
      per: perSuccess(r),
      score: r.success === 'score' ? r.successScore : null,
    }));
}

const key = (bucket: number | null, agentId: string) => `${bucket ?? ''}\u0000${agentId}`;

/**
 * Calls, errors and cost per agent (and bucket) from the rollups and raw edges (sources.ts,
 * exact for the window), and, for the score-judged agents, their scored and successful calls:
 * the boolean scores of the deciding name that decide their call's value (a call scored by
 * several sources counts once, decided by the first of SCORE_SOURCE_PRECEDENCE), from the score
 * rollups and raw edges alike.
 */
async function countsOf(q: QueryContext, w: TimeWindow, g: Granularity | null, settings: Setting[]) {
  const judged = settings.filter((s): s is Setting & { score: string } => s.score !== null);
  const plan = planWindow(w, g ?? 'any');
  const [calls, scored] = await Promise.all([
    rows(
      q,
      sql`select bucket, agent_id, sum(calls)::float8 as calls, sum(errors)::float8 as errors, sum(cost_nanos)::text as cost
          from (${statsRows(q.scope, plan, g)}) s group by 1, 2`,
      z.object({ bucket: instant.nullable(), agent_id: z.string(), calls: num, errors: num, cost: nanos }),
    ),
    judged.length === 0 ? Promise.resolve([]) : scoredCalls(q, plan, g, judged),
  ]);
  const counts = new Map<string, Counts & { bucket: number | null; agentId: string }>();
  const at = (bucket: number | null, agentId: string) => {
    let c = counts.get(key(bucket, agentId));
    if (!c) counts.set(key(bucket, agentId), (c = { ...noCounts(), bucket, agentId }));
    return c;
  };
  for (const r of calls) Object.assign(at(r.bucket, r.agent_id), { calls: r.calls, errors: r.errors, cost: r.cost });
  for (const r of scored) Object.assign(at(r.bucket, r.agent_id), { scoredTrue: r.successes, scored: r.scored });
  return [...counts.values()];
}

function scoredCalls(q: QueryContext, plan: WindowPlan, g: Granularity | null, judged: Array<Setting & { score: string }>) {
  // The pairs as two array parameters: one statement text however many agents are judged (reads are prepared).
  const agents = arrayParam(judged.map((s) => s.agentId), 'text');
  const scores = arrayParam(judged.map((s) => s.score), 'text');
  const pairs = sql`select * from unnest(${agents}, ${scores})`;
  const names = [...new Set(judged.map((s) => s.score))];
  return rows(
    q,
    sql`select bucket, agent_id, sum(value_sum)::float8 as successes, sum(count)::float8 as scored
        from (${decidedScoreRows(q.scope, plan, g, names)}) d
        where type = 'boolean' and (agent_id, name) in (${pairs})
        group by 1, 2`,
    z.object({ bucket: instant.nullable(), agent_id: z.string(), successes: num, scored: num }),
  );
}

/** Successes of one agent's counts: calls without error, or calls whose deciding score is true. */
const successesOf = (s: Setting, c: Counts) => (s.score === null ? c.calls - c.errors : c.scoredTrue);

/** Every figure of docs/API_SPEC.md §14 over some agents' counts; money exact until it goes on the wire. */
function figures(agents: ReadonlyArray<{ setting: Setting; counts: Counts }>): ImpactFigures & { net: bigint } {
  let tasks = 0;
  let successes = 0;
  let unscored = 0;
  let cost = 0n;
  const parts: Array<{ successes: number; per: NanoFraction }> = [];
  for (const { setting, counts } of agents) {
    const won = successesOf(setting, counts);
    tasks += counts.calls;
    successes += won;
    if (setting.score !== null) unscored += counts.calls - counts.scored;
    cost += counts.cost;
    parts.push({ successes: won, per: setting.per });
  }
  const value = valueNanos(parts);
  const costUsd = usdFromNanos(cost);
  return {
    tasks,
    successes,
    unscored,
    success_rate_pct: tasks > 0 ? round2((successes / tasks) * 100) : null,
    value_usd: usdFromNanos(value),
    cost_usd: costUsd,
    net_value_usd: usdFromNanos(value - cost),
    roi: cost > 0n ? round2(Number(value) / Number(cost)) : null,
    cost_per_success_usd: successes > 0 ? costUsd / successes : null,
    net: value - cost,
  };
}

const withoutNet = ({ net: _net, ...rest }: ImpactFigures & { net: bigint }): ImpactFigures => rest;

/** The window's counts of every configured agent (zero without calls) and the agents without settings. */
async function perAgent(q: QueryContext, w: TimeWindow, settings: Setting[]) {
  const found = new Map((await countsOf(q, w, null, settings)).map((c) => [c.agentId, c]));
  const configured = settings.map((setting) => ({ setting, counts: found.get(setting.agentId) ?? noCounts() }));
  const withSettings = new Set(settings.map((s) => s.agentId));
  const unconfigured = [...found.values()]
    .filter((c) => !withSettings.has(c.agentId) && c.calls > 0)
    .sort((a, b) =>
      a.cost === b.cost ? (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0) : a.cost > b.cost ? -1 : 1,
    )
    .slice(0, UNCONFIGURED_LIMIT)
    .map((c) => ({ agent_id: c.agentId, calls: c.calls, cost_usd: usdFromNanos(c.cost) }));
  return { configured, unconfigured };
}

/** GET /impact/overview (docs/API_SPEC.md §14), with the previous window's figures. */
export async function impactOverview(q: QueryContext, w: TimeWindow) {
  const settings = await settingsOf(q);
  const [now, before] = await Promise.all([perAgent(q, w, settings), perAgent(q, previousWindow(w), settings)]);
  return {
    from: iso(w.from),
    to: iso(w.to),
    ...withoutNet(figures(now.configured)),
    configured_agents: settings.length,
    previous: withoutNet(figures(before.configured)),
    unconfigured: now.unconfigured,
  };
}

/** GET /impact/by-agent (docs/API_SPEC.md §14): every configured agent, most net value first. */
export async function impactByAgent(q: QueryContext, w: TimeWindow) {
  const { configured, unconfigured } = await perAgent(q, w, await settingsOf(q));
  const data = configured
    .map((a) => ({ agent_id: a.setting.agentId, ...figures([a]) }))
    .sort((a, b) =>
      a.net === b.net ? (a.agent_id < b.agent_id ? -1 : a.agent_id > b.agent_id ? 1 : 0) : a.net > b.net ? -1 : 1,
    )
    .map(({ agent_id, ...rest }) => ({ agent_id, ...withoutNet(rest) }));
  return { from: iso(w.from), to: iso(w.to), data, unconfigured };
}

/** GET /impact/trend (docs/API_SPEC.md §14): the configured agents' successes, value and cost per bucket. */
export async function impactTrend(q: QueryContext, w: TimeWindow, g: Granularity) {
  const settings = await settingsOf(q);
  const bySetting = new Map(settings.map((s) => [s.agentId, s]));
  const byBucket = new Map<number, Array<{ setting: Setting; counts: Counts }>>();
  for (const c of await countsOf(q, w, g, settings)) {
    const setting = bySetting.get(c.agentId);
    if (!setting || c.bucket === null) continue;
    if (!byBucket.has(c.bucket)) byBucket.set(c.bucket, []);
    byBucket.get(c.bucket)!.push({ setting, counts: c });
  }
  return {
    from: iso(w.from),
    to: iso(w.to),
    granularity: g,
    data: bucketStarts(w, g).map((t) => {
      const f = figures(byBucket.get(t) ?? []);
      return {
        timestamp: iso(t),
        successes: f.successes,
        value_usd: f.value_usd,
        cost_usd: f.cost_usd,
        net_value_usd: f.net_value_usd,
      };
    }),
  };
}
