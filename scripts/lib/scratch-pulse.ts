/**
 * What the measuring scripts share: their `--name value` arguments, and a Pulse started as a
 * child process on a scratch database (a new PostgreSQL database, or a temporary PGlite
 * directory) that is removed afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

export interface ScratchPulse {
  server: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** `driver` is 'postgres' (a database on BENCH_PG_URL's server) or 'pglite'. */
export async function startScratchPulse(driver: string, extraEnv: NodeJS.ProcessEnv): Promise<ScratchPulse> {
  const port = 3800 + Math.floor(Math.random() * 190);
  // Benchmarks send far more than a client's 6000 requests a minute with one key: no rate limits.
  const limits = { RATE_LIMIT_INGEST_PER_MIN: '0', RATE_LIMIT_QUERY_PER_MIN: '0' };
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...limits, ...extraEnv };
  delete env.REDIS_URL;
  let cleanup = async () => {};
  if (driver === 'postgres') {
    const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
    const name = `pulse_scratch_${Date.now()}`;
    const admin = postgres(`${pgServer}/postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    env.DATABASE_URL = `${pgServer}/${name}`;
    cleanup = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'pulse-scratch-'));
    env.DATA_DIR = dir;
    delete env.DATABASE_URL;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const server = spawn(process.execPath, ['--import', 'tsx', 'packages/api/src/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return {
    server,
    port,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      await cleanup();
    },
  };
}
