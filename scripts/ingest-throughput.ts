/**
 * Ingest throughput through HTTP: starts Pulse as a child process (DEMO=0) on a fresh
 * database, creates a workspace over the admin API, and sends demo-distributed traces in
 * batches of 1000 with N concurrent clients. Prints traces/s (rollup upkeep included).
 *
 *   npx tsx scripts/ingest-throughput.ts [--traces 200000] [--concurrency 4] [--db pglite|postgres]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { generateDemoBatches } from '../packages/api/src/demo/generate.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const total = Number(arg('traces', '200000'));
const concurrency = Number(arg('concurrency', '4'));
const driver = arg('db', 'pglite');
const port = 3900 + Math.floor(Math.random() * 90);
const adminToken = 'throughput-admin-token';
const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DEMO: '0', ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' };
delete env.REDIS_URL;
let cleanup = async () => {};
if (driver === 'postgres') {
  const name = `pulse_tp_${Date.now()}`;
  const admin = postgres(`${pgServer}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  env.DATABASE_URL = `${pgServer}/${name}`;
  cleanup = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'pulse-tp-'));
  env.DATA_DIR = dir;
  delete env.DATABASE_URL;
  cleanup = async () => rmSync(dir, { recursive: true, force: true });
}

const server = spawn('npx', ['tsx', 'packages/api/src/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      if (i > 300) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const ws = (await (
    await fetch(`${base}/api/v1/admin/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'throughput' }),
    })
  ).json()) as { api_key: string };

  // Bodies are serialized before the clock starts: the figure is the server's.
  const bodies = [...generateDemoBatches({ seed: 1, now: new Date(), days: 30, targetTraces: total })].map((b) => JSON.stringify({ traces: b }));
  const sent = bodies.reduce((n, b) => n + (JSON.parse(b) as { traces: unknown[] }).traces.length, 0);
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await fetch(`${base}/api/v1/traces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ws.api_key}`, 'content-type': 'application/json' },
          body,
        });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        accepted += ((await res.json()) as { accepted: number }).accepted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${driver}: ${accepted.toLocaleString('en-US')} of ${sent.toLocaleString('en-US')} traces in ${seconds.toFixed(1)} s = ` +
      `${Math.round(accepted / seconds).toLocaleString('en-US')} traces/s (batches of 1000, concurrency ${concurrency})\n`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await cleanup();
}
