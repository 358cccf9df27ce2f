import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { INGEST_LIMITS } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRE_LIMITS } from '../src/limits.js';
import { type SdkTestPulse, startPulse } from './pulse-server.js';

const sdk = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(sdk, 'dist');
const run = promisify(execFile);

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );

let pulse: SdkTestPulse;
beforeAll(async () => {
  await run(process.execPath, [path.join(sdk, 'scripts/build.mjs')]);
  pulse = await startPulse();
}, 180_000);
afterAll(async () => {
  await pulse?.close();
});

describe('the published package', () => {
  it('fits the server limits it copies', () => {
    expect(WIRE_LIMITS).toEqual({
      maxTracesPerBatch: INGEST_LIMITS.maxTracesPerBatch,
      maxTextLength: INGEST_LIMITS.maxTextLength,
      maxErrorMessageLength: INGEST_LIMITS.maxErrorMessageLength,
      maxIdLength: INGEST_LIMITS.maxIdLength,
    });
  });

  it('stands alone: ESM, CommonJS and declarations that name no workspace package, zod or node builtin', async () => {
    for (const file of filesUnder(dist))
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/@pulse\/|['"]zod['"]|['"]node:/);
    expect(readFileSync(path.join(dist, 'types/wire.d.ts'), 'utf8')).toMatch(
      /trace_id: string;[\s\S]*cache_read_tokens\?: number/,
    );
    const exports = ['Pulse', 'observe', 'withPulse', 'wrapAnthropic', 'wrapOpenAI'];
    const cjs = await run(process.execPath, [
      '-e',
      `console.log(Object.keys(require(${JSON.stringify(path.join(dist, 'cjs/index.js'))})).sort().join())`,
    ]);
    const esm = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `console.log(Object.keys(await import(${JSON.stringify(path.join(dist, 'esm/index.js'))})).sort().join())`,
    ]);
    expect(cjs.stdout.trim()).toBe(exports.join());
    expect(esm.stdout.trim()).toBe(exports.join());
  });

  it('never keeps a process alive, and flushes on beforeExit', async () => {
    const w = await pulse.workspace();
    // A long interval: only the exit flush can send these before the program ends by itself.
    const program = `const { Pulse } = require(${JSON.stringify(path.join(dist, 'cjs/index.js'))});
      const pulse = new Pulse({ apiKey: process.env.KEY, baseUrl: process.env.URL, flushAt: 100, flushIntervalMs: 600000 });
      for (let i = 0; i < 3; i++) pulse.trace({ trace_id: 'exit-' + i, agent_id: 'a', model: 'm', latency_ms: 1 });`;
    const started = Date.now();
    const child = spawn(process.execPath, ['-e', program], {
      env: { ...process.env, KEY: w.apiKey, URL: pulse.url },
      stdio: 'inherit',
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect((await pulse.stored(w.workspaceId)).map((t) => t.trace_id)).toEqual(['exit-0', 'exit-1', 'exit-2']);
  });
});
