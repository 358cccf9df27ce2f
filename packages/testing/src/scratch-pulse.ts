/**
 * Pulse as a real child process (`node <SERVER_NODE_FLAGS> --import tsx packages/api/src/main.ts`) on a scratch
 * database that outlives it, so a caller can stop or kill it, restart it on the same data and
 * look inside. The child is node itself (no npm or shell in between), so its pid is the
 * server's: /proc/<pid>/status tells its memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScratchDatabase } from '@pulse/db/testing';
import { freePort } from './free-port.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The flags node runs the server with, as `npm start` and the Dockerfile give them (a test holds
 * the three to the same). A young generation of 2 × 32 MB instead of V8's 2 × 16: a request
 * allocates ~180 KB, an uncached answer far more, and with half the scavenges fewer short-lived
 * objects are copied or promoted. At 1 M traces the cached series over 5 ms at P95 went from
 * 10–14 of 49 to 6–8, for ~60–80 MB more peak RSS; a 10 M run has not shown it yet
 * (docs/BENCHMARKS.md, "A larger young generation").
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'] as const;

export interface ScratchPulse {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** What the child wrote to stdout and stderr (empty when its output is inherited). */
  output(): string;
  /** SIGTERM (a graceful shutdown) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL if still running (a cleanup after a failure) and wait for the exit. */
  kill(): Promise<void>;
}

interface ScratchPulseOptions {
  /** Variables on top of the defaults (DEMO=0, LOG_LEVEL=warn, no Redis unless REDIS_URL is given). */
  env?: Record<string, string>;
  /** Let the child write to this process's stdout and stderr instead of capturing its output. */
  inheritOutput?: boolean;
  healthTimeoutMs?: number;
}

/** Starts Pulse on `database` and resolves once GET /api/health answers 200. */
export async function startScratchPulse(database: ScratchDatabase, options: ScratchPulseOptions = {}): Promise<ScratchPulse> {
  const extraEnv = options.env ?? {};
  // A PORT given restarts Pulse where clients already point (a restart test); else any free one.
  const port = extraEnv.PORT ? Number(extraEnv.PORT) : await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ...database.env, PORT: String(port), HOST: '127.0.0.1', DEMO: '0', LOG_LEVEL: 'warn', ...extraEnv };
  if (!database.env.DATABASE_URL) delete env.DATABASE_URL;
  if (!extraEnv.REDIS_URL) delete env.REDIS_URL;
  const pulse = spawnPulse(env, port, options.inheritOutput ?? false);
  // Generous by default: a loaded 2-core machine may take long to start tsx and apply migrations.
  await waitHealthy(pulse, options.healthTimeoutMs ?? 120_000);
  return pulse;
}

/**
 * The server process itself with exactly `env`, not waited for: startScratchPulse's building
 * block, and on its own for tests of a start that must fail (a bad environment).
 */
export function spawnPulse(env: NodeJS.ProcessEnv, port = Number(env.PORT ?? 0), inheritOutput = false): ScratchPulse {
  const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', 'packages/api/src/main.ts'], {
    cwd: repoRoot,
    env,
    stdio: inheritOutput ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const running = () => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    exited,
    output: () => log,
    async stop() {
      if (running()) proc.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (running()) proc.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitHealthy(pulse: ScratchPulse, timeoutMs: number): Promise<void> {
  let ended = false;
  void pulse.exited.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ended) throw new Error(`pulse exited before it was healthy:\n${pulse.output()}`);
    try {
      if ((await fetch(`${pulse.url}/api/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await pulse.kill();
      throw new Error(`pulse did not become healthy in ${timeoutMs} ms:\n${pulse.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
