import type { AppRouter } from '@pulse/api';
import type { inferRouterOutputs } from '@trpc/server';

type Out = inferRouterOutputs<AppRouter>;
const from = '2026-11-24T10:00:00.000Z';
const to = '2026-11-25T10:00:00.000Z';
const hours = (n: number) =>
  Array.from({ length: n }, (_, i) => new Date(Date.parse(from) + i * 3_600_000).toISOString());

export const WORKSPACE_ID = '01a21106-9001-7fe0-a7aa-fd484b989674';

export const usageOverview: Out['usage']['overview'] = {
  from,
  to,
  total_calls: 1200,
  unique_users: 40,
  active_agents: 5,
  avg_calls_per_user: 30,
  previous: { total_calls: 1000, unique_users: 40, active_agents: 5, avg_calls_per_user: 25 },
};
export const emptyUsageOverview: Out['usage']['overview'] = {
  from,
  to,
  total_calls: 0,
  unique_users: 0,
  active_agents: 0,
  avg_calls_per_user: null,
  previous: { total_calls: 0, unique_users: 0, active_agents: 0, avg_calls_per_user: null },
};
export const budgetNone: Out['cost']['budget'] = {
  monthly_limit_usd: null,
  alert_threshold_pct: 80,
  period_start: '2026-11-01T00:00:00.000Z',
  period_end: '2026-12-01T00:00:00.000Z',
  month_to_date_usd: 40.2,
  used_pct: null,
  remaining_usd: null,
  projected_month_usd: 50.25,
  status: 'no_budget',
};

