import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitLease } from '../src/cache/await-lease.js';
import { RedisCache } from '../src/cache/redis-cache.js';

// The leases of single flight across replicas (src/cache/redis-leases.ts), on the real Redis of
// REDIS_URL: two caches stand for two replicas. The replicas themselves: replicas-flight.test.ts.

const redisUrl = process.env.REDIS_URL;
const LEASE_MS = 600;

describe.skipIf(!redisUrl)('answer leases in Redis', () => {
  const logger = pino({ level: 'silent' });
  let holder: RedisCache;
  let waiter: RedisCache;
  beforeAll(async () => {
    [holder, waiter] = [new RedisCache(redisUrl!, logger, LEASE_MS), new RedisCache(redisUrl!, logger, LEASE_MS)];
    await Promise.all([holder.ready(), waiter.ready()]);
  });
  afterAll(async () => {
    await Promise.all([holder.close(), waiter.close()]);
  });
  const freshKey = () => `pulse:q:leases-test:${randomUUID()}`;
  const tokenOf = async (cache: RedisCache, key: string) => {
    const claim = await cache.leases.claim(key);
    if (typeof claim !== 'object' || !('token' in claim)) throw new Error(`expected the lease, got ${JSON.stringify(claim)}`);
    return claim.token;
  };

  it('a waiter reads the answer its holder stores, and the lease is gone', async () => {
    const key = freshKey();
    const token = await tokenOf(holder, key);
    expect(await waiter.leases.claim(key)).toBe('held');
    const waiting = awaitLease(waiter.leases, key);
    await new Promise((r) => setTimeout(r, 50));
    await holder.leases.fulfil(key, token, '{"n":1}', 60);
    expect(await waiting).toEqual({ answer: '{"n":1}' });
    expect(await holder.redisCommand!('EXISTS', `pulse:lease:${key}`)).toBe(0);
  });

  it('a waiter takes over the lease its holder releases after a failure, long before the bound', async () => {
    const key = freshKey();
    const token = await tokenOf(holder, key);
    const started = Date.now();
    const waiting = awaitLease(waiter.leases, key);
    await new Promise((r) => setTimeout(r, 30));
    await holder.leases.release(key, token);
    const next = await waiting;
    expect(next).toMatchObject({ compute: true, token: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(LEASE_MS / 2);
  });

  it('a holder that dies leaves its lease to expire: the waiter takes it within one lease length', async () => {
    const key = freshKey();
    await tokenOf(holder, key);
    const started = Date.now();
    const next = await awaitLease(waiter.leases, key);
    expect(next).toMatchObject({ compute: true, token: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(LEASE_MS + 300);
  });

  it('a lease held past the bound (by a fake holder) stops the wait: the waiter computes without one', async () => {
    const key = freshKey();
    await holder.redisCommand!('SET', `pulse:lease:${key}`, 'fake-holder', 'PX', '60000');
    const started = Date.now();
    expect(await awaitLease(waiter.leases, key)).toEqual({ compute: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS - 5);
    expect(Date.now() - started).toBeLessThan(LEASE_MS + 300);
    await holder.redisCommand!('DEL', `pulse:lease:${key}`);
  });

  it('only its holder releases a lease: a late holder stores its answer but leaves the next lease alone', async () => {
    const key = freshKey();
    const late = await tokenOf(holder, key);
    await new Promise((r) => setTimeout(r, LEASE_MS + 50));
    const current = await tokenOf(waiter, key);
    await holder.leases.release(key, late);
    expect(await holder.redisCommand!('GET', `pulse:lease:${key}`)).toBe(current);
    await holder.leases.fulfil(key, late, '{"n":2}', 60);
    expect(await holder.redisCommand!('GET', `pulse:lease:${key}`)).toBe(current);
    expect(await waiter.leases.claim(key)).toEqual({ answer: '{"n":2}' });
    await waiter.leases.fulfil(key, current, '{"n":2}', 60);
    expect(await holder.redisCommand!('EXISTS', `pulse:lease:${key}`)).toBe(0);
    await holder.delete(key);
  });
});
