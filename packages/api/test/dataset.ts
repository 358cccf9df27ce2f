import { Prng } from '@pulse/demo';

/**
 * A deterministic dataset for the analytics tests: traces over three days whose
 * timestamps include UTC hour and day boundaries and 1 ms before them, with several
 * agents, models (one unknown to the catalog), named and anonymous users, errors, and
 * zero to three tags per trace (one of them not ASCII).
 */
export function seededTraces(seed: number, startMs: number, count: number): Array<Record<string, unknown>> {
  const rng = new Prng(seed);
  const rand = () => rng.next();
  const pick = <T>(xs: readonly T[]): T => rng.pick(xs);
  const agents = ['support-bot', 'researcher', 'coder', 'Zeta-agent'];
  const models = ['gpt-4o', 'claude-3-5-haiku', 'gemini-2.0-flash', 'in-house-llm'];
  const users = Array.from({ length: 20 }, (_, i) => `user-${String(i).padStart(2, '0')}`);
  const errorTypes = ['rate_limit', 'timeout', 'server_error'];
  // Tags come from their own generator: adding them left every other field of a seed as it was.
  const tagRng = new Prng(seed ^ 0x7a65);
  const tagNames = ['checkout', 'refund', 'search', 'prod', 'staging', 'eval', 'café'];
  const HOUR = 3_600_000;
  const span = 3 * 24 * HOUR;
  const traces: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    let ts: number;
    const r = rand();
    if (r < 0.1) ts = startMs + Math.floor(rand() * 72) * HOUR; // on an hour boundary
    else if (r < 0.2) ts = startMs + Math.floor(rand() * 72 + 1) * HOUR - 1; // 1 ms before one
    else if (r < 0.25) ts = startMs + Math.floor(rand() * 3) * 24 * HOUR; // on a day boundary
    else if (r < 0.3) ts = startMs + Math.floor(rand() * 3 + 1) * 24 * HOUR - 1;
    else ts = startMs + Math.floor(rand() * span);
    const isError = rand() < 0.08;
    const tags = Array.from({ length: Math.floor(tagRng.next() * 4) }, () => tagRng.pick(tagNames));
    const u = rand();
    traces.push({
      trace_id: `ds-${seed}-${i}`,
      timestamp: new Date(ts).toISOString(),
      agent_id: pick(agents),
      user_id: u < 0.15 ? null : users[Math.floor(users.length * u * u)]!,
      model: pick(models),
      status: isError ? 'error' : 'success',
      latency_ms: Math.round(Math.exp(5 + 2 * rand() + (rand() < 0.05 ? 3 : 0)) * 100) / 100,
      input_tokens: Math.floor(rand() * 4000),
      output_tokens: Math.floor(rand() * 1500),
      ...(tags.length ? { tags } : {}),
      ...(rand() < 0.2 ? { cost_usd: Math.round(rand() * 1e6) / 1e7 } : {}),
      ...(isError
        ? { error_type: rand() < 0.1 ? undefined : pick(errorTypes), error_message: rand() < 0.1 ? undefined : `failure #${i % 7}` }
        : {}),
    });
  }
  return traces;
}
