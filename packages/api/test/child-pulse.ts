/**
 * Pulse as a real child process (`node --import tsx src/main.ts`) on a scratch database
 * that outlives it, so a test can kill it, restart it on the same data and look inside.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Database, openDatabase } from '@pulse/db';
import postgres from 'postgres';
import { ADMIN_TOKEN } from './harness.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A database a child can be pointed at: a new PostgreSQL database, or a PGlite directory. */
export interface ScratchStore {
  /** DATABASE_URL or DATA_DIR for a child. */
  env: Record<string, string>;
  /** Opens it in this process (for PGlite: only while no child has it open). */
  open(): Promise<Database>;
  /** Runs SQL as an admin connection on the server (PostgreSQL only). */
  admin?: postgres.Sql;
  drop(): Promise<void>;
}

export async function createScratchStore(): Promise<ScratchStore> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'pulse-fault-'));
    return {
      env: { DATA_DIR: dir },
      open: () => openDatabase({ dataDir: dir }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `pulse_fault_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    open: () => openDatabase({ databaseUrl: url.toString(), maxConnections: 2 }),
    admin,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** A free TCP port (bound and released: a child binds it right after). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface ChildPulse {
  proc: ChildProcess;
  url: string;
  port: number;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  output(): string;
}

/** Starts Pulse (DEMO=0, ADMIN_TOKEN set, no Redis) and waits until /api/health answers. */
export async function startChildPulse(store: ScratchStore, extraEnv: Record<string, string> = {}): Promise<ChildPulse> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...store.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO: '0',
    ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  if (!store.env.DATABASE_URL) delete env.DATABASE_URL;
  if (!extraEnv.REDIS_URL) delete env.REDIS_URL;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'packages/api/src/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  let ended = false;
  void exited.then(() => (ended = true));
  // Generous: a loaded 2-core machine may take long to start tsx and apply migrations.
  const until = Date.now() + 120_000;
  for (;;) {
    if (ended) throw new Error(`pulse exited before it was healthy:\n${log}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`pulse did not become healthy:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, url, port, exited, output: () => log };
}

/** SIGKILLs a child still running (a test's cleanup after a failure) and waits for it. */
export async function killIfRunning(child: ChildPulse | undefined): Promise<void> {
  if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGKILL');
  await child.exited;
}

/** A workspace and its key through the admin API of a running Pulse. */
export async function adminWorkspace(url: string, name: string): Promise<{ workspace_id: string; api_key: string }> {
  const res = await fetch(`${url}/api/v1/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`admin workspace: ${res.status} ${await res.text()}`);
  return (await res.json()) as { workspace_id: string; api_key: string };
}

/** How many traces of each batch (trace ids `<prefix><batch>-<i>`) the database holds. */
export async function batchCounts(database: Database, prefix: string): Promise<Map<number, number>> {
  const { sql } = await import('drizzle-orm');
  const rows = await database.rows<{ batch: string; n: number }>(
    sql`select split_part(substr(trace_id, ${prefix.length + 1}), '-', 1) as batch, count(*)::int as n
        from traces where starts_with(trace_id, ${prefix}) group by 1`,
  );
  return new Map(rows.map((r) => [Number(r.batch), r.n]));
}
