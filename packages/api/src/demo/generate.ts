import { cumulative, Prng } from './prng.js';

/**
 * Realistic demo traffic, pure and deterministic: the same seed and `now` give the same
 * traces. Agents with their own model mixes and token profiles, Zipf-like users plus
 * anonymous calls, a daily and weekly rhythm with mild growth, 2–6 % errors of several
 * kinds, heavy-tailed latency per model, and two incidents (an error spike and a slow hour).
 */
export interface DemoTrace {
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
  metadata?: Record<string, unknown>;
}

export interface DemoOptions {
  seed: number;
  now: Date;
  days: number;
  targetTraces: number;
}

interface AgentProfile {
  id: string;
  share: number;
  models: ReadonlyArray<[string, number]>;
  inputTokens: number;
  outputTokens: number;
}

const AGENTS: readonly AgentProfile[] = [
  { id: 'support-bot', share: 30, models: [['gpt-4o-mini', 6], ['claude-3-5-haiku', 3], ['gpt-4o', 1]], inputTokens: 1200, outputTokens: 250 },
  { id: 'research-assistant', share: 12, models: [['claude-sonnet-4', 5], ['gpt-4.1', 3], ['gemini-2.5-pro', 2]], inputTokens: 9000, outputTokens: 1400 },
  { id: 'code-reviewer', share: 14, models: [['claude-3-5-sonnet', 6], ['gpt-4.1', 4]], inputTokens: 6000, outputTokens: 900 },
  { id: 'sales-copilot', share: 10, models: [['gpt-4o', 7], ['gpt-4o-2024-08-06', 3]], inputTokens: 2500, outputTokens: 600 },
  { id: 'data-analyst', share: 9, models: [['gemini-2.5-pro', 4], ['gpt-4.1', 4], ['llama-3.3-70b-instruct', 2]], inputTokens: 4000, outputTokens: 800 },
  { id: 'email-drafter', share: 11, models: [['gpt-4o-mini', 5], ['gemini-2.0-flash', 5]], inputTokens: 900, outputTokens: 450 },
  { id: 'triage-router', share: 14, models: [['gemini-2.0-flash', 6], ['llama-3.3-70b-instruct', 4]], inputTokens: 350, outputTokens: 30 },
];
export const DEMO_AGENTS: readonly string[] = AGENTS.map((a) => a.id);

/** Median latency (ms) and spread per model: small models fast, big ones slow with long tails. */
const LATENCY: Record<string, [number, number]> = {
  'gpt-4o-mini': [450, 0.45],
  'claude-3-5-haiku': [600, 0.45],
  'gpt-4o': [1400, 0.5],
  'gpt-4o-2024-08-06': [1400, 0.5],
  'claude-sonnet-4': [3200, 0.55],
  'claude-3-5-sonnet': [2600, 0.55],
  'gpt-4.1': [2200, 0.5],
  'gemini-2.5-pro': [3800, 0.6],
  'o3-mini': [4200, 0.65],
  'mistral-large': [1800, 0.5],
  'llama-3.3-70b-instruct': [900, 0.5],
  'gemini-2.0-flash': [380, 0.4],
};

const USERS = Array.from({ length: 150 }, (_, i) => `usr_${(Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0')}`);
const USER_WEIGHTS = cumulative(USERS.map((_, i) => 1 / (i + 1) ** 0.9));
const AGENT_WEIGHTS = cumulative(AGENTS.map((a) => a.share));
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];

type ErrorKind = 'rate_limit' | 'timeout' | 'context_length_exceeded' | 'invalid_request' | 'server_error' | 'content_filter' | 'tool_error';
const ERROR_KINDS: readonly ErrorKind[] = ['rate_limit', 'timeout', 'context_length_exceeded', 'invalid_request', 'server_error', 'content_filter', 'tool_error'];
const ERROR_WEIGHTS = cumulative([34, 18, 10, 9, 16, 5, 8]);

function errorMessage(kind: ErrorKind, model: string, rng: Prng): string {
  switch (kind) {
    case 'rate_limit': {
      const used = 29000 + rng.int(1000);
      return `429 Too Many Requests: Rate limit reached for ${model} in organization org-${rng.int(1e6).toString(36)} on tokens per min (TPM): Limit 30000, Used ${used}, Requested ${500 + rng.int(2000)}.`;
    }
    case 'timeout':
      return `Request timed out after ${rng.pick([30, 45, 60])}s waiting for ${model}`;
    case 'context_length_exceeded':
      return `This model's maximum context length is 128000 tokens. However, your messages resulted in ${128001 + rng.int(40000)} tokens.`;
    case 'invalid_request':
      return rng.pick(["Invalid 'tools[0].function.parameters': schema must be a JSON object", "Invalid value for 'temperature': must be between 0 and 2", 'messages: at least one message is required']);
    case 'server_error':
      return rng.pick(['500 Internal Server Error: The server had an error while processing your request.', '502 Bad Gateway', '503 Service Unavailable: The engine is currently overloaded, please try again later.']);
    case 'content_filter':
      return "The response was filtered due to the prompt triggering the content management policy.";
    case 'tool_error':
      return `Tool '${rng.pick(['search_kb', 'run_sql', 'fetch_url', 'create_ticket'])}' failed: ${rng.pick(['ECONNRESET', 'HTTP 404', 'invalid JSON in arguments', 'timeout after 10s'])}`;
  }
}