/** Default answers of every procedure the dashboard calls. */
export const fixtures: Record<string, (input: unknown) => unknown> = {
  'prices.list': () =>
    ({
      data: [
        {
          model: 'claude-3-5-haiku',
          input_per_mtok_usd: 0.8,
          output_per_mtok_usd: 4,
          cache_read_per_mtok_usd: 0.08,
          cache_write_per_mtok_usd: 1,
          source: 'catalog',
          effective_from: null,
        },
        {
          model: 'gpt-4o',
          input_per_mtok_usd: 2.25,
          output_per_mtok_usd: 9,
          cache_read_per_mtok_usd: 1.125,
          cache_write_per_mtok_usd: 2.25,
          source: 'override',
          effective_from: '2026-11-01T00:00:00.000Z',
        },
      ],
    }) satisfies Out['prices']['list'],
  'workspace.info': () => ({
    workspace_id: WORKSPACE_ID,
    name: 'acme-prod',
    agents: ['researcher', 'support-bot'],
    models: ['claude-3-5-haiku', 'gpt-4o'],
    tags: ['checkout', 'eval', 'prod'],
  }),
  'usage.overview': () => usageOverview,
  'usage.callsOverTime': () =>
    ({
      from,
      to,
      granularity: 'hour',
      data: hours(24).map((t, i) => ({ timestamp: t, calls: 40 + i })),
    }) satisfies Out['usage']['callsOverTime'],
  'usage.agentDistribution': () =>
    ({
      from,
      to,
      total_calls: 1200,
      data: [
        { agent_id: 'support-bot', calls: 900, percentage: 75 },
        { agent_id: 'researcher', calls: 300, percentage: 25 },
      ],
    }) satisfies Out['usage']['agentDistribution'],
  'usage.topUsers': () =>
    ({
      from,
      to,
      data: [
        { user_id: 'u-ada', calls: 90, cost_usd: 1.23, total_tokens: 45000, last_seen: '2026-11-25T09:59:00.000Z' },
        { user_id: 'u-bob', calls: 45, cost_usd: 0.5, total_tokens: 12000, last_seen: '2026-11-25T08:00:00.000Z' },
      ],
    }) satisfies Out['usage']['topUsers'],
  'cost.overview': () =>
    ({
      from,
      to,
      total_cost_usd: 12.5,
      avg_cost_per_call_usd: 0.0104,
      month_to_date_usd: 40.2,
      projected_month_usd: 50.25,
      budget_usd: null,
      budget_remaining_usd: null,
      budget_status: 'no_budget',
      unpriced_calls: 7,
    }) satisfies Out['cost']['overview'],
  'cost.trend': () =>
    ({
      from,
      to,
      granularity: 'hour',
      models: ['gpt-4o', 'claude-3-5-haiku'],
      data: hours(24).map((t) => ({
        timestamp: t,
        total_cost_usd: 0.55,
        by_model: { 'gpt-4o': 0.4, 'claude-3-5-haiku': 0.1 },
        other_cost_usd: 0.05,
      })),
    }) satisfies Out['cost']['trend'],
  'cost.byModel': () =>
    ({
      from,
      to,
      total_cost_usd: 12.5,
      data: [
        {
          model: 'gpt-4o',
          cost_usd: 10,
          calls: 300,
          input_tokens: 90000,
          output_tokens: 30000,
          avg_cost_per_call_usd: 0.0333,
          percentage: 80,
          unpriced_calls: 0,
        },
        {
          model: 'claude-3-5-haiku',
          cost_usd: 2.5,
          calls: 900,
          input_tokens: 9000,
          output_tokens: 3000,
          avg_cost_per_call_usd: 0.0027,
          percentage: 20,
          unpriced_calls: 0,
        },
        {
          model: 'in-house-llm',
          cost_usd: 0,
          calls: 7,
          input_tokens: 700,
          output_tokens: 70,
          avg_cost_per_call_usd: 0,
          percentage: 0,
          unpriced_calls: 7,
        },
      ],
    }) satisfies Out['cost']['byModel'],
  'cost.byTag': () =>
    ({
      from,
      to,
      total_cost_usd: 12.5,
      untagged: { calls: 40, cost_usd: 0.5 },
      data: [
        { tag: 'prod', calls: 1100, cost_usd: 11.2, percentage: 89.6 },
        { tag: 'checkout', calls: 300, cost_usd: 9.1, percentage: 72.8 },
      ],
    }) satisfies Out['cost']['byTag'],
  'cost.budget': () => budgetNone,
  'performance.overview': () =>
    ({
      from,
      to,
      total_calls: 1200,
      error_count: 36,
      error_rate_pct: 3,
      avg_latency_ms: 950.2,
      p50_ms: 700,
      p95_ms: 2900,
      p99_ms: 6100,
    }) satisfies Out['performance']['overview'],
  'performance.latency': () =>
    ({
      from,
      to,
      granularity: 'hour',
      data: hours(24).map((t) => ({ timestamp: t, calls: 50, p50_ms: 700, p95_ms: 2900, p99_ms: 6100 })),
    }) satisfies Out['performance']['latency'],
  'performance.throughput': () =>
    ({
      from,
      to,
      granularity: 'hour',
      data: hours(24).map((t) => ({ timestamp: t, success: 48, error: 2, total: 50 })),
    }) satisfies Out['performance']['throughput'],
  'performance.errors': () =>
    ({
      from,
      to,
      total_errors: 36,
      data: [
        {
          error_type: 'rate_limit',
          count: 20,
          percentage: 55.56,
          affected_agents: 3,
          agents: ['support-bot', 'researcher', 'coder'],
          last_seen: '2026-11-25T09:00:00.000Z',
          sample_message: '429 Too Many Requests',
        },
        {
          error_type: 'timeout',
          count: 16,
          percentage: 44.44,
          affected_agents: 1,
          agents: ['researcher'],
          last_seen: '2026-11-25T07:00:00.000Z',
          sample_message: null,
        },
      ],
    }) satisfies Out['performance']['errors'],
  'evaluators.list': () => ({ data: [] }) satisfies Out['evaluators']['list'],
  'quality.overview': () =>
    ({
      from,
      to,
      data: [
        { name: 'helpfulness', type: 'numeric', count: 2150, avg: 0.7731, distribution: null, previous_avg: 0.7028 },
        { name: 'resolved', type: 'boolean', count: 864, avg: 0.8102, distribution: null, previous_avg: 0.8441 },
        {
          name: 'sentiment',
          type: 'categorical',
          count: 1000,
          avg: null,
          distribution: { positive: 600, neutral: 300, negative: 100 },
          previous_avg: null,
        },
      ],
    }) satisfies Out['quality']['overview'],
  'quality.trend': (input) =>
    ({
      from,
      to,
      granularity: 'hour',
      name: (input as { name: string }).name,
      data: hours(24).map((t, i) =>
        i === 3 ? { timestamp: t, count: 0, avg: null } : { timestamp: t, count: 90, avg: 0.7 + (i % 5) / 100 },
      ),
    }) satisfies Out['quality']['trend'],
  'quality.byAgent': (input) =>
    ({
      from,
      to,
      name: (input as { name: string }).name,
      data: [
        { agent_id: 'support-bot', count: 642, avg: 0.8123 },
        { agent_id: 'code-reviewer', count: 301, avg: 0.7044 },
      ],
    }) satisfies Out['quality']['byAgent'],
  'keys.list': () => ({ data: [] }) satisfies Out['keys']['list'],
  'settings.get': () => ({ redact_pii: false, retention_days: null }) satisfies Out['settings']['get'],
  'alerts.list': () => ({ data: [] }) satisfies Out['alerts']['list'],
  // Mutations that answer no body (204 over REST).
  'keys.revoke': () => null,
  'alerts.delete': () => null,
  'safety.overview': () =>
    ({
      from,
      to,
      total_calls: 1200,
      flagged_calls: 60,
      flagged_pct: 5,
      data: [
        { type: 'pii.email', count: 40 },
        { type: 'prompt_injection', count: 12 },
        { type: 'pii.phone', count: 10 },
      ],
      previous: { total_calls: 1000, flagged_calls: 40, flagged_pct: 4 },
    }) satisfies Out['safety']['overview'],
  'safety.trend': () =>
    ({
      from,
      to,
      granularity: 'hour',
      data: hours(24).map((t) => ({
        timestamp: t,
        total_calls: 50,
        flagged_calls: 3,
        by_type: {
          'pii.credit_card': 0,
          'pii.email': 2,
          'pii.iban': 0,
          'pii.phone': 1,
          prompt_injection: 1,
          'secret.api_key': 0,
        },
      })),
    }) satisfies Out['safety']['trend'],
  'safety.byAgent': () =>
    ({
      from,
      to,
      data: [
        { agent_id: 'support-bot', total_calls: 900, flagged_calls: 50, flagged_pct: 5.56 },
        { agent_id: 'researcher', total_calls: 300, flagged_calls: 10, flagged_pct: 3.33 },
      ],
    }) satisfies Out['safety']['byAgent'],
  'safety.latest': () =>
    ({
      from,
      to,
      data: [
        {
          trace_id: 't-flag-1',
          timestamp: '2026-11-25T09:58:00.000Z',
          agent_id: 'support-bot',
          model: 'gpt-4o',
          user_id: 'u-ada',
          safety_flags: ['pii.email', 'prompt_injection'],
        },
        {
          trace_id: 't-flag-2',
          timestamp: '2026-11-25T09:40:00.000Z',
          agent_id: 'researcher',
          model: 'claude-3-5-haiku',
          user_id: null,
          safety_flags: ['secret.api_key'],
        },
      ],
    }) satisfies Out['safety']['latest'],
  'impact.overview': () =>
    ({
      from,
      to,
      tasks: 1000,
      successes: 850,
      unscored: 20,
      success_rate_pct: 85,
      value_usd: 2125,
      cost_usd: 25,
      net_value_usd: 2100,
      roi: 85,
      cost_per_success_usd: 0.0294117647,
      configured_agents: 2,
      previous: {
        tasks: 800,
        successes: 640,
        unscored: 10,
        success_rate_pct: 80,
        value_usd: 1600,
        cost_usd: 20,
        net_value_usd: 1580,
        roi: 80,
        cost_per_success_usd: 0.03125,
      },
      unconfigured: [{ agent_id: 'data-analyst', calls: 200, cost_usd: 4.5 }],
    }) satisfies Out['impact']['overview'],
  'impact.trend': () =>
    ({
      from,
      to,
      granularity: 'hour',
      data: hours(24).map((t, i) => ({
        timestamp: t,
        successes: 35,
        value_usd: 87.5 + i,
        cost_usd: 1 + i / 10,
        net_value_usd: 86.5 + i - i / 10,
      })),
    }) satisfies Out['impact']['trend'],
  'impact.byAgent': () =>
    ({
      from,
      to,
      data: [
        {
          agent_id: 'support-bot',
          tasks: 700,
          successes: 630,
          unscored: 0,
          success_rate_pct: 90,
          value_usd: 1575,
          cost_usd: 15,
          net_value_usd: 1560,
          roi: 105,
          cost_per_success_usd: 0.0238095238,
        },
        {
          agent_id: 'researcher',
          tasks: 300,
          successes: 220,
          unscored: 20,
          success_rate_pct: 73.33,
          value_usd: 550,
          cost_usd: 10,
          net_value_usd: 540,
          roi: 55,
          cost_per_success_usd: 0.0454545454,
        },
      ],
      unconfigured: [{ agent_id: 'data-analyst', calls: 200, cost_usd: 4.5 }],
    }) satisfies Out['impact']['byAgent'],
  'impact.listAgents': () =>
    ({
      data: [
        {
          agent_id: 'researcher',
          value_per_success_usd: 2.5,
          minutes_saved: null,
          hourly_rate_usd: null,
          success: 'score',
          success_score: 'resolved',
          updated_at: from,
        },
        {
          agent_id: 'support-bot',
          value_per_success_usd: 2.5,
          minutes_saved: 2.5,
          hourly_rate_usd: 60,
          success: 'status',
          success_score: null,
          updated_at: from,
        },
      ],
    }) satisfies Out['impact']['listAgents'],
  'impact.putAgent': (input) =>
    ({
      value_per_success_usd: 1,
      minutes_saved: null,
      hourly_rate_usd: null,
      success: 'status',
      success_score: null,
      ...(input as object),
      updated_at: to,
    }) as Out['impact']['putAgent'],
  'impact.deleteAgent': () => null,
  'traces.list': (input) => tracePage(input as { cursor?: string }),
  'traces.get': (input) => traceDetail((input as { id: string }).id),
  'sessions.list': () =>
    ({
      from,
      to,
      next_cursor: null,
      data: [
        {
          session_id: 's-1',
          first_seen: '2026-11-25T09:00:00.000Z',
          last_seen: '2026-11-25T09:10:00.000Z',
          calls: 3,
          errors: 1,
          cost_usd: 0.03,
          total_tokens: 4500,
          agents: ['support-bot'],
          users: ['u-1'],
        },
      ],
    }) satisfies Out['sessions']['list'],
};

