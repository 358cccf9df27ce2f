import type {
  agentDistributionSchema,
  budgetInputSchema,
  budgetSchema,
  callsOverTimeSchema,
  costByModelSchema,
  costByTagSchema,
  costOverviewSchema,
  costTrendSchema,
  createKeyInputSchema,
  createKeyResponseSchema,
  createWorkspaceInputSchema,
  createWorkspaceResponseSchema,
  errorsSchema,
  evaluatorInputSchema,
  evaluatorListSchema,
  evaluatorSchema,
  agentValueInputSchema,
  agentValueListSchema,
  agentValueSchema,
  impactByAgentSchema,
  impactOverviewSchema,
  impactTrendSchema,
  ingestResponseSchema,
  latencySeriesSchema,
  performanceOverviewSchema,
  qualityByAgentSchema,
  qualityOverviewSchema,
  qualityTrendSchema,
  scoreInputSchema,
  scoresResponseSchema,
  priceEntrySchema,
  priceInputSchema,
  pricesSchema,
  throughputSchema,
  topUsersSchema,
  traceInputSchema,
  usageOverviewSchema,
  safetyByAgentSchema,
  safetyLatestSchema,
  safetyOverviewSchema,
  safetyTrendSchema,
  settingsInputSchema,
  settingsSchema,
  sessionListSchema,
  traceDetailSchema,
  traceListSchema,
} from '@pulse/shared';
import type { z } from 'zod';
import { ALERT_AND_KEY_EXAMPLES, ALERT_PARAMETER_EXAMPLES } from './examples-alerts.js';

/**
 * Realistic examples of every operation, shaped like demo-workspace answers and typed by the
 * same schemas the server parses and answers with (a stale field does not compile); the
 * document test and `redocly lint` check them against the document too.
 */
interface OperationExample<Req, Res> {
  request?: Req;
  response?: Res;
  /** The 207 answer, for operations that can reject some items. */
  partial?: Res;
}
type Example<I extends z.ZodType | undefined, O extends z.ZodType | undefined> = OperationExample<
  I extends z.ZodType ? z.input<I> : never,
  O extends z.ZodType ? z.input<O> : never
>;

const WORKSPACE = '0194f1c2-7a1e-7c3b-9f00-2d5e8a9b1c01';
const KEY_ID = '0194f1c2-7b40-7d15-8e21-5f3a1c9d0e42';
const from = '2026-11-24T10:00:00.000Z';
const to = '2026-11-25T10:00:00.000Z';
const hours = ['2026-11-24T10:00:00.000Z', '2026-11-24T11:00:00.000Z', '2026-11-24T12:00:00.000Z'];

const trace: z.input<typeof traceInputSchema> = {
  trace_id: 't-1',
  timestamp: '2026-11-25T10:00:00Z',
  agent_id: 'support-bot',
  user_id: 'u-42',
  model: 'gpt-4o',
  status: 'success',
  latency_ms: 812,
  input_tokens: 1200,
  output_tokens: 300,
};

/** Query and path parameter examples, by name: what the reference page's "Test Request" starts from. */
/** The budget as GET /cost/budget answers it, and PUT after setting it. */
const budgetAnswer: z.input<typeof budgetSchema> = {
  monthly_limit_usd: 5000,
  alert_threshold_pct: 80,
  period_start: '2026-11-01T00:00:00.000Z',
  period_end: '2026-12-01T00:00:00.000Z',
  month_to_date_usd: 3354.1292611,
  used_pct: 67.08,
  remaining_usd: 1645.8707389,
  projected_month_usd: 4166.68,
  status: 'ok',
};

/** An agent's value settings as PUT /impact/agents/{agent_id} answers them. */
const agentValue: z.input<typeof agentValueSchema> = {
  agent_id: 'support-bot',
  value_per_success_usd: 2.5,
  minutes_saved: null,
  hourly_rate_usd: null,
  success: 'status',
  success_score: null,
  updated_at: '2026-11-25T09:30:00.000Z',
};

