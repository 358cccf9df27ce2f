import { cumulative, hash32, hex8, Prng, zipfCumulative } from './prng.js';

/**
 * Realistic demo traffic in the wire format of contract §2, pure and deterministic: the
 * same `seed` and `now` give the same traces (no clock, no Math.random). The story:
 *
 * - seven agents with their own role, volume, model mix, token profile, tools and error mix
 *   (customer-facing ones run around the clock and on weekends, internal ones follow
 *   office hours); the code reviewer migrates from claude-3-5-sonnet to claude-sonnet-4
 *   between 20 and 10 days ago;
 * - 150 seeded users (or `users`) with Zipf-like activity plus anonymous calls (mostly on the
 *   customer-facing agents);
 * - a daily rhythm (European and American working hours in UTC), weekends at ~40 % of
 *   weekdays, and ~30 % growth over 30 days;
 * - 2–6 % errors with real-looking provider messages, heavy-tailed latency per model that
 *   grows with output tokens;
 * - two incidents (see `demoIncidents`): a gpt-4o-mini rate-limit storm 9 days ago and a
 *   claude-sonnet-4 slow hour 3 days ago.
 *
 * `cost_usd` is never set: the server prices traces from its catalog.
 */
export type DemoTrace = {
  trace_id: string;
  timestamp: string;
  agent_id: string;
  user_id: string | null;
  model: string;
  status: 'success' | 'error';
  latency_ms: number;
  input_tokens: number;
  output_tokens: number;
  error_type?: string;
  error_message?: string;
  metadata?: Record<string, string | number>;
};

