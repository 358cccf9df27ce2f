/**
 * `npm run bench:sdk`: the TypeScript SDK against a real Pulse (a child process on a scratch
 * PGlite database, rate limits off). Measures `pulse.trace()` on the caller's thread (each call
 * timed alone, the sender running between bursts as it does in an application), then counts the
 * ingest requests 100,000 traces took against the fewest possible (⌈N / flushAt⌉) through a
 * counting proxy. Writes bench-results/sdk-<date>.json and the table between the `bench:sdk`
 * markers of docs/BENCHMARKS.md. Exits non-zero when a target is missed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from '@pulse/db/testing';
import { startScratchPulse } from '@pulse/testing';
import { Pulse } from '../packages/sdk/src/index.js';
// The SDK tests' proxy, only passing requests on here: it counts them.
import { startFaultProxy } from '../packages/sdk/test/fault-proxy.js';
import { benchServerEnv, createWorkspace } from './bench/client.js';
import { loadAverage, machine } from './bench/machine.js';

const TRACES = 100_000;
const WARMUP = 5_000;
const FLUSH_AT = 100;
/** Traces an application makes before the event loop turns (the sender runs in between). */
const BURST = 500;
const TARGETS = { traceP99Us: 20, extraRequestsPct: 1 };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const adminToken = randomBytes(18).toString('base64url');
const started = new Date();
const loadAtStart = loadAverage();

const prompt =
  'You are a support agent. The customer asks about a refund for order 1234; answer politely and briefly. '.repeat(2);
const traceOf = (i: number) => ({
  agent_id: `agent-${i % 7}`,
  user_id: `user-${i % 500}`,
  session_id: `session-${i % 2000}`,
  model: 'gpt-4o-mini',
  latency_ms: 100 + (i % 900),
  ttft_ms: 50,
  input_tokens: 1200,
  output_tokens: 180,
  cache_read_tokens: 600,
  tags: ['bench', `shard-${i % 4}`],
  input: prompt,
  output: 'Certainly, I have started the refund.',
});

/** Traces `n` traces in bursts, timing each call alone; nanoseconds per call. */
async function traceAll(client: Pulse, n: number): Promise<Float64Array> {
  const ns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const fields = traceOf(i);
    const t0 = process.hrtime.bigint();
    client.trace(fields);
    ns[i] = Number(process.hrtime.bigint() - t0);
    if (i % BURST === BURST - 1) await new Promise((r) => setImmediate(r));
  }
  return ns;
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const us = (ns: number) => Math.round(ns / 10) / 100;

const scratch = await createScratchDatabase(undefined);
const pulse = await startScratchPulse(scratch, {
  env: benchServerEnv(adminToken),
});
try {
  const ws = await createWorkspace(pulse.url, adminToken, 'sdk-bench');
  const proxy = await startFaultProxy(pulse.url);
  const options = { apiKey: ws.api_key, baseUrl: proxy.url, flushAt: FLUSH_AT, maxQueue: 200_000, flushOnExit: false };

  // Warm-up: the JIT compiles trace() and the sender before anything is timed or counted.
  const warm = new Pulse({ ...options, shutdownTimeoutMs: 120_000 });
  await traceAll(warm, WARMUP);
  await warm.shutdown();
  proxy.seen.passed = 0;

  const client = new Pulse(options);
  const clock = performance.now();
  const ns = await traceAll(client, TRACES);
  await client.flush();
  const seconds = (performance.now() - clock) / 1000;
  const stats = client.stats();
  await client.shutdown();
  await proxy.close();

  const sorted = ns.slice().sort();
  const needed = Math.ceil(TRACES / FLUSH_AT);
  const result = {
    date: started.toISOString(),
    machine: machine(),
    loadAverage: { start: loadAtStart, end: loadAverage() },
    traces: TRACES,
    flushAt: FLUSH_AT,
    burst: BURST,
    traceUs: {
      p50: us(quantile(sorted, 0.5)),
      p99: us(quantile(sorted, 0.99)),
      p999: us(quantile(sorted, 0.999)),
      max: us(sorted[sorted.length - 1]!),
    },
    requests: proxy.seen.passed,
    neededRequests: needed,
    extraRequestsPct: Math.round(((proxy.seen.passed - needed) / needed) * 10_000) / 100,
    accepted: stats.accepted,
    duplicates: stats.duplicates,
    dropped: stats.dropped,
    retries: stats.retries,
    seconds: Math.round(seconds * 10) / 10,
    tracesPerSecond: Math.round(TRACES / seconds),
  };
  const failures = [
    result.traceUs.p99 > TARGETS.traceP99Us && `trace() P99 ${result.traceUs.p99} µs > ${TARGETS.traceP99Us} µs`,
    result.extraRequestsPct > TARGETS.extraRequestsPct &&
      `${result.extraRequestsPct} % more requests than needed > ${TARGETS.extraRequestsPct} %`,
    result.accepted !== TRACES && `${result.accepted} of ${TRACES} traces accepted`,
  ].filter(Boolean);

  mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench-results', `sdk-${result.date.slice(0, 10)}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  const table = [
    `Measured ${result.date.slice(0, 16).replace('T', ' ')} UTC on ${result.machine.cores} × ${result.machine.cpu}, Node ${result.machine.node}, load average ${result.loadAverage.start.join(' / ')} at the start.`,
    '',
    '| figure | measured | target |',
    '|---|---|---|',
    `| \`trace()\` on the caller's thread, P50 / P99 / P99.9 / max | ${result.traceUs.p50} / **${result.traceUs.p99}** / ${result.traceUs.p999} / ${result.traceUs.max} µs | P99 ≤ ${TARGETS.traceP99Us} µs |`,
    `| ingest requests for ${TRACES.toLocaleString('en')} traces (flushAt ${FLUSH_AT}) | **${result.requests}** of ${needed} needed (+${result.extraRequestsPct} %) | ≤ +${TARGETS.extraRequestsPct} % |`,
    `| accepted / duplicates / dropped / retries | ${result.accepted} / ${result.duplicates} / ${result.dropped} / ${result.retries} | all accepted |`,
    `| end to end, traced to stored (PGlite) | ${result.seconds} s (${result.tracesPerSecond.toLocaleString('en')} traces/s) | — |`,
  ].join('\n');
  const doc = path.join(root, 'docs/BENCHMARKS.md');
  writeFileSync(
    doc,
    readFileSync(doc, 'utf8').replace(/(<!-- bench:sdk:start -->\n)[\s\S]*?(\n<!-- bench:sdk:end -->)/, `$1${table}$2`),
  );
  console.log(table);
  if (failures.length > 0) {
    console.error(`targets missed: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
} finally {
  await pulse.stop();
  await scratch.drop();
}