const HOUR = 3_600_000;

/** Relative traffic of an hour: busy UTC working hours, quiet nights, lighter weekends, mild growth. */
function hourWeight(t: number, start: number, span: number): number {
  const d = new Date(t);
  const h = d.getUTCHours();
  const daily = 0.25 + Math.exp(-((h - 14) ** 2) / 18) * 1.1 + Math.exp(-((h - 9) ** 2) / 10) * 0.4;
  const weekday = d.getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 0.4 : 1;
  const growth = 0.85 + 0.3 * ((t - start) / span);
  return daily * weekly * growth;
}

export function* generateDemoBatches(opts: DemoOptions, batchSize = 1000): Generator<DemoTrace[]> {
  const rng = new Prng(opts.seed);
  const end = opts.now.getTime();
  const start = end - opts.days * 24 * HOUR;
  const firstHour = Math.floor(start / HOUR) * HOUR;
  const hours: number[] = [];
  for (let t = firstHour; t < end; t += HOUR) hours.push(t);
  const weights = hours.map((t) => hourWeight(t, start, end - start));
  const perWeight = opts.targetTraces / weights.reduce((a, b) => a + b, 0);
  // Incidents at fixed places relative to now: a rate-limit storm and a slow hour.
  const spikeStart = Math.floor((end - 9 * 24 * HOUR) / HOUR) * HOUR + 14 * HOUR;
  const slowHour = Math.floor((end - 3 * 24 * HOUR) / HOUR) * HOUR + 10 * HOUR;

  let counter = 0;
  let batch: DemoTrace[] = [];
  for (let i = 0; i < hours.length; i++) {
    const hourStart = hours[i]!;
    const n = rng.poisson(weights[i]! * perWeight);
    const offsets = Array.from({ length: n }, () => rng.int(HOUR)).sort((a, b) => a - b);
    const inSpike = hourStart >= spikeStart && hourStart < spikeStart + 2 * HOUR;
    for (const offset of offsets) {
      const t = hourStart + offset;
      if (t < start || t >= end) continue;
      batch.push(makeTrace(rng, `demo-${opts.seed}-${counter++}`, t, { spike: inSpike, slow: hourStart === slowHour }));
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

function makeTrace(rng: Prng, traceId: string, t: number, incident: { spike: boolean; slow: boolean }): DemoTrace {
  const agent = rng.weighted(AGENTS, AGENT_WEIGHTS);
  const model = rng.weighted(
    agent.models.map(([m]) => m),
    cumulative(agent.models.map(([, w]) => w)),
  );
  const inputTokens = Math.max(20, Math.round(rng.lognormal(agent.inputTokens, 0.6)));
  const outputTokens = Math.max(1, Math.round(rng.lognormal(agent.outputTokens, 0.7)));
  const [median, sigma] = LATENCY[model] ?? [1000, 0.5];
  let latency = rng.lognormal(median, sigma) * (0.6 + outputTokens / (agent.outputTokens * 2.5));
  if (incident.slow && model === 'claude-sonnet-4') latency *= 3;

  let errorRate = 0.035;
  if (incident.spike && model === 'gpt-4o-mini') errorRate = 0.32;
  const isError = rng.next() < errorRate;
  const trace: DemoTrace = {
    trace_id: traceId,
    timestamp: new Date(t).toISOString(),
    agent_id: agent.id,
    user_id: rng.next() < 0.12 ? null : rng.weighted(USERS, USER_WEIGHTS),
    model,
    status: isError ? 'error' : 'success',
    latency_ms: 0,
    input_tokens: inputTokens,
    output_tokens: isError ? 0 : outputTokens,
  };
  if (isError) {
    const kind: ErrorKind = incident.spike && model === 'gpt-4o-mini' && rng.next() < 0.9 ? 'rate_limit' : rng.weighted(ERROR_KINDS, ERROR_WEIGHTS);
    trace.error_type = kind;
    trace.error_message = errorMessage(kind, model, rng);
    if (kind === 'timeout') latency = 30_000 + rng.int(30_000);
    else if (kind === 'rate_limit') latency = 40 + rng.int(300);
    else latency = latency * 0.4;
  }
  trace.latency_ms = Math.min(3_600_000, Math.round(latency * 10) / 10);
  if (rng.next() < 0.3) {
    trace.metadata = { session_id: `s_${rng.int(1e9).toString(36)}`, region: rng.pick(REGIONS), tool_calls: rng.int(5) };
  }
  return trace;
}

/** Live traces for the trickle: `count` traces in the second before `now`, unique ids. */
export function createTrickle(seed: number): (now: Date, count: number) => DemoTrace[] {
  const rng = new Prng(seed ^ 0x5eed);
  let counter = 0;
  const runId = Date.now().toString(36);
  return (now, count) =>
    Array.from({ length: count }, () => makeTrace(rng, `live-${runId}-${counter++}`, now.getTime() - rng.int(1000), { spike: false, slow: false }));
}