export const PARAMETER_EXAMPLES: Record<string, string | number> = {
  range: '7d',
  from: '2026-11-18T00:00:00Z',
  to: '2026-11-25T00:00:00Z',
  agent_id: 'support-bot',
  model: 'gpt-4o',
  granularity: 'hour',
  limit: 10,
  workspace_id: WORKSPACE,
  key_id: KEY_ID,
  name: 'helpfulness',
  ...ALERT_PARAMETER_EXAMPLES,
  user_id: 'u-42',
  session_id: 's-7f3a',
  status: 'error',
  error_type: 'rate_limit',
  cursor: 'WzE3NjQwNjQ3OTQwMDAsInQtOTkxIiwxNzY0MDY0MDAwMDAwLDE3NjQxNTA0MDAwMDBd',
  id: '019ab9d2-5c40-7a11-9e3b-0c4d2f8a6b17',
  format: 'csv',
  tag: 'checkout',
};

/** An LLM judge as PUT /evaluators/{name} sets it (the name is the path's) and GET answers it (the key never shown). */
type EvaluatorBody = Omit<z.input<typeof evaluatorInputSchema>, 'name'>;
const judgeInput: EvaluatorBody = {
  kind: 'llm',
  llm: {
    provider: 'gemini',
    model: 'gemini-2.0-flash',
    prompt: 'Rate how helpful the answer is to the question.\nQuestion: {{input}}\nAnswer: {{output}}',
    api_key: 'AIzaSyExampleOnly0000000000000000000',
  },
  score: { type: 'numeric' },
  sample_rate: 0.1,
  filters: { agent_id: 'support-bot' },
};
const judgeAnswer: z.input<typeof evaluatorSchema> = {
  name: 'helpfulness',
  kind: 'llm',
  llm: { provider: 'gemini', model: 'gemini-2.0-flash', base_url: null, prompt: judgeInput.llm!.prompt, has_api_key: true },
  rule: null,
  score: { name: 'helpfulness', type: 'numeric', labels: null },
  sample_rate: 0.1,
  filters: { agent_id: 'support-bot', model: null, tag: null },
  enabled: true,
  status: { judged: 1204, failed: 3, pending: 12, last_error: 'gemini answered 503: {"error":{"code":503,"status":"UNAVAILABLE"}}', last_run_at: '2026-11-25T09:59:50.120Z' },
  created_at: '2026-11-18T08:00:00.000Z',
  updated_at: '2026-11-20T14:30:00.000Z',
};
const ruleAnswer: z.input<typeof evaluatorSchema> = {
  ...judgeAnswer,
  name: 'valid-json',
  kind: 'rule',
  llm: null,
  rule: { type: 'json_valid', pattern: null, min_length: null, max_length: null },
  score: { name: 'valid-json', type: 'boolean', labels: null },
  sample_rate: 1,
  filters: { agent_id: null, model: null, tag: 'structured' },
  status: { judged: 48211, failed: 0, pending: 0, last_error: null, last_run_at: '2026-11-25T09:59:50.120Z' },
};

/** One call as the trace list, its export and the detail show it (docs/API_SPEC.md §8). */
const listedTrace: z.input<typeof traceListSchema>['data'][number] = {
  id: '019ab9d2-5c40-7a11-9e3b-0c4d2f8a6b17',
  trace_id: 't-991',
  timestamp: '2026-11-25T09:58:12.004Z',
  agent_id: 'support-bot',
  user_id: 'u-42',
  session_id: 's-7f3a',
  model: 'gpt-4o',
  status: 'error',
  latency_ms: 812.5,
  ttft_ms: 240,
  input_tokens: 1200,
  output_tokens: 300,
  cache_read_tokens: 800,
  cache_write_tokens: 0,
  total_tokens: 1500,
  cost_usd: 0.0062,
  cost_source: 'catalog',
  error_type: 'rate_limit',
  error_message: '429 Too Many Requests',
  tags: ['checkout', 'eu'],
  safety_flags: [],
};

