import { describe, expect, it } from 'vitest';
import { KeyCache, TRUSTED_DEAF_MS, TRUSTED_MS } from './key-cache.js';

const owner = (workspaceId: string) => ({ keyId: `key-of-${workspaceId}`, workspaceId, scopes: ['read' as const] });

function cacheAt(start = 1_000_000) {
  const clock = { now: start, hears: true };
  const cache = new KeyCache(
    () => clock.hears,
    () => clock.now,
  );
  return { cache, clock };
}

describe('KeyCache', () => {
  it('trusts a key for TRUSTED_MS while changes are heard, and for TRUSTED_DEAF_MS once they may not be', () => {
    const { cache, clock } = cacheAt();
    cache.set('h1', owner('w1'), cache.generation);
    clock.now += TRUSTED_MS - 1;
    expect(cache.get('h1')?.owner).toEqual(owner('w1'));
    clock.now += 1;
    expect(cache.get('h1')).toBeUndefined();

    cache.set('h2', owner('w1'), cache.generation);
    clock.now += TRUSTED_DEAF_MS;
    expect(cache.get('h2')).toBeDefined();
    // Redis went away: an entry older than the revocation delay is no longer trusted.
    clock.hears = false;
    expect(cache.get('h2')).toBeUndefined();
  });

  it("forgets one workspace's keys, or all of them", () => {
    const { cache } = cacheAt();
    cache.set('a', owner('w1'), cache.generation);
    cache.set('b', owner('w2'), cache.generation);
    cache.forget('w1');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
    cache.forget(undefined);
    expect(cache.get('b')).toBeUndefined();
  });

  it('refuses to store what a lookup read before a change', () => {
    const { cache } = cacheAt();
    const generation = cache.generation;
    // The key is revoked (and announced) while its lookup is on its way back from the database.
    cache.forget('w1');
    cache.set('h', owner('w1'), generation);
    expect(cache.get('h')).toBeUndefined();
    cache.set('h', owner('w1'), cache.generation);
    expect(cache.get('h')).toBeDefined();
  });
});
