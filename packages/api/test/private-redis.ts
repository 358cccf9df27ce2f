import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/** Whether this machine can run a redis-server of the test's own (else those tests skip). */
export const hasRedisServer = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;

/**
 * A Redis of the test's own on a port of its own, so the test can stop and restart it
 * without touching the machine's shared Redis.
 */
export function privateRedis(defaultPort: number) {
  let server: ChildProcess | undefined;
  const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args]).stdout?.toString() ?? '';
  return {
    port: defaultPort,
    url: `redis://127.0.0.1:${defaultPort}`,
    /** redis-cli against the default port. */
    cli: (...args: string[]) => cli(defaultPort, ...args),
    async start(port = defaultPort) {
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      for (let i = 0; i < 50; i++) {
        if (cli(port, 'ping').includes('PONG')) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('redis-server did not start');
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.kill('SIGKILL');
      await new Promise((res) => s.once('exit', res));
    },
  };
}
