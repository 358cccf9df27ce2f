import { describe, expect, it } from 'vitest';
import { KeyedSemaphore } from './keyed-semaphore.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedSemaphore', () => {
  it('runs at most `permits` tasks of one key at once, in arrival order, and other keys beside them', async () => {
    const gate = new KeyedSemaphore(2);
    const started: string[] = [];
    const blockers = Array.from({ length: 4 }, () => deferred());
    const tasks = blockers.map((b, i) =>
      gate.run('a', async () => {
        started.push(`a${i}`);
        await b.promise;
        return i;
      }),
    );
    const other = gate.run('b', async () => {
      started.push('b0');
      return 'b';
    });
    expect(await other).toBe('b');
    expect(started).toEqual(['a0', 'a1', 'b0']);
    expect(gate.load('a')).toBe(4);

    blockers[1]!.resolve();
    await tasks[1];
    // The next task starts on a later turn of the event loop, so waiting I/O gets in first.
    expect(started).toEqual(['a0', 'a1', 'b0']);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a0', 'a1', 'b0', 'a2']);
    blockers[0]!.resolve();
    blockers[2]!.resolve();
    blockers[3]!.resolve();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual(['a0', 'a1', 'b0', 'a2', 'a3']);
    expect(gate.load('a')).toBe(0);
  });

  it('releases the permit of a task that fails', async () => {
    const gate = new KeyedSemaphore(1);
    await expect(gate.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.load('k')).toBe(0);
    expect(await gate.run('k', async () => 'next')).toBe('next');
  });

  it('tells a task whether it waited for its turn', async () => {
    const gate = new KeyedSemaphore(1);
    const first = deferred();
    const waits: boolean[] = [];
    const running = gate.run('k', async (waited) => {
      waits.push(waited);
      await first.promise;
    });
    const queued = gate.run('k', async (waited) => void waits.push(waited));
    first.resolve();
    await Promise.all([running, queued]);
    await gate.run('k', async (waited) => void waits.push(waited));
    expect(waits).toEqual([false, true, false]);
  });

  it('refuses a permit count below 1', () => {
    expect(() => new KeyedSemaphore(0)).toThrow(RangeError);
  });
});