/** The export's answer for the example above: CSV (header row, tags joined by `|`) and JSON Lines. */
export const EXPORT_EXAMPLES = {
  csv:
    'id,trace_id,timestamp,agent_id,user_id,session_id,model,status,latency_ms,ttft_ms,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,total_tokens,cost_usd,cost_source,error_type,error_message,tags,safety_flags\r\n' +
    '019ab9d2-5c40-7a11-9e3b-0c4d2f8a6b17,t-991,2026-11-25T09:58:12.004Z,support-bot,u-42,s-7f3a,gpt-4o,error,812.5,240,1200,300,800,0,1500,0.0062,catalog,rate_limit,429 Too Many Requests,checkout|eu,\r\n',
  jsonl: `${JSON.stringify(listedTrace)}\n`,
};

export const OPERATION_EXAMPLES: Record<string, OperationExample<unknown, unknown>> = {
  'ingest-traces': {
    request: {
      traces: [
        trace,
        { ...trace, trace_id: 't-2', timestamp: '2026-11-25T10:00:02Z', user_id: null, model: 'gpt-4o-mini', status: 'error', error_type: 'rate_limit', error_message: '429 Too Many Requests', latency_ms: 95 },
      ],
    },
    response: { accepted: 2, duplicates: 0, rejected: [], unknown_models: [] },
    partial: { accepted: 1, duplicates: 0, rejected: [{ index: 1, trace_id: 't-2', errors: ['latency_ms: must be >= 0'] }], unknown_models: [] },
  } satisfies Example<z.ZodType<{ traces: Array<z.input<typeof traceInputSchema>> }>, typeof ingestResponseSchema>,
  'admin-createWorkspace': {
    request: { name: 'acme' },
    response: { workspace_id: WORKSPACE, name: 'acme', key_id: KEY_ID, api_key: 'pk_3xQ9v1bNf8sYh2LmKc0Tg7RwZpUd4Ae6' },
  } satisfies Example<typeof createWorkspaceInputSchema, typeof createWorkspaceResponseSchema>,
  'admin-createKey': {
    request: { name: 'ci-ingest', scopes: ['ingest'] },
    response: { key_id: KEY_ID, api_key: 'pk_7Hc2Wq5Zr1Jm9Xb4Nt6Ve8Ks0Ly3Pf2Ga', scopes: ['ingest'] },
  } satisfies Example<z.ZodType<Omit<z.input<typeof createKeyInputSchema>, 'workspace_id'>>, typeof createKeyResponseSchema>,
  'admin-revokeKey': {} satisfies Example<undefined, undefined>,
  'usage-overview': {
    response: {
      from,
      to,
      total_calls: 10339,
      unique_users: 180,
      active_agents: 7,
      avg_calls_per_user: 57.44,
      previous: { total_calls: 9836, unique_users: 150, active_agents: 7, avg_calls_per_user: 65.57 },
    },
  } satisfies Example<undefined, typeof usageOverviewSchema>,
  'usage-callsOverTime': {
    response: { from, to, granularity: 'hour', data: [159, 199, 231].map((calls, i) => ({ timestamp: hours[i]!, calls })) },
  } satisfies Example<undefined, typeof callsOverTimeSchema>,
  'usage-agentDistribution': {
    response: {
      from,
      to,
      total_calls: 10339,
      data: [
        { agent_id: 'support-bot', calls: 3105, percentage: 30.03 },
        { agent_id: 'code-reviewer', calls: 1423, percentage: 13.76 },
      ],
    },
  } satisfies Example<undefined, typeof agentDistributionSchema>,
  'usage-topUsers': {
    response: {
      from,
      to,
      data: [
        { user_id: 'u-42', calls: 7019, cost_usd: 95.25104106, total_tokens: 30571767, last_seen: '2026-11-25T09:49:35.379Z' },
        { user_id: 'u-7', calls: 3805, cost_usd: 51.94643939, total_tokens: 16762175, last_seen: '2026-11-25T09:49:35.658Z' },
      ],
    },
  } satisfies Example<undefined, typeof topUsersSchema>,
  'cost-overview': {
    response: {
      from,
      to,
      total_cost_usd: 141.03881925,
      avg_cost_per_call_usd: 0.01364144,
      month_to_date_usd: 3354.1292611,
      projected_month_usd: 4166.68,
      budget_usd: 5000,
      budget_remaining_usd: 1645.8707389,
      budget_status: 'ok',
      unpriced_calls: 12,
    },
  } satisfies Example<undefined, typeof costOverviewSchema>,
  'cost-trend': {
    response: {
      from,
      to,
      granularity: 'hour',
      models: ['gpt-4o', 'claude-3-5-haiku'],
      data: [
        { timestamp: hours[0]!, total_cost_usd: 5.8925, by_model: { 'gpt-4o': 5.5, 'claude-3-5-haiku': 0.3125 }, other_cost_usd: 0.08 },
        { timestamp: hours[1]!, total_cost_usd: 6.0405, by_model: { 'gpt-4o': 5.73, 'claude-3-5-haiku': 0.3105 }, other_cost_usd: 0 },
      ],
    },
  } satisfies Example<undefined, typeof costTrendSchema>,
  'cost-byModel': {
    response: {
      from,
      to,
      total_cost_usd: 12.5,
      data: [
        { model: 'gpt-4o', cost_usd: 9.1, calls: 300, input_tokens: 90000, output_tokens: 30000, avg_cost_per_call_usd: 0.03033333, percentage: 72.8, unpriced_calls: 0 },
        { model: 'claude-3-5-haiku', cost_usd: 3.4, calls: 900, input_tokens: 450000, output_tokens: 120000, avg_cost_per_call_usd: 0.00377778, percentage: 27.2, unpriced_calls: 0 },
      ],
    },
  } satisfies Example<undefined, typeof costByModelSchema>,
  'cost-byTag': {
    response: {
      from,
      to,
      total_cost_usd: 12.5,
      untagged: { calls: 40, cost_usd: 0.5 },
      data: [
        { tag: 'prod', calls: 1100, cost_usd: 11.2, percentage: 89.6 },
        { tag: 'checkout', calls: 300, cost_usd: 9.1, percentage: 72.8 },
        { tag: 'eval', calls: 60, cost_usd: 0.8, percentage: 6.4 },
      ],
    },
  } satisfies Example<undefined, typeof costByTagSchema>,
  'cost-budget': {
    response: budgetAnswer,
  } satisfies Example<undefined, typeof budgetSchema>,
  'cost-setBudget': {
    request: { monthly_limit_usd: 5000, alert_threshold_pct: 80 },
    response: budgetAnswer,
  } satisfies Example<typeof budgetInputSchema, typeof budgetSchema>,
  'performance-overview': {
    response: { from, to, total_calls: 10339, error_count: 312, error_rate_pct: 3.02, avg_latency_ms: 1207.35, p50_ms: 842.5, p95_ms: 3120.8, p99_ms: 6480.1 },
  } satisfies Example<undefined, typeof performanceOverviewSchema>,
  'performance-latency': {
    response: {
      from,
      to,
      granularity: 'hour',
      data: [
        { timestamp: hours[0]!, calls: 159, p50_ms: 812.4, p95_ms: 2950.2, p99_ms: 6021.7 },
        { timestamp: hours[1]!, calls: 0, p50_ms: null, p95_ms: null, p99_ms: null },
      ],
    },
  } satisfies Example<undefined, typeof latencySeriesSchema>,
  'performance-throughput': {
    response: {
      from,
      to,
      granularity: 'hour',
      data: [
        { timestamp: hours[0]!, success: 154, error: 5, total: 159 },
        { timestamp: hours[1]!, success: 195, error: 4, total: 199 },
      ],
    },
  } satisfies Example<undefined, typeof throughputSchema>,
  'performance-errors': {
    response: {
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
          last_seen: '2026-11-25T09:58:12.004Z',
          sample_message: '429 Too Many Requests',
        },
      ],
    },
  } satisfies Example<undefined, typeof errorsSchema>,
  'traces-list': {
    response: { from, to, next_cursor: 'WzE3NjQwNjQ3OTIwMDQsInQtOTkxIiwxNzY0MDY0MDAwMDAwLDE3NjQxNTA0MDAwMDBd', data: [listedTrace] },
  } satisfies Example<undefined, typeof traceListSchema>,
  'traces-get': {
    response: {
      ...listedTrace,
      input: 'My order #4411 never arrived. Can you check where it is?',
      output: 'I am sorry about that. Order #4411 left our warehouse on Monday and is due tomorrow.',
      metadata: { provider: 'openai', region: 'eu-west-1' },
      scores: [
        { name: 'helpfulness', value: 0.8, source: 'llm', comment: null, type: 'numeric', updated_at: '2026-11-25T10:02:40.120Z' },
        { name: 'resolved', value: true, source: 'human', comment: 'Customer confirmed', type: 'boolean', updated_at: '2026-11-25T11:15:03.000Z' },
      ],
    },
  } satisfies Example<undefined, typeof traceDetailSchema>,
  'sessions-list': {
    response: {
      from,
      to,
      next_cursor: null,
      data: [
        {
          session_id: 's-7f3a',
          first_seen: '2026-11-25T09:41:03.512Z',
          last_seen: '2026-11-25T09:58:12.004Z',
          calls: 12,
          errors: 1,
          cost_usd: 0.031,
          total_tokens: 5400,
          agents: ['support-bot', 'researcher'],
          users: ['u-42'],
        },
      ],
    },
  } satisfies Example<undefined, typeof sessionListSchema>,
  'settings-get': {
    response: { redact_pii: false, retention_days: null },
  } satisfies Example<undefined, typeof settingsSchema>,
  'settings-update': {
    request: { redact_pii: true, retention_days: 90 },
    response: { redact_pii: true, retention_days: 90 },
  } satisfies Example<typeof settingsInputSchema, typeof settingsSchema>,
  'safety-overview': {
    response: {
      from,
      to,
      total_calls: 10339,
      flagged_calls: 214,
      flagged_pct: 2.07,
      data: [
        { type: 'pii.email', count: 131 },
        { type: 'pii.phone', count: 58 },
        { type: 'prompt_injection', count: 21 },
        { type: 'secret.api_key', count: 6 },
        { type: 'pii.credit_card', count: 2 },
      ],
      previous: { total_calls: 9836, flagged_calls: 190, flagged_pct: 1.93 },
    },
  } satisfies Example<undefined, typeof safetyOverviewSchema>,
  'safety-byAgent': {
    response: {
      from,
      to,
      data: [
        { agent_id: 'support-bot', total_calls: 4120, flagged_calls: 151, flagged_pct: 3.67 },
        { agent_id: 'researcher', total_calls: 2210, flagged_calls: 40, flagged_pct: 1.81 },
      ],
    },
  } satisfies Example<undefined, typeof safetyByAgentSchema>,
  'safety-latest': {
    response: {
      from,
      to,
      data: [
        {
          trace_id: 't-9f2c',
          timestamp: '2026-11-25T09:58:12.004Z',
          agent_id: 'support-bot',
          model: 'gpt-4o',
          user_id: 'u-42',
          safety_flags: ['pii.email', 'pii.phone'],
        },
      ],
    },
  } satisfies Example<undefined, typeof safetyLatestSchema>,
  'safety-trend': {
    response: {
      from,
      to,
      granularity: 'hour',
      data: [
        {
          timestamp: hours[0]!,
          total_calls: 159,
          flagged_calls: 4,
          by_type: { 'pii.credit_card': 0, 'pii.email': 3, 'pii.iban': 0, 'pii.phone': 1, prompt_injection: 0, 'secret.api_key': 0 },
        },
        {
          timestamp: hours[1]!,
          total_calls: 199,
          flagged_calls: 0,
          by_type: { 'pii.credit_card': 0, 'pii.email': 0, 'pii.iban': 0, 'pii.phone': 0, prompt_injection: 0, 'secret.api_key': 0 },
        },
      ],
    },
  } satisfies Example<undefined, typeof safetyTrendSchema>,
  'impact-overview': {
    response: {
      from,
      to,
      tasks: 6230,
      successes: 5318,
      unscored: 212,
      success_rate_pct: 85.36,
      value_usd: 13295,
      cost_usd: 96.41273315,
      net_value_usd: 13198.58726685,
      roi: 137.9,
      cost_per_success_usd: 0.018129509806318164,
      configured_agents: 3,
      previous: {
        tasks: 5987,
        successes: 5040,
        unscored: 198,
        success_rate_pct: 84.18,
        value_usd: 12600,
        cost_usd: 92.11808,
        net_value_usd: 12507.88192,
        roi: 136.78,
        cost_per_success_usd: 0.018277396825396825,
      },
      unconfigured: [{ agent_id: 'data-analyst', calls: 1450, cost_usd: 21.65470226 }],
    },
  } satisfies Example<undefined, typeof impactOverviewSchema>,
  'impact-trend': {
    response: {
      from,
      to,
      granularity: 'hour',
      data: [
        { timestamp: hours[0]!, successes: 221, value_usd: 552.5, cost_usd: 4.0118842, net_value_usd: 548.4881158 },
        { timestamp: hours[1]!, successes: 0, value_usd: 0, cost_usd: 0, net_value_usd: 0 },
        { timestamp: hours[2]!, successes: 240, value_usd: 600, cost_usd: 4.38213, net_value_usd: 595.61787 },
      ],
    },
  } satisfies Example<undefined, typeof impactTrendSchema>,
  'impact-byAgent': {
    response: {
      from,
      to,
      data: [
        {
          agent_id: 'support-bot',
          tasks: 4120,
          successes: 3608,
          unscored: 0,
          success_rate_pct: 87.57,
          value_usd: 9020,
          cost_usd: 61.30421,
          net_value_usd: 8958.69579,
          roi: 147.14,
          cost_per_success_usd: 0.016991189024390244,
        },
      ],
      unconfigured: [{ agent_id: 'data-analyst', calls: 1450, cost_usd: 21.65470226 }],
    },
  } satisfies Example<undefined, typeof impactByAgentSchema>,
  'impact-listAgents': {
    response: { data: [agentValue, { ...agentValue, agent_id: 'code-reviewer', value_per_success_usd: 6, minutes_saved: 6, hourly_rate_usd: 60, success: 'score', success_score: 'resolved' }] },
  } satisfies Example<undefined, typeof agentValueListSchema>,
  'impact-getAgent': { response: agentValue } satisfies Example<undefined, typeof agentValueSchema>,
  'impact-putAgent': {
    request: { value_per_success_usd: 2.5 },
    response: agentValue,
  } satisfies Example<z.ZodType<Omit<z.input<typeof agentValueInputSchema>, 'agent_id'>>, typeof agentValueSchema>,
  // 204: no body either way.
  'impact-deleteAgent': {},
  'scores-write': {
    request: {
      scores: [
        { trace_id: 't-1', name: 'helpfulness', value: 0.8, source: 'llm', comment: 'Answered the question; missed the refund window' },
        { trace_id: 't-1', name: 'resolved', value: true, source: 'human' },
        { trace_id: 't-2', name: 'sentiment', value: 'negative', source: 'rule' },
      ],
    },
    response: { accepted: 2, updated: 1, rejected: [] },
    partial: { accepted: 2, updated: 0, rejected: [{ index: 2, trace_id: 't-9', errors: ['trace_id: no such trace'] }] },
  } satisfies Example<z.ZodType<{ scores: Array<z.input<typeof scoreInputSchema>> }>, typeof scoresResponseSchema>,
  'quality-overview': {
    response: {
      from,
      to,
      data: [
        { name: 'helpfulness', type: 'numeric', count: 2150, avg: 0.7731, distribution: null, previous_avg: 0.7514 },
        { name: 'resolved', type: 'boolean', count: 864, avg: 0.8102, distribution: null, previous_avg: 0.7957 },
        { name: 'sentiment', type: 'categorical', count: 1293, avg: null, distribution: { positive: 702, neutral: 418, negative: 173 }, previous_avg: null },
      ],
    },
  } satisfies Example<undefined, typeof qualityOverviewSchema>,
  'quality-trend': {
    response: {
      from,
      to,
      granularity: 'hour',
      name: 'helpfulness',
      data: [
        { timestamp: hours[0]!, count: 31, avg: 0.7812 },
        { timestamp: hours[1]!, count: 0, avg: null },
        { timestamp: hours[2]!, count: 44, avg: 0.7605 },
      ],
    },
  } satisfies Example<undefined, typeof qualityTrendSchema>,
  'quality-byAgent': {
    response: {
      from,
      to,
      name: 'helpfulness',
      data: [
        { agent_id: 'support-bot', count: 642, avg: 0.8123 },
        { agent_id: 'code-reviewer', count: 301, avg: 0.7044 },
      ],
    },
  } satisfies Example<undefined, typeof qualityByAgentSchema>,
  'evaluators-list': {
    response: { data: [judgeAnswer, ruleAnswer] },
  } satisfies Example<undefined, typeof evaluatorListSchema>,
  'evaluators-get': {
    response: judgeAnswer,
  } satisfies Example<undefined, typeof evaluatorSchema>,
  'evaluators-put': {
    request: judgeInput,
    response: judgeAnswer,
  } satisfies Example<z.ZodType<EvaluatorBody>, typeof evaluatorSchema>,
  'evaluators-delete': {} satisfies Example<undefined, undefined>,
  ...ALERT_AND_KEY_EXAMPLES,
  'prices-list': {
    response: {
      data: [
        { model: 'claude-sonnet-4-5', input_per_mtok_usd: 3, output_per_mtok_usd: 15, cache_read_per_mtok_usd: 0.3, cache_write_per_mtok_usd: 3.75, source: 'catalog', effective_from: null },
        { model: 'gpt-4o', input_per_mtok_usd: 2.25, output_per_mtok_usd: 9, cache_read_per_mtok_usd: 1.125, cache_write_per_mtok_usd: 2.25, source: 'override', effective_from: '2026-11-01T00:00:00.000Z' },
      ],
    },
  } satisfies Example<undefined, typeof pricesSchema>,
  'prices-set': {
    request: { input_per_mtok_usd: 2.25, output_per_mtok_usd: 9, cache_read_per_mtok_usd: 1.125, effective_from: '2026-11-01T00:00:00Z' },
    response: { model: 'gpt-4o', input_per_mtok_usd: 2.25, output_per_mtok_usd: 9, cache_read_per_mtok_usd: 1.125, cache_write_per_mtok_usd: 2.25, source: 'override', effective_from: '2026-11-01T00:00:00.000Z' },
  } satisfies Example<z.ZodType<Omit<z.input<typeof priceInputSchema>, 'model'>>, typeof priceEntrySchema>,
  // 204: no body either way.
  'prices-remove': {},
};