export interface DemoOptions {
  seed: number;
  now: Date;
  days: number;
  targetTraces: number;
  /** How many seeded users share the named calls (Zipf-like activity); 150 unless set. */
  users?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_LATENCY_MS = 3_600_000;

// ---------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------

type Provider = 'openai' | 'anthropic' | 'google' | 'meta';

interface ModelProfile {
  provider: Provider;
  /** Median latency (ms) of a successful call with a typical output for this model. */
  medianMs: number;
  /** Log-space spread of the latency. */
  sigma: number;
  /** Base error probability of a call. */
  errorRate: number;
  contextTokens: number;
  /** Tokens (or requests, for meta) per minute quoted in rate-limit messages. */
  rateLimit: number;
}

const MODELS = {
  'gpt-4o-mini': {
    provider: 'openai',
    medianMs: 520,
    sigma: 0.5,
    errorRate: 0.025,
    contextTokens: 128_000,
    rateLimit: 200_000,
  },
  'gpt-4o': {
    provider: 'openai',
    medianMs: 1500,
    sigma: 0.55,
    errorRate: 0.03,
    contextTokens: 128_000,
    rateLimit: 30_000,
  },
  'gpt-4o-2024-08-06': {
    provider: 'openai',
    medianMs: 1650,
    sigma: 0.55,
    errorRate: 0.03,
    contextTokens: 128_000,
    rateLimit: 30_000,
  },
  'gpt-4.1': {
    provider: 'openai',
    medianMs: 1900,
    sigma: 0.55,
    errorRate: 0.03,
    contextTokens: 1_047_576,
    rateLimit: 30_000,
  },
  'claude-3-5-haiku': {
    provider: 'anthropic',
    medianMs: 700,
    sigma: 0.5,
    errorRate: 0.025,
    contextTokens: 200_000,
    rateLimit: 50_000,
  },
  'claude-3-5-sonnet': {
    provider: 'anthropic',
    medianMs: 2400,
    sigma: 0.55,
    errorRate: 0.035,
    contextTokens: 200_000,
    rateLimit: 40_000,
  },
  'claude-sonnet-4': {
    provider: 'anthropic',
    medianMs: 2900,
    sigma: 0.6,
    errorRate: 0.035,
    contextTokens: 200_000,
    rateLimit: 30_000,
  },
  'gemini-2.0-flash': {
    provider: 'google',
    medianMs: 380,
    sigma: 0.45,
    errorRate: 0.03,
    contextTokens: 1_048_576,
    rateLimit: 4_000_000,
  },
  'gemini-2.5-pro': {
    provider: 'google',
    medianMs: 3800,
    sigma: 0.65,
    errorRate: 0.045,
    contextTokens: 1_048_576,
    rateLimit: 2_000_000,
  },
  'llama-3.3-70b-instruct': {
    provider: 'meta',
    medianMs: 750,
    sigma: 0.55,
    errorRate: 0.05,
    contextTokens: 128_000,
    rateLimit: 600,
  },
} satisfies Record<string, ModelProfile>;

type ModelName = keyof typeof MODELS;
const modelProfile = (m: ModelName): ModelProfile => MODELS[m];

// ---------------------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------------------

const ERROR_KINDS = [
  'rate_limit',
  'timeout',
  'context_length_exceeded',
  'invalid_request',
  'server_error',
  'content_filter',
  'tool_error',
] as const;
type ErrorKind = (typeof ERROR_KINDS)[number];
const BASE_ERROR_WEIGHTS: Record<ErrorKind, number> = {
  rate_limit: 30,
  timeout: 12,
  context_length_exceeded: 5,
  invalid_request: 9,
  server_error: 18,
  content_filter: 4,
  tool_error: 12,
};

interface AgentProfile {
  id: string;
  /** Relative daily volume on a weekday. */
  share: number;
  /** Part of the traffic that ignores the time of day (customer-facing agents run at night too). */
  alwaysOn: number;
  /** Weekend volume relative to a weekday. */
  weekend: number;
  /** [model, weight before the migration ramp, weight after it]. */
  models: ReadonlyArray<readonly [ModelName, number, number]>;
  /** Log-normal token profiles: [median, sigma]. */
  input: readonly [number, number];
  output: readonly [number, number];
  anonymous: number;
  errorFactor: number;
  /** Multipliers on BASE_ERROR_WEIGHTS. */
  errorMix: Partial<Record<ErrorKind, number>>;
  tools: readonly string[];
  /** Share of traces that carry metadata. */
  metadata: number;
  promptVersion: string;
}

const AGENTS: readonly AgentProfile[] = [
  {
    id: 'support-bot',
    share: 26,
    alwaysOn: 0.45,
    weekend: 0.6,
    models: [
      ['gpt-4o-mini', 6, 6],
      ['claude-3-5-haiku', 3, 3],
      ['gpt-4o', 1, 1],
    ],
    input: [1400, 0.45],
    output: [220, 0.6],
    anonymous: 0.25,
    errorFactor: 1,
    errorMix: { content_filter: 2, tool_error: 1.3 },
    tools: ['search_kb', 'lookup_order', 'create_ticket'],
    metadata: 0.6,
    promptVersion: 'v14',
  },
  {
    id: 'triage-router',
    share: 16,
    alwaysOn: 0.5,
    weekend: 0.65,
    models: [
      ['gemini-2.0-flash', 13, 13],
      ['llama-3.3-70b-instruct', 7, 7],
    ],
    input: [320, 0.35],
    output: [18, 0.5],
    anonymous: 0.25,
    errorFactor: 0.7,
    errorMix: { context_length_exceeded: 0.1, tool_error: 0 },
    tools: [],
    metadata: 0.3,
    promptVersion: 'v6',
  },
  {
    id: 'research-assistant',
    share: 10,
    alwaysOn: 0.1,
    weekend: 0.3,
    models: [
      ['claude-sonnet-4', 5, 5],
      ['gemini-2.5-pro', 3, 3],
      ['gpt-4.1', 2, 2],
    ],
    input: [14_000, 0.7],
    output: [1500, 0.55],
    anonymous: 0.02,
    errorFactor: 1.3,
    errorMix: { context_length_exceeded: 5, timeout: 2.5 },
    tools: ['web_search', 'fetch_url', 'read_pdf'],
    metadata: 0.5,
    promptVersion: 'v9',
  },
  {
    id: 'code-reviewer',
    share: 13,
    alwaysOn: 0.08,
    weekend: 0.18,
    models: [
      ['claude-3-5-sonnet', 7, 1],
      ['claude-sonnet-4', 1, 7],
      ['gpt-4.1', 3, 3],
    ],
    input: [7000, 0.6],
    output: [850, 0.6],
    anonymous: 0,
    errorFactor: 1,
    errorMix: { context_length_exceeded: 3 },
    tools: ['get_diff', 'run_linter', 'post_review_comment'],
    metadata: 0.4,
    promptVersion: 'v21',
  },
  {
    id: 'sales-copilot',
    share: 10,
    alwaysOn: 0.08,
    weekend: 0.15,
    models: [
      ['gpt-4o-2024-08-06', 6, 6],
      ['gpt-4o', 4, 4],
    ],
    input: [2600, 0.5],
    output: [480, 0.55],
    anonymous: 0.01,
    errorFactor: 0.9,
    errorMix: {},
    tools: ['crm_lookup', 'update_opportunity'],
    metadata: 0.4,
    promptVersion: 'v3',
  },
  {
    id: 'data-analyst',
    share: 9,
    alwaysOn: 0.1,
    weekend: 0.25,
    models: [
      ['gpt-4.1', 5, 5],
      ['gemini-2.5-pro', 3, 3],
      ['llama-3.3-70b-instruct', 2, 2],
    ],
    input: [4200, 0.55],
    output: [650, 0.6],
    anonymous: 0.02,
    errorFactor: 1.4,
    errorMix: { tool_error: 3.5 },
    tools: ['run_sql', 'describe_table', 'plot_chart'],
    metadata: 0.5,
    promptVersion: 'v11',
  },
  {
    id: 'email-drafter',
    share: 14,
    alwaysOn: 0.12,
    weekend: 0.3,
    models: [
      ['gpt-4o-mini', 5, 5],
      ['gemini-2.0-flash', 3, 3],
      ['claude-3-5-haiku', 2, 2],
    ],
    input: [850, 0.5],
    output: [380, 0.5],
    anonymous: 0.05,
    errorFactor: 0.9,
    errorMix: { content_filter: 2.5, tool_error: 0.3 },
    tools: ['fetch_thread'],
    metadata: 0.35,
    promptVersion: 'v8',
  },
];

export const DEMO_AGENTS: readonly string[] = AGENTS.map((a) => a.id);
/** Every model name the generator can emit (catalog names plus one dated gpt-4o variant). */
export const DEMO_MODELS: readonly string[] = Object.keys(MODELS);

const AGENT_ERROR_CUM = AGENTS.map((a) =>
  cumulative(
    ERROR_KINDS.map((k) =>
      k === 'tool_error' && a.tools.length === 0 ? 0 : BASE_ERROR_WEIGHTS[k] * (a.errorMix[k] ?? 1),
    ),
  ),
);

/** Typical output tokens per model (volume-weighted over the agents using it): latency scales around it. */
const REF_OUTPUT: Record<string, number> = (() => {
  const sum: Record<string, [number, number]> = {};
  for (const a of AGENTS) {
    const total = a.models.reduce((s, [, , w]) => s + w, 0);
    for (const [m, , w] of a.models) {
      const weight = (a.share * w) / total;
      const acc = (sum[m] ??= [0, 0]);
      acc[0] += weight * a.output[0];
      acc[1] += weight;
    }
  }
  return Object.fromEntries(Object.entries(sum).map(([m, [s, w]]) => [m, s / w]));
})();

// ---------------------------------------------------------------------------------------
// Time: rhythm, growth, migration, incidents
// ---------------------------------------------------------------------------------------

/** Relative traffic by UTC hour for office-hours work (Europe ~10h, Americas ~16h), mean 1. */
const DIURNAL: readonly number[] = (() => {
  const bump = (h: number, centre: number, width: number) => {
    const d = ((h - centre + 36) % 24) - 12;
    return Math.exp(-(d * d) / (2 * width * width));
  };
  const raw = Array.from({ length: 24 }, (_, h) => 0.1 + 0.8 * bump(h + 0.5, 10, 2.5) + 1.0 * bump(h + 0.5, 16, 3));
  const mean = raw.reduce((a, b) => a + b, 0) / 24;
  return raw.map((v) => v / mean);
})();

/** ~30 % growth over 30 days (0.85 thirty days ago, 1.15 now), never below 0.3 for longer windows. */
const growth = (t: number, nowMs: number) => Math.max(0.3, 1.15 + (0.3 * (t - nowMs)) / (30 * DAY));

/** Position in the code-reviewer's model migration: 0 before now − 20 days, 1 after now − 10 days. */
const migration = (t: number, nowMs: number) => Math.min(1, Math.max(0, (t - (nowMs - 20 * DAY)) / (10 * DAY)));

export interface DemoIncidents {
  /** `model`'s errors jump to ~30 %, almost all rate_limit, for two hours. */
  errorSpike: { model: string; startMs: number; endMs: number };
  /** `model`'s latency is ×`factor` for one hour (with a few more timeouts). */
  slowHour: { model: string; startMs: number; endMs: number; factor: number };
}

const utcDayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

/** The incidents of a demo generated at `now`: 14:00–16:00 UTC nine days ago, 10:00–11:00 UTC three days ago. */
export function demoIncidents(now: Date): DemoIncidents {
  const nowMs = now.getTime();
  const spikeStart = utcDayStart(nowMs - 9 * DAY) + 14 * HOUR;
  const slowStart = utcDayStart(nowMs - 3 * DAY) + 10 * HOUR;
  return {
    errorSpike: { model: 'gpt-4o-mini', startMs: spikeStart, endMs: spikeStart + 2 * HOUR },
    slowHour: { model: 'claude-sonnet-4', startMs: slowStart, endMs: slowStart + HOUR, factor: 3 },
  };
}

/** What holds for one hour of traffic. */
interface HourPlan {
  /** Relative volume of the hour (before scaling to the target). */
  weight: number;
  agentCum: number[];
  modelCum: number[][];
  spike: boolean;
  slow: boolean;
}

function hourWeight(hourStart: number, nowMs: number): number {
  const d = new Date(hourStart);
  const h = d.getUTCHours();
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  let sum = 0;
  for (const a of AGENTS) sum += a.share * (weekend ? a.weekend : 1) * (a.alwaysOn + (1 - a.alwaysOn) * DIURNAL[h]!);
  return sum * growth(hourStart + HOUR / 2, nowMs);
}

function hourPlan(hourStart: number, nowMs: number, incidents: DemoIncidents): HourPlan {
  const d = new Date(hourStart);
  const h = d.getUTCHours();
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  const m = migration(hourStart + HOUR / 2, nowMs);
  const agentWeights = AGENTS.map(
    (a) => a.share * (weekend ? a.weekend : 1) * (a.alwaysOn + (1 - a.alwaysOn) * DIURNAL[h]!),
  );
  return {
    weight: hourWeight(hourStart, nowMs),
    agentCum: cumulative(agentWeights),
    modelCum: AGENTS.map((a) => cumulative(a.models.map(([, before, after]) => before + (after - before) * m))),
    spike: hourStart >= incidents.errorSpike.startMs && hourStart < incidents.errorSpike.endMs,
    slow: hourStart >= incidents.slowHour.startMs && hourStart < incidents.slowHour.endMs,
  };
}

// ---------------------------------------------------------------------------------------
// Per-seed context: users and provider account ids
// ---------------------------------------------------------------------------------------

const DEFAULT_USERS = 150;
const MAX_USERS = 1_000_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'] as const;
const REGION_CUM = cumulative([45, 35, 20]);

interface SeedContext {
  seedHash: number;
  users: string[];
  /** Cumulative Zipf weights of `users`. */
  userCum: number[];
  userRegions: string[];
  openaiOrg: string;
  googleProject: string;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function seedContext(seed: number, userCount = DEFAULT_USERS): SeedContext {
  const seedHash = hash32(Math.trunc(seed) >>> 0);
  const users: string[] = [];
  const userRegions: string[] = [];
  for (let i = 0; i < userCount; i++) {
    // hash32 is a bijection and the inputs differ, so the ids are distinct.
    const h = hash32((seedHash ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    users.push(`u_${hex8(h)}`);
    const r = (hash32(h ^ 0x2545f491) % 100) + 0.5;
    userRegions.push(REGIONS[REGION_CUM.findIndex((c) => r < c)]!);
  }
  let org = 'org-';
  for (let i = 0; i < 24; i++) org += ALNUM[hash32((seedHash + i * 0x632be5ab) >>> 0) % ALNUM.length];
  const googleProject = String(100_000_000_000 + (hash32(seedHash ^ 0x68e31da4) % 900_000_000) * 1000);
  return { seedHash, users, userCum: zipfCumulative(userCount, 0.95), userRegions, openaiOrg: org, googleProject };
}

// ---------------------------------------------------------------------------------------
// Error messages
// ---------------------------------------------------------------------------------------

const withCommas = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const baseModel = (m: string) => m.replace(/-\d{4}-\d{2}-\d{2}$/, '');
const requestId = (rng: Prng) => `req_${hex8(rng.int(0x1_0000_0000))}${hex8(rng.int(0x1_0000_0000))}`.slice(0, 28);

const GENERIC_TOOL_FAILURES = [
  'HTTP 404 Not Found',
  'HTTP 503 Service Unavailable',
  'HTTP 401 Unauthorized: token expired',
  'read ECONNRESET',
  'timed out after 10s',
];

/** `timeoutSeconds` is the limit that also went into the trace's latency. */
function errorMessage(
  kind: ErrorKind,
  model: ModelName,
  agent: AgentProfile,
  ctx: SeedContext,
  rng: Prng,
  promptTokens: number,
  timeoutSeconds: number,
): string {
  const p = modelProfile(model);
  switch (kind) {
    case 'rate_limit': {
      if (p.provider === 'openai') {
        if (rng.chance(0.15)) {
          return `429 Too Many Requests: Rate limit reached for ${baseModel(model)} in organization ${ctx.openaiOrg} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${60 + rng.int(900)}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`;
        }
        const limit = p.rateLimit;
        const requested = Math.max(200, promptTokens + 256);
        const used = limit - Math.floor(Math.min(limit, requested) * rng.uniform(0.05, 0.95));
        const wait = (((used + requested - limit) / limit) * 60).toFixed(3);
        return `429 Too Many Requests: Rate limit reached for ${baseModel(model)} in organization ${ctx.openaiOrg} on tokens per min (TPM): Limit ${limit}, Used ${used}, Requested ${requested}. Please try again in ${wait}s. Visit https://platform.openai.com/account/rate-limits to learn more.`;
      }
      if (p.provider === 'anthropic') {
        return `429 rate_limit_error: This request would exceed your organization's rate limit of ${withCommas(p.rateLimit)} input tokens per minute for ${model}. Please reduce the prompt length or the maximum tokens requested, or try again later. (request_id: ${requestId(rng)})`;
      }
      if (p.provider === 'google') {
        return `429 RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Generate Content API requests per minute' and limit 'GenerateContent request limit per minute for a region' of service 'generativelanguage.googleapis.com' for consumer 'project_number:${ctx.googleProject}' (model: ${model}).`;
      }
      return `429 Too Many Requests: rate limit of ${p.rateLimit} requests per minute exceeded for meta-llama/Llama-3.3-70B-Instruct-Turbo. Please retry after ${1 + rng.int(9)}s.`;
    }
    case 'timeout':
      return timeoutMessage(model, timeoutSeconds);
    case 'context_length_exceeded': {
      const limit = p.contextTokens;
      const got = limit + 1 + Math.floor(rng.lognormal(limit * 0.04, 0.8));
      if (p.provider === 'anthropic')
        return `400 invalid_request_error: prompt is too long: ${got} tokens > ${limit} maximum`;
      if (p.provider === 'google')
        return `400 INVALID_ARGUMENT: The input token count (${got}) exceeds the maximum number of tokens allowed (${limit}).`;
      return `400 This model's maximum context length is ${limit} tokens. However, your messages resulted in ${got} tokens. Please reduce the length of the messages.`;
    }
    case 'invalid_request': {
      const tool = agent.tools.length ? rng.pick(agent.tools) : 'route_ticket';
      const i = 1 + rng.int(12);
      if (p.provider === 'anthropic') {
        return rng.pick([
          '400 invalid_request_error: messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
          `400 invalid_request_error: messages.${i}.content.0.tool_result: tool_use_id not found in previous message`,
          `400 invalid_request_error: max_tokens: ${8192 * 4} > 8192, which is the maximum allowed number of output tokens for ${model}`,
        ]);
      }
      if (p.provider === 'google') {
        return rng.pick([
          '400 INVALID_ARGUMENT: Request contains an invalid argument.',
          `400 INVALID_ARGUMENT: * GenerateContentRequest.tools[0].function_declarations[${i % 4}].parameters.properties[filters].items: missing field.`,
        ]);
      }
      if (p.provider === 'meta') return `400 Bad Request: invalid tool_choice: function '${tool}' not found in tools`;
      return rng.pick([
        `400 Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`,
        `400 Invalid schema for function '${tool}': In context=('properties', 'filters'), 'additionalProperties' is required to be supplied and to be false.`,
        `400 Invalid 'messages[${i}].content': string too long. Expected a string with maximum length 10485760, but got a string with length ${10_485_761 + rng.int(400_000)} instead.`,
      ]);
    }
    case 'server_error': {
      const suffix = rng.chance(0.5) ? ` (request_id: ${requestId(rng)})` : '';
      const byProvider: Record<Provider, readonly string[]> = {
        openai: [
          '500 Internal Server Error: The server had an error while processing your request. Sorry about that!',
          '502 Bad Gateway: upstream connect error or disconnect/reset before headers. reset reason: connection termination',
          '503 Service Unavailable: The engine is currently overloaded, please try again later.',
        ],
        anthropic: ['500 api_error: Internal server error', '502 Bad Gateway', '503 overloaded_error: Overloaded'],
        google: [
          '500 INTERNAL: An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
          '502 Bad Gateway: The server encountered a temporary error and could not complete your request.',
          '503 UNAVAILABLE: The model is overloaded. Please try again later.',
        ],
        meta: [
          '500 Internal Server Error: CUDA error: an illegal memory access was encountered',
          '502 Bad Gateway: upstream connect error or disconnect/reset before headers',
          '503 Service Unavailable: no healthy upstream',
        ],
      };
      return rng.pick(byProvider[p.provider]) + suffix;
    }
    case 'content_filter': {
      if (p.provider === 'anthropic') return 'Output blocked by content filtering policy';
      if (p.provider === 'google') {
        return `Response blocked: finish_reason SAFETY (category HARM_CATEGORY_${rng.pick(['HARASSMENT', 'HATE_SPEECH', 'DANGEROUS_CONTENT'])}, probability MEDIUM)`;
      }
      if (p.provider === 'meta') return `Llama Guard flagged the response as unsafe (category S${1 + rng.int(13)})`;
      return `The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. (category: ${rng.pick(['hate', 'self_harm', 'sexual', 'violence'])}, severity: medium)`;
    }
    case 'tool_error': {
      const tool = agent.tools.length ? rng.pick(agent.tools) : 'route_ticket';
      let reason = rng.pick(GENERIC_TOOL_FAILURES);
      if (tool === 'run_sql' && rng.chance(0.6)) {
        reason = rng.pick([
          `ERROR: column "${rng.pick(['revenue_usd', 'signup_date', 'region_code', 'churned_at'])}" does not exist (SQLSTATE 42703)`,
          'ERROR: canceling statement due to statement timeout (SQLSTATE 57014)',
          'ERROR: permission denied for table billing_events (SQLSTATE 42501)',
        ]);
      } else if (rng.chance(0.2)) {
        reason = `invalid JSON in arguments: Unexpected token '}' in JSON at position ${20 + rng.int(300)}`;
      }
      return `Tool '${tool}' failed: ${reason}`;
    }
  }
}

function timeoutMessage(model: ModelName, seconds: number): string {
  switch (modelProfile(model).provider) {
    case 'openai':
      return `APITimeoutError: Request timed out after ${seconds}s (POST https://api.openai.com/v1/chat/completions)`;
    case 'anthropic':
      return `APITimeoutError: Request timed out after ${seconds}s (POST https://api.anthropic.com/v1/messages)`;
    case 'google':
      return `504 DEADLINE_EXCEEDED: Deadline expired before operation could complete (timeout ${seconds}s).`;
    case 'meta':
      return `ReadTimeout: upstream did not respond within ${seconds}s (POST https://api.together.xyz/v1/chat/completions)`;
  }
}

// ---------------------------------------------------------------------------------------
// One trace
// ---------------------------------------------------------------------------------------

const TIMEOUT_SECONDS = [30, 30, 45, 60, 60] as const;

function makeTrace(
  ctx: SeedContext,
  rng: Prng,
  traceId: string,
  t: number,
  plan: HourPlan,
  incidents: DemoIncidents,
): DemoTrace {
  const ai = rng.weightedIndex(plan.agentCum);
  const agent = AGENTS[ai]!;
  const model = agent.models[rng.weightedIndex(plan.modelCum[ai]!)]![0];
  const mp = modelProfile(model);

  const userIdx = rng.chance(agent.anonymous) ? -1 : rng.zipf(ctx.userCum);
  let inputTokens = Math.max(20, Math.round(rng.lognormal(agent.input[0], agent.input[1])));
  let outputTokens = Math.max(1, Math.round(rng.lognormal(agent.output[0], agent.output[1])));

  // Heavy-tailed latency around the model's median, longer for longer outputs, with rare provider stalls.
  let latency =
    rng.lognormal(mp.medianMs, mp.sigma) * (0.55 + (0.45 * outputTokens) / (REF_OUTPUT[model] ?? agent.output[0]));
  if (rng.chance(0.015)) latency *= rng.lognormal(3.5, 0.5);
  const slow = plan.slow && model === incidents.slowHour.model;
  if (slow) latency *= incidents.slowHour.factor;

  const spike = plan.spike && model === incidents.errorSpike.model;
  let errorRate = mp.errorRate * agent.errorFactor;
  if (spike) errorRate = 0.3;
  else if (slow) errorRate += 0.04;

  const isError = rng.chance(errorRate);
  let errorType: ErrorKind | undefined;
  let errorMessageText: string | undefined;
  let timeoutSeconds = 0;
  if (isError) {
    if (spike && rng.chance(0.93)) errorType = 'rate_limit';
    else if (slow && rng.chance(0.6)) errorType = 'timeout';
    else errorType = ERROR_KINDS[rng.weightedIndex(AGENT_ERROR_CUM[ai]!)]!;

    switch (errorType) {
      case 'timeout': {
        timeoutSeconds = rng.pick(TIMEOUT_SECONDS);
        latency = timeoutSeconds * 1000 + rng.uniform(3, 900);
        outputTokens = 0;
        break;
      }
      case 'rate_limit':
        latency = rng.lognormal(140, 0.5);
        break;
      case 'context_length_exceeded':
        latency = rng.lognormal(220, 0.4);
        break;
      case 'invalid_request':
        latency = rng.lognormal(110, 0.5);
        break;
      case 'server_error':
        latency = rng.lognormal(700, 1);
        break;
      case 'content_filter':
        latency *= 0.5;
        outputTokens = 0;
        break;
      case 'tool_error':
        // The model call went through (and is billed); the tool behind it failed.
        latency += rng.lognormal(1200, 0.9);
        break;
    }
    errorMessageText = errorMessage(errorType, model, agent, ctx, rng, inputTokens, timeoutSeconds);
    // Refused requests are not billed: no usage comes back.
    if (
      errorType === 'rate_limit' ||
      errorType === 'context_length_exceeded' ||
      errorType === 'invalid_request' ||
      errorType === 'server_error'
    ) {
      inputTokens = 0;
      outputTokens = 0;
    }
  }

  const trace: DemoTrace = {
    trace_id: traceId,
    timestamp: new Date(t).toISOString(),
    agent_id: agent.id,
    user_id: userIdx < 0 ? null : ctx.users[userIdx]!,
    model,
    status: isError ? 'error' : 'success',
    latency_ms: Math.min(MAX_LATENCY_MS, Math.max(1, Math.round(latency * 10) / 10)),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
  };
  if (errorType !== undefined && errorMessageText !== undefined) {
    trace.error_type = errorType;
    trace.error_message = errorMessageText;
  }
  if (rng.chance(agent.metadata)) {
    // Named users' calls within the same 40 minutes share a session; anonymous ones get their own.
    const session =
      userIdx < 0
        ? rng.int(0x1_0000_0000)
        : hash32((ctx.seedHash ^ hash32((Math.imul(userIdx + 1, 0x2c1b3c6d) + Math.floor(t / 2_400_000)) >>> 0)) >>> 0);
    const metadata: Record<string, string | number> = {
      session_id: `sess_${hex8(session)}`,
      region: userIdx < 0 ? REGIONS[rng.weightedIndex(REGION_CUM)]! : ctx.userRegions[userIdx]!,
      prompt_version: agent.promptVersion,
    };
    if (agent.tools.length)
      metadata.tool_calls = errorType === 'tool_error' ? 1 + rng.int(4) : Math.floor(rng.lognormal(1.2, 0.8));
    trace.metadata = metadata;
  }
  return trace;
}

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

function checkOptions(opts: DemoOptions, batchSize: number): void {
  if (!(opts.now instanceof Date) || Number.isNaN(opts.now.getTime())) throw new RangeError('now must be a valid Date');
  if (!Number.isFinite(opts.days) || opts.days <= 0) throw new RangeError('days must be a positive number');
  if (!Number.isFinite(opts.targetTraces) || opts.targetTraces < 0 || opts.targetTraces > 1e9) {
    throw new RangeError('targetTraces must be between 0 and 1e9');
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  if (opts.users !== undefined && !(Number.isInteger(opts.users) && opts.users >= 1 && opts.users <= MAX_USERS)) {
    throw new RangeError(`users must be an integer between 1 and ${MAX_USERS}`);
  }
}

/**
 * Historic traces in [now − days, now), oldest first, in batches of `batchSize` (the last
 * one may be shorter). Generated hour by hour; about `targetTraces` in all (Poisson noise).
 */
export function* generateDemoBatches(opts: DemoOptions, batchSize = 1000): Generator<DemoTrace[]> {
  checkOptions(opts, batchSize);
  const ctx = seedContext(opts.seed, opts.users);
  const rng = new Prng(opts.seed);
  const idSalt = hash32(ctx.seedHash ^ 0x5bd1e995);
  const end = opts.now.getTime();
  const start = end - Math.round(opts.days * DAY);
  const incidents = demoIncidents(opts.now);
  const firstHour = Math.floor(start / HOUR) * HOUR;

  // Partial first and last hours count by the part of them inside the window.
  let totalWeight = 0;
  for (let h = firstHour; h < end; h += HOUR) {
    totalWeight += (hourWeight(h, end) * (Math.min(h + HOUR, end) - Math.max(h, start))) / HOUR;
  }
  const perWeight = totalWeight > 0 ? opts.targetTraces / totalWeight : 0;

  let counter = 0;
  let batch: DemoTrace[] = [];
  for (let h = firstHour; h < end; h += HOUR) {
    const segStart = Math.max(h, start);
    const segLength = Math.min(h + HOUR, end) - segStart;
    const plan = hourPlan(h, end, incidents);
    const n = rng.poisson((plan.weight * perWeight * segLength) / HOUR);
    if (n === 0) continue;
    const offsets = new Uint32Array(n);
    for (let i = 0; i < n; i++) offsets[i] = rng.int(segLength);
    offsets.sort();
    for (let i = 0; i < n; i++) {
      // Two bijective hashes of the counter: distinct for every trace, random-looking.
      const id = `tr_${hex8(hash32((counter ^ ctx.seedHash) >>> 0))}${hex8(hash32((counter ^ idSalt) >>> 0))}`;
      counter++;
      batch.push(makeTrace(ctx, rng, id, segStart + offsets[i]!, plan, incidents));
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

/**
 * Live traces: each call returns `count` traces with timestamps in [now − 1 s, now),
 * oldest first, following the agent and model mix of that hour (no incidents). Pure
 * given the sequence of calls. Ids embed the call's `now` and a per-trickle counter, so
 * they are unique across calls and, the clock moving forward, across restarts.
 */
export function createTrickle(seed: number): (now: Date, count: number) => DemoTrace[] {
  const ctx = seedContext(seed);
  const rng = new Prng(hash32(ctx.seedHash ^ 0x7f4a7c15));
  let counter = 0;
  return (now, count) => {
    const nowMs = now.getTime();
    if (Number.isNaN(nowMs)) throw new RangeError('now must be a valid Date');
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
    const incidents = demoIncidents(now);
    const plan = { ...hourPlan(Math.floor((nowMs - 1) / HOUR) * HOUR, nowMs, incidents), spike: false, slow: false };
    const offsets = new Uint32Array(count);
    for (let i = 0; i < count; i++) offsets[i] = rng.int(1000);
    offsets.sort();
    const prefix = `tr_${nowMs.toString(16)}`;
    const out: DemoTrace[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${prefix}${hex8(hash32((counter++ ^ ctx.seedHash) >>> 0))}`;
      out.push(makeTrace(ctx, rng, id, nowMs - 1000 + offsets[i]!, plan, incidents));
    }
    return out;
  };
}
