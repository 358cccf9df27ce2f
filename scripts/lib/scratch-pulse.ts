/**
 * A Pulse started as a child process on a scratch database (a new PostgreSQL database, or a
 * temporary PGlite directory) that is removed afterwards. The child is node itself (no npm or
 * shell in between), so its pid is the server's: /proc/<pid>/status tells its memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export interface ScratchPulse {
  server: ChildProcess;
  port: number;
  base: string;
  /** The scratch PostgreSQL database's URL (driver postgres). */
  databaseUrl?: string;
  /** The PGlite data directory (driver pglite): readable by another process once the server stopped. */
  dataDir?: string;
  /** Stops the server (SIGTERM) and waits for it to exit; the database stays. */
  stopServer(): Promise<void>;
  /** Drops the scratch database or removes the directory (after stopServer). */
  cleanup(): Promise<void>;
  /** stopServer then cleanup. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel's pick). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `driver` is 'postgres' (a database on BENCH_PG_URL's server) or 'pglite'. */
export async function startScratchPulse(driver: string, extraEnv: NodeJS.ProcessEnv): Promise<ScratchPulse> {
  const port = await freePort();
  // Benchmarks send far more than a client's 6000 requests a minute with one key: no rate limits.
  const limits = { RATE_LIMIT_INGEST_PER_MIN: '0', RATE_LIMIT_QUERY_PER_MIN: '0' };
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...limits, ...extraEnv };
  delete env.REDIS_URL;
  let cleanup = async () => {};
  let databaseUrl: string | undefined;
  let dataDir: string | undefined;
  if (driver === 'postgres') {
    const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
    const name = `pulse_scratch_${Date.now()}`;
    const admin = postgres(`${pgServer}/postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    databaseUrl = env.DATABASE_URL = `${pgServer}/${name}`;
    cleanup = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else if (driver === 'pglite') {
    dataDir = env.DATA_DIR = mkdtempSync(path.join(tmpdir(), 'pulse-scratch-'));
    delete env.DATABASE_URL;
    cleanup = async () => rmSync(dataDir!, { recursive: true, force: true });
  } else {
    throw new Error(`unknown database driver "${driver}" (pglite or postgres)`);
  }
  const server = spawn(process.execPath, ['--import', 'tsx', 'packages/api/src/main.ts'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stopServer = async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await exited;
  };
  return {
    server,
    port,
    base: `http://127.0.0.1:${port}`,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(dataDir ? { dataDir } : {}),
    stopServer,
    cleanup,
    async stop() {
      await stopServer();
      await cleanup();
    },
  };
}

/** Resolves once GET /api/health answers 200; throws when the server exits or takes too long. */
export async function waitHealthy(pulse: ScratchPulse, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (pulse.server.exitCode !== null) throw new Error(`the server exited with code ${pulse.server.exitCode}`);
    try {
      if ((await fetch(`${pulse.base}/api/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('the server did not become healthy in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
