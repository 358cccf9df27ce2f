/**
 * `npm run bench:cached`: cached analytics answers only, end to end through the real HTTP server
 * (a child process on a scratch database), without the hour-long load of `npm run bench`. A hit
 * reads no trace, so its cost does not grow with the data: authentication, the cache's
 * version and entry, the middleware and the serialisation are what is measured. Prints P50/P95
 * per endpoint and window, like the cached series of scripts/bench/endpoints.ts, and the server's
 * CPU time per request (Linux): unlike wall time, it does not swing with the machine's load.
 *
 *   npm run bench:cached -- [--db pglite|postgres] [--redis URL] [--requests N]
 *
 * --db postgres uses BENCH_PG_URL's server (default postgres://postgres@127.0.0.1:5432);
 * --redis runs the server with REDIS_URL (shared cache and key revocations).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createScratchDatabase } from '@pulse/db/testing';
import { startScratchPulse } from '@pulse/testing';
import { analyticsHeaders, benchServerEnv, createWorkspace, putBudget, timedGet } from './bench/client.js';
import { ENDPOINTS, UNWINDOWED, windowsFor } from './bench/endpoints.js';
import { summarize } from './bench/stats.js';

const { values } = parseArgs({ options: { db: { type: 'string', default: 'postgres' }, redis: { type: 'string' }, requests: { type: 'string', default: '200' } } });
const requests = Number(values.requests);
if (!Number.isInteger(requests) || requests < 1) throw new Error(`--requests must be a positive integer, got "${values.requests}"`);
if (values.db !== 'postgres' && values.db !== 'pglite') throw new Error(`--db must be pglite or postgres, got "${values.db}"`);

/** CPU seconds the process has used (user + system), from /proc; undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const adminToken = randomBytes(18).toString('base64url');
const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const scratch = await createScratchDatabase(values.db === 'postgres' ? `${pgServer}/postgres` : undefined);
const pulse = await startScratchPulse(scratch, {
  env: { ...benchServerEnv(adminToken), ...(values.redis ? { REDIS_URL: values.redis } : {}) },
});
try {
  const ws = await createWorkspace(pulse.url, adminToken, 'bench-cached');
  const now = Date.now();
  const traces = Array.from({ length: 1000 }, (_, i) => ({
    trace_id: `bc-${i}`,
    timestamp: new Date(now - (i % 720) * 3_600_000 - 1000).toISOString(),
    agent_id: `agent-${i % 5}`,
    user_id: `user-${i % 37}`,
    model: i % 3 ? 'gpt-4o' : 'claude-sonnet-4-5',
    status: i % 17 ? 'success' : 'error',
    latency_ms: 200 + (i % 900),
    input_tokens: 1000 + i,
    output_tokens: 300,
    tags: i % 4 ? ['prod'] : ['prod', 'checkout'],
  }));
  const ingest = await fetch(`${pulse.url}/api/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${ws.api_key}`, 'content-type': 'application/json' }, body: JSON.stringify({ traces }) });
  if (ingest.status !== 200 && ingest.status !== 207) throw new Error(`ingest answered ${ingest.status}: ${await ingest.text()}`);
  await putBudget(pulse.url, ws, 100);

  const headers = analyticsHeaders(ws);
  const all: number[] = [];
  const cpuBefore = cpuSeconds(pulse.proc.pid);
  process.stdout.write(`cached answers, ${values.db}${values.redis ? ' + redis' : ''}, ${requests} requests each (ms)\n`);
  for (const endpoint of ENDPOINTS) {
    for (const window of endpoint === UNWINDOWED ? [null] : windowsFor(new Date(now))) {
      const url = `${pulse.url}/api/v1${endpoint}${window ? `?${window.query}` : ''}`;
      for (let i = 0; i < 3; i++) await timedGet(url, headers);
      const ms: number[] = [];
      let notHit = 0;
      for (let i = 0; i < requests; i++) {
        const r = await timedGet(url, headers);
        ms.push(r.ms);
        if (r.cache !== 'HIT') notHit++;
      }
      all.push(...ms);
      const s = summarize(ms);
      process.stdout.write(`${endpoint} ${window?.name ?? '-'}: P50 ${s.p50} P95 ${s.p95} P99 ${s.p99}${notHit ? ` (${notHit} not HIT)` : ''}\n`);
    }
  }
  const s = summarize(all);
  const cpuAfter = cpuSeconds(pulse.proc.pid);
  // Warm-up requests included: three per series.
  const served = all.length + 3 * (all.length / requests);
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? 'unknown' : `${(((cpuAfter - cpuBefore) * 1000) / served).toFixed(3)} ms`;
  process.stdout.write(`all: P50 ${s.p50} P95 ${s.p95} P99 ${s.p99} max ${s.max}; server CPU per request ${cpu}\n`);
} finally {
  await pulse.stop();
  await scratch.drop();
}
