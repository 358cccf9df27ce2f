import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cached, type CacheOutcome } from './cached.js';
import { MemoryCache } from './memory-cache.js';

const schema = z.object({ n: z.number() });

function scopeOf(cache: MemoryCache, outcomes: CacheOutcome[]) {
  return { cache, logger: pino({ level: 'silent' }), workspaceId: 'ws-1', bypass: false, onOutcome: (o: CacheOutcome) => void outcomes.push(o) };
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
});
