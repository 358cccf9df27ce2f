import { spawnPulse } from '@pulse/testing';
import { expect, it } from 'vitest';

it('a bad environment stops the server at start with a message naming each bad variable', async () => {
  const pulse = spawnPulse({ ...process.env, PORT: 'abc', DATABASE_URL: 'not-a-url', DEMO: '0' });
  expect(await pulse.exited).toBe(1);
  expect(pulse.output()).toContain('Invalid configuration');
  expect(pulse.output()).toMatch(/^ {2}PORT: must be a whole number from 0 to 65535$/m);
  expect(pulse.output()).toMatch(/^ {2}DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\/$/m);
});
