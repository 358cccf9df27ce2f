/**
 * P50/P95 of every analytics endpoint for a 30-day window on the demo data, uncached (the
 * bench-only bypass header) and cached. Starts Pulse as a child process with DEMO=1 and no
 * trickle (a trickle bumps the data version every second, so nothing would stay cached).
 *
 *   npx tsx scripts/endpoint-latency.ts [--db pglite|postgres] [--requests 30]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const driver = arg('db', 'pglite');
const requests = Number(arg('requests', '30'));
const port = 3800 + Math.floor(Math.random() * 90);
const bypass = 'latency-script-bypass';
const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DEMO: '1', DEMO_TRICKLE_RATE: '0', PULSE_CACHE_BYPASS_TOKEN: bypass, LOG_LEVEL: 'warn' };
let cleanup = async () => {};
if (driver === 'postgres') {
  const name = `pulse_lat_${Date.now()}`;
  const admin = postgres(`${pgServer}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  env.DATABASE_URL = `${pgServer}/${name}`;
  cleanup = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
} else {
  delete env.DATABASE_URL;
  env.DATA_DIR = process.env.LATENCY_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'pulse-lat-'));
  if (!process.env.LATENCY_DATA_DIR) cleanup = async () => rmSync(env.DATA_DIR!, { recursive: true, force: true });
}

const server = spawn('npx', ['tsx', 'packages/api/src/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
let output = '';
const credentials = new Promise<{ key: string; workspace: string }>((resolve) => {
  server.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const key = /API key:\s+(\S+)/.exec(output)?.[1];
    const workspace = /Workspace id:\s+(\S+)/.exec(output)?.[1];
    if (key && workspace) resolve({ key, workspace });
  });
});

const PATHS = [
  '/usage/overview', '/usage/calls-over-time', '/usage/agent-distribution', '/usage/top-users',
  '/cost/overview', '/cost/trend', '/cost/by-model', '/cost/budget',
  '/performance/overview', '/performance/latency', '/performance/throughput', '/performance/errors',
];
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
};

try {
  const { key, workspace } = await credentials;
  const base = `http://127.0.0.1:${port}/api/v1`;
  const headers = { authorization: `Bearer ${key}`, 'x-workspace-id': workspace };
  const time = async (url: string, extra: Record<string, string>) => {
    const t = performance.now();
    const res = await fetch(url, { headers: { ...headers, ...extra } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    return performance.now() - t;
  };
  const rows: string[] = [];
  for (const p of PATHS) {
    const url = `${base}${p}?range=30d`;
    await time(url, { 'x-pulse-cache-bypass': bypass }); // warm-up
    const uncached: number[] = [];
    for (let i = 0; i < requests; i++) uncached.push(await time(url, { 'x-pulse-cache-bypass': bypass }));
    const cached: number[] = [];
    for (let i = 0; i < requests; i++) cached.push(await time(url, {}));
    rows.push(`| ${p} | ${pct(uncached, 0.5).toFixed(1)} | ${pct(uncached, 0.95).toFixed(1)} | ${pct(cached, 0.5).toFixed(1)} | ${pct(cached, 0.95).toFixed(1)} |`);
  }
  process.stdout.write(`\n${driver}, demo data (${/Demo data: ([\d,]+)/.exec(output)?.[1] ?? 'existing'} traces), range=30d, ${requests} requests each, ms\n\n`);
  process.stdout.write('| endpoint | uncached P50 | uncached P95 | cached P50 | cached P95 |\n|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await cleanup();
}