type TraceItem = Out['traces']['list']['data'][number];

/** The n-th call of the fixture list: newest first, one a minute. */
export function traceItem(n: number): TraceItem {
  return {
    id: `0194f1c2-0000-7000-8000-${String(n).padStart(12, '0')}`,
    trace_id: `t-${n}`,
    timestamp: new Date(Date.parse(to) - n * 60_000).toISOString(),
    agent_id: n % 2 ? 'researcher' : 'support-bot',
    user_id: n % 3 ? `u-${n % 3}` : null,
    session_id: 's-1',
    model: 'gpt-4o',
    status: n % 5 === 0 ? 'error' : 'success',
    latency_ms: 800 + n,
    ttft_ms: null,
    input_tokens: 1000,
    output_tokens: 200,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    total_tokens: 1200,
    cost_usd: 0.0045,
    cost_source: 'catalog',
    error_type: n % 5 === 0 ? 'timeout' : null,
    error_message: n % 5 === 0 ? 'took too long' : null,
    tags: [],
    safety_flags: n === 1 ? ['pii.email'] : [],
  };
}

/** Two pages of 20 calls (fewer than asked: jsdom renders slowly): the first answers with a cursor to the second. */
function tracePage(input: { cursor?: string }): Out['traces']['list'] {
  const second = input.cursor === 'page-2';
  const start = second ? 21 : 1;
  return {
    from,
    to,
    next_cursor: second ? null : 'page-2',
    data: Array.from({ length: 20 }, (_, i) => traceItem(start + i)),
  };
}

function traceDetail(id: string): Out['traces']['get'] {
  const n = Number(id.slice(-12));
  return {
    ...traceItem(n),
    input: 'Where is my order? Mail me at jane@example.com',
    output: 'It ships tomorrow.',
    metadata: { region: 'eu-west-1' },
    scores: [
      {
        name: 'helpfulness',
        value: 0.8,
        source: 'llm',
        comment: null,
        type: 'numeric',
        updated_at: '2026-11-25T10:00:00.000Z',
      },
    ],
  };
}
