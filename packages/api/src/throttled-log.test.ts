import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { throttledWarn } from './throttled-log.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('throttledWarn', () => {
  it('logs one line per distinct cause per interval, the next one with the count suppressed meanwhile', async () => {
    const { lines, logger } = capture();
    let now = 0;
    const warn = throttledWarn(logger, { intervalMs: 60_000, now: () => now });
    for (let i = 0; i < 1000; i++) warn('fold:22003', { cause: 'integer out of range' }, 'rollup fold failed; retrying');
    warn('fold:57014', { cause: 'canceling statement due to statement timeout' }, 'rollup fold failed; retrying');
    now = 59_999;
    warn('fold:22003', { cause: 'integer out of range' }, 'rollup fold failed; retrying');
    await flush();
    expect(lines.map((l) => [l.cause, l.suppressed])).toEqual([
      ['integer out of range', undefined],
      ['canceling statement due to statement timeout', undefined],
    ]);
    now = 60_000;
    warn('fold:22003', { cause: 'integer out of range' }, 'rollup fold failed; retrying');
    warn('fold:22003', { cause: 'integer out of range' }, 'rollup fold failed; retrying');
    await flush();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 40, cause: 'integer out of range', suppressed: 1000, msg: 'rollup fold failed; retrying' });
  });

  it('remembers a bounded number of causes', async () => {
    const { lines, logger } = capture();
    const warn = throttledWarn(logger, { now: () => 0 });
    for (let i = 0; i < 5000; i++) warn(`cause ${i}`, {}, 'x');
    warn('cause 0', {}, 'x');
    await flush();
    // 'cause 0' was forgotten among 5,000 distinct causes: logged again rather than kept forever.
    expect(lines).toHaveLength(5001);
  });
});
