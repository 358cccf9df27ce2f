/**
 * Impact figures (docs/API_SPEC.md §14): every agent of the large workspace gets a value, one of
 * them judged by the `resolved` score the quality case wrote, the others by status; then the
 * three impact GETs are measured over 24h, 7d and 30d, and the overview's tasks, successes and
 * cost are cross-checked against plain SQL over raw `traces` and `scores`.
 */
import { type ImpactPath, SCORE_SOURCE_PRECEDENCE } from '@pulse/shared';
import type { SqlRunner } from './baseline.js';
import { analyticsHeaders, type Workspace } from './client.js';
import { type MeasuredEndpoint, measureOverPresetWindows, type WindowDef, type MeasureSettings } from './endpoints.js';
import { type CheckedResults, checkedSection, type EndpointCheck, logged } from './checked-endpoints.js';
import { log } from './progress.js';

export const IMPACT_TARGET_P95_MS = 50;
/** The score the score-judged agent's successes come from: written by the quality case (quality.ts). */
const SUCCESS_SCORE = 'resolved';

/** Values for every agent with calls in 30 days; the first (by name) is judged by its score. Answers that agent. */
export async function setBenchAgentValues(base: string, ws: Workspace): Promise<string> {
  const headers = analyticsHeaders(ws);
  const res = await fetch(`${base}/api/v1/usage/agent-distribution?range=30d`, { headers });
  const agents = ((await res.json()) as { data: Array<{ agent_id: string }> }).data.map((a) => a.agent_id).sort();
  if (agents.length === 0) throw new Error('no agents to value');
  for (const [i, agent] of agents.entries()) {
    const body =
      i === 0
        ? { value_per_success_usd: 5, success: 'score', success_score: SUCCESS_SCORE }
        : { minutes_saved: 3 + i, hourly_rate_usd: 60 };
    const put = await fetch(`${base}/api/v1/impact/agents/${encodeURIComponent(agent)}`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (put.status !== 200)
      throw new Error(`PUT /impact/agents/${agent} answered ${put.status}: ${(await put.text()).slice(0, 300)}`);
  }
  log('impact', `values set for ${agents.length} agents (${agents[0]} judged by its ${SUCCESS_SCORE} score)`);
  return agents[0]!;
}

export function measureImpact(s: MeasureSettings, windows: WindowDef[]): Promise<MeasuredEndpoint<ImpactPath>[]> {
  return measureOverPresetWindows(s, ['/impact/overview', '/impact/trend', '/impact/by-agent'] as const, windows);
}

/** The overview's tasks, successes and cost against plain SQL, for each window measured. */
export async function crossCheckImpact(
  runner: SqlRunner,
  workspaceId: string,
  scoredAgent: string,
  measured: MeasuredEndpoint<ImpactPath>[],
): Promise<EndpointCheck[]> {
  const rank = SCORE_SOURCE_PRECEDENCE.map((source, i) => `when '${source}' then ${i}`).join(' ');
  const out: EndpointCheck[] = [];
  for (const m of measured.filter((x) => x.measurement.endpoint === '/impact/overview')) {
    const params = [workspaceId, m.measurement.from, m.measurement.to, scoredAgent];
    const t0 = performance.now();
    const [calls] = await runner.query(
      `select count(*)::int as tasks, coalesce(sum(cost_nanos), 0)::text as cost_nanos,
              count(*) filter (where agent_id <> $4 and is_error = 0)::int as by_status
       from traces where workspace_id = $1::uuid and timestamp >= $2::timestamptz and timestamp < $3::timestamptz`,
      params,
    );
    const [scored] = await runner.query(
      `select count(*) filter (where numeric_value = 1)::int as by_score from (
         select distinct on (trace_row_id) numeric_value from scores
         where workspace_id = $1::uuid and trace_timestamp >= $2::timestamptz and trace_timestamp < $3::timestamptz
           and agent_id = $4 and name = '${SUCCESS_SCORE}' and type = 'boolean'
         order by trace_row_id, case source ${rank} end) decided`,
      params,
    );
    const sqlMs = Math.round((performance.now() - t0) * 10) / 10;
    const answer = m.answer as { tasks: number; successes: number; cost_usd: number };
    const want = {
      tasks: Number(calls!.tasks),
      successes: Number(calls!.by_status) + Number(scored!.by_score),
      cost_usd: Number(calls!.cost_nanos) / 1e9,
    };
    const problems: string[] = [];
    if (answer.tasks !== want.tasks) problems.push(`tasks: Pulse ${answer.tasks}, SQL ${want.tasks}`);
    if (answer.successes !== want.successes)
      problems.push(`successes: Pulse ${answer.successes}, SQL ${want.successes}`);
    if (Math.abs(answer.cost_usd - want.cost_usd) > 1e-9 * Math.max(1, want.cost_usd))
      problems.push(`cost_usd: Pulse ${answer.cost_usd}, SQL ${want.cost_usd}`);
    out.push(logged('impact', { endpoint: m.measurement.endpoint, window: m.measurement.window, sqlMs, problems }));
  }
  return out;
}

export type ImpactResults = CheckedResults<ImpactPath>;

/** The impact table of docs/BENCHMARKS.md. */
export function impactRows(r: ImpactResults): string[] {
  return checkedSection(
    'Impact (docs/API_SPEC.md §14): every agent of the measured workspace valued, one judged by its `resolved` score and the others by status; ' +
      'plain SQL = the overview’s tasks, successes and cost over raw `traces` and `scores`.',
    r,
    IMPACT_TARGET_P95_MS,
  );
}
