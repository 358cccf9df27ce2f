import { describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './data/error-kinds.js';
import { findModelPrice, PRICE_CATALOG, traceInputSchema } from '@pulse/shared';
import {
  createTrickle,
  DEMO_AGENTS,
  DEMO_MODELS,
  demoIncidents,
  type DemoTrace,
  generateDemoBatches,
  hash32,
  Prng,
} from './index.js';

const now = new Date('2026-11-20T12:34:56.789Z');
const NOW = now.getTime();
const DAY = 86_400_000;
const TARGET = 30_000;

const batchesOf = (seed: number, targetTraces = TARGET, days = 30) => [
  ...generateDemoBatches({ seed, now, days, targetTraces }),
];

const WIRE_KEYS = new Set([
  'trace_id',
  'timestamp',
  'agent_id',
  'user_id',
  'model',
  'status',
  'latency_ms',
  'input_tokens',
  'output_tokens',
  'error_type',
  'error_message',
  'metadata',
  'tags',
  'session_id',
  'input',
  'output',
]);
const ERROR_TYPES: readonly string[] = ERROR_KINDS;
const ISO_MS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** docs/API_SPEC.md §2 wire rules, checked by hand and by the ingest schema itself: the problems found. */
function wireProblems(t: DemoTrace, windowStart: number, windowEnd: number): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${t.trace_id}: ${what}`);
  };
  for (const key of Object.keys(t)) check(WIRE_KEYS.has(key), `unexpected key ${key}`);
  check(t.trace_id.length >= 1 && t.trace_id.length <= 128, 'trace_id length');
  check(ISO_MS_Z.test(t.timestamp), 'timestamp format');
  const ms = Date.parse(t.timestamp);
  check(ms >= windowStart && ms < windowEnd, 'timestamp outside the window');
  check(DEMO_AGENTS.includes(t.agent_id), 'agent_id');
  check(
    t.user_id === null || (typeof t.user_id === 'string' && t.user_id.length > 0 && t.user_id.length <= 128),
    'user_id',
  );
  check(DEMO_MODELS.includes(t.model), 'model');
  check(t.status === 'success' || t.status === 'error', 'status');
  check(Number.isFinite(t.latency_ms) && t.latency_ms >= 0 && t.latency_ms <= 3_600_000, 'latency range');
  check(Math.round(t.latency_ms * 10) / 10 === t.latency_ms, 'latency decimals');
  for (const n of [t.input_tokens, t.output_tokens]) check(Number.isInteger(n) && n >= 0, 'tokens');
  if (t.status === 'error') {
    check(ERROR_TYPES.includes(t.error_type ?? ''), 'error_type');
    check((t.error_message?.length ?? 0) > 0 && t.error_message!.length <= 4000, 'error_message');
  } else {
    check(t.error_type === undefined && t.error_message === undefined, 'error fields on a success');
    check(t.output_tokens > 0, 'success without output');
  }
  check(t.tags.length >= 1 && t.tags.length <= 3 && new Set(t.tags).size === t.tags.length, 'one to three distinct tags');
  if (t.metadata !== undefined) {
    check(Object.getPrototypeOf(t.metadata) === Object.prototype, 'metadata is a plain object');
    check(JSON.stringify(t.metadata).length < 200, 'metadata is small');
  }
  const parsed = traceInputSchema.safeParse(t);
  check(parsed.success, `ingest schema: ${JSON.stringify(parsed.error?.issues)}`);
  return problems;
}

const allWireProblems = (xs: readonly DemoTrace[], windowStart: number, windowEnd: number) =>
  xs.flatMap((t) => wireProblems(t, windowStart, windowEnd)).slice(0, 10);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))]!;
};
const share = (xs: readonly DemoTrace[], pred: (t: DemoTrace) => boolean) => xs.filter(pred).length / xs.length;
const isWeekend = (t: DemoTrace) => [0, 6].includes(new Date(t.timestamp).getUTCDay());
const at = (t: DemoTrace) => Date.parse(t.timestamp);

describe('prng', () => {
  it('is deterministic, uniform-ish and has the promised helpers', () => {
    const a = new Prng(1);
    const b = new Prng(1);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    const normals = Array.from({ length: 20_000 }, () => a.normal());
    const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
    const sd = Math.sqrt(normals.reduce((s, x) => s + (x - mean) ** 2, 0) / normals.length);
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(1, 1);
    expect(median(Array.from({ length: 20_001 }, () => a.lognormal(500, 0.6)))).toBeGreaterThan(470);
    expect(new Prng(2).next()).not.toBe(new Prng(1).next());
  });

  it('hash32 is injective on a range (trace ids rely on it)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(hash32(i ^ 0xdeadbeef));
    expect(seen.size).toBe(200_000);
  });
});

describe('demo generator', () => {
  const batches = batchesOf(42);
  const traces = batches.flat();
  const windowStart = NOW - 30 * DAY;

  it('is deterministic for a seed and `now`, and differs across seeds', () => {
    const again = batchesOf(42);
    expect(again.length).toBe(batches.length);
    expect(again.flat().length).toBe(traces.length);
    expect(again[0]).toEqual(batches[0]);
    expect(again.at(-1)).toEqual(batches.at(-1));
    expect(again.flat().map((t) => t.trace_id)).toEqual(traces.map((t) => t.trace_id));

    const other = batchesOf(43);
    expect(other[0]).not.toEqual(batches[0]);
    const ids = new Set(traces.map((t) => t.trace_id));
    expect(other.flat().some((t) => ids.has(t.trace_id))).toBe(false);
  });

  it('makes about the requested number of traces, oldest first, in full batches', () => {
    expect(Math.abs(traces.length - TARGET) / TARGET).toBeLessThan(0.1);
    for (const b of batches.slice(0, -1)) expect(b.length).toBe(1000);
    expect(batches.at(-1)!.length).toBeGreaterThan(0);
    expect(batches.at(-1)!.length).toBeLessThanOrEqual(1000);
    expect(traces.every((t, i) => i === 0 || at(t) >= at(traces[i - 1]!))).toBe(true);
    expect(
      [...generateDemoBatches({ seed: 1, now, days: 30, targetTraces: 5000 }, 250)].every((b) => b.length <= 250),
    ).toBe(true);
  });

  it('every trace obeys the wire rules, with unique ids and no cost_usd', () => {
    expect(new Set(traces.map((t) => t.trace_id)).size).toBe(traces.length);
    expect(allWireProblems(traces, windowStart, NOW)).toEqual([]);
    expect(traces.some((t) => 'cost_usd' in t)).toBe(false);
  });

  it('uses 6–8 agents and 8–10 catalog models', () => {
    expect(DEMO_AGENTS.length).toBeGreaterThanOrEqual(6);
    expect(DEMO_AGENTS.length).toBeLessThanOrEqual(8);
    expect(new Set(traces.map((t) => t.agent_id))).toEqual(new Set(DEMO_AGENTS));
    const models = new Set(traces.map((t) => t.model));
    expect(models.size).toBeGreaterThanOrEqual(8);
    expect(models.size).toBeLessThanOrEqual(10);
    const catalog = new Set(PRICE_CATALOG.map((p) => p.model));
    for (const m of models) expect(findModelPrice(m), m).toBeDefined();
    expect([...models].filter((m) => !catalog.has(m)).length).toBeLessThanOrEqual(1); // one dated variant
  });

  it('gives each agent its own volume and token profile', () => {
    const perAgent = (id: string) => traces.filter((t) => t.agent_id === id && t.status === 'success');
    const counts = DEMO_AGENTS.map((id) => traces.filter((t) => t.agent_id === id).length);
    expect(Math.max(...counts) / Math.min(...counts)).toBeGreaterThan(2);
    const router = perAgent('triage-router');
    const researcher = perAgent('research-assistant');
    expect(median(router.map((t) => t.input_tokens))).toBeLessThan(600);
    expect(median(researcher.map((t) => t.input_tokens))).toBeGreaterThan(8000);
    expect(median(router.map((t) => t.output_tokens))).toBeLessThan(50);
    expect(new Set(router.map((t) => t.model)).size).toBeLessThan(new Set(traces.map((t) => t.model)).size);
  });

  it('has ~150 Zipf-like users and 10–15 % anonymous calls', () => {
    const anonymous = share(traces, (t) => t.user_id === null);
    expect(anonymous).toBeGreaterThan(0.1);
    expect(anonymous).toBeLessThan(0.15);
    const perUser = new Map<string, number>();
    for (const t of traces) if (t.user_id !== null) perUser.set(t.user_id, (perUser.get(t.user_id) ?? 0) + 1);
    expect(perUser.size).toBeGreaterThan(120);
    expect(perUser.size).toBeLessThanOrEqual(150);
    const counts = [...perUser.values()].sort((a, b) => b - a);
    expect(counts[0]! / median(counts)).toBeGreaterThan(10);
    // The top 10 % of users make a large part of the named traffic.
    const top = counts.slice(0, 15).reduce((s, c) => s + c, 0);
    expect(top / counts.reduce((s, c) => s + c, 0)).toBeGreaterThan(0.4);
  });

  it('spreads named calls over `users` seeded users when asked (the default stays 150)', () => {
    const named = (ts: DemoTrace[]) => new Set(ts.flatMap((t) => (t.user_id === null ? [] : [t.user_id])));
    const standard = batchesOf(1);
    expect(standard).toEqual([...generateDemoBatches({ seed: 1, now, days: 30, targetTraces: TARGET, users: 150 })]);
    const many = [...generateDemoBatches({ seed: 1, now, days: 30, targetTraces: TARGET, users: 5000 })].flat();
    const users = named(many);
    expect(users.size).toBeGreaterThan(2000);
    expect(users.size).toBeLessThanOrEqual(5000);
    // The first 150 ids are the default's: a larger population extends the same one.
    expect([...named(standard.flat())].filter((u) => !users.has(u))).toEqual([]);
    expect(allWireProblems(many, NOW - 30 * DAY, NOW)).toEqual([]);
    expect([...named([...generateDemoBatches({ seed: 1, now, days: 30, targetTraces: 2000, users: 1 })].flat())]).toHaveLength(1);
    for (const users of [0, 1.5, 1_000_001])
      expect(() => generateDemoBatches({ seed: 1, now, days: 30, targetTraces: 10, users }).next()).toThrow(RangeError);
  });

  it('has 2–6 % errors of several kinds, with latency and tokens that fit the kind', () => {
    const errors = traces.filter((t) => t.status === 'error');
    expect(errors.length / traces.length).toBeGreaterThan(0.02);
    expect(errors.length / traces.length).toBeLessThan(0.06);
    expect(new Set(errors.map((t) => t.error_type))).toEqual(new Set(ERROR_TYPES));
    expect(new Set(errors.map((t) => t.error_message)).size).toBeGreaterThan(errors.length / 3);
    const ofKind = (k: string) => errors.filter((t) => t.error_type === k);
    for (const t of ofKind('timeout')) {
      expect(t.latency_ms).toBeGreaterThanOrEqual(30_000);
      expect(t.latency_ms).toBeLessThan(61_000);
      expect(t.error_message).toContain(String(Math.floor(t.latency_ms / 1000)));
    }
    for (const t of ofKind('rate_limit')) {
      expect(t.latency_ms).toBeLessThan(2000);
      expect(t.error_message).toMatch(/^429 /);
    }
    const openaiRateLimit = ofKind('rate_limit').find((t) => t.model === 'gpt-4o' && t.error_message!.includes('TPM'));
    expect(openaiRateLimit?.error_message).toMatch(
      /^429 Too Many Requests: Rate limit reached for gpt-4o in organization org-\w{24} on tokens per min \(TPM\): Limit 30000, Used \d+, Requested \d+\./,
    );
    for (const t of ofKind('server_error')) expect(t.error_message).toMatch(/^50[023] /);
    for (const t of ofKind('context_length_exceeded')) expect(t.error_message).toMatch(/tokens/);
    for (const t of ofKind('tool_error')) expect(t.error_message).toMatch(/^Tool '\w+' failed: /);
    expect(ofKind('tool_error').some((t) => t.agent_id === 'triage-router')).toBe(false);
  });

  it('has heavy-tailed latency per model that grows with output tokens', () => {
    const ok = traces.filter((t) => t.status === 'success');
    const latencies = (m: string) => ok.filter((t) => t.model === m).map((t) => t.latency_ms);
    for (const m of ['gpt-4o-mini', 'claude-3-5-haiku', 'gemini-2.0-flash']) {
      expect(median(latencies(m)), m).toBeGreaterThan(250);
      expect(median(latencies(m)), m).toBeLessThan(800);
    }
    for (const m of ['gpt-4o', 'claude-sonnet-4', 'gemini-2.5-pro', 'gpt-4.1']) {
      expect(median(latencies(m)), m).toBeGreaterThan(1400);
      expect(median(latencies(m)), m).toBeLessThan(4500);
    }
    const all = latencies('gpt-4o-mini');
    expect(quantile(all, 0.99) / median(all)).toBeGreaterThan(3);
    const mini = ok.filter((t) => t.model === 'gpt-4o-mini' && t.agent_id === 'support-bot');
    const cut = median(mini.map((t) => t.output_tokens));
    const short = mini.filter((t) => t.output_tokens < cut).map((t) => t.latency_ms);
    const long = mini.filter((t) => t.output_tokens >= cut).map((t) => t.latency_ms);
    expect(median(long)).toBeGreaterThan(median(short) * 1.2);
  });

  it('follows a daily and weekly rhythm and grows over the month', () => {
    const weekendDays = new Set(traces.filter(isWeekend).map((t) => t.timestamp.slice(0, 10))).size;
    const weekdayDays = new Set(traces.filter((t) => !isWeekend(t)).map((t) => t.timestamp.slice(0, 10))).size;
    const weekendPerDay = traces.filter(isWeekend).length / weekendDays;
    const weekdayPerDay = traces.filter((t) => !isWeekend(t)).length / weekdayDays;
    expect(weekendPerDay / weekdayPerDay).toBeGreaterThan(0.3);
    expect(weekendPerDay / weekdayPerDay).toBeLessThan(0.5);
    const hourOf = (t: DemoTrace) => new Date(t.timestamp).getUTCHours();
    const working = traces.filter((t) => hourOf(t) >= 9 && hourOf(t) < 18).length / 9;
    const night = traces.filter((t) => hourOf(t) >= 0 && hourOf(t) < 5).length / 5;
    expect(working / night).toBeGreaterThan(2.5);
    const firstWeek = traces.filter((t) => at(t) < windowStart + 7 * DAY).length;
    const lastWeek = traces.filter((t) => at(t) >= NOW - 7 * DAY).length;
    expect(lastWeek / firstWeek).toBeGreaterThan(1.15);
    expect(lastWeek / firstWeek).toBeLessThan(1.6);
  });

  it('shows the code reviewer moving from claude-3-5-sonnet to claude-sonnet-4', () => {
    const reviews = traces.filter((t) => t.agent_id === 'code-reviewer');
    const sonnet4 = (xs: DemoTrace[]) => share(xs, (t) => t.model === 'claude-sonnet-4');
    expect(sonnet4(reviews.filter((t) => at(t) < NOW - 20 * DAY))).toBeLessThan(0.15);
    expect(sonnet4(reviews.filter((t) => at(t) >= NOW - 10 * DAY))).toBeGreaterThan(0.5);
  });

  it('makes the incidents visible: a rate-limit spike and a slow hour', () => {
    const { errorSpike, slowHour } = demoIncidents(now);
    expect(errorSpike.startMs).toBeGreaterThan(windowStart);
    expect(slowHour.endMs).toBeLessThan(NOW);
    expect(new Date(errorSpike.startMs).toISOString()).toBe('2026-11-11T14:00:00.000Z');
    expect(new Date(slowHour.startMs).toISOString()).toBe('2026-11-17T10:00:00.000Z');

    const inWindow = (t: DemoTrace, w: { startMs: number; endMs: number }) => at(t) >= w.startMs && at(t) < w.endMs;
    const spiked = traces.filter((t) => t.model === errorSpike.model && inWindow(t, errorSpike));
    expect(spiked.length).toBeGreaterThan(20);
    expect(share(spiked, (t) => t.status === 'error')).toBeGreaterThan(0.15);
    expect(
      share(
        spiked.filter((t) => t.status === 'error'),
        (t) => t.error_type === 'rate_limit',
      ),
    ).toBeGreaterThan(0.7);
    const otherDays = traces.filter((t) => t.model === errorSpike.model && !inWindow(t, errorSpike));
    expect(share(otherDays, (t) => t.status === 'error')).toBeLessThan(0.05);
    // Other models in the spike window are unaffected.
    const others = traces.filter((t) => t.model !== errorSpike.model && inWindow(t, errorSpike));
    expect(share(others, (t) => t.status === 'error')).toBeLessThan(0.1);

    const ok = traces.filter((t) => t.model === slowHour.model && t.status === 'success');
    const slow = ok.filter((t) => inWindow(t, slowHour)).map((t) => t.latency_ms);
    expect(slow.length).toBeGreaterThan(5);
    expect(median(slow) / median(ok.filter((t) => !inWindow(t, slowHour)).map((t) => t.latency_ms))).toBeGreaterThan(2);
  });

  it('puts metadata on a share of traces, small and consistent per user session', () => {
    const withMeta = traces.filter((t) => t.metadata !== undefined);
    expect(withMeta.length / traces.length).toBeGreaterThan(0.2);
    expect(withMeta.length / traces.length).toBeLessThan(0.7);
    for (const t of withMeta.slice(0, 2000)) {
      expect(t.metadata!.session_id).toMatch(/^sess_[0-9a-f]{8}$/);
      expect(['us-east-1', 'eu-west-1', 'ap-southeast-1']).toContain(t.metadata!.region);
    }
    const regions = new Map<string, Set<unknown>>();
    for (const t of withMeta)
      if (t.user_id)
        (regions.get(t.user_id) ?? regions.set(t.user_id, new Set()).get(t.user_id)!).add(t.metadata!.region);
    expect([...regions.values()].every((r) => r.size === 1)).toBe(true);
  });

  it('groups calls into multi-call sessions and carries prompt and completion text on a good share', () => {
    const sessions = new Map<string, number>();
    for (const t of traces) if (t.session_id) sessions.set(t.session_id, (sessions.get(t.session_id) ?? 0) + 1);
    expect(traces.filter((t) => t.session_id).every((t) => t.session_id === t.metadata?.session_id)).toBe(true);
    expect([...sessions.values()].filter((n) => n > 1).length).toBeGreaterThan(sessions.size / 10);
    const withText = traces.filter((t) => t.input !== undefined);
    expect(withText.length / traces.length).toBeGreaterThan(0.35);
    expect(withText.length / traces.length).toBeLessThan(0.55);
    // Calls that failed before an answer have a prompt only.
    expect(withText.filter((t) => t.output_tokens === 0).every((t) => t.output === undefined)).toBe(true);
    const contacts = withText.filter((t) => /@example\.(com|org)|\+\d{1,2} \d{2,3} \d{3,4} \d{4}/.test(t.input!));
    expect(contacts.length).toBeGreaterThan(10);
    expect(contacts.length / withText.length).toBeLessThan(0.05);
  });

  it('respects short windows and rejects bad options', () => {
    const short = batchesOf(5, 2000, 2).flat();
    expect(Math.abs(short.length - 2000) / 2000).toBeLessThan(0.1);
    expect(allWireProblems(short, NOW - 2 * DAY, NOW)).toEqual([]);
    expect([...generateDemoBatches({ seed: 5, now, days: 1, targetTraces: 0 })]).toEqual([]);
    expect(() =>
      generateDemoBatches({ seed: 1, now: new Date(Number.NaN), days: 30, targetTraces: 10 }).next(),
    ).toThrow(RangeError);
    expect(() => generateDemoBatches({ seed: 1, now, days: 0, targetTraces: 10 }).next()).toThrow(RangeError);
    expect(() => generateDemoBatches({ seed: 1, now, days: 30, targetTraces: 10 }, 0).next()).toThrow(RangeError);
  });

  it('generates the default size (30 days, 220 000 traces) close to the target with unique ids', () => {
    let count = 0;
    let errors = 0;
    const ids = new Set<string>();
    let last = 0;
    let ordered = true;
    for (const batch of generateDemoBatches({ seed: 20_261_120, now, days: 30, targetTraces: 220_000 })) {
      for (const t of batch) {
        count++;
        ids.add(t.trace_id);
        if (t.status === 'error') errors++;
        const ms = at(t);
        if (!(ms >= last && ms >= windowStart && ms < NOW)) ordered = false;
        last = ms;
      }
    }
    expect(Math.abs(count - 220_000) / 220_000).toBeLessThan(0.1);
    expect(ordered).toBe(true);
    expect(ids.size).toBe(count);
    expect(errors / count).toBeGreaterThan(0.02);
    expect(errors / count).toBeLessThan(0.06);
  });
});

describe('demo trickle', () => {
  it('gives valid traces in the second before now with ids unique across calls', () => {
    const next = createTrickle(42);
    const seen = new Set<string>();
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const at = new Date(NOW + Math.floor(i / 2) * 1000); // every `now` used twice
      const batch = next(at, 1 + (i % 6));
      total += batch.length;
      expect(batch.length).toBe(1 + (i % 6));
      for (const t of batch) seen.add(t.trace_id);
      expect(allWireProblems(batch, at.getTime() - 1000, at.getTime())).toEqual([]);
      expect(batch.every((t, j) => j === 0 || Date.parse(t.timestamp) >= Date.parse(batch[j - 1]!.timestamp))).toBe(
        true,
      );
    }
    expect(seen.size).toBe(total);
    expect(next(now, 0)).toEqual([]);
    expect(() => next(now, -1)).toThrow(RangeError);
  });

  it('is pure: the same calls give the same traces, a restart later gives new ids', () => {
    const a = createTrickle(7);
    const b = createTrickle(7);
    expect(b(now, 5)).toEqual(a(now, 5));
    const historic = new Set(
      batchesOf(7, 2000, 2)
        .flat()
        .map((t) => t.trace_id),
    );
    const restarted = createTrickle(7)(new Date(NOW + 1), 5);
    const first = createTrickle(7)(now, 5);
    for (const t of restarted) {
      expect(historic.has(t.trace_id)).toBe(false);
      expect(first.map((f) => f.trace_id)).not.toContain(t.trace_id);
    }
  });
});
