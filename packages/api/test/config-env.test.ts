import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { repoRoot } from './child-pulse.js';

it('a bad environment stops the server at start with a message naming each bad variable', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: 'abc', DATABASE_URL: 'not-a-url', DEMO: '0' };
  const proc = spawn(process.execPath, ['--import', 'tsx', 'packages/api/src/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  expect(code).toBe(1);
  expect(stderr).toContain('Invalid configuration');
  expect(stderr).toMatch(/^ {2}PORT: must be a whole number from 0 to 65535$/m);
  expect(stderr).toMatch(/^ {2}DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\/$/m);
});
