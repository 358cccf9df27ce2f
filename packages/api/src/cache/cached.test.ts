import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KeyedSemaphore } from '../concurrency/keyed-semaphore.js';
import { cached, type CacheOutcome } from './cached.js';
import { MemoryCache } from './memory-cache.js';

const schema = z.object({ n: z.number() });

function scopeOf(cache: MemoryCache, outcomes: CacheOutcome[], gate = new KeyedSemaphore(4)) {
  return {
    cache,
    logger: pino({ level: 'silent' }),
    workspaceId: 'ws-1',
    bypass: false,
    onOutcome: (o: CacheOutcome) => void outcomes.push(o),
    turn: <T>(task: (waited: boolean) => Promise<T>) => gate.run('key', task),
  };
}

describe('cached: single flight', () => {
  it('computes concurrent identical misses once, then serves the stored answer', async () => {
    const cache = new MemoryCache();
    const outcomes: CacheOutcome[] = [];
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((r) => setTimeout(r, 50));
      return { n: 42 };
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => cached(scopeOf(cache, outcomes), 'usage.overview', { range: '7d' }, 'overview', schema, compute)));
    expect(answers).toEqual(Array.from({ length: 10 }, () => ({ n: 42 })));
    expect(computed).toBe(1);
    expect(outcomes).toEqual(Array.from({ length: 10 }, () => 'MISS'));
    expect(await cached(scopeOf(cache, outcomes), 'usage.overview', { range: '7d' }, 'overview', schema, compute)).toEqual({ n: 42 });
    expect(outcomes.at(-1)).toBe('HIT');
    expect(computed).toBe(1);
  });

  it('shares a failure with the callers that joined it, and the next call computes again', async () => {
    const cache = new MemoryCache();
    let attempts = 0;
    const failing = async () => {
      attempts++;
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('database unavailable');
    };
    const results = await Promise.allSettled(Array.from({ length: 3 }, () => cached(scopeOf(cache, []), 'cost.byModel', { range: '24h' }, 'detail', schema, failing)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(attempts).toBe(1);
    expect(await cached(scopeOf(cache, []), 'cost.byModel', { range: '24h' }, 'detail', schema, async () => ({ n: 1 }))).toEqual({ n: 1 });
  });

  it('joins a miss at a newer version to a flight still waiting for its turn, and stores the answer at the version it was computed at', async () => {
    const cache = new MemoryCache();
    const gate = new KeyedSemaphore(1);
    const outcomes: CacheOutcome[] = [];
    let computed = 0;
    const compute = async () => ({ n: ++computed });
    let release!: () => void;
    const held = gate.run('key', () => new Promise<void>((resolve) => (release = resolve)));
    const first = cached(scopeOf(cache, outcomes, gate), 'usage.overview', { range: '7d' }, 'overview', schema, compute);
    await cache.bumpVersion('ws-1');
    const second = cached(scopeOf(cache, outcomes, gate), 'usage.overview', { range: '7d' }, 'overview', schema, compute);
    await new Promise((r) => setTimeout(r, 20));
    expect(computed).toBe(0);
    release();
    await held;
    expect(await Promise.all([first, second])).toEqual([{ n: 1 }, { n: 1 }]);
    expect(computed).toBe(1);
    expect(await cached(scopeOf(cache, outcomes, gate), 'usage.overview', { range: '7d' }, 'overview', schema, compute)).toEqual({ n: 1 });
    expect(outcomes).toEqual(['MISS', 'MISS', 'HIT']);
  });

});
